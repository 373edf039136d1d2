"""The Marketplace source against the loopback server answering as OpenStackweb/summit-api does."""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
from urllib.parse import parse_qs

import httpx
import pytest

from buyer.cli import main
from buyer.sources import marketplace
from buyer.sources.cache import Cache
from buyer.sources.fetch import Fetcher
from buyer.sources.http import HttpClient, RetryPolicy, SourceError
from buyer.sources.marketplace import KINDS, MarketplaceClient, derive_claim, fetch_all
from tests.conftest import FIXTURES, SHARED, need_shared
from tests.servers.upstream import Fault, Upstream, UpstreamServer

LISTINGS = json.loads((FIXTURES / "marketplace" / "listings.json").read_text("utf-8"))

# name -> (category, vendor, program, version, status), from the fields the fixture serializes
EXPECTED = {
    "Acme Public Cloud": ("public cloud", "Acme Hosting GmbH", "platform", "2020.06", "powered"),
    "Gamma Cloud": ("public cloud", "Gamma Networks Ltd", "compute", "2019.11", "expired"),
    "Juliet Cloud": ("public cloud", "Phonetic Clouds Inc.", "storage", "2021.11", "powered"),
    "Kilo Cloud": ("public cloud", "Phonetic Clouds Inc.", "", "", "listed"),
    "Lima Cloud": ("public cloud", "Phonetic Clouds Inc.", "compute", "2022.11", "powered"),
    "Mike Cloud": ("public cloud", "Phonetic Clouds Inc.", "", "", "listed"),
    "November Cloud": ("public cloud", "Phonetic Clouds Inc.", "platform", "2021.11", "powered"),
    "Oscar Cloud": ("public cloud", "Phonetic Clouds Inc.", "platform", "2018.02", "expired"),
    "Papa Cloud": ("public cloud", "Phonetic Clouds Inc.", "", "", "listed"),
    "Quebec Cloud": ("public cloud", "Phonetic Clouds Inc.", "", "2020.11", "tested"),
    "Romeo Cloud": ("public cloud", "Phonetic Clouds Inc.", "compute", "2020.11", "powered"),
    "Citadel Compute": ("hosted private cloud", "Citadel IT S.A.", "compute", "2020.06", "powered"),
    "Echo Managed Cloud": ("remotely managed private cloud", "Echo Managed Services BV", "", "2019.11", "tested"),
    "Delta OpenStack": ("distribution", "Delta Software AB", "platform", "2022.11", "powered"),
    "Foxtrot Storage": ("distribution", "Foxtrot Linux e.V.", "storage", "2019.06", "expired"),
    "Hotel Appliance": ("appliance", "Hotel Appliances Oy", "", "", "listed"),
}


@pytest.fixture
def server():
    # Only the Marketplace routes are asked here; the data folder is never read.
    with UpstreamServer(Upstream(data=FIXTURES, marketplace=copy.deepcopy(LISTINGS))) as running:
        yield running


def client(server, tmp_path, per_page=5, **kwargs) -> MarketplaceClient:
    fetcher = Fetcher(HttpClient(timeout=2, retry=RetryPolicy(attempts=1)), Cache(tmp_path / "cache"))
    return MarketplaceClient(f"{server.url}/marketplace", fetcher, per_page=per_page, **kwargs)


def asked(server, prefix="/marketplace/"):
    """What each Marketplace request asked for, one dict of query values per request."""
    return [{k: v[0] for k, v in parse_qs(h.query).items()} for h in server.upstream.hits if h.path.startswith(prefix)]


def get(server, path, **params):
    return httpx.get(f"{server.url}/marketplace/{path}", params=params, timeout=5)


# -- what buyer reads ---------------------------------------------------------------------------


def test_every_listing_is_read_page_by_page_and_type_is_never_expanded(server, tmp_path):
    products = fetch_all(client(server, tmp_path), refresh=True)
    got = {
        p.name: (p.category, p.vendor, p.claims[0].program, p.claims[0].version, p.claims[0].status) for p in products
    }
    assert got == EXPECTED
    assert {p.category for p in products} == set(KINDS.values())
    # 11 public clouds at 5 a page: 3 pages; every other listing 1
    requests = asked(server)
    public = asked(server, "/marketplace/public-clouds")
    assert [q["page"] for q in public] == ["1", "2", "3"]
    assert len(requests) == 3 + 4
    assert all(q["per_page"] == "5" and q["expand"] == "company" and q["relations"] == "company" for q in requests)
    assert not [q for q in requests if "type" in q.get("expand", "").split(",")]
    assert all(h.status == 200 for h in server.upstream.hits)


