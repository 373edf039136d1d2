"""Progress on standard error: one updating line on a terminal, a line per stage otherwise.

Summaries carry names and reasons from servers: every line is sanitised before it is written."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from buyer._text import printable


class Progress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self._last = 0.0
        self._counting = ""  # what ``count`` showed last: a new stage is shown at once
        self._lock = threading.Lock()  # stages of a sync report from their own threads

    def update(self, stage: str, done: int, total: int) -> None:
        if not self.live:
            return
        with self._lock:
            now = time.monotonic()
            if done < total and now - self._last < 0.1:
                return
            self._last = now
            self.stream.write(f"\r\x1b[K{printable(stage)}: {done}/{total}")
            self.stream.flush()

    def count(self, what: str, done: int) -> None:
        """A count with no known total ("PDF: page 37"), on a terminal only, at most ten times a second."""
        if not self.live:
            return
        with self._lock:
            now = time.monotonic()
            if what == self._counting and now - self._last < 0.1:
                return
            self._last, self._counting = now, what
            self.stream.write(f"\r\x1b[K{printable(what)} {done}" if done else f"\r\x1b[K{printable(what)}")
            self.stream.flush()

    def clear(self) -> None:
        """Take the updating line away (before the command's own last line)."""
        if self.live:
            with self._lock:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def finish(self, stage: str, summary: str) -> None:
        prefix = "\r\x1b[K" if self.live else ""
        with self._lock:
            self.stream.write(f"{prefix}{printable(stage)}: {printable(summary)}\n")
            self.stream.flush()
