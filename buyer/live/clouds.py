"""Which cloud, with which secret: openstacksdk's config loader (clouds.yaml, secure.yaml, OS_*
variables, ``--os-cloud``) and a keystoneauth1 session, the secret from the keyring when
clouds.yaml does not hold one."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Any

from buyer._text import printable
from buyer.formats._json import key_text
from buyer.live.config_files import check_config_files
from buyer.live.credentials import read_secret
from buyer.live.errors import LiveError, scrub

# Auth fields that hold secrets, and the auth types that cannot work without one.
SECRET_FIELDS = ("password", "application_credential_secret", "token")
NEEDS_SECRET = {"password", "v2password", "v3password", "application_credential", "v3applicationcredential"}


@dataclass
class CloudAccess:
    name: str
    region: Any  # openstack.config.cloud_region.CloudRegion
    session: Any  # keystoneauth1.session.Session
    secrets: tuple[str, ...]  # to scrub from every message

    @property
    def auth_url(self) -> str:
        return str(self.region.config.get("auth", {}).get("auth_url", ""))

    @property
    def region_name(self) -> str:
        return str(self.region.region_name or "")

    def fail(self, what: str, exc: BaseException | str) -> LiveError:
        return LiveError(scrub(f"cloud {self.name}: {what}: {exc}", *self.secrets))


def _sdk_config() -> tuple[Any, Any]:
    """openstacksdk's config package and its exceptions, or the one line that says how to get them."""
    try:
        from openstack import config, exceptions
    except ImportError:
        raise LiveError("live checks need openstacksdk and keystoneauth1: pip install 'buyer[live]'") from None
    return config, exceptions


def open_cloud(name: str | None, config_files: list[str] | None = None) -> CloudAccess:
    """Load a cloud as every OpenStack tool does; no network yet."""
    os_config, os_exceptions = _sdk_config()
    check_config_files(config_files or None)  # what the SDK would skip or trip on, told at its line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loader = (
                os_config.OpenStackConfig(config_files=config_files) if config_files else os_config.OpenStackConfig()
            )
            probe = loader.get_one(cloud=name, validate=False)
    except os_exceptions.ConfigException as exc:
        if name and "was not found" in str(exc):
            raise LiveError(_not_found(name, loader)) from None
        raise LiveError(f"cloud {name or '(from OS_* variables)'}: {exc}") from None
    except (AttributeError, TypeError, ValueError, KeyError) as exc:  # a setting of a shape the checks above let by
        raise LiveError(
            f"cloud {name or '(from OS_* variables)'}: settings openstacksdk cannot read ({type(exc).__name__})"
        ) from None
    label = name or probe.name or "envvars"
    auth: dict[str, Any] = dict(probe.config.get("auth") or {})
    overrides: dict[str, Any] = {}
    if not any(auth.get(f) for f in SECRET_FIELDS):
        secret = read_secret(label)
        if secret:
            field = "application_credential_secret" if "application_credential_id" in auth else "password"
            overrides = {"auth": {field: secret}}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            region = loader.get_one(cloud=name, **overrides)
    except os_exceptions.ConfigException as exc:
        raise LiveError(scrub(f"cloud {label}: {exc}", *_secrets(auth, overrides))) from None
    except Exception as exc:  # keystoneauth raises plugin errors of several kinds here
        hint = (
            ""
            if overrides or any(auth.get(f) for f in SECRET_FIELDS)
            else (f"; no secret in clouds.yaml or the keyring (run `buyer credentials set {label}`)")
        )
        raise LiveError(
            scrub(f"cloud {label}: incomplete credentials: {exc}{hint}", *_secrets(auth, overrides))
        ) from None
    final = region.config.get("auth") or {}
    auth_type = str(region.config.get("auth_type") or "password")
    if auth_type in NEEDS_SECRET and not any(final.get(f) for f in SECRET_FIELDS):
        raise LiveError(
            f"cloud {label}: incomplete credentials: no secret in clouds.yaml, secure.yaml or the keyring "
            f"(run `buyer credentials set {label}`)"
        )
    secrets = _secrets(final, overrides)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the SDK warns about optional metrics libraries here
        session = region.get_session()
    return CloudAccess(label, region, session, secrets)


def _not_found(name: str, loader: Any) -> str:
    """Where the cloud was looked for, and what is there instead."""
    file = loader.config_filename
    if file is None:
        named = os.environ.get("OS_CLIENT_CONFIG_FILE")
        first = f"{printable(named)} (OS_CLIENT_CONFIG_FILE), " if named else ""
        places = f"{first}the working folder, ~/.config/openstack, /etc/openstack"
        return f"cloud {key_text(name)}: no clouds.yaml found (looked in {places})"
    names = sorted(str(n) for n in loader.get_cloud_names() if n not in (loader.envvar_key, "defaults"))
    there = (
        f"clouds there: {', '.join(key_text(n) for n in names[:8])}{' …' if len(names) > 8 else ''}"
        if names
        else "it defines none"
    )
    return f"cloud {key_text(name)}: not in {file} ({there})"


def _secrets(*auths: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for auth in auths:
        inner = auth.get("auth", auth)
        out += [str(inner[f]) for f in SECRET_FIELDS if isinstance(inner, dict) and inner.get(f)]
    return tuple(out)


def cloud_names() -> tuple[list[str], str | None]:
    """The clouds clouds.yaml defines and the file that defines them, found as every OpenStack
    tool finds it (``OS_CLIENT_CONFIG_FILE``, the working folder, ~/.config/openstack, /etc);
    ``([], None)`` when there is none. OS_* variables and openstacksdk's fallback cloud
    ("defaults") are not offered: a buyer picks a cloud they wrote down."""
    os_config, os_exceptions = _sdk_config()
    import yaml  # openstacksdk's own dependency: there once _sdk_config() is

    check_config_files()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loader = os_config.OpenStackConfig()
    except os_exceptions.ConfigException as exc:
        raise LiveError(f"clouds.yaml could not be read: {scrub(str(exc))}") from None
    except yaml.YAMLError as exc:  # its message quotes the file: only the position is told
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise LiveError(f"clouds.yaml is not valid YAML{where}") from None
    if loader.config_filename is None:
        return [], None
    names = sorted(n for n in loader.get_cloud_names() if n != loader.envvar_key)  # not OS_* variables
    if names == ["defaults"] and loader.default_cloud == "defaults":  # the fallback, not a cloud of the file
        names = []
    return names, loader.config_filename
