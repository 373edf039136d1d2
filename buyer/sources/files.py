"""Evidence from local files: read, hash, and date them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from buyer.formats.evidence import parse_evidence
from buyer.model.errors import InputError
from buyer.model.evidence import Evidence, EvidenceKind

# Larger than any real subunit stream of a guideline run (a few MB), small enough to read whole.
MAX_EVIDENCE_BYTES = 256 * 1024 * 1024


def read_input(path: str | Path) -> bytes:
    """A local file a user named, or an InputError that says why not, in one line."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None


def load_evidence_file(
    path: str | Path,
    kind: EvidenceKind = EvidenceKind.SELF_REPORTED,
    declared_date: dt.date | None = None,
) -> Evidence:
    """Parse an evidence file. Its date comes from its content, else ``declared_date``,
    else the file's modification time (and the scorecard says which)."""
    file = Path(path)
    label = str(path)
    try:
        stat = file.stat()
    except OSError:
        read_input(file)  # says why the file cannot be read, in one line
        raise
    if stat.st_size > MAX_EVIDENCE_BYTES:
        raise InputError(label, f"is {stat.st_size} bytes; evidence files over {MAX_EVIDENCE_BYTES} bytes are refused")
    data = read_input(file)
    mtime = dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC)
    if declared_date is not None:
        when = dt.datetime.combine(declared_date, dt.time(), tzinfo=dt.UTC)
        return parse_evidence(data, label, kind, when, "declared in the profile")
    return parse_evidence(data, label, kind, mtime, "file modification time")
