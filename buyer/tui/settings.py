"""The TUI's own settings (the theme), kept in platformdirs' user config dir."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs
import tomli_w

from buyer._atomic import atomic_write

CONFIG_ENV = "BUYER_CONFIG_DIR"


def config_file() -> Path:
    chosen = os.environ.get(CONFIG_ENV)
    root = Path(chosen).expanduser() if chosen else Path(platformdirs.user_config_dir("buyer"))
    return root / "tui.toml"


def load_theme() -> str | None:
    try:
        data = tomllib.loads(config_file().read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    theme = data.get("theme")
    return theme if isinstance(theme, str) else None


def save_theme(theme: str) -> None:
    atomic_write(config_file(), tomli_w.dumps({"theme": theme}))
