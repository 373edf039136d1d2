"""The document cache: every fetched document with its URL, times, validators and SHA-256.

Lives under platformdirs' user cache dir (``$BUYER_CACHE_DIR`` overrides). An entry whose body
does not match its recorded hash is corrupt: it is dropped and fetched again, never used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from buyer._atomic import atomic_write
from buyer.locations import cache_dir


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


class Cache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or cache_dir()) / "documents"
        self.dropped: list[str] = []  # URLs of corrupt entries found (and removed)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()
        folder = self.root / key[:2]
        return folder / f"{key}.body", folder / f"{key}.json"

    def load(self, url: str) -> tuple[CacheEntry, bytes] | None:
        body_path, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text())
            entry = CacheEntry(**meta)
            body = body_path.read_bytes()
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError):
            self._drop(url)
            return None
        if entry.url != url or hashlib.sha256(body).hexdigest() != entry.sha256:
            self._drop(url)
            return None
        return entry, body

    def store(self, entry: CacheEntry, body: bytes) -> None:
        body_path, meta_path = self._paths(entry.url)
        # Body first, then the record that vouches for it: a crash between the two leaves a
        # record that does not match its body, which load() treats as corrupt.
        atomic_write(body_path, body, durable=False)
        atomic_write(meta_path, json.dumps(asdict(entry), indent=1), durable=False)

    def touch(self, entry: CacheEntry, checked_at: str) -> CacheEntry:
        """Record that a server confirmed the cached body (HTTP 304)."""
        updated = replace(entry, checked_at=checked_at)
        atomic_write(self._paths(entry.url)[1], json.dumps(asdict(updated), indent=1), durable=False)
        return updated

    def _drop(self, url: str) -> None:
        self.dropped.append(url)
        for path in self._paths(url):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
