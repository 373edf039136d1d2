"""Every setting buyer reads from the environment, in one place, checked once.

``settings()`` answers the current ``BUYER_*`` environment as one frozen ``BuyerSettings``; a
value that cannot be used is a ``ConfigError`` naming the variable, never a traceback later on.
Places on disk (cache, config, data) are in ``buyer.locations``; this module only reads the
overrides. ``SETTINGS`` lists every variable with its default and meaning: the README's table
and ``buyer --help`` are built from the same knowledge.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from buyer._text import token
from buyer.errors import ConfigError

# The interop repository was retired in 2025; its files stay reachable at a pinned commit.
# This commit holds every core guideline (2015.03 … 2022.11) and add-on guideline, 2022.11 last.
DEFAULT_INTEROP_URL = "https://opendev.org/api/v1/repos/openinfra/interop"
DEFAULT_INTEROP_REF = "2a71585700b4141910dbd4139805e2c0e9c49a8e"
DEFAULT_REFSTACK_URL = "https://refstack.openstack.org/api"
DEFAULT_MARKETPLACE_URL = "https://openstackid-resources.openstack.org/api/public/v1/marketplace"
DEFAULT_SCS_MONITOR_URL = "https://compliance.sovereignit.cloud"

MIB = 1024 * 1024


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("BUYER_INTEROP_URL", DEFAULT_INTEROP_URL, "guideline source: Gitea API base, a folder or a file:// URL"),
    Setting("BUYER_INTEROP_REF", DEFAULT_INTEROP_REF, "the interop repository commit guidelines are read at"),
    Setting("BUYER_REFSTACK_URL", DEFAULT_REFSTACK_URL, "RefStack's API base, as refstack-client names it"),
    Setting("BUYER_MARKETPLACE_URL", DEFAULT_MARKETPLACE_URL, "the Marketplace's public listings"),
    Setting("BUYER_SCS_MONITOR_URL", DEFAULT_SCS_MONITOR_URL, "the SCS compliance monitor"),
    Setting("BUYER_OFFLINE", "", "1: use only the cache (as --offline)"),
    Setting("BUYER_CACHE_DIR", "platformdirs' user cache dir", "where fetched documents are kept"),
    Setting("BUYER_CONFIG_DIR", "platformdirs' user config dir", "where tui.toml is kept"),
    Setting("BUYER_REGISTRY_FILE", "registry.toml in platformdirs' user data dir", "the local registry"),
    Setting("BUYER_SOURCE_DEADLINE", "60", "seconds one source may take in one command, retries included"),
    Setting("BUYER_MAX_PAGES", "200", "pages read from one listing (RefStack results, Marketplace)"),
    Setting("BUYER_MAX_RESPONSE_MIB", "64", "MiB one HTTP answer may have"),
    Setting("BUYER_MAX_EVIDENCE_MIB", "256", "MiB one evidence file may have"),
    Setting("BUYER_MAX_DOCUMENT_MIB", "16", "MiB a profile, scope, registry, response or test list may have"),
    Setting("BUYER_TEMPEST", "tempest on PATH", "the tempest executable for live runs"),
    Setting("BUYER_PDF_FONT", "DejaVu Sans", "a TrueType file for the PDF's text"),
    Setting("BUYER_PDF_FONT_BOLD", "DejaVu Sans Bold", "its bold face"),
    Setting("BUYER_PDF_FONT_MONO", "DejaVu Sans Mono", "the monospaced face (hashes, test names)"),
    Setting("BUYER_PDF_FALLBACK_FONT", "Droid Sans Fallback", "a TrueType file for scripts the main font lacks"),
)


@dataclass(frozen=True)
class BuyerSettings:
    interop_url: str = DEFAULT_INTEROP_URL
    interop_ref: str = DEFAULT_INTEROP_REF
    refstack_url: str = DEFAULT_REFSTACK_URL
    marketplace_url: str = DEFAULT_MARKETPLACE_URL
    scs_monitor_url: str = DEFAULT_SCS_MONITOR_URL
    offline: bool = False
    cache_dir: Path | None = None
    config_dir: Path | None = None
    registry_file: Path | None = None
    source_deadline: float = 60.0
    max_pages: int = 200
    max_response_bytes: int = 64 * MIB
    max_evidence_bytes: int = 256 * MIB
    max_document_bytes: int = 16 * MIB
    tempest: str | None = None
    pdf_font: str | None = None
    pdf_font_bold: str | None = None
    pdf_font_mono: str | None = None
    pdf_fallback_font: str | None = None


def settings() -> BuyerSettings:
    """The settings the environment gives now (checked once per distinct environment)."""
    snapshot = tuple((s.env, os.environ.get(s.env)) for s in SETTINGS)
    cached = _cache.get(snapshot)
    if cached is None:
        cached = _read(dict(snapshot))
        _cache.clear()  # one environment at a time; tests change it between commands
        _cache[snapshot] = cached
    return cached


_cache: dict[tuple[tuple[str, str | None], ...], BuyerSettings] = {}


def _read(env: dict[str, str | None]) -> BuyerSettings:
    def text(name: str) -> str | None:
        value = env.get(name)
        return value if value else None

    def path(name: str) -> Path | None:
        value = text(name)
        return Path(value).expanduser() if value else None

    return BuyerSettings(
        interop_url=source_url("BUYER_INTEROP_URL", text("BUYER_INTEROP_URL") or DEFAULT_INTEROP_URL, local=True),
        interop_ref=text("BUYER_INTEROP_REF") or DEFAULT_INTEROP_REF,
        refstack_url=source_url("BUYER_REFSTACK_URL", text("BUYER_REFSTACK_URL") or DEFAULT_REFSTACK_URL),
        marketplace_url=source_url("BUYER_MARKETPLACE_URL", text("BUYER_MARKETPLACE_URL") or DEFAULT_MARKETPLACE_URL),
        scs_monitor_url=source_url("BUYER_SCS_MONITOR_URL", text("BUYER_SCS_MONITOR_URL") or DEFAULT_SCS_MONITOR_URL),
        offline=(text("BUYER_OFFLINE") or "").strip().lower() not in ("", "0", "false", "no"),
        cache_dir=path("BUYER_CACHE_DIR"),
        config_dir=path("BUYER_CONFIG_DIR"),
        registry_file=path("BUYER_REGISTRY_FILE"),
        source_deadline=_number("BUYER_SOURCE_DEADLINE", text("BUYER_SOURCE_DEADLINE"), 60, 1, 3600),
        max_pages=int(_number("BUYER_MAX_PAGES", text("BUYER_MAX_PAGES"), 200, 1, 100_000)),
        max_response_bytes=int(_number("BUYER_MAX_RESPONSE_MIB", text("BUYER_MAX_RESPONSE_MIB"), 64, 1, 4096) * MIB),
        max_evidence_bytes=int(_number("BUYER_MAX_EVIDENCE_MIB", text("BUYER_MAX_EVIDENCE_MIB"), 256, 1, 65536) * MIB),
        max_document_bytes=int(_number("BUYER_MAX_DOCUMENT_MIB", text("BUYER_MAX_DOCUMENT_MIB"), 16, 1, 4096) * MIB),
        tempest=text("BUYER_TEMPEST"),
        pdf_font=text("BUYER_PDF_FONT"),
        pdf_font_bold=text("BUYER_PDF_FONT_BOLD"),
        pdf_font_mono=text("BUYER_PDF_FONT_MONO"),
        pdf_fallback_font=text("BUYER_PDF_FALLBACK_FONT"),
    )


def _number(name: str, value: str | None, default: float, low: float, high: float) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}: not a number: {token(value)}") from None
    if not low <= number <= high:  # NaN fails this too
        raise ConfigError(f"{name}: {token(value)} is out of range ({low:g} to {high:g})")
    return number


def source_url(name: str, value: str, local: bool = False) -> str:
    """Check a source's URL once, where it is read: a malformed one names its setting or option.

    ``local`` sources may also be a folder or a ``file://`` URL."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise ConfigError(f"{name}: not a usable URL ({exc}): {token(value)}") from None
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise ConfigError(f"{name}: a URL without a host: {token(value)}")
        return value
    if local and (parts.scheme in ("", "file") or len(parts.scheme) == 1):
        return value
    wanted = "an http(s) URL, a folder or a file:// URL" if local else "an http(s) URL"
    raise ConfigError(f"{name}: expected {wanted}: {token(value)}")
