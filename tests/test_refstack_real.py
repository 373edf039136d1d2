"""buyer's RefStack client against the real RefStack 2.1.0 server (pip refstack, MariaDB)."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from buyer.cli import main
from buyer.model.evidence import EvidenceKind
from buyer.model.guideline import Status
from buyer.model.profile import InteropRequirement, Product, Profile
from buyer.model.scorecard import Verdict
from buyer.model.scoring import evaluate
from buyer.model.testlist import refstack_test_lines
from buyer.sources.cache import Cache
from buyer.sources.catalogue import Catalogue
from buyer.sources.fetch import Fetcher
from buyer.sources.http import HttpClient, RetryPolicy, SourceError
from buyer.sources.refstack import RefStackClient
from tests.conftest import SHARED_INTEROP
from tests.servers.upstream import GITEA

UPLOADS = 45  # three pages of 20


@pytest.fixture(scope="module")
def uploaded(refstack_server, upstream_server, tmp_path_factory):
    """Results built from real 2020.06 test names, posted as refstack-client posts them."""
    guideline = Catalogue(SHARED_INTEROP)["2020.06"]
    required = sorted(
        {
            (t.name, t.idempotent_id)
            for c, s in guideline.capability_status("platform").items()
            if s is Status.REQUIRED
            for t in guideline.capability(c).tests
            if not t.flagged
        }
    )
    rng = random.Random(7)
    ids: dict[str, dict] = {}
    for i in range(UPLOADS):
        drop = set() if i % 3 == 0 else set(rng.sample(range(len(required)), 4))
        body = {
            "cpid": f"cloud-{i % 5}",
            "duration_seconds": 100 + i,
            "results": [{"name": n, "uuid": u} for k, (n, u) in enumerate(required) if k not in drop],
        }
        response = httpx.post(f"{refstack_server.url}/v1/results", json=body, timeout=30)
        assert response.status_code == 201, response.text
        ids[response.json()["test_id"]] = {"cpid": body["cpid"], "complete": not drop}
    return ids


def client(refstack_server, tmp_path, concurrency=4):
    http = HttpClient(timeout=10, retry=RetryPolicy(attempts=2, backoff=0.01))
    return RefStackClient(refstack_server.url, Fetcher(http, Cache(tmp_path)), concurrency)


def test_lists_every_page_concurrently(refstack_server, uploaded, tmp_path):
    rs = client(refstack_server, tmp_path)
    seen = []
    results = rs.list_results(progress=lambda d, t: seen.append((d, t)))
    assert {r.id for r in results} == set(uploaded)
    assert seen[-1] == (3, 3)
    assert all(r.created_at and r.verification_status == 0 for r in results)
    assert len(rs.list_results(max_pages=1)) == 20


def test_filters_are_passed_to_the_server(refstack_server, uploaded, tmp_path):
    rs = client(refstack_server, tmp_path)
    mine = rs.list_results(cpid="cloud-3")
    assert {r.id for r in mine} == {i for i, u in uploaded.items() if u["cpid"] == "cloud-3"}
    assert rs.list_results(start_date="2099-01-01 00:00:00") == []


def test_page_past_the_end_is_a_one_line_error(refstack_server, uploaded, tmp_path):
    with pytest.raises(SourceError) as err:
        client(refstack_server, tmp_path).results_page(99)
    assert "RefStack: HTTP 400: Invalid page number" in str(err.value)


def test_fetched_results_score_as_refstack_would(refstack_server, uploaded, tmp_path):
    rs = client(refstack_server, tmp_path)
    complete = next(i for i, u in uploaded.items() if u["complete"])
    partial = next(i for i, u in uploaded.items() if not u["complete"])
    evidence = {name: [rs.result(name)] for name in (complete, partial)}
    first = evidence[complete][0]
    assert first.provenance.kind is EvidenceKind.PUBLISHED and first.provenance.reference == complete
    assert first.passed_ids == frozenset()  # RefStack returns names only
    cat = Catalogue(SHARED_INTEROP)
    profile = Profile(
        name="p",
        interop=InteropRequirement(guideline="2020.06"),
        shortlist=[Product(name=complete), Product(name=partial)],
    )
    card = evaluate(profile, cat, evidence, first.provenance.date.date())
    verdicts = {p.name: p.requirements[0] for p in card.products}
    assert verdicts[complete].verdict is Verdict.PASS and verdicts[complete].refstack.compliant
    assert verdicts[partial].verdict is Verdict.FAIL
    assert verdicts[partial].required.non_flagged_tests - verdicts[partial].required.non_flagged_passed == 4


def test_guideline_test_list_from_refstack_is_buyers_own(refstack_server, tmp_path):
    rs = client(refstack_server, tmp_path)
    assert "2020.06.json" in {g["file"] for g in rs.guidelines()["powered"]}
    served = rs.guideline_tests("2020.06", "platform", "required", alias=True, flag=False)
    mine = refstack_test_lines(Catalogue(SHARED_INTEROP)["2020.06"], "platform", [Status.REQUIRED], flagged=False)
    assert served == mine and len(served) == 377
    assert isinstance(rs.vendors(), list) and isinstance(rs.products(), list)


def test_cli_evaluates_a_published_result_by_reference(refstack_server, upstream_server, uploaded, monkeypatch, capsys):
    monkeypatch.setenv("BUYER_REFSTACK_URL", refstack_server.url)
    complete = next(i for i, u in uploaded.items() if u["complete"])
    source = f"{upstream_server.url}{GITEA}"
    args = ["evaluate", "--guideline", "2020.06", "--evidence", f"Acme=refstack:{complete}", "--source", source]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Acme: ✓ meets" in out and "published, refstack-api-result" in out
    assert main(["results", "list", "--max-pages", "3"]) == 0
    listed = capsys.readouterr().out
    assert all(result_id in listed for result_id in uploaded)
    assert main(["results", "show", complete, "--guideline", "2020.06", "--source", source]) == 0
    assert "all 275 non-flagged required tests passed" in capsys.readouterr().out


def set_meta(peer, test_id: str, **meta: str) -> None:
    """What the result's owner stores with PUT /v1/results/<id>/meta/<key> (signed in), written
    straight into RefStack's own table."""
    import subprocess

    from tests.peers.refstack import _tool

    rows = ", ".join(f"('{test_id}', '{key}', '{value}', NOW())" for key, value in meta.items())
    sql = f"INSERT INTO meta (test_id, meta_key, value, created_at) VALUES {rows};"
    sock = peer.workdir / "mysqld.sock"
    subprocess.run([_tool("mariadb"), "--no-defaults", "-S", str(sock), "-uroot", "refstack", "-e", sql], check=True)