def test_claims_carry_no_expiry_date_and_say_what_they_are(server, tmp_path):
    products = {p.name: p for p in fetch_all(client(server, tmp_path), refresh=True)}
    assert all(p.claims[0].expires is None for p in products.values())
    assert products["Gamma Cloud"].claims[0].describe() == "OpenStack Powered Compute 2019.11: expired"
    assert products["Echo Managed Cloud"].claims[0].describe() == "OpenStack Powered 2019.11: tested"
    assert products["Hotel Appliance"].claims[0].describe() == "OpenStack Powered: listed"
    claim = products["Acme Public Cloud"].claims[0]
    assert claim.url == f"{server.url}/marketplace/public-clouds" and claim.retrieved_at is not None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # powered: flag set, not expired; the label's program word wins
        (dict(platform=True, compute=True, storage=True, powered=True, tested=True, tested_info="Platform 2020.06"),
         ("platform", "2020.06", "powered")),
        (dict(platform=False, compute=True, storage=False, powered=True, tested=True, tested_info="Compute 2020.11"),
         ("compute", "2020.11", "powered")),
        # lapsed: a flag is set but the server no longer calls it powered
        (dict(platform=False, compute=True, storage=False, powered=False, tested=True, tested_info="Compute 2019.11"),
         ("compute", "2019.11", "expired")),
        (dict(platform=False, compute=False, storage=True, powered=False, tested=False, tested_info=""),
         ("storage", "", "expired")),
        # no program word: the version is kept, the program comes from the flags or stays unknown
        (dict(platform=False, compute=False, storage=False, powered=False, tested=True, tested_info=" 2019.11"),
         ("", "2019.11", "tested")),
        (dict(platform=False, compute=True, storage=True, powered=True, tested=True, tested_info=" 2019.11"),
         ("platform", "2019.11", "powered")),
        # never tested, nothing set
        (dict(platform=False, compute=False, storage=False, powered=False, tested=False, tested_info=""),
         ("", "", "listed")),
    ],
)  # fmt: skip
def test_derive_claim(fields, expected):
    assert derive_claim(**fields) == expected


def test_the_status_needs_no_clock():
    # The server compares the expiry date with its own clock; buyer must not second-guess it.
    source = inspect.getsource(marketplace)
    assert "today" not in source and "now(" not in source


def test_an_empty_listing_has_last_page_0(server, tmp_path):
    server.upstream.marketplace["appliances"] = []
    doc = get(server, "appliances", page=1, per_page=5).json()
    assert (doc["total"], doc["last_page"], doc["data"]) == (0, 0, [])
    assert client(server, tmp_path).listing("appliances") == []


def test_per_page_stays_within_summit_apis_limits(server, tmp_path):
    for wrong in (4, 501):
        with pytest.raises(ValueError, match=r"5\.\.500"):
            client(server, tmp_path, per_page=wrong)
    products = client(server, tmp_path, per_page=500).listing("public-clouds")
    assert len(products) == 11 and [q["per_page"] for q in asked(server)] == ["500"]


# -- what goes wrong, in one line ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "words"),
    [("412", "HTTP 412: Validation Failed"), ("400", "HTTP 400: Bad Request")],
)
def test_an_error_answer_is_one_line_naming_marketplace_and_the_url(server, tmp_path, kind, words):
    server.upstream.faults["/marketplace/"] = Fault(kind)
    mp = client(server, tmp_path)
    with pytest.raises(SourceError) as err:
        mp.listing("public-clouds")
    assert str(err.value) == f"Marketplace: {words} ({mp.page_url('public-clouds', 1)})"
    assert server.upstream.count("/marketplace/") == 1  # a 4xx is not retried


