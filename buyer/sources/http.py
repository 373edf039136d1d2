"""HTTP for every source: explicit timeouts, bounded retries with backoff on connection errors
and 5xx (never on 4xx), a cap on response size, TLS verification on, same-host redirects only,
and errors that say in one line which source failed and why.

Time is bounded twice. Every socket operation has its connect/read timeout, and every source has
a deadline (``BUYER_SOURCE_DEADLINE``) for all it does: retries, redirects and a body that drips
in one byte at a time all end there. Inside ``command()`` (one CLI command) the deadline covers
all the time the source is at work in the command, and a source that failed (timed out, refused,
5xx) is not asked again: its callers get the same reason at once, or the cache. Outside a
command (the UI, a library user), each request has a deadline of its own and nothing is remembered.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from buyer import __version__
from buyer.config import settings
from buyer.errors import NotCached, SourceError
from buyer.sources.budget import (
    MAX_REDIRECTS,
    Response,
    RetryPolicy,
    _Failed,
    _ledger,
    brief,
    command,
    in_context,
)

__all__ = ["HttpClient", "NotCached", "Response", "RetryPolicy", "SourceError", "brief", "command", "in_context"]

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
_DETAIL_CHARS = 60  # of an error body's title/detail, at most, in a message

# -- every socket operation held to the request's deadline -------------------------------------

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("buyer_http_deadline", default=None)


def _within(timeout: float | None, late: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left before the deadline; ``late`` once it has passed."""
    at = _deadline.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0.001:  # a zero timeout would make the socket non-blocking, not a timeout
        raise late("the source's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # type: ignore[no-untyped-def]
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _within(timeout, httpcore.ConnectTimeout))
        )

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with each operation's timeout cut to the deadline: a server
    that sends one byte a second never resets the clock, as it does a read timeout."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def]
        stream = self._inner.connect_tcp(
            host, port, _within(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # type: ignore[no-untyped-def]
        stream = self._inner.connect_unix_socket(path, _within(timeout, httpcore.ConnectTimeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _hold_to_deadlines(client: httpx.Client) -> None:
    # httpx builds its pools itself (with the environment's proxies) and does not pass
    # httpcore's ``network_backend`` through, so each pool it built is given ours.
    transports = [client._transport, *client._mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is not None:
            pool._network_backend = _DeadlineBackend(pool._network_backend)


# -- the client ---------------------------------------------------------------------------------


class HttpClient:
    """A thin, thread-safe wrapper around one httpx.Client."""

    def __init__(
        self,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_bytes: int | None = None,
        verify: bool | str = True,
        deadline: float | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.max_bytes = settings().max_response_bytes if max_bytes is None else max_bytes
        self.deadline = settings().source_deadline if deadline is None else deadline
        self.requests = 0  # every request sent, retries included (benchmarks read it)
        self._options = {"timeout": timeout, "verify": verify}
        self._client_instance: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def _client(self) -> httpx.Client:
        # Made on first use: building the TLS context costs ~25 ms that local-only work never needs.
        with self._lock:
            if self._client_instance is None:
                client = httpx.Client(
                    **self._options,  # type: ignore[arg-type]
                    follow_redirects=False,  # redirects are followed here, and only to the same host
                    headers={"User-Agent": f"buyer/{__version__}"},
                )
                _hold_to_deadlines(client)
                self._client_instance = client
            return self._client_instance

    def close(self) -> None:
        if self._client_instance is not None:
            self._client_instance.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, source: str, headers: Mapping[str, str] | None = None) -> Response:
        """GET with retries, within the source's deadline. Returns 2xx and 304 responses; raises
        SourceError for the rest."""
        key = (source, urlsplit(url).netloc)
        ledger = _ledger.get()
        first = None
        if ledger is None:
            deadline = time.monotonic() + self.deadline
        else:
            try:
                deadline, first = ledger.begin(key, self.deadline)
            except _Failed as exc:
                raise SourceError(source, url, f"{exc.reason} (earlier in this command; not asked again)") from None
        reset = _deadline.set(deadline)
        failure = "did not finish"  # unless it returns or fails as a source (a bug, Ctrl-C)
        try:
            response = self._attempts(url, source, headers or {}, deadline)
            failure = ""
            return response
        except _Unreachable as exc:
            failure = exc.reason
            raise SourceError(source, url, exc.reason) from None
        except SourceError:
            failure = ""  # the server answered (a 4xx, a redirect away, too large): it is there
            raise
        finally:
            _deadline.reset(reset)
            if ledger is not None:
                ledger.end(key, first, failure)

    def _attempts(self, url: str, source: str, headers: Mapping[str, str], deadline: float) -> Response:
        delay = self.retry.backoff
        last = ""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self._get_following(url, source, headers)
            except _Retryable as exc:
                last = exc.reason
            else:
                if response.status < 500:
                    if response.status >= 400:
                        raise SourceError(source, url, f"HTTP {response.status}{_detail(response)}")
                    return response
                last = f"HTTP {response.status}{_detail(response)}"
            left = deadline - time.monotonic()
            if left <= 0.001:
                raise _Unreachable(self._late(last))
            if attempt < self.retry.attempts:
                if delay >= left:
                    raise _Unreachable(self._late(last))
                self.retry.sleep(delay)
                delay *= 2
        tries = f" after {self.retry.attempts} attempts" if self.retry.attempts > 1 else ""
        raise _Unreachable(f"{last}{tries}")

    def _late(self, last: str) -> str:
        said = f" (last: {last})" if last and last != "timed out" else ""
        return f"no complete answer within {self.deadline:g} s (BUYER_SOURCE_DEADLINE){said}"

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
                raise SourceError(
                    source, url, f"redirected to another host ({brief(there.netloc or target, 80)}); not followed"
                )
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
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise _Retryable(f"connection broke off: {_reason(exc)}") from None
        except httpx.UnsupportedProtocol:
            raise SourceError(source, url, "not an http(s) URL") from None
        except httpx.DecodingError:
            raise SourceError(source, url, "a body that does not decode as its Content-Encoding says") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise SourceError(source, url, _reason(exc)) from None


class _Retryable(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Unreachable(Exception):
    """The source did not answer (timeouts, refusals, 5xx, the deadline): remembered per command."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _reason(exc: Exception) -> str:
    # Library messages may carry bytes the server sent (a bad header line): short and escaped.
    lines = str(exc).strip().splitlines()
    return brief(lines[0], 100) if lines else type(exc).__name__


def _detail(response: Response) -> str:
    """A short hint from an error body (RefStack sends {"title", "detail"}), as a sanitised token."""
    if not response.body or "json" not in response.content_type or len(response.body) > 1024 * 1024:
        return ""
    import msgspec

    try:
        doc = msgspec.json.decode(response.body)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return ""
    if isinstance(doc, dict):
        words = " ".join(str(doc[k])[:200] for k in ("title", "detail", "message") if isinstance(doc.get(k), str))
        return f": {brief(words, _DETAIL_CHARS)}" if words.strip() else ""
    return ""
