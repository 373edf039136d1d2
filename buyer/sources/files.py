"""The one reader for every local file a user names: evidence, profiles, scopes, the registry,
responses, test lists, settings.

Regular files only: a FIFO, a device or a socket is refused without a blocking read (it is
opened non-blocking and looked at first), and a file over its size cap is refused before it
is read. Every refusal is one ``InputError`` line naming the file.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from buyer.config import settings
from buyer.errors import InputError
from buyer.formats.text import decode_utf8
from buyer.model.evidence import Evidence, EvidenceKind


class Kind(Enum):
    """What a file is read as; evidence may be larger than the documents people write."""

    EVIDENCE = "evidence"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Read:
    data: bytes
    modified: dt.datetime  # the file's modification time (UTC)


def read_file(
    path: str | os.PathLike[str], kind: Kind = Kind.DOCUMENT, label: str | None = None, limit: int | None = None
) -> Read:
    """The bytes of a regular file and its modification time, or an InputError that says why not.
    ``limit``: the size cap when the caller already knows it (reading many files)."""
    name = label or os.fspath(path)
    if limit is None:
        limit = size_limit(kind)
    fd, info = _open_regular(path, kind, name, limit)
    try:
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while we read it
                raise InputError(name, f"is over {limit} bytes; {_cap(kind, limit)}")
    except OSError as exc:
        raise InputError(name, f"cannot read: {_why(exc)}") from None
    finally:
        os.close(fd)
    return Read(b"".join(chunks), dt.datetime.fromtimestamp(info.st_mtime, tz=dt.UTC))


def check_readable(path: str | os.PathLike[str], kind: Kind = Kind.DOCUMENT, label: str | None = None) -> None:
    """What ``read_file`` would refuse before reading a byte (missing, a folder, not a regular
    file, unreadable, over its cap), without reading it: an InputError that says why."""
    name = label or os.fspath(path)
    fd, _ = _open_regular(path, kind, name, size_limit(kind))
    os.close(fd)


def _open_regular(path: str | os.PathLike[str], kind: Kind, name: str, limit: int) -> tuple[int, os.stat_result]:
    """An open descriptor of a regular file within ``limit``, opened without blocking (a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {_why(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(name, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(name, "is not a regular file (a FIFO, a device or a socket); give a file")
        if info.st_size > limit:
            raise InputError(name, f"is {info.st_size} bytes; {_cap(kind, limit)}")
    except OSError as exc:
        os.close(fd)
        raise InputError(name, f"cannot read: {_why(exc)}") from None
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def size_limit(kind: Kind) -> int:
    return settings().max_evidence_bytes if kind is Kind.EVIDENCE else settings().max_document_bytes


def read_input(path: str | os.PathLike[str], kind: Kind = Kind.DOCUMENT, label: str | None = None) -> bytes:
    return read_file(path, kind, label).data


def read_text(path: str | os.PathLike[str], label: str | None = None) -> str:
    """A UTF-8 text document (a BOM is allowed)."""
    name = label or os.fspath(path)
    return decode_utf8(read_input(path, Kind.DOCUMENT, name), name)


def shown(name: str, base: Path | None = None) -> str:
    """How a file a user named appears in reports: as they wrote it when relative; an absolute
    path relative to ``base`` (a profile's folder) or the working folder when inside them, else
    by its file name alone. No folder of the machine that renders a report reaches it."""
    if not os.path.isabs(name):  # the usual case, asked once per evidence file: no Path made
        return name
    path = Path(name)
    for root in (base, Path.cwd()):
        if root is None:
            continue
        try:
            return str(path.relative_to(root.resolve() if root.is_absolute() else root.absolute()))
        except ValueError:
            continue
    return path.name


def _cap(kind: Kind, limit: int) -> str:
    setting = "BUYER_MAX_EVIDENCE_MIB" if kind is Kind.EVIDENCE else "BUYER_MAX_DOCUMENT_MIB"
    return f"{kind.value} files over {limit // (1024 * 1024)} MiB are refused ({setting} raises the cap)"


def _why(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def load_evidence_file(
    path: str | Path,
    kind: EvidenceKind = EvidenceKind.SELF_REPORTED,
    declared_date: dt.date | None = None,
    label: str | None = None,
    limit: int | None = None,
) -> Evidence:
    """Parse an evidence file. Its date comes from its content, else ``declared_date``,
    else the file's modification time (and the scorecard says which)."""
    from buyer.formats.evidence import parse_evidence  # on first use: reading a profile needs no parser

    name = label or str(path)
    read = read_file(path, Kind.EVIDENCE, name, limit)
    if declared_date is not None:
        when = dt.datetime.combine(declared_date, dt.time(), tzinfo=dt.UTC)
        return parse_evidence(read.data, name, kind, when, "declared in the profile")
    return parse_evidence(read.data, name, kind, read.modified, "file modification time")
