"""Writing files: a reader sees the old file or the new one, never half of either, and nothing the
user pointed at is destroyed.

A leaf module (imports only the error family and the sanitiser), so every edge layer can use it.

- ``atomic_write`` is for buyer's own files (cache entries, workspaces): temp file, rename.
- ``write_output`` is for files a user names (``-o``, a profile, a package): ``-`` is standard
  output; a symlink stays a link (its target is replaced); a FIFO or a character device is
  written through, never replaced; a folder or a socket is refused; any failure is one
  ``OutputError`` line, with no temporary file left behind and an existing file untouched.
- ``write_folder`` is for a folder of files a user names (an RFP package): built beside it,
  renamed into place; an existing folder is replaced only when asked and only if buyer wrote it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from buyer._text import printable
from buyer.errors import OutputError

STDOUT = "-"


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


def write_output(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    make_parents: bool = True,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> str:
    """Write a file the user named; returns where it went (the path, or ``-``). ``inputs``: the
    files the output is made from; one of them (by any name or link) is never written over."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    label = os.fspath(path)
    if label == STDOUT:
        _to_stdout(payload)
        return STDOUT
    target = Path(os.path.realpath(label))  # a symlink stays a link: its target is what changes
    try:
        # Through the name as given: /dev/stdout leads to a pipe that realpath cannot name.
        info = os.stat(label)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(label, _why(exc)) from None
    if info is not None and stat.S_ISREG(info.st_mode):
        for source in inputs:
            try:
                same = os.path.samefile(label, source)
            except (OSError, ValueError):  # (a source gone, or not a path)
                continue
            if same:
                named = "" if os.path.abspath(label) == os.path.abspath(source) else f"{os.fspath(source)}, "
                raise OutputError(label, f"is {named}a file this is made from; name another file")
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(label, "is a folder; name a file")
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
            _through(label, Path(label), payload)
            return label
        raise OutputError(label, "is not a regular file, a FIFO or a device; name a file")
    parent = target.parent
    if not parent.is_dir():
        if parent.exists():
            raise OutputError(label, f"{parent} is not a folder")
        if not make_parents:
            raise OutputError(label, f"the folder {parent} does not exist")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(label, _why(exc)) from None
    try:
        atomic_write(target, payload)
    except OSError as exc:
        raise OutputError(label, _why(exc)) from None
    return label


def _to_stdout(payload: bytes) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    try:
        if stream is not None:
            sys.stdout.flush()
            stream.write(payload)
            stream.flush()
        else:  # a replaced text stream (tests, an embedding app)
            sys.stdout.write(payload.decode("utf-8", "replace"))
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(STDOUT, _why(exc)) from None


