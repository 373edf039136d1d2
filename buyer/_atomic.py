"""Atomic file writes: a reader sees the old file or the new one, never half of either.

A leaf module (imports nothing of buyer), so every edge layer can use it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write(
    path: str | os.PathLike[str], data: bytes | str, mode: int | None = None, durable: bool = True
) -> Path:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over.

    ``durable=False`` skips the fsync: for caches, whose entries are verified by hash on read."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
