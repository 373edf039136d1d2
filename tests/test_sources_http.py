"""The network layer against a real HTTP server on 127.0.0.1: upstream layouts, faults, cache."""

from __future__ import annotations

import pytest

from buyer.sources.cache import Cache
from buyer.sources.catalogue import open_catalogue
from buyer.sources.fetch import JSON_TYPES, Fetcher
from buyer.sources.http import HttpClient, RetryPolicy, SourceError
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
