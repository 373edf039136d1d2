"""The clouds.yaml and secure.yaml openstacksdk will read, read by buyer first.

The SDK skips a file it cannot parse (with a log line nobody sees, and then "Cloud x was not
found"), stops with a Python error on a cloud or ``auth`` that is not a mapping, and waits for
ever on a FIFO. buyer finds the same file the SDK would (``OS_CLIENT_CONFIG_FILE`` first, then
the working folder, ~/.config/openstack, /etc/openstack), reads it within its bounds and says
what is wrong at its line or field. The SDK still reads it afterwards: buyer only refuses.
"""

from __future__ import annotations

import os
from typing import Any

from buyer.errors import InputError
from buyer.formats._json import key_text, load_json
from buyer.formats.scs_scope import load_yaml_documents
from buyer.sources.files import Kind, read_file


def config_paths(config_files: list[str] | None = None) -> list[str]:
    """The clouds file and the secure file openstacksdk would read (each the first that exists)."""
    from openstack.config import loader

    found = []
    for variable, default in (
        ("OS_CLIENT_CONFIG_FILE", loader.CONFIG_FILES if config_files is None else config_files),
        ("OS_CLIENT_SECURE_FILE", loader.SECURE_FILES),
    ):
        override = os.environ.get(variable)
        for path in [override] if override else []:
            if os.path.exists(path):
                found.append(path)
                break
        else:
            found += [p for p in default if os.path.exists(p) and os.access(p, os.R_OK)][:1]
    return found


def check_config_files(config_files: list[str] | None = None) -> None:
    """An InputError naming the file and the line or field when a file the SDK would read is not
    one it can use: unreadable (a folder, a FIFO, too large), not YAML or JSON, or shaped otherwise
    than ``clouds: {name: {auth: {...}, ...}}``."""
    for path in config_paths(config_files):
        data = read_file(path, Kind.DOCUMENT, label=path).data
        if path.endswith(".json"):
            doc = load_json(data, path)
        else:
            docs = load_yaml_documents(data, path)
            if len(docs) > 1:
                raise InputError(path, "holds several YAML documents; a clouds file is one mapping")
            doc = docs[0] if docs else None
        if doc is not None:
            _check_shape(doc, path)


def _check_shape(doc: Any, path: str) -> None:
    if not isinstance(doc, dict):
        raise InputError(path, f"should be a mapping with a 'clouds' key, not {_kind(doc)}")
    clouds = doc.get("clouds")
    if clouds is None:
        return
    if not isinstance(clouds, dict):
        raise InputError(path, f"should be a mapping of cloud names to settings, not {_kind(clouds)}", field="clouds")
    for name, cloud in clouds.items():
        where = f"clouds.{key_text(name)}"
        if not isinstance(cloud, dict):
            raise InputError(path, f"should be a mapping of settings, not {_kind(cloud)}", field=where)
        auth = cloud.get("auth")
        if auth is not None and not isinstance(auth, dict):
            raise InputError(
                path, f"should be a mapping (auth_url, username…), not {_kind(auth)}", field=f"{where}.auth"
            )
        for key, value in (auth or {}).items():
            if isinstance(value, dict | list) or (key == "auth_url" and not isinstance(value, str)):
                raise InputError(path, f"should be text, not {_kind(value)}", field=f"{where}.auth.{key_text(key)}")
        for key in ("region_name", "auth_type", "profile"):
            if key in cloud and not isinstance(cloud[key], str):
                raise InputError(path, f"should be text, not {_kind(cloud[key])}", field=f"{where}.{key}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "empty" if value is None else "a date"
