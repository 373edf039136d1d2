"""The network layer against a real HTTP server on 127.0.0.1: upstream layouts, faults, cache."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from buyer.errors import ConfigError, InputError
from buyer.formats._json import load_json
from buyer.sources.cache import Cache
from buyer.sources.catalogue import open_catalogue
from buyer.sources.fetch import JSON_TYPES, Fetcher
from buyer.sources.http import HttpClient, RetryPolicy, SourceError, command, in_context
from tests.conftest import SHARED, need_shared
from tests.servers.upstream import GITEA, PINNED_REF, Fault, Upstream, UpstreamServer


@pytest.fixture
def server():
    with UpstreamServer(Upstream(data=need_shared(SHARED))) as running:
        yield running


def fetcher_for(tmp_path, offline=False, max_bytes=8 * 1024 * 1024):
    http = HttpClient(timeout=0.5, retry=RetryPolicy(attempts=3, backoff=0.01), max_bytes=max_bytes)
    return Fetcher(http, Cache(tmp_path / "cache"), offline=offline)


def status_url(server):
    return f"{server.url}/scs/status"


def test_guidelines_from_gitea_at_a_pinned_commit(server, tmp_path):
    cat = open_catalogue(f"{server.url}{GITEA}", fetcher_for(tmp_path), ref=PINNED_REF)
    assert len(cat) == 26 and cat.commit == PINNED_REF
    g = cat["2020.06"]
    assert len([c for c, s in g.capability_status("platform").items() if s == "required"]) == 78
    use = cat.use("2020.06")
    assert use.commit == PINNED_REF and use.retrieved_at is not None
    assert use.source == f"{server.url}{GITEA}/raw/guidelines/2020.06.json?ref={PINNED_REF}"


def test_unknown_commit_is_a_clear_error(server, tmp_path):
    with pytest.raises(SourceError) as err:
        open_catalogue(f"{server.url}{GITEA}", fetcher_for(tmp_path), ref="0" * 40)
    assert str(err.value).startswith("interop guidelines: HTTP 404")
    assert server.upstream.count(f"{GITEA}/contents") == 1  # a 4xx is never retried


def test_5xx_is_retried_then_succeeds(server, tmp_path):
    server.upstream.faults["/scs/status"] = Fault("500", times=2)
    doc = fetcher_for(tmp_path).get(status_url(server), "SCS monitor")
    assert doc.body.startswith(b"{") and not doc.from_cache
    assert server.upstream.count("/scs/status") == 3


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault("500"), "SCS monitor: HTTP 500: injected after 3 attempts"),
        (Fault("hang", hang_seconds=1.5), "SCS monitor: timed out after 3 attempts"),
        (Fault("truncate"), "SCS monitor: connection broke off"),
        (Fault("html"), "SCS monitor: expected application/json, got text/html"),
        (Fault("huge"), "SCS monitor: response is over the 1048576-byte cap"),
        (Fault("redirect-away"), "SCS monitor: redirected to another host (127.0.0.2:"),
    ],
)
def test_each_fault_is_one_clear_line_and_nothing_is_cached(server, tmp_path, fault, message):
    server.upstream.faults["/scs/status"] = fault
    fetcher = fetcher_for(tmp_path, max_bytes=1024 * 1024)
    with pytest.raises(SourceError) as err:
        fetcher.get(status_url(server), "SCS monitor")
    text = str(err.value)
    assert text.startswith(message) and "\n" not in text
    assert text.endswith(f"({status_url(server)})")
    assert fetcher.cache.load(status_url(server)) is None


def test_same_host_redirect_is_followed(server, tmp_path):
    server.upstream.faults["/scs/status"] = Fault("redirect-here")
    doc = fetcher_for(tmp_path).get(status_url(server), "SCS monitor")
    assert doc.body.startswith(b"{")
    assert [h.status for h in server.upstream.hits] == [302, 200]


def test_a_fault_after_a_good_sync_serves_the_good_copy(server, tmp_path):
    fetcher = fetcher_for(tmp_path)
    good = fetcher.get(status_url(server), "SCS monitor")
    for kind in ("500", "truncate", "html"):
        server.upstream.faults["/scs/status"] = Fault(kind)
        stale = fetcher.get(status_url(server), "SCS monitor")
        assert stale.from_cache and stale.stale_reason
        assert stale.body == good.body and stale.sha256 == good.sha256
    assert fetcher.cache.load(status_url(server))[1] == good.body


def test_second_sync_sends_only_conditional_requests(server, tmp_path):
    url = f"{server.url}{GITEA}"

    def sync():
        cat = open_catalogue(url, fetcher_for(tmp_path), ref=PINNED_REF, refresh=True)
        for gid in cat:
            cat[gid]
        return cat

    sync()
    first = len(server.upstream.hits)
    assert first == 2 + 26 and server.upstream.count(conditional=True) == 0
    server.upstream.hits.clear()
    cat = sync()
    assert len(server.upstream.hits) == first
    assert all(h.conditional and h.status == 304 for h in server.upstream.hits)
    assert cat.loaded("2020.06").from_cache


def test_synced_guidelines_work_with_the_server_stopped(server, tmp_path):
    url = f"{server.url}{GITEA}"
    cat = open_catalogue(url, fetcher_for(tmp_path), ref=PINNED_REF, refresh=True)
    for gid in cat:
        cat[gid]
    server.stop()
    for offline in (True, False):  # offline: cache only; online: the cache answers what it has
        again = open_catalogue(url, fetcher_for(tmp_path, offline=offline), ref=PINNED_REF)
        assert again["2020.06"].id == "2020.06" and again.use("dns.2020.06").retrieved_at is not None
    with pytest.raises(SourceError, match="offline, and not in the cache"):
        fetcher_for(tmp_path, offline=True).get(f"{server.url}/scs/status", "SCS monitor")


def test_corrupt_cache_entry_is_dropped_and_fetched_again(server, tmp_path):
    fetcher = fetcher_for(tmp_path)
    url = status_url(server)
    good = fetcher.get(url, "SCS monitor", JSON_TYPES)
    body_path = next((tmp_path / "cache" / "documents").rglob("*.body"))
    body_path.write_bytes(good.body[:-10] + b"0123456789")  # same size, different bytes
    assert fetcher.cache.load(url) is None and fetcher.cache.dropped == [url]
    server.upstream.hits.clear()
    again = fetcher.get(url, "SCS monitor", refresh=False)
    assert again.body == good.body and not again.from_cache
    assert server.upstream.hits[0].conditional is False  # a dropped entry is fetched whole


# -- deadlines: a server that never finishes ends at the source's deadline ------------------------------


@pytest.mark.parametrize("kind", ["drip", "drip-body", "silent"])
def test_a_server_that_never_finishes_ends_at_the_deadline(server, tmp_path, kind):
    server.upstream.faults["/scs/status"] = Fault(kind, drip_seconds=0.2)
    http = HttpClient(timeout=5.0, retry=RetryPolicy(attempts=3, backoff=0.01), deadline=1.0)
    fetcher = Fetcher(http, Cache(tmp_path / "cache"))
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        fetcher.get(status_url(server), "SCS monitor")
    took = time.monotonic() - started
    # read timeouts (5 s) never fire on a drip: the deadline does, and nothing is retried after it
    assert str(err.value).startswith("SCS monitor: no complete answer within 1 s (BUYER_SOURCE_DEADLINE)")
    assert 0.9 < took < 3.0, took
    assert server.upstream.count("/scs/status") == 1


def test_within_a_command_a_source_that_failed_is_not_asked_again(server, tmp_path):
    server.upstream.faults["/scs/status"] = Fault("silent")
    fetcher = Fetcher(HttpClient(retry=RetryPolicy(attempts=1), deadline=0.5), Cache(tmp_path / "cache"))
    other = f"{server.url}/marketplace/distros"
    with command():
        with pytest.raises(SourceError, match=r"no complete answer within 0\.5 s"):
            fetcher.get(status_url(server), "SCS monitor")
        started = time.monotonic()
        with pytest.raises(SourceError, match=r"earlier in this command; not asked again"):
            fetcher.get(f"{status_url(server)}?again=1", "SCS monitor")
        assert time.monotonic() - started < 0.1
        # another source on the same server is its own source
        with pytest.raises(SourceError, match="HTTP 404"):
            fetcher.get(other, "Marketplace")
    assert server.upstream.count("/scs/status") == 1
    # a new command asks again
    with command(), pytest.raises(SourceError, match="no complete answer"):
        fetcher.get(status_url(server), "SCS monitor")
    assert server.upstream.count("/scs/status") == 2


def test_a_deadline_is_shared_by_a_sources_concurrent_requests(server, tmp_path):
    server.upstream.faults["/scs/"] = Fault("silent")
    fetcher = Fetcher(HttpClient(retry=RetryPolicy(attempts=1), deadline=1.0), Cache(tmp_path / "cache"))
    started = time.monotonic()
    with command(), ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(in_context(lambda n: _failure(fetcher, f"{server.url}/scs/{n}")), range(8)))
    took = time.monotonic() - started
    assert all("SCS monitor: no complete answer within 1 s" in o or "not asked again" in o for o in outcomes)
    assert took < 2.5, took  # one deadline in all, not one per request or per batch


def _failure(fetcher, url):
    try:
        fetcher.get(url, "SCS monitor")
    except SourceError as exc:
        return str(exc)
    return "answered"


# -- the cache keeps what a reader accepted --------------------------------------------------------------


def test_a_body_its_reader_refuses_never_replaces_the_cached_copy(server, tmp_path):
    fetcher = fetcher_for(tmp_path)
    url = status_url(server)
    good, parsed = fetcher.read(url, "SCS monitor", lambda body: json.loads(body))
    server.upstream.faults["/scs/status"] = Fault("cut-json")
    stale, again = fetcher.read(url, "SCS monitor", lambda body: load_json(body, url))
    assert stale.from_cache and stale.body == good.body and again == parsed
    assert stale.stale_reason.startswith("not valid JSON")
    assert fetcher.cache.load(url)[1] == good.body
    # without a cached copy, the refusal is the source's one-line failure, with no body in it
    with pytest.raises(SourceError) as err:
        fetcher_for(tmp_path / "other").get(url, "SCS monitor", read=lambda body: load_json(body, url))
    assert str(err.value).startswith("SCS monitor: not valid JSON") and "results" not in str(err.value)


def test_a_cached_body_its_reader_refuses_is_dropped(server, tmp_path):
    fetcher = fetcher_for(tmp_path)
    url = status_url(server)
    fetcher.get(url, "SCS monitor")

    def refuse(body):
        raise InputError(url, "not what this reader takes")

    server.upstream.hits.clear()
    fetcher.get(url, "SCS monitor", refresh=False, read=lambda body: body)
    assert server.upstream.hits == []  # the cache answered
    with pytest.raises(SourceError, match="not what this reader takes"):
        fetcher.get(url, "SCS monitor", refresh=False, read=refuse)
    assert fetcher.cache.dropped == [url] and [h.conditional for h in server.upstream.hits] == [False]


@pytest.mark.parametrize(
    "change",
    [
        {"retrieved_at": "yesterday"},
        {"checked_at": "2026-01-01T00:00:00"},  # no zone
        {"size": "12"},
        {"size": True},
        {"sha256": "0" * 63},
        {"etag": 'x"\r\nInjected: 1'},
        {"url": ["a list"]},
        {"unknown": 1},
    ],
)
def test_a_record_that_is_not_one_buyer_writes_is_a_miss(server, tmp_path, change):
    fetcher = fetcher_for(tmp_path)
    url = status_url(server)
    fetcher.get(url, "SCS monitor")
    record = next((tmp_path / "cache" / "documents").rglob("*.json"))
    record.write_text(json.dumps({**json.loads(record.read_text()), **change}))
    assert fetcher.cache.load(url) is None and fetcher.cache.dropped == [url]


def test_a_cache_that_is_not_a_folder_is_one_line(server, tmp_path):
    (tmp_path / "cache").write_text("a file\n")
    with pytest.raises(ConfigError, match="cannot be written"):
        fetcher_for(tmp_path).get(status_url(server), "SCS monitor")


def test_a_listing_over_the_byte_cap_in_all_is_refused(tmp_path):
    from buyer.sources.marketplace import MarketplaceClient
    from tests.conftest import FIXTURES

    listings = json.loads((FIXTURES / "marketplace" / "listings.json").read_text())
    with UpstreamServer(Upstream(data=need_shared(SHARED), marketplace=listings)) as running:
        probe = Fetcher(HttpClient(), Cache(tmp_path / "probe"))
        page = MarketplaceClient(f"{running.url}/marketplace", probe, per_page=5).page_url("public-clouds", 1)
        size = len(probe.get(page, "Marketplace").body)
        # every page fits the cap; the three of them together do not
        http = HttpClient(retry=RetryPolicy(attempts=1), max_bytes=int(size * 1.5))
        client = MarketplaceClient(f"{running.url}/marketplace", Fetcher(http, Cache(tmp_path / "c")), per_page=5)
        with pytest.raises(SourceError, match=r"the listing's pages are over \d+ bytes in all"):
            client.listing("public-clouds")
