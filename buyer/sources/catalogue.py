"""The guideline catalogue: every guideline and add-on file of a source, parsed on first use.

A source is either a folder in upstream's layout (``guidelines/*.json``,
``add-ons/guidelines/*.json``; a path or ``file://`` URL: air-gapped buyers keep a copy), or the
interop repository's Gitea API at a pinned commit (listings at ``{base}/contents/<dir>?ref=``,
files at ``{base}/raw/<path>?ref=``), read through the cache.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from buyer._hashing import sha256_hex
from buyer.config import settings, source_url
from buyer.errors import ConfigError, InputError
from buyer.formats._json import Reader, load_json
from buyer.formats.guideline_json import parse_guideline
from buyer.model.guideline import Guideline
from buyer.model.scorecard import GuidelineUse
from buyer.sources.fetch import JSON_TYPES, TEXT_OR_JSON, Fetcher
from buyer.sources.files import read_input, shown

FOLDERS = ("guidelines", "add-ons/guidelines")
# Upstream keeps only files named like these; anything else in the folders is not a guideline.
_CORE_NAME = re.compile(r"^(\d{4}\.\d{2}|next)\.json$")
_ADD_ON_NAME = re.compile(r"^[a-z_]+\.(\d{4}\.\d{2}|next)\.json$")
_PATTERNS = {"guidelines": _CORE_NAME, "add-ons/guidelines": _ADD_ON_NAME}


@dataclass(frozen=True)
class Loaded:
    data: bytes
    retrieved_at: datetime | None = None  # None for local files
    checked_at: datetime | None = None
    from_cache: bool = False
    stale_reason: str = ""


@dataclass(frozen=True)
class GuidelineFile:
    id: str
    location: str  # a path or a URL: where it is read
    read: Callable[[], Loaded]
    shown: str = ""  # how reports name it: its path inside the data source, or its URL


class Catalogue(Mapping[str, Guideline]):
    """Guideline id (file name without ``.json``) -> Guideline, parsed lazily and kept."""

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        label: str | None = None,
        files: dict[str, GuidelineFile] | None = None,
        commit: str = "",
    ) -> None:
        self.commit = commit
        self.files: dict[str, GuidelineFile] = dict(files or {})
        if root is not None:
            base = Path(root)
            self.files.update(_local_files(base))
            label = label or str(base)
        self.label = label or "guidelines"
        self._parsed: dict[str, Guideline] = {}
        self._loaded: dict[str, Loaded] = {}
        if not self.files:
            raise ConfigError(
                f"no guidelines in {self.label}: expected guidelines/*.json and add-ons/guidelines/*.json"
            )

    def __getitem__(self, gid: str) -> Guideline:
        if gid not in self._parsed:
            file = self.files[gid]  # KeyError for unknown ids, as a Mapping should
            loaded = file.read()
            self._loaded[gid] = loaded
            self._parsed[gid] = parse_guideline(loaded.data, file.location, file_id=gid)
        return self._parsed[gid]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.files))

    def __len__(self) -> int:
        return len(self.files)

    def loaded(self, gid: str) -> Loaded:
        self[gid]
        return self._loaded[gid]

    def use(self, gid: str) -> GuidelineUse:
        """What a report records about a guideline it used: where from, when, its hash."""
        guideline = self[gid]
        loaded = self._loaded[gid]
        return GuidelineUse(
            id=gid,
            status=guideline.status,
            schema=guideline.schema,
            source=self.files[gid].shown or self.files[gid].location,
            sha256=sha256_hex(loaded.data),
            commit=self.commit,
            retrieved_at=loaded.checked_at,
        )


class LazyCatalogue(Mapping[str, Guideline]):
    """A catalogue opened on first use: work that needs no guideline (an SCS-only profile)
    never reads the guideline source."""

    def __init__(self, opener: Callable[[], Catalogue]) -> None:
        self._opener = opener
        self._catalogue: Catalogue | None = None

    @property
    def opened(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = self._opener()
        return self._catalogue

    def __getitem__(self, gid: str) -> Guideline:
        return self.opened[gid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.opened)

    def __len__(self) -> int:
        return len(self.opened)

    def __getattr__(self, name: str) -> object:  # label, commit, use(), loaded(), files
        return getattr(self.opened, name)


def _local_files(root: Path) -> dict[str, GuidelineFile]:
    files = {}
    for folder, pattern in _PATTERNS.items():
        directory = root / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if pattern.match(path.name) and path.is_file():
                gid = path.name.removesuffix(".json")
                files[gid] = GuidelineFile(gid, str(path), _reader(path), f"{folder}/{path.name}")
    return files


def _reader(path: Path) -> Callable[[], Loaded]:
    return lambda: Loaded(read_input(path))


class GiteaInterop:
    """The interop repository through Gitea's contents and raw APIs at one commit."""

    SOURCE = "interop guidelines"

    def __init__(self, base: str, ref: str, fetcher: Fetcher) -> None:
        self.base = base.rstrip("/")
        self.ref = ref
        self.fetcher = fetcher

    def listing_url(self, folder: str) -> str:
        return f"{self.base}/contents/{folder}?ref={quote(self.ref)}"

    def raw_url(self, path: str) -> str:
        return f"{self.base}/raw/{quote(path)}?ref={quote(self.ref)}"

    def files(self, refresh: bool = False) -> dict[str, GuidelineFile]:
        files = {}
        for folder, pattern in _PATTERNS.items():
            doc = self.fetcher.get(self.listing_url(folder), self.SOURCE, JSON_TYPES, refresh=refresh)
            listing = Reader(doc.url).expect(load_json(doc.body, doc.url), list, "")
            for i, item in enumerate(listing):
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    raise InputError(doc.url, "expected {name, path, type}", field=f"[{i}]")
                if item.get("type", "file") == "file" and pattern.match(item["name"]):
                    gid = item["name"].removesuffix(".json")
                    path = str(item.get("path") or f"{folder}/{item['name']}")
                    url = self.raw_url(path)
                    files[gid] = GuidelineFile(gid, url, self._reader(url, refresh))
        return files

    def _reader(self, url: str, refresh: bool) -> Callable[[], Loaded]:
        def read() -> Loaded:
            doc = self.fetcher.get(url, self.SOURCE, TEXT_OR_JSON, refresh=refresh)
            return Loaded(doc.body, doc.retrieved_at, doc.checked_at, doc.from_cache, doc.stale_reason)

        return read


def open_catalogue(
    source: str | None = None,
    fetcher: Fetcher | None = None,
    ref: str | None = None,
    refresh: bool = False,
) -> Catalogue:
    """The catalogue at ``source`` (else $BUYER_INTEROP_URL, else upstream at the pinned commit)."""
    config = settings()
    source = source_url("--source", source, local=True) if source else config.interop_url
    parsed = urlparse(source)
    if parsed.scheme in ("http", "https"):
        if fetcher is None:
            raise ConfigError(f"guideline source {source} needs the network layer")
        gitea = GiteaInterop(source, ref or config.interop_ref, fetcher)
        return Catalogue(files=gitea.files(refresh), label=f"{source} @ {gitea.ref[:12]}", commit=gitea.ref)
    if parsed.scheme == "file":
        root = Path(unquote(parsed.path))
    elif parsed.scheme == "" or len(parsed.scheme) == 1:  # a plain path (or a drive letter)
        root = Path(source).expanduser()
    else:
        raise ConfigError(f"guideline source {source}: use a folder, a file:// URL or an http(s) URL")
    if not root.is_dir():
        raise ConfigError(f"guideline source {source} is not a folder")
    return Catalogue(root, label=shown(source))
