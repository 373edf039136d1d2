"""Standard output that fails in words: a command's stdout is the file it writes, so a write that
fails (a full disk) is the same one line as any other output not written, and a reader that went
away (``| head``) is told apart from a verdict.

Exit code 0 means every requirement passes; a scorecard cut short must never end with it.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator

from buyer._atomic import STDOUT
from buyer.errors import OutputError

# What a shell reports for a writer killed by SIGPIPE (128 + 13): the conventional "the reader
# went away", and none of buyer's verdicts.
EXIT_CLOSED = 141


class StdoutClosed(Exception):
    """The reader of standard output went away before everything was written."""


class _Guarded(io.RawIOBase):
    """File descriptor 1, its failures turned into ``StdoutClosed`` or an ``OutputError``."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            return os.write(self.fd, data)
        except BrokenPipeError:
            raise StdoutClosed from None
        except OSError as exc:
            raise OutputError(STDOUT, (exc.strerror or type(exc).__name__).lower()) from None


class _Closed(io.RawIOBase):
    """Standard output closed before buyer started (``>&-``): Python gives None, and a write to it
    was a traceback and exit 1 (a verdict). Each write is the one line that says why instead."""

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        raise OutputError("standard output", "is closed; send it to a file (> FILE) or give -o FILE")


def closed_stdout() -> io.TextIOWrapper:
    """A stand-in for a standard output that is closed: writing to it raises an OutputError."""
    return io.TextIOWrapper(io.BufferedWriter(_Closed(), buffer_size=1), encoding="utf-8", write_through=True)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Inside, ``sys.stdout`` raises ``StdoutClosed`` or ``OutputError`` instead of ``OSError``;
    everything is flushed before it ends. Only the process's own stdout is guarded (a test's or
    an embedding app's replacement is left as it is)."""
    original = sys.stdout
    if original is None or original is not sys.__stdout__:
        yield
        return
    try:
        fd = original.fileno()
        original.flush()
    except (OSError, ValueError):
        yield
        return
    guarded = io.TextIOWrapper(
        io.BufferedWriter(_Guarded(fd)),
        encoding=original.encoding,
        errors=original.errors,
        line_buffering=original.line_buffering,
    )
    sys.stdout = guarded
    try:
        yield
    except BaseException:
        # What the command wrote before it stopped still goes out, if it can.
        with contextlib.suppress(StdoutClosed, OutputError):
            _flush(guarded, fd)
        raise
    else:
        _flush(guarded, fd)
    finally:
        sys.stdout = original


def _flush(guarded: io.TextIOWrapper, fd: int) -> None:
    try:
        guarded.flush()
    except (StdoutClosed, OutputError):
        # What could not be written is dropped: nothing is left to fail again at exit.
        silence(fd)
        raise
    finally:
        guarded.detach()


def silence(fd: int) -> None:
    """Point ``fd`` at /dev/null: the interpreter's last flush at exit then has nowhere to fail."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