def _through(label: str, target: Path, payload: bytes) -> None:
    """A FIFO or a device is written to, never replaced. A FIFO nobody reads is an error,
    not an endless wait."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(label, "is a FIFO that nobody reads") from None
        raise OutputError(label, _why(exc)) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise OutputError(label, _why(exc)) from None
    finally:
        os.close(fd)


def _why(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_folder(
    path: str | os.PathLike[str], files: Mapping[str, bytes], *, replace: bool = False, marker: str = ""
) -> str:
    """Write a folder the user named (an RFP package) as one: every file is written to a temporary
    folder beside it, which is then renamed into place. A reader sees the old folder or the new
    one; a failure leaves no temporary folder and the old one untouched.

    An existing folder is replaced only with ``replace``, and only when it is empty or everything
    in it is what its ``marker`` (a ``sha256sum`` manifest buyer writes into every such folder)
    lists, unchanged: never a file of the user's, nor a file the user edited."""
    label = os.fspath(path)
    target = Path(os.path.realpath(label))
    listed: set[str] = set()
    if target.exists():
        if not target.is_dir():
            raise OutputError(label, "exists and is not a folder")
        if not replace:
            raise OutputError(label, "already exists (replace it with --force)")
        # Replaced by renaming: the working folder (or one above it) would be moved from under the
        # shell that runs buyer, which then sees an empty, deleted folder.
        here = Path.cwd().resolve()
        if here == target or target in here.parents:
            raise OutputError(label, "is the working folder or holds it; name a folder for the package")
        listed = _replaceable(label, target, marker)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise OutputError(label, _why(exc)) from None
    old: Path | None = None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for name, data in files.items():
            relative = Path(name)
            if relative.is_absolute() or ".." in relative.parts:
                raise ValueError(f"not a path inside the folder: {name}")
            file = tmp / relative
            file.parent.mkdir(parents=True, exist_ok=True)
            with open(file, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            try:
                os.rename(target, old)  # over the empty folder just made
            except OSError:
                old.rmdir()
                old = None
                raise
            try:
                os.rename(tmp, target)
            except OSError:
                os.rename(old, target)
                old = None
                raise
        else:
            os.rename(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(label, _why(exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        _remove_listed(old, listed)
    return label


# A manifest line as sha256sum writes it (text or binary mode); buyer's own names are plain.
_SUMS_LINE = re.compile(r"([0-9a-f]{64}) [ *]([^\n\\]+)")
_SUMS_LIMIT = 16 * 1024 * 1024  # a package of 100,000 files has a manifest of ~10 MiB
_SHOWN = 5  # names in an error line, then "and N more"


def _replaceable(label: str, target: Path, marker: str) -> set[str]:
    """The files of ``target`` its manifest lists, when that is all it holds and none changed;
    otherwise an ``OutputError`` naming what is in the way (the folder is left as it is).

    An edited file is refused too: its content is no longer what buyer wrote, so replacing it
    would lose the user's edit as surely as deleting a file of theirs."""
    try:
        with os.scandir(target) as found:
            if next(found, None) is None:
                return set()
    except OSError as exc:
        raise OutputError(label, f"cannot look inside it: {_why(exc)}") from None
    if not marker or not os.path.lexists(target / marker):
        raise OutputError(label, f"is a folder buyer did not write (it has no {marker}); name a new folder")
    sums = _read_manifest(label, target, marker)
    if sums is None:
        raise OutputError(label, f"is a folder buyer did not write (its {marker} is not one buyer wrote)")
    folders = {str(parent) for name in sums for parent in Path(name).parents if str(parent) != "."}
    foreign, changed = [], []
    for name, kind in _entries(label, target, folders):
        if name == marker and kind == "file":
            continue
        if kind == "folder" and name in folders:
            continue
        if kind != "file" or name not in sums:
            foreign.append(name + ("/" if kind == "folder" else ""))
        elif _file_sha256(target / name) != sums[name]:
            changed.append(name)
    if foreign:
        raise OutputError(
            label,
            f"holds {_names(foreign)}, which {marker} does not list; move {'it' if len(foreign) == 1 else 'them'}"
            " out or name a new folder",
        )
    if changed:
        raise OutputError(
            label,
            f"{_names(changed)} changed since buyer wrote {'it' if len(changed) == 1 else 'them'}"
            f" ({marker} does not match); keep a copy elsewhere or name a new folder",
        )
    return {*sums, marker}


def _entries(label: str, target: Path, folders: set[str]) -> list[tuple[str, str]]:
    """Every entry under ``target`` (not following links): its ``/`` path and file, folder or
    other. Only the ``folders`` a package has are entered: another is named as a whole."""
    out: list[tuple[str, str]] = []
    try:
        for root, dirs, files in os.walk(target, onerror=_raise):
            base = Path(root).relative_to(target)
            for name in sorted(dirs + files):
                mode = os.lstat(Path(root) / name).st_mode
                kind = "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"
                out.append(((base / name).as_posix(), kind))
            dirs[:] = [d for d in dirs if (base / d).as_posix() in folders]
    except OSError as exc:
        raise OutputError(label, f"cannot look inside it: {_why(exc)}") from None
    return out


def _raise(exc: OSError) -> None:
    raise exc


def _read_manifest(label: str, target: Path, marker: str) -> dict[str, str] | None:
    """``path -> sha256`` from the folder's manifest, or None when it is not one buyer wrote."""
    path = target / marker
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            data = handle.read(_SUMS_LIMIT + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(label, f"{marker}: {_why(exc)}") from None
    if len(data) > _SUMS_LIMIT:
        return None
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    sums: dict[str, str] = {}
    for line in lines:
        match = _SUMS_LINE.fullmatch(line)
        if match is None:
            return None
        name = match.group(2)
        if Path(name).is_absolute() or ".." in Path(name).parts:
            return None
        sums[Path(name).as_posix()] = match.group(1)
    return sums or None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _names(names: list[str]) -> str:
    shown = ", ".join(printable(n) for n in names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def _remove_listed(old: Path, listed: set[str]) -> None:
    """Remove the replaced folder file by file: only what its manifest listed (checked before),
    then the folders left empty. Anything that appeared since stays where it is."""
    for name in listed:
        with contextlib.suppress(OSError):
            (old / name).unlink()
    for root, _dirs, _files in sorted(os.walk(old), key=lambda walked: -len(walked[0])):
        with contextlib.suppress(OSError):
            os.rmdir(root)
