"""The document cache: every fetched document with its URL, times, validators and SHA-256.

Lives under platformdirs' user cache dir (``$BUYER_CACHE_DIR`` overrides). What is on disk is
trusted no further than it can be checked: a record that is not what buyer writes (edited by
hand, cut short, a folder or a FIFO in its place) and a body that does not match its recorded
size and hash are a miss. They are dropped and fetched again, never used, never a crash. A cache
that cannot be written is one line naming it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path

from buyer._atomic import atomic_write
from buyer.config import settings
from buyer.errors import ConfigError
from buyer.locations import cache_dir

_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEADER_VALUE = re.compile(r"[\x20-\x7e]*")  # what may go back to a server as If-None-Match / If-Modified-Since
_RECORD_BYTES = 64 * 1024


@dataclass(frozen=True)
class CacheEntry:
    url: str
    retrieved_at: str  # ISO, UTC: when the body was downloaded
    checked_at: str  # ISO, UTC: when a server last confirmed it (a 200 or a 304)
    sha256: str
    size: int
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def checked(self) -> datetime:
        return datetime.fromisoformat(self.checked_at)

    @property
    def retrieved(self) -> datetime:
        return datetime.fromisoformat(self.retrieved_at)

    @classmethod
    def from_record(cls, record: object) -> CacheEntry | None:
        """The entry a record describes, or None when it is not one buyer wrote."""
        if not isinstance(record, dict) or set(record) - {f.name for f in fields(cls)}:
            return None
        try:
            entry = cls(**record)
        except TypeError:  # a key missing
            return None
        texts = (entry.url, entry.retrieved_at, entry.checked_at, entry.sha256, entry.content_type)
        if not all(isinstance(t, str) for t in (*texts, entry.etag, entry.last_modified)):
            return None
        if not isinstance(entry.size, int) or isinstance(entry.size, bool) or entry.size < 0:
            return None
        if not _SHA256.fullmatch(entry.sha256):
            return None
        if not (_HEADER_VALUE.fullmatch(entry.etag) and _HEADER_VALUE.fullmatch(entry.last_modified)):
            return None
        for stamp in (entry.retrieved_at, entry.checked_at):
            try:
                when = datetime.fromisoformat(stamp)
            except ValueError:
                return None
            if when.tzinfo is None:
                return None
        return entry


class Cache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or cache_dir()) / "documents"
        self.max_bytes = settings().max_response_bytes  # no body kept is larger than an answer may be
        self.dropped: list[str] = []  # URLs of corrupt entries found (and removed)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()
        folder = self.root / key[:2]
        return folder / f"{key}.body", folder / f"{key}.json"

    def load(self, url: str) -> tuple[CacheEntry, bytes] | None:
        body_path, meta_path = self._paths(url)
        try:
            record = _read(meta_path, _RECORD_BYTES)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):  # a folder, a FIFO, a file in the way: a miss (the write will say)
            self.drop(url)
            return None
        try:
            entry = CacheEntry.from_record(json.loads(record))
            if entry is None or entry.url != url:
                raise ValueError("not a record buyer writes")
            body = _read(body_path, min(entry.size, self.max_bytes), exact=True)
        except (OSError, ValueError, RecursionError):
            self.drop(url)
            return None
        if hashlib.sha256(body).hexdigest() != entry.sha256:
            self.drop(url)
            return None
        return entry, body

    def store(self, entry: CacheEntry, body: bytes) -> None:
        body_path, meta_path = self._paths(entry.url)
        # Body first, then the record that vouches for it: a crash between the two leaves a
        # record that does not match its body, which load() treats as corrupt.
        self._write(body_path, body)
        self._write(meta_path, json.dumps(asdict(entry), indent=1))

    def touch(self, entry: CacheEntry, checked_at: str) -> CacheEntry:
        """Record that a server confirmed the cached body (HTTP 304)."""
        updated = replace(entry, checked_at=checked_at)
        self._write(self._paths(entry.url)[1], json.dumps(asdict(updated), indent=1))
        return updated

    def drop(self, url: str) -> None:
        """Forget an entry (corrupt, or a body its reader refuses)."""
        self.dropped.append(url)
        for path in self._paths(url):
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    continue  # a folder where a file belongs is left for the write to name
                path.unlink()

    def _write(self, path: Path, data: bytes | str) -> None:
        try:
            atomic_write(path, data, durable=False)
        except OSError as exc:
            why = (exc.strerror or type(exc).__name__).lower()
            raise ConfigError(
                f"the cache {self.root.parent} cannot be written ({why}); BUYER_CACHE_DIR names another folder"
            ) from None


def _read(path: Path, limit: int, exact: bool = False) -> bytes:
    """A cache file, read only if it is a regular file of at most ``limit`` bytes (exactly ``limit``
    when ``exact``): a FIFO, a folder, a sparse or swapped file put in its place is never read.
    Buyer's own files, so not ``files.read_file``: this runs for every cached document."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit or (exact and info.st_size != limit):
            raise ValueError("not a file buyer wrote")
        chunks, size = [], 0
        while size <= limit:  # a large body may come in more than one read
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit or (exact and len(data) != limit):
        raise ValueError("not a file buyer wrote")
    return data