@pytest.mark.parametrize(
    ("envelope", "page", "reason"),
    [
        ({"current_page": 1}, 2, "inconsistent page: current_page is 1, page 2 was asked for"),
        ({"per_page": 10}, 1, "inconsistent page: per_page is 10, 5 was asked for"),
        ({"last_page": 0}, 1, "inconsistent page: last_page 0 does not fit total 11 at 5 a page"),
        ({"last_page": -1}, 1, "inconsistent page: last_page -1 does not fit total 11 at 5 a page"),
        ({"last_page": "3"}, 1, "field 'last_page': expected a number, got a string"),
        ({"last_page": None}, 1, "field 'last_page': expected a number, got null"),
        ({"data": {}}, 1, "field 'data': expected an array, got an object"),
    ],
)
def test_a_page_that_contradicts_itself_stops_the_listing(server, tmp_path, envelope, page, reason):
    server.upstream.marketplace_envelope = envelope
    mp = client(server, tmp_path)
    with pytest.raises(SourceError) as err:
        mp.listing("public-clouds")
    assert str(err.value) == f"Marketplace: {reason} ({mp.page_url('public-clouds', page)})"


def test_more_pages_than_the_cap_is_an_error_not_a_truncated_registry(server, tmp_path):
    mp = client(server, tmp_path, max_pages=2)
    with pytest.raises(SourceError, match="the listing says it has 3 pages of 5; buyer reads at most 2"):
        mp.listing("public-clouds")
    assert marketplace.MAX_PAGES == 200


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", 42, "field 'data[1].name': expected a string, got a number"),
        ("is_openstack_powered", "yes", "field 'data[1].is_openstack_powered': expected true/false, got a string"),
        ("openstack_tested_info", 2019.11, "field 'data[1].openstack_tested_info': expected a string, got float"),
        ("company", "Delta", "field 'data[1].company': expected an object, got a string"),
    ],
)
def test_an_item_of_the_wrong_shape_names_its_field_and_page(server, tmp_path, field, value, reason):
    server.upstream.marketplace["distros"][1][field] = value
    mp = client(server, tmp_path)
    with pytest.raises(SourceError) as err:
        mp.listing("distros")
    assert str(err.value) == f"Marketplace: {reason} ({mp.page_url('distros', 1)})"


def test_without_the_company_object_the_vendor_is_unknown(server, tmp_path):
    # A summit-api that does not expand it sends company_id only.
    for item in server.upstream.marketplace["distros"]:
        del item["company"]
    products = client(server, tmp_path).listing("distros")
    assert [(p.name, p.vendor) for p in products] == [("Delta OpenStack", ""), ("Foxtrot Storage", "")]


# -- the loopback server is summit-api's double: hold it to that -------------------------------


def test_server_paging_rules_are_summit_apis(server):
    doc = get(server, "public-clouds").json()  # defaults: page 1, per_page 5
    assert (doc["current_page"], doc["per_page"], doc["last_page"], doc["total"]) == (1, 5, 3, 11)
    assert list(doc) == ["total", "per_page", "current_page", "last_page", "data"]
    for params, field, message in [
        ({"page": 0, "per_page": 5}, "page", "The page field must be at least 1."),
        ({"page": 1, "per_page": 4}, "per_page", "The per page field must be at least 5."),
        ({"page": 1, "per_page": 501}, "per_page", "The per page field must not be greater than 500."),
        ({"page": 2}, "per_page", "The per page field is required when page is present."),
        ({"page": "x", "per_page": 5}, "page", "The page field must be an integer."),
    ]:
        answer = get(server, "public-clouds", **params)
        assert answer.status_code == 412, params
        assert answer.json() == {"message": "Validation Failed", "errors": {field: [message]}, "code": 0}
    beyond = get(server, "public-clouds", page=9, per_page=5).json()
    assert (beyond["current_page"], beyond["last_page"], beyond["data"]) == (9, 3, [])


