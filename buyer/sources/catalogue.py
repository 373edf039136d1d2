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
from functools import partial
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from buyer._hashing import sha256_hex
from buyer.config import settings, source_url
from buyer.errors import ConfigError, InputError, SourceError
from buyer.formats._json import Reader, load_json
from buyer.formats.guideline_json import parse_guideline
from buyer.model.guideline import Guideline
from buyer.model.scorecard import GuidelineUse
from buyer.sources.fetch import TEXT_OR_JSON, Fetcher
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
    guideline: Guideline | None = None  # parsed already (a fetched file is read before it is cached)


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
        notes: list[str] | None = None,
    ) -> None:
        self.commit = commit
        self.notes = list(notes or [])  # what the source said while it was opened (a listing from the cache)
        self.files: dict[str, GuidelineFile] = dict(files or {})
        if root is not None:
            base = Path(root)
            self.files.update(_local_files(base))
            label = label or str(base)
        self.label = label or "guidelines"
        self._parsed: dict[str, Guideline] = {}
        self._loaded: dict[str, Loaded] = {}
        self.broken: dict[str, InputError | SourceError] = {}  # files found unreadable by survey()
        if not self.files:
            raise ConfigError(
                f"no guidelines in {self.label}: expected guidelines/*.json and add-ons/guidelines/*.json"
            )

    def __getitem__(self, gid: str) -> Guideline:
        if gid not in self._parsed:
            file = self.files[gid]  # KeyError for unknown ids, as a Mapping should
            loaded = file.read()
            guideline = loaded.guideline or parse_guideline(loaded.data, file.location, file_id=gid)
            self._loaded[gid] = loaded
            self._parsed[gid] = guideline
        return self._parsed[gid]

    def __iter__(self) -> Iterator[str]:
        """Every guideline id, less the files ``survey()`` found broken."""
        return iter(sorted(gid for gid in self.files if gid not in self.broken))

    def __len__(self) -> int:
        return len(self.files) - len(self.broken)

    def survey(self, progress: Callable[[int, int], None] | None = None) -> list[InputError | SourceError]:
        """Read every file; one that cannot be read is left out of the catalogue from then on (and
        returned, one problem each), so that one broken file does not hide the others."""
        found: list[InputError | SourceError] = []
        ids = list(self)
        for n, gid in enumerate(ids, start=1):
            try:
                self[gid]
            except (InputError, SourceError) as exc:
                self.broken[gid] = exc
                found.append(exc)
            if progress:
                progress(n, len(ids))
        return found

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
            # Whatever it is: a folder, a FIFO or a device by a guideline's name is refused when it
            # is read, by name, not left out (the guideline then looked unknown).
            if pattern.match(path.name):
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
        self.stale: list[str] = []  # listings the cache answered for, and why

    def listing_url(self, folder: str) -> str:
        return f"{self.base}/contents/{folder}?ref={quote(self.ref)}"

    def raw_url(self, path: str) -> str:
        return f"{self.base}/raw/{quote(path)}?ref={quote(self.ref)}"

    def files(self, refresh: bool = False) -> dict[str, GuidelineFile]:
        files = {}
        for folder, pattern in _PATTERNS.items():
            url = self.listing_url(folder)
            doc, listing = self.fetcher.read(url, self.SOURCE, partial(_listing, url=url), refresh=refresh)
            if doc.stale_reason:
                self.stale.append(f"{folder}/: {doc.stale_reason}; the cached listing is kept")
            for name, path, kind in listing:
                if kind == "file" and pattern.match(name):
                    gid = name.removesuffix(".json")
                    raw = self.raw_url(path or f"{folder}/{name}")
                    files[gid] = GuidelineFile(gid, raw, self._reader(raw, gid, refresh))
        return files

    def _reader(self, url: str, gid: str, refresh: bool) -> Callable[[], Loaded]:
        def read() -> Loaded:
            doc, guideline = self.fetcher.read(
                url, self.SOURCE, lambda body: parse_guideline(body, url, file_id=gid), TEXT_OR_JSON, refresh
            )
            return Loaded(doc.body, doc.retrieved_at, doc.checked_at, doc.from_cache, doc.stale_reason, guideline)

        return read


def _listing(body: bytes, *, url: str) -> list[tuple[str, str, str]]:
    """Gitea's contents listing: (name, path, type) of each entry."""
    reader = Reader(url)
    out = []
    for i, item in enumerate(reader.expect(load_json(body, url), list, "")):
        path = f"[{i}]"
        reader.expect(item, dict, path)
        name = reader.need(item, "name", str, path)
        out.append((name, reader.get(item, "path", str, path, ""), reader.get(item, "type", str, path, "file")))
    return out


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
        files = gitea.files(refresh)
        return Catalogue(files=files, label=f"{source} @ {gitea.ref[:12]}", commit=gitea.ref, notes=gitea.stale)
    if parsed.scheme == "file":
        root = Path(unquote(parsed.path))
    elif parsed.scheme == "" or len(parsed.scheme) == 1:  # a plain path (or a drive letter)
        root = Path(source).expanduser()
    else:
        raise ConfigError(f"guideline source {source}: use a folder, a file:// URL or an http(s) URL")
    if not root.is_dir():
        raise ConfigError(f"guideline source {source} is not a folder")
    return Catalogue(root, label=shown(source))
