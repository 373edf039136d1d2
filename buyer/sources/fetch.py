"""Fetch documents through the cache: conditional refreshes, offline answers, stated age.

A body replaces a cached copy only once the reader that will use it has read it (``read``:
guideline JSON, a listing, the monitor's status, a scope): a server that answers 200 with a
sign-in page or cut-off JSON is reported, and the copy it would have replaced keeps answering,
online and offline. A cached body that its reader refuses is dropped like a corrupt one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from buyer.errors import InputError, NotCached, SourceError
from buyer.sources.budget import Response, brief
from buyer.sources.cache import Cache, CacheEntry

if TYPE_CHECKING:  # httpx is imported when a client is made, not at start-up
    from buyer.sources.http import HttpClient

JSON_TYPES = ("application/json",)
# Gitea serves raw .json files as text/plain; RefStack's test lists are text/plain too.
TEXT_OR_JSON = ("application/json", "text/plain", "application/octet-stream")

T = TypeVar("T")


@dataclass(frozen=True)
class Document:
    url: str
    body: bytes
    retrieved_at: datetime  # when this body was downloaded
    checked_at: datetime  # when a server last confirmed it
    sha256: str
    from_cache: bool  # served without a fresh download
    stale_reason: str = ""  # set when the network was wanted but the cache had to answer


class Fetcher:
    """``get(url, refresh=True)`` asks the server (conditionally when cached); ``refresh=False``
    answers from the cache when it can. With ``offline`` only the cache answers."""

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            from buyer.sources.http import HttpClient

            self._http = HttpClient()
        return self._http

    def __init__(
        self,
        http: HttpClient | None = None,
        cache: Cache | None = None,
        offline: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._http = http  # made on first use: work that reads only local files never imports httpx
        self.cache = cache
        self.offline = offline
        self.clock = clock

    def get(
        self,
        url: str,
        source: str,
        accept: tuple[str, ...] = JSON_TYPES,
        refresh: bool = True,
        read: Callable[[bytes], Any] | None = None,
    ) -> Document:
        """The document at ``url``; ``read``, when given, must accept a fresh body before it is
        kept (it raises InputError or SourceError for one it refuses)."""
        return self.read(url, source, read or _anything, accept, refresh)[0]

    def read(
        self,
        url: str,
        source: str,
        read: Callable[[bytes], T],
        accept: tuple[str, ...] = JSON_TYPES,
        refresh: bool = True,
    ) -> tuple[Document, T]:
        """The document at ``url`` and what ``read`` made of it."""
        cached = self._cached(url, read)
        if cached and (self.offline or not refresh):
            entry, body, value = cached
            return _document(entry, body, from_cache=True), value
        if self.offline:
            raise NotCached(source, url, "offline, and not in the cache (run `buyer sync` while online)")
        headers = {"Accept": ", ".join(accept)}
        if cached:
            entry, _, _ = cached
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        try:
            response = self.http.get(url, source, headers)
            if response.status == 304 and cached:
                entry, body, value = cached
                assert self.cache is not None
                return _document(self.cache.touch(entry, _iso(self.clock())), body, from_cache=True), value
            _check_type(response, accept, source, url)
            value = _read_answer(read, response.body, source, url)
        except SourceError as exc:
            if cached:
                entry, body, value = cached
                return _document(entry, body, from_cache=True, stale_reason=exc.reason), value
            raise
        return self._keep(url, response), value

    def _cached(self, url: str, read: Callable[[bytes], T]) -> tuple[CacheEntry, bytes, T] | None:
        if self.cache is None:
            return None
        found = self.cache.load(url)
        if found is None:
            return None
        entry, body = found
        try:
            return entry, body, read(body)
        except (InputError, SourceError):
            # Kept by an older buyer, or edited with its hash: not an answer this reader takes.
            self.cache.drop(url)
            return None

    def _keep(self, url: str, response: Response) -> Document:
        now = _iso(self.clock())
        entry = CacheEntry(
            url=url,
            retrieved_at=now,
            checked_at=now,
            sha256=hashlib.sha256(response.body).hexdigest(),
            size=len(response.body),
            content_type=response.content_type,
            etag=_header(response, "etag"),
            last_modified=_header(response, "last-modified"),
        )
        if self.cache is not None:
            self.cache.store(entry, response.body)
        return _document(entry, response.body, from_cache=False)


def _anything(body: bytes) -> bytes:
    return body


def _read_answer(read: Callable[[bytes], T], body: bytes, source: str, url: str) -> T:
    """What ``read`` makes of a fresh body; a body it refuses is the source's failure, said in one
    line without the body's content."""
    try:
        return read(body)
    except SourceError as exc:
        raise SourceError(source, url, exc.reason) from None
    except InputError as exc:
        raise SourceError(source, url, answer_problem(exc)) from None


def answer_problem(exc: InputError) -> str:
    """An InputError about a server's answer, without the URL it names (the SourceError has it)."""
    where = f"field '{exc.field}': " if exc.field else ""
    at = f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""
    return f"{where}{exc.message}{at}"


def _check_type(response: Response, accept: tuple[str, ...], source: str, url: str) -> None:
    if response.status != 200:
        raise SourceError(source, url, f"unexpected HTTP {response.status}")
    kind = response.content_type
    if kind and kind not in accept:
        raise SourceError(source, url, f"expected {' or '.join(accept)}, got {brief(kind, 40)}")


def _header(response: Response, name: str) -> str:
    """A validator header worth sending back, or "" (a server's odd bytes are not kept)."""
    value = response.headers.get(name, "")
    return value if len(value) <= 256 and value.isascii() and value.isprintable() else ""


def _document(entry: CacheEntry, body: bytes, from_cache: bool, stale_reason: str = "") -> Document:
    return Document(entry.url, body, entry.retrieved, entry.checked, entry.sha256, from_cache, stale_reason)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")
