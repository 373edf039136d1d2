"""The guideline catalogue: every guideline and add-on file of a source, parsed on first use.

A source is a folder in upstream's layout (``guidelines/*.json``, ``add-ons/guidelines/*.json``)
given as a path or a ``file://`` URL.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from buyer.formats.evidence import sha256_hex
from buyer.formats.guideline_json import parse_guideline
from buyer.model.errors import BuyerError, InputError
from buyer.model.guideline import Guideline
from buyer.model.scorecard import GuidelineUse

SOURCE_ENV = "BUYER_INTEROP_URL"
# Upstream keeps only files named like these; anything else in the folders is not a guideline.
_CORE_NAME = re.compile(r"^(\d{4}\.\d{2}|next)\.json$")
_ADD_ON_NAME = re.compile(r"^[a-z_]+\.(\d{4}\.\d{2}|next)\.json$")


class SourceError(BuyerError):
    """A guideline source that cannot be read at all."""


@dataclass(frozen=True)
class GuidelineFile:
    id: str
    path: Path


class Catalogue(Mapping[str, Guideline]):
    """Guideline id (file name without ``.json``) -> Guideline, parsed lazily and kept."""

    def __init__(self, root: str | os.PathLike[str], label: str | None = None) -> None:
        root = self.root = Path(root)
        self.label = label or str(root)
        self.files: dict[str, GuidelineFile] = {}
        self._parsed: dict[str, Guideline] = {}
        self._sha256: dict[str, str] = {}
        for folder, pattern in (
            ("guidelines", _CORE_NAME),
            (os.path.join("add-ons", "guidelines"), _ADD_ON_NAME),
        ):
            directory = root / folder
            if not directory.is_dir():
                continue
            for path in sorted(directory.iterdir()):
                if pattern.match(path.name) and path.is_file():
                    gid = path.name.removesuffix(".json")
                    self.files[gid] = GuidelineFile(gid, path)
        if not self.files:
            raise SourceError(
                f"no guidelines in {self.label}: expected guidelines/*.json and add-ons/guidelines/*.json"
            )

    def __getitem__(self, gid: str) -> Guideline:
        if gid not in self._parsed:
            file = self.files[gid]  # KeyError for unknown ids, as a Mapping should
            data = _read(file.path)
            self._sha256[gid] = sha256_hex(data)
            self._parsed[gid] = parse_guideline(data, str(file.path), file_id=gid)
        return self._parsed[gid]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.files))

    def __len__(self) -> int:
        return len(self.files)

    def use(self, gid: str) -> GuidelineUse:
        """What a report records about a guideline it used: where from, and its hash."""
        guideline = self[gid]
        return GuidelineUse(
            id=gid,
            status=guideline.status,
            schema=guideline.schema,
            source=str(self.files[gid].path),
            sha256=self._sha256[gid],
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None


def open_catalogue(source: str | None = None) -> Catalogue:
    """Open the catalogue at ``source``, else at $BUYER_INTEROP_URL."""
    source = source or os.environ.get(SOURCE_ENV, "")
    if not source:
        raise SourceError(f"no guideline source: pass --source DIR or set {SOURCE_ENV}")
    parsed = urlparse(source)
    if parsed.scheme == "file":
        root = Path(unquote(parsed.path))
    elif parsed.scheme in ("",) or len(parsed.scheme) == 1:  # a plain path (or a drive letter)
        root = Path(source).expanduser()
    else:
        raise SourceError(f"guideline source {source}: only local folders and file:// URLs are supported")
    if not root.is_dir():
        raise SourceError(f"guideline source {source} is not a folder")
    return Catalogue(root, label=source)
