"""Fetch documents through the cache: conditional refreshes, offline answers, stated age."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from buyer.errors import NotCached, SourceError
from buyer.sources.cache import Cache, CacheEntry

if TYPE_CHECKING:  # httpx is imported when a client is made, not at start-up
    from buyer.sources.http import HttpClient, Response

JSON_TYPES = ("application/json",)
# Gitea serves raw .json files as text/plain; RefStack's test lists are text/plain too.
TEXT_OR_JSON = ("application/json", "text/plain", "application/octet-stream")


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

    def __init__(
        self,
        http: HttpClient | None = None,
        cache: Cache | None = None,
        offline: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if http is None:
            from buyer.sources.http import HttpClient

            http = HttpClient()
        self.http = http
        self.cache = cache
        self.offline = offline
        self.clock = clock

    def get(self, url: str, source: str, accept: tuple[str, ...] = JSON_TYPES, refresh: bool = True) -> Document:
        cached = self.cache.load(url) if self.cache else None
        if cached and (self.offline or not refresh):
            entry, body = cached
            return _document(entry, body, from_cache=True)
        if self.offline:
            raise NotCached(source, url, "offline, and not in the cache (run `buyer sync` while online)")
        headers = {"Accept": ", ".join(accept)}
        if cached:
            entry, _ = cached
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        try:
            response = self.http.get(url, source, headers)
            if response.status == 304 and cached:
                entry, body = cached
                assert self.cache is not None
                return _document(self.cache.touch(entry, _iso(self.clock())), body, from_cache=True)
            _check_type(response, accept, source, url)
        except SourceError as exc:
            if cached:
                entry, body = cached
                return _document(entry, body, from_cache=True, stale_reason=exc.reason)
            raise
        return self._keep(url, response)

    def _keep(self, url: str, response: Response) -> Document:
        now = _iso(self.clock())
        entry = CacheEntry(
            url=url,
            retrieved_at=now,
            checked_at=now,
            sha256=hashlib.sha256(response.body).hexdigest(),
            size=len(response.body),
            content_type=response.content_type,
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
        )
        if self.cache is not None:
            self.cache.store(entry, response.body)
        return _document(entry, response.body, from_cache=False)


def _check_type(response: Response, accept: tuple[str, ...], source: str, url: str) -> None:
    if response.status != 200:
        raise SourceError(source, url, f"unexpected HTTP {response.status}")
    kind = response.content_type
    if kind and kind not in accept:
        raise SourceError(source, url, f"expected {' or '.join(accept)}, got {kind}")


def _document(entry: CacheEntry, body: bytes, from_cache: bool, stale_reason: str = "") -> Document:
    return Document(entry.url, body, entry.retrieved, entry.checked, entry.sha256, from_cache, stale_reason)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")
