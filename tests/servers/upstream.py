"""A real HTTP server on 127.0.0.1 that serves ../shared/data the way upstream serves it.

- the interop repository as Gitea does: ``/api/v1/repos/openinfra/interop/contents/<dir>?ref=``
  and ``/api/v1/repos/openinfra/interop/raw/<path>?ref=`` (and ``raw/commit/<sha>/<path>``);
- the SCS compliance monitor's ``/scs/status``;
- Marketplace listings under ``/marketplace/<kind>`` as summit-api answers them (see ``_marketplace``);
- a RefStack-shaped results API under ``/refstack/v1/results`` for the sync benchmark.

ETags make conditional requests real (304), every request is counted on the server side, and
``faults`` injects failures: 500s, a hang, a truncated body, a wrong content type, an oversized
body, redirects; and what hostile servers do: drip an answer one byte at a time, accept and never
answer, answer 200 with a sign-in page (as text/plain, as Gitea serves raw files) or with cut-off
JSON, put escape sequences in an error body, send a gzip bomb. ``refstack_total_pages`` makes the
results listing claim any number of pages (and serve every one of them).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

GITEA = "/api/v1/repos/openinfra/interop"
PINNED_REF = "2a71585700b4141910dbd4139805e2c0e9c49a8e"


@dataclass
class Fault:
    # 500 | hang | truncate | html | huge | redirect-away | redirect-here | 404 | 400 | 412
    # | drip | drip-body | silent | html-text | cut-json | body | escape-500 | gzip-bomb
    kind: str
    times: int | None = None  # how many requests it hits; None: all
    hang_seconds: float = 5.0
    drip_seconds: float = 1.0  # between two bytes of a drip
    body: bytes = b""  # what html-text, cut-json, body and escape-500 send (a default when empty)


HTML_PAGE = b"<!doctype html><html><body><h1>Sign in</h1><p>to the captive portal</p></body></html>\n"


FAULT_STATUS = {
    "500": 500,
    "hang": 500,
    "404": 404,
    "400": 400,
    "412": 412,
    "truncate": 200,
    "html": 200,
    "huge": 200,
    "redirect-away": 302,
    "redirect-here": 302,
    "drip": 200,
    "drip-body": 200,
    "silent": 0,
    "html-text": 200,
    "cut-json": 200,
    "body": 200,
    "escape-500": 500,
    "gzip-bomb": 200,
}


@dataclass
class Hit:
    path: str
    conditional: bool
    status: int
    query: str = ""  # the raw query string, so tests can say what was asked


@dataclass
class Upstream:
    data: Path
    ref: str = PINNED_REF
    # kind -> items as summit-api serializes them, each with ``company_id`` and the ``company`` object
    # that ``expand=company`` puts in its place.
    marketplace: dict[str, list[dict]] = field(default_factory=dict)
    # summit-api's newest CompanyServiceSerializer expands a relation only when ``relations=`` names it
    # too; older versions expand whatever ``expand=`` names. False serves the older behaviour.
    marketplace_relations_gate: bool = True
    # envelope keys to overwrite on every listing page, so a test can make a page contradict itself
    marketplace_envelope: dict[str, object] = field(default_factory=dict)
    refstack_results: list[dict] = field(default_factory=list)  # newest first, as RefStack lists
    refstack_details: dict[str, dict] = field(default_factory=dict)
    refstack_vendors: list[dict] = field(default_factory=list)
    refstack_products: list[dict] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)  # path prefix -> fault
    hits: list[Hit] = field(default_factory=list)
    refstack_total_pages: int | None = None  # claim this many result pages (each served)
    scs_status: dict | None = None  # the monitor's /status in place of the shared data's
    delay: float = 0.0  # seconds added to every answer (a slow network for the benchmark)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)  # ends drips and silences

    # -- routing -------------------------------------------------------------------------

    def answer(
        self, path: str, query: dict[str, list[str]], accept: str, if_none_match: str = ""
    ) -> tuple[int, str, bytes, dict[str, str]]:
        if path.startswith(f"{GITEA}/contents/"):
            return self._contents(path.removeprefix(f"{GITEA}/contents/"), query)
        if path.startswith(f"{GITEA}/raw/commit/"):
            ref, _, rel = path.removeprefix(f"{GITEA}/raw/commit/").partition("/")
            return self._raw(rel, ref)
        if path.startswith(f"{GITEA}/raw/"):
            return self._raw(path.removeprefix(f"{GITEA}/raw/"), _one(query, "ref"))
        if path == "/scs/status":
            if "application/json" not in accept and "*/*" not in accept:
                return 406, "application/json", b'{"detail": "Not Acceptable"}', {}
            if self.scs_status is not None:
                return 200, "application/json", json.dumps(self.scs_status).encode(), {}
            return 200, "application/json", (self.data / "scs/generated/monitor-views/status.json").read_bytes(), {}
        if path.startswith("/marketplace/"):
            return self._marketplace(path.removeprefix("/marketplace/"), query, if_none_match)
        if path.startswith("/refstack/v1/results"):
            return self._refstack(path.removeprefix("/refstack/v1/results"), query)
        if path in ("/refstack/v1/vendors", "/refstack/v1/products"):
            key = path.rsplit("/", 1)[1]
            return 200, "application/json", json.dumps({key: getattr(self, f"refstack_{key}")}).encode(), {}
        return 404, "application/json", b'{"message": "not found"}', {}

    def _contents(self, rel: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict[str, str]]:
        if _one(query, "ref") != self.ref:
            return 404, "application/json", b'{"message": "object does not exist"}', {}
        folder = self.data / "interop" / rel.strip("/")
        if not folder.is_dir():
            return 404, "application/json", b'{"message": "not found"}', {}
        listing = [
            {
                "name": p.name,
                "path": f"{rel.strip('/')}/{p.name}",
                "type": "file",
                "size": p.stat().st_size,
                "sha": hashlib.sha1(p.read_bytes()).hexdigest(),
            }
            for p in sorted(folder.iterdir())
            if p.is_file()
        ]
        return 200, "application/json", json.dumps(listing).encode(), {}

    def _raw(self, rel: str, ref: str) -> tuple[int, str, bytes, dict[str, str]]:
        file = self.data / "interop" / rel
        if ref != self.ref or not file.is_file():
            return 404, "application/json", b'{"message": "not found"}', {}
        return 200, "text/plain; charset=utf-8", file.read_bytes(), {}

    def _marketplace(
        self, kind: str, query: dict[str, list[str]], if_none_match: str
    ) -> tuple[int, str, bytes, dict[str, str]]:
        """A listing as summit-api's ``AbstractCompanyServiceApiController::getAll`` answers it."""
        items = self.marketplace.get(kind.strip("/"))
        if items is None:
            return 404, "application/json", b'{"message": "not found"}', {}
        errors = _paging_errors(query)
        if errors:  # RequestProcessor: ValidationException -> JsonController::error412
            body = {"message": "Validation Failed", "errors": errors, "code": 0}
            return 412, "application/json", json.dumps(body).encode(), {}
        page = int(_one(query, "page") or 1)
        per_page = int(_one(query, "per_page") or PER_PAGE_MIN)
        rows = items[(page - 1) * per_page : page * per_page]
        relations = [r for r in _one(query, "relations").split(",") if r]
        data = []
        for row in rows:
            item = {k: v for k, v in row.items() if k != "company"}
            for name in (n.strip() for n in _one(query, "expand").split(",")):
                if self.marketplace_relations_gate and name not in relations:
                    continue
                if name == "company":
                    item.pop("company_id", None)
                    item["company"] = row.get("company")
                elif name == "type":
                    # SerializerRegistry has no serializer for MarketPlaceType: getSerializer throws, and
                    # RequestProcessor answers any other exception with JsonController::error500.
                    return 500, "application/json", json.dumps({"message": "server error"}).encode(), {}
                elif name == "reviews":
                    item["reviews"] = []
                # any other name: no case in the serializers' switch, skipped
            data.append(item)
        body = json.dumps(
            {
                "total": len(items),
                "per_page": per_page,
                "current_page": page,
                "last_page": -(-len(items) // per_page),  # PagingInfo::getLastPage: 0 for an empty listing
                "data": data,
            }
            | self.marketplace_envelope
        ).encode()
        # ETagsMiddleware: md5 of the body; quotes and "-gzip" dropped from the first If-None-Match.
        etag = hashlib.md5(body).hexdigest()
        asked = if_none_match.split(",")[0].strip().replace('"', "").replace("-gzip", "")
        if asked == etag:
            return 304, "application/json", b"", {"ETag": f'"{etag}"'}
        return 200, "application/json", body, {"ETag": f'"{etag}"'}

    def _refstack(self, rest: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict[str, str]]:
        if rest.strip("/"):
            detail = self.refstack_details.get(rest.strip("/"))
            if detail is None:
                return 404, "application/json", b'{"code": 404, "title": "Not Found"}', {}
            return 200, "application/json", json.dumps(detail).encode(), {}
        page = int(_one(query, "page") or 1)
        total = max(1, -(-len(self.refstack_results) // 20))
        if self.refstack_total_pages is not None:  # a listing that claims pages it does not have
            total = self.refstack_total_pages
            body = {"results": self.refstack_results[:20], "pagination": {"current_page": page, "total_pages": total}}
            return 200, "application/json", json.dumps(body).encode(), {}
        if page > total:
            return 400, "application/json", b'{"code": 400, "title": "Invalid page number"}', {}
        body = {
            "results": self.refstack_results[(page - 1) * 20 : page * 20],
            "pagination": {"current_page": page, "total_pages": total},
        }
        return 200, "application/json", json.dumps(body).encode(), {}

    def count(self, prefix: str = "", conditional: bool | None = None) -> int:
        with self.lock:
            return sum(
                1
                for h in self.hits
                if h.path.startswith(prefix) and (conditional is None or h.conditional == conditional)
            )


def _one(query: dict[str, list[str]], key: str) -> str:
    return (query.get(key) or [""])[0]


# summit-api's PaginationValidationRules: page 'integer|min:1',
# per_page 'required_with:page|integer|min:5|max:500'; 5 is also the default page size.
PER_PAGE_MIN, PER_PAGE_MAX = 5, 500


def _paging_errors(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """Laravel's validator messages for the paging parameters, keyed by field."""
    errors: dict[str, list[str]] = {}
    page, per_page = _one(query, "page"), _one(query, "per_page")
    if page:
        if not re.fullmatch(r"[+-]?\d+", page):
            errors["page"] = ["The page field must be an integer."]
        elif int(page) < 1:
            errors["page"] = ["The page field must be at least 1."]
        if not per_page:
            errors["per_page"] = ["The per page field is required when page is present."]
    if per_page:
        if not re.fullmatch(r"[+-]?\d+", per_page):
            errors["per_page"] = ["The per page field must be an integer."]
        elif int(per_page) < PER_PAGE_MIN:
            errors["per_page"] = [f"The per page field must be at least {PER_PAGE_MIN}."]
        elif int(per_page) > PER_PAGE_MAX:
            errors["per_page"] = [f"The per page field must not be greater than {PER_PAGE_MAX}."]
    return errors


class _Handler(BaseHTTPRequestHandler):
    upstream: Upstream
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; do not wait on ACKs

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        up = self.upstream
        split = urlsplit(self.path)
        conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
        fault = self._fault(split.path)
        if up.delay:
            time.sleep(up.delay)
        if fault is not None:
            # Counted before the answer goes out, so a client that has its answer sees its request counted.
            with up.lock:
                up.hits.append(Hit(split.path, conditional, FAULT_STATUS[fault.kind], split.query))
            self._inject(fault, split.path)
            return
        status, ctype, body, headers = up.answer(
            split.path, parse_qs(split.query), self.headers.get("Accept", ""), self.headers.get("If-None-Match", "")
        )
        if "ETag" not in headers:  # routes that do not make their own
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            if status in (200, 304):
                headers = {**headers, "ETag": etag}
        with up.lock:
            up.hits.append(Hit(split.path, conditional, status, split.query))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _fault(self, path: str) -> Fault | None:
        up = self.upstream
        with up.lock:
            for prefix, fault in up.faults.items():
                if path.startswith(prefix) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def _inject(self, fault: Fault, path: str) -> None:
        kind = fault.kind
        if kind in ("drip", "drip-body", "silent"):
            self._stall(fault)
            return
        if kind == "html-text":  # what a captive portal or a misrouted proxy answers, as text/plain
            self._send(200, "text/plain; charset=utf-8", fault.body or HTML_PAGE)
            return
        if kind == "cut-json":  # a whole HTTP answer whose JSON stops half-way
            self._send(200, "application/json", fault.body or b'{"results": [{"name": "a.b.c"}, {"na')
            return
        if kind == "body":  # any 200 JSON answer the test writes (one json.dumps could not make)
            self._send(200, "application/json", fault.body)
            return
        if kind == "escape-500":
            body = fault.body or json.dumps({"title": "\x1b]0;pwned\x07\x1b[2J", "detail": "boom"}).encode()
            self._send(500, "application/json", body)
            return
        if kind == "gzip-bomb":
            self._gzip_bomb()
            return
        if kind == "hang":
            time.sleep(fault.hang_seconds)
            kind = "500"
        if kind in ("500", "404"):
            body = b'{"code": %s, "title": "injected"}' % kind.encode()
            self._send(int(kind), "application/json", body)
            return
        if kind in ("400", "412"):  # summit-api's JsonController::error400 and error412 bodies
            doc = (
                {"message": "Bad Request"}
                if kind == "400"
                else {"message": "Validation Failed", "errors": {"per_page": ["injected"]}, "code": 0}
            )
            self._send(int(kind), "application/json", json.dumps(doc).encode())
            return
        if kind == "html":
            self._send(200, "text/html", b"<html><body>Sign in to the captive portal</body></html>")
            return
        if kind == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"results": [')
            self.wfile.flush()
            self.close_connection = True
            return
        if kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no length: streamed until the client gives up
            self.close_connection = True
            try:
                for _ in range(4096):
                    self.wfile.write(b" " * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if kind in ("redirect-away", "redirect-here"):
            host = "127.0.0.2" if kind == "redirect-away" else "127.0.0.1"
            self.send_response(302)
            self.send_header("Location", f"http://{host}:{self.server.server_address[1]}{path}?moved=1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            if kind == "redirect-here":
                self.upstream.faults.pop(path, None)  # the redirected request is then answered
            return
        raise ValueError(kind)

    def _stall(self, fault: Fault) -> None:
        """drip: the status line and headers one byte at a time; drip-body: the headers at once, then
        a body that never ends, a byte at a time; silent: nothing at all. Until the client gives up
        or the server stops."""
        self.close_connection = True
        stop = self.upstream.stopping
        if fault.kind == "silent":
            stop.wait(120)
            return
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
        try:
            if fault.kind == "drip-body":
                self.wfile.write(head)
                head = b""
            drip = head + b"[" + b"0," * 500_000
            for byte in drip:
                if stop.wait(fault.drip_seconds):
                    return
                self.wfile.write(bytes([byte]))
        except OSError:  # the client hung up: what a deadline is for
            return

    def _gzip_bomb(self) -> None:
        body = gzip_bomb()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@functools.cache
def gzip_bomb() -> bytes:
    """64 MiB of spaces, gzipped to about 64 KB (made once)."""
    import gzip

    return gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)


class UpstreamServer:
    """Start with ``with UpstreamServer(upstream) as server:``; ``server.url`` is the base."""

    def __init__(self, upstream: Upstream, port: int = 0) -> None:
        handler = type("Handler", (_Handler,), {"upstream": upstream})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.upstream = upstream
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> UpstreamServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.upstream.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
