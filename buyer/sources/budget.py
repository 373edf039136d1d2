"""What every source shares without the HTTP library: the answer's shape, the retry policy, and
one command's memory of its sources (a deadline each; a source that failed is not asked again).
Kept apart from ``http`` so that start-up and local work never import httpx."""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from buyer._text import printable

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # far above any guideline (200 KB) or result page
MAX_REDIRECTS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class Response:
    url: str  # the final URL after same-host redirects
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class RetryPolicy:
    attempts: int = 3
    backoff: float = 0.5  # seconds before the second attempt; doubles each time
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)


# -- one command's memory of its sources ------------------------------------------------------


@dataclass
class _Source:
    used: float = 0.0  # seconds at work, with no request in flight now
    active: int = 0  # requests in flight
    since: float = 0.0  # when the requests in flight began to be
    answered: bool = False  # the server has answered (anything) in this command
    first: threading.Event | None = None  # set when the first request, still in flight, ends
    failed: str = ""


class SourceLedger:
    """What one command knows about each source (a name and a host): how long it has been at work
    (time with a request of its own in flight, so four threads waiting at once use its deadline
    once), whether it has answered, and why it failed. Until a source has answered, one request
    goes first and the others wait for it: a source that does not answer is asked once."""

    def __init__(self) -> None:
        self._sources: dict[tuple[str, str], _Source] = {}
        self._lock = threading.Lock()

    def begin(self, key: tuple[str, str], budget: float) -> tuple[float, threading.Event | None]:
        """A request may start: the moment the source's time runs out, and the event to set when it
        ends if it goes first. Raises _Failed for a source that failed earlier in the command."""
        while True:
            with self._lock:
                state = self._sources.setdefault(key, _Source())
                if state.failed:
                    raise _Failed(state.failed)
                if state.answered or state.first is None:
                    first = None
                    if not state.answered:
                        first = state.first = threading.Event()
                    if not state.active:
                        state.since = time.monotonic()
                    state.active += 1
                    return state.since + budget - state.used, first
                waiting = state.first
            waiting.wait()  # the first request ends by its deadline

    def end(self, key: tuple[str, str], first: threading.Event | None, failure: str = "") -> None:
        with self._lock:
            state = self._sources[key]
            state.active -= 1
            if not state.active:
                state.used += time.monotonic() - state.since
            if failure:
                state.failed = state.failed or failure
            else:
                state.answered = True
            if first is not None:
                state.first = None
                first.set()


class _Failed(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


_ledger: contextvars.ContextVar[SourceLedger | None] = contextvars.ContextVar("buyer_source_ledger", default=None)


@contextlib.contextmanager
def command() -> Iterator[SourceLedger]:
    """One command: each source gets one deadline, and one that failed is not asked again.
    Worker threads started inside join it through ``in_context``."""
    ledger = SourceLedger()
    reset = _ledger.set(ledger)
    try:
        yield ledger
    finally:
        _ledger.reset(reset)


def in_context(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` for a worker thread: it runs within the caller's command (same ledger)."""
    ledger = _ledger.get()

    def run(*args: object, **kwargs: object) -> T:
        reset = _ledger.set(ledger)
        try:
            return function(*args, **kwargs)
        finally:
            _ledger.reset(reset)

    return run


def brief(text: str, limit: int = 60) -> str:
    """A server's words in a message: one line, control characters escaped, at most ``limit``."""
    words = printable(" ".join(text.split()))
    return words if len(words) <= limit else words[: limit - 1] + "…"
