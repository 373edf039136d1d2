"""HTTP for every source: explicit timeouts, bounded retries with backoff on connection errors
and 5xx (never on 4xx), a cap on response size, TLS verification on, same-host redirects only,
and errors that say in one line which source failed and why."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from buyer import __version__
from buyer.errors import NotCached, SourceError

__all__ = ["HttpClient", "NotCached", "Response", "RetryPolicy", "SourceError"]

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # far above any guideline (200 KB) or result page
MAX_REDIRECTS = 5


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


class HttpClient:
    """A thin, thread-safe wrapper around one httpx.Client."""

    def __init__(
        self,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        verify: bool | str = True,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.max_bytes = max_bytes
        self.requests = 0  # every request sent, retries included (benchmarks read it)
        self._options = {"timeout": timeout, "verify": verify}
        self._client_instance: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def _client(self) -> httpx.Client:
        # Made on first use: building the TLS context costs ~25 ms that local-only work never needs.
        with self._lock:
            if self._client_instance is None:
                self._client_instance = httpx.Client(
                    **self._options,  # type: ignore[arg-type]
                    follow_redirects=False,  # redirects are followed here, and only to the same host
                    headers={"User-Agent": f"buyer/{__version__}"},
                )
            return self._client_instance

    def close(self) -> None:
        if self._client_instance is not None:
            self._client_instance.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, source: str, headers: Mapping[str, str] | None = None) -> Response:
        """GET with retries. Returns 2xx and 304 responses; raises SourceError for the rest."""
        delay = self.retry.backoff
        last = ""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self._get_following(url, source, headers or {})
            except _Retryable as exc:
                last = exc.reason
            else:
                if response.status < 500:
                    if response.status >= 400:
                        raise SourceError(source, url, f"HTTP {response.status}{_detail(response)}")
                    return response
                last = f"HTTP {response.status}{_detail(response)}"
            if attempt < self.retry.attempts:
                self.retry.sleep(delay)
                delay *= 2
        tries = f" after {self.retry.attempts} attempts" if self.retry.attempts > 1 else ""
        raise SourceError(source, url, f"{last}{tries}")

    def _get_following(self, url: str, source: str, headers: Mapping[str, str]) -> Response:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get_once(current, source, headers)
            if response.status not in (301, 302, 303, 307, 308):
                return response
            location = response.headers.get("location", "")
            target = urljoin(current, location)
            here, there = urlsplit(current), urlsplit(target)
            if (here.scheme, here.netloc) != (there.scheme, there.netloc):
                raise SourceError(source, url, f"redirected to another host ({there.netloc or target}); not followed")
            current = target
        raise SourceError(source, url, f"more than {MAX_REDIRECTS} redirects")

    def _get_once(self, url: str, source: str, headers: Mapping[str, str]) -> Response:
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=dict(headers)) as response:
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise SourceError(
                        source, url, f"response of {declared} bytes is over the {self.max_bytes}-byte cap"
                    )
                chunks = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise SourceError(source, url, f"response is over the {self.max_bytes}-byte cap")
                    chunks.append(chunk)
                return Response(str(response.url), response.status_code, response.headers, b"".join(chunks))
        except httpx.TimeoutException:
            raise _Retryable("timed out") from None
        except httpx.ConnectError as exc:
            raise _Retryable(f"cannot connect: {_reason(exc)}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(f"connection broke off: {_reason(exc)}") from None
        except httpx.UnsupportedProtocol:
            raise SourceError(source, url, "not an http(s) URL") from None
        except httpx.HTTPError as exc:
            raise SourceError(source, url, _reason(exc)) from None


class _Retryable(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _detail(response: Response) -> str:
    """A short hint from an error body (RefStack sends {"title", "detail"})."""
    if not response.body or "json" not in response.content_type:
        return ""
    try:
        import json

        doc = json.loads(response.body)
    except ValueError:
        return ""
    if isinstance(doc, dict):
        words = " ".join(str(doc[k]) for k in ("title", "detail", "message") if doc.get(k))
        return f": {words[:160]}" if words else ""
    return ""
