"""Where buyer keeps things on disk. The only module that asks platformdirs.

Each place honours its ``BUYER_*`` override (read by ``buyer.config``).
"""

from __future__ import annotations

from pathlib import Path

from buyer.config import settings
from buyer.errors import ConfigError

APP = "buyer"


def cache_dir() -> Path:
    """Fetched documents, tempest workspaces: may be deleted at any time."""
    chosen = settings().cache_dir
    if chosen is not None:
        return _folder("BUYER_CACHE_DIR", chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP))


def config_dir() -> Path:
    chosen = settings().config_dir
    if chosen is not None:
        return _folder("BUYER_CONFIG_DIR", chosen)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def registry_file() -> Path:
    return settings().registry_file or data_dir() / "registry.toml"


def tui_config_file() -> Path:
    return config_dir() / "tui.toml"


def tempest_workspace(cloud: str) -> Path:
    return cache_dir() / "tempest" / cloud


def _folder(name: str, path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name}: {path} is not a folder")
    return path
