"""The TUI's own settings, kept in `tui.toml` under platformdirs' user config dir:

    theme = "nord"

    [keymap]            # binding id = keys (comma-separated for more than one)
    "go.scorecard" = "f4,ctrl+4"
    "requirements.save" = "ctrl+w"

A broken file is reported, never rewritten: the app starts with its defaults.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from buyer._atomic import atomic_write
from buyer.errors import ConfigError
from buyer.locations import tui_config_file


@dataclass
class Settings:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line each, for notifications


def config_file() -> Path:
    return tui_config_file()


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:  # its message carries line and column
        raise ConfigError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def load_settings(known_bindings: set[str]) -> Settings:
    path = config_file()
    try:
        data = _read(path)
    except ConfigError as exc:
        return Settings(problems=[f"{exc}; using the defaults"])
    settings = Settings()
    theme = data.get("theme")
    if isinstance(theme, str):
        settings.theme = theme
    elif theme is not None:
        settings.problems.append(f"{path}: theme: a theme's name in quotes")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        settings.problems.append(f"{path}: keymap: a table of binding id = keys")
        return settings
    for binding_id, keys in keymap.items():
        if binding_id not in known_bindings:
            settings.problems.append(f"{path}: keymap.{binding_id}: no such binding (see the README's list)")
        elif not isinstance(keys, str) or not keys.strip():
            settings.problems.append(f'{path}: keymap.{binding_id}: keys as text, such as "f4" or "ctrl+4,f4"')
        else:
            settings.keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return settings


def save_theme(theme: str) -> None:
    """Remember the theme, keeping whatever else the file holds; a broken file is left alone."""
    path = config_file()
    data = _read(path)
    data["theme"] = theme
    atomic_write(path, tomli_w.dumps(data))
