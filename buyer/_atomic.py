"""Writing files: a reader sees the old file or the new one, never half of either, and nothing the
user pointed at is destroyed.

A leaf module (imports only the error family), so every edge layer can use it.

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
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

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


def write_output(path: str | os.PathLike[str], data: bytes | str, *, make_parents: bool = True) -> str:
    """Write a file the user named; returns where it went (the path, or ``-``)."""
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

    An existing folder is replaced only with ``replace``, and only when it is empty or holds
    ``marker`` (a file buyer writes into every such folder): never a folder of the user's."""
    label = os.fspath(path)
    target = Path(os.path.realpath(label))
    if target.exists():
        if not target.is_dir():
            raise OutputError(label, "exists and is not a folder")
        if not replace:
            raise OutputError(label, "already exists (replace it with --force)")
        if any(target.iterdir()) and not (marker and (target / marker).is_file()):
            raise OutputError(label, f"is a folder buyer did not write (it has no {marker}); name a new folder")
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
        shutil.rmtree(old, ignore_errors=True)
    return label