@pytest.mark.parametrize(
    "meta",
    [{"guideline": "dns.2020.06.json", "target": "dns"}, {"guideline": "2020.06.json", "target": "dns"}],
    ids=["add-on-file", "core-file-add-on-target"],
)
def test_a_published_add_on_result_is_scored_against_the_add_on_alone(
    refstack_server, upstream_server, monkeypatch, capsys, meta
):
    """RefStack reads dns.2020.06.json from add-ons/ and scores an add-on result against the add-on
    only; ``results show`` does the same with the result's own meta, for either way of naming it."""
    monkeypatch.setenv("BUYER_REFSTACK_URL", refstack_server.url)
    dns = Catalogue(SHARED_INTEROP)["dns.2020.06"]
    tests = sorted({(t.name, t.idempotent_id) for c in dns.capabilities.values() for t in c.tests})
    body = {"cpid": "dns-cloud", "duration_seconds": 60, "results": [{"name": n, "uuid": u} for n, u in tests]}
    response = httpx.post(f"{refstack_server.url}/v1/results", json=body, timeout=30)
    assert response.status_code == 201, response.text
    result_id = response.json()["test_id"]
    set_meta(refstack_server, result_id, **meta)
    source = f"{upstream_server.url}{GITEA}"
    assert main(["results", "show", result_id, "--source", source]) == 0
    out = capsys.readouterr().out
    assert "✓ pass" in out and "DNS add-on 2020.06" in out
    assert "Platform" not in out  # the core file only carries the add-on; it is not required
    assert main(["results", "show", result_id, "--source", source, "--format", "json"]) == 0
    card = json.loads(capsys.readouterr().out)
    (req,) = card["products"][0]["requirements"]
    assert (req["kind"], req["guideline"], req["verdict"]) == ("add-on", "dns.2020.06", "pass")