def test_server_expands_company_only_when_asked_and_type_fails_the_page(server):
    plain = get(server, "distros", page=1, per_page=5).json()["data"][0]
    assert "company" not in plain and plain["company_id"] == 14
    expanded = get(server, "distros", expand="company", relations="company").json()["data"][0]
    assert "company_id" not in expanded and expanded["company"]["name"] == "Delta Software AB"
    # the newest serializer expands only what relations= names too; unknown names are skipped
    assert "company" not in get(server, "distros", expand="company,foo").json()["data"][0]
    assert get(server, "distros", expand="foo", relations="foo").status_code == 200
    broken = get(server, "distros", expand="company,type", relations="company,type")
    assert (broken.status_code, broken.json()) == (500, {"message": "server error"})
    server.upstream.marketplace["appliances"] = []
    assert get(server, "appliances", expand="type", relations="type").status_code == 200  # nothing to serialize
    # older summit-api: no relations gate, so expand=type alone fails and expand=company alone works
    server.upstream.marketplace_relations_gate = False
    assert get(server, "distros", expand="company,type").status_code == 500
    assert get(server, "distros", expand="company").json()["data"][0]["company"]["id"] == 14


def test_buyer_reads_the_older_summit_api_too(server, tmp_path):
    server.upstream.marketplace_relations_gate = False
    products = {p.name: p.vendor for p in client(server, tmp_path).listing("distros")}
    assert products == {"Delta OpenStack": "Delta Software AB", "Foxtrot Storage": "Foxtrot Linux e.V."}


def test_server_etag_is_the_md5_of_the_body_and_answers_304(server):
    answer = get(server, "distros", page=1, per_page=5)
    etag = hashlib.md5(answer.content).hexdigest()
    assert answer.headers["etag"] == f'"{etag}"'
    for sent in (f'"{etag}"', etag, f'"{etag}-gzip"', f'"{etag}", "other"'):
        again = httpx.get(str(answer.url), headers={"If-None-Match": sent}, timeout=5)
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", f'"{etag}"'), sent
    assert httpx.get(str(answer.url), headers={"If-None-Match": '"other", "x"'}, timeout=5).status_code == 200


# -- through the command line -------------------------------------------------------------------


@pytest.fixture
def everything(monkeypatch, tmp_path):
    """All of the registry's sources on one loopback server, the Marketplace at summit-api's page size."""
    upstream = Upstream(data=need_shared(SHARED), marketplace=copy.deepcopy(LISTINGS))
    with UpstreamServer(upstream) as running:
        monkeypatch.setenv("BUYER_REFSTACK_URL", f"{running.url}/refstack")
        monkeypatch.setenv("BUYER_MARKETPLACE_URL", f"{running.url}/marketplace")
        monkeypatch.setenv("BUYER_SCS_MONITOR_URL", f"{running.url}/scs")
        monkeypatch.setenv("BUYER_REGISTRY_FILE", str(tmp_path / "registry.toml"))
        monkeypatch.setattr(marketplace, "PER_PAGE", 5)
        yield running


def test_a_second_sync_asks_every_page_conditionally_and_gets_304s(everything, capsys):
    assert main(["sync", "--only", "registry"]) == 0
    assert "registry: Marketplace 16 products;" in capsys.readouterr().err
    first = [(h.path, h.query) for h in everything.upstream.hits if h.path.startswith("/marketplace/")]
    assert len(first) == 3 + 4 and not [h for h in everything.upstream.hits if h.conditional]
    everything.upstream.hits.clear()
    assert main(["sync", "--only", "registry"]) == 0
    assert "registry: Marketplace 16 products;" in capsys.readouterr().err
    again = [h for h in everything.upstream.hits if h.path.startswith("/marketplace/")]
    assert [(h.path, h.query) for h in again] == first
    assert all(h.conditional and h.status == 304 for h in again)
    # and what was cached reads back offline
    everything.stop()
    assert main(["registry", "list", "--offline", "--source", "marketplace"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in EXPECTED)
    assert "OpenStack Powered Storage 2019.06: expired" in out


def test_a_marketplace_error_is_one_warning_line(everything, capsys):
    everything.upstream.faults["/marketplace/public-clouds"] = Fault("412")
    assert main(["registry", "list"]) == 0  # the other sources still list
    captured = capsys.readouterr()
    url = f"{everything.url}/marketplace/public-clouds?expand=company&relations=company&page=1&per_page=5"
    assert captured.err == f"buyer: warning: Marketplace: HTTP 412: Validation Failed ({url})\n"
    assert "example-cloud-a" in captured.out
