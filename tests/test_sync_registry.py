"""buyer sync, the registry and offline work, end to end through the CLI against loopback servers."""

from __future__ import annotations

import json

import pytest

from buyer.cli import main
from buyer.model.guideline import Status
from buyer.sources.catalogue import Catalogue
from tests.conftest import CLOSED, FIXTURES, SHARED, SHARED_INTEROP, need_shared
from tests.servers.upstream import GITEA, Fault, Upstream, UpstreamServer

RESULT_IDS = [f"00000000-0000-4000-8000-{n:012d}" for n in range(25)]


def refstack_data():
    g = Catalogue(SHARED_INTEROP)["2020.06"]
    names = sorted(
        {
            t.name
            for c, s in g.capability_status("platform").items()
            if s is Status.REQUIRED
            for t in g.capability(c).tests
            if not t.flagged
        }
    )
    summaries, details = [], {}
    for n, rid in enumerate(RESULT_IDS):
        created = f"2026-10-{1 + n % 28:02d} 12:00:00"
        summaries.append(
            {
                "id": rid,
                "created_at": created,
                "duration_seconds": 99,
                "verification_status": n % 2,
                "meta": {"guideline": "2020.06.json", "target": "platform"},
                "product_version": None,
            }
        )
        passed = names if n % 4 else names[:-3]
        details[rid] = {
            "id": rid,
            "created_at": created,
            "verification_status": n % 2,
            "duration_seconds": 99,
            "meta": {"guideline": "2020.06.json", "target": "platform"},
            "results": passed,
        }
    return summaries, details


@pytest.fixture
def server(monkeypatch, tmp_path):
    summaries, details = refstack_data()
    upstream = Upstream(
        data=need_shared(SHARED),
        refstack_results=summaries,
        refstack_details=details,
        marketplace=json.loads((FIXTURES / "marketplace" / "listings.json").read_text()),
    )
    with UpstreamServer(upstream) as running:
        monkeypatch.setenv("BUYER_INTEROP_URL", f"{running.url}{GITEA}")
        monkeypatch.setenv("BUYER_REFSTACK_URL", f"{running.url}/refstack")
        monkeypatch.setenv("BUYER_MARKETPLACE_URL", f"{running.url}/marketplace")
        monkeypatch.setenv("BUYER_SCS_MONITOR_URL", f"{running.url}/scs")
        monkeypatch.setenv("BUYER_REGISTRY_FILE", str(tmp_path / "registry.toml"))
        yield running


def test_second_sync_makes_only_conditional_requests(server, capsys):
    assert main(["sync"]) == 0
    err = capsys.readouterr().err
    assert "guidelines: 26 files" in err and "(0 unchanged)" in err
    assert "results: 25 results with details" in err
    assert "registry: Marketplace 16 products; RefStack products 0 products; SCS compliance monitor 3 subjects" in err
    first = len(server.upstream.hits)
    assert server.upstream.count(conditional=True) == 0
    server.upstream.hits.clear()
    assert main(["sync"]) == 0
    assert "(26 unchanged)" in capsys.readouterr().err
    hits = server.upstream.hits
    assert hits and all(h.conditional for h in hits), [h.path for h in hits if not h.conditional]
    assert all(h.status == 304 for h in hits)
    # result details never change: the warm sync does not ask for them again
    assert not [h for h in hits if h.path.startswith("/refstack/v1/results/")]
    assert len(hits) == first - len(RESULT_IDS)


def test_everything_synced_still_works_with_the_server_stopped(server, capsys):
    assert main(["sync"]) == 0
    capsys.readouterr()
    server.stop()
    args = [
        "evaluate",
        "--guideline",
        "2020.06",
        "--evidence",
        f"Acme=refstack:{RESULT_IDS[1]}",
        "--evidence",
        f"Beta=refstack:{RESULT_IDS[4]}",
    ]
    for offline in ([], ["--offline"]):
        assert main([*args, *offline]) == 1  # Beta's result misses three tests
        out = capsys.readouterr().out
        assert "Guideline 2020.06:" in out and "checked just now" in out
        assert "Acme: ✓ meets" in out and "Beta: ✗ does not meet" in out
    assert main(["registry", "list", "--offline"]) == 0
    listing = capsys.readouterr()
    assert "Acme Public Cloud" in listing.out and "checked just now" in listing.out
    assert main(["evaluate", "--guideline", "2020.06", "--evidence", "X=refstack:nope", "--offline"]) == 2
    assert "offline, and not in the cache" in capsys.readouterr().err


def test_registry_merges_sources_and_local_claims(server, tmp_path, capsys):
    evidence = tmp_path / "borealis.txt"
    g = Catalogue(SHARED_INTEROP)["2020.06"]
    evidence.write_text(
        "\n".join(t.name for c in g.capability_status("platform") for t in g.capability(c).tests) + "\n"
    )
    (tmp_path / "registry.toml").write_text(
        '[[product]]\nname = "Borealis Cloud"\nvendor = "Borealis Datacenters Oy"\ncategory = "public cloud"\n'
        'evidence = [{ file = "borealis.txt", kind = "self-reported", date = 2026-10-02 }]\n'
        '[[product.claim]]\nprogram = "platform"\nguideline = "2020.06"\nadd_ons = ["dns"]\nexpires = 2027-10-01\n\n'
        '[[product]]\nname = "acme public cloud"\nnotes = "met the sales team 2026-09"\n'
    )
    assert main(["registry", "list"]) == 0
    out = capsys.readouterr().out
    assert "Gamma Cloud" in out and "Compute 2019.11: expired" in out
    assert "example-cloud-a" in out and "SCS-compatible IaaS" in out
    assert "Borealis Cloud" in out and "Platform 2020.06 with dns: claimed, expires 2027-10-01" in out
    assert main(["registry", "show", "Acme Public Cloud", "--format", "json"]) == 0
    acme = json.loads(capsys.readouterr().out)
    assert acme["vendor"] == "Acme Hosting GmbH" and acme["notes"] == "met the sales team 2026-09"
    assert {c["source"] for c in acme["claims"]} == {"marketplace"}
    # a shortlisted product picks up the registry's evidence and claims
    profile = tmp_path / "p.toml"
    profile.write_text('name = "P"\n[interop]\nguideline = "2020.06"\n[[shortlist]]\nname = "Borealis Cloud"\n')
    assert main(["evaluate", "--profile", str(profile), "--format", "json", "--as-of", "2026-11-01"]) == 0
    card = json.loads(capsys.readouterr().out)
    product = card["products"][0]
    assert product["verdict"] == "pass" and product["evidence"][0]["source"].endswith("borealis.txt")
    assert product["claims"][0]["source"] == "local" and product["claims"][0]["add_ons"] == ["dns"]


def test_a_failing_registry_source_is_a_warning_not_a_stop(server, capsys):
    server.upstream.faults["/scs/status"] = Fault("500")
    assert main(["registry", "list"]) == 0
    captured = capsys.readouterr()
    assert "Acme Public Cloud" in captured.out
    status = f"{server.url}/scs/status"
    assert captured.err == f"buyer: warning: SCS compliance monitor: HTTP 500: injected after 3 attempts ({status})\n"
    assert main(["sync", "--only", "registry"]) == 2
    # every source is still synced and said; the one that failed says why, once
    assert capsys.readouterr().err == (
        "registry: Marketplace 16 products; RefStack products 0 products; "
        f"SCS compliance monitor failed: HTTP 500: injected after 3 attempts ({status})\n"
    )


def test_broken_local_registry_names_line_and_column(server, tmp_path, capsys):
    (tmp_path / "registry.toml").write_text('[[product]]\nname = "X"\nvendr = "typo"\n')
    assert main(["registry", "list"]) == 2
    assert "registry.toml:3:1: unknown key 'vendr' (did you mean 'vendor'?)" in capsys.readouterr().err


def test_registry_with_every_source_down_exits_2_with_a_line_per_source(tmp_path, monkeypatch, capsys):
    # conftest points every source at the closed port 9; no local registry file
    monkeypatch.setenv("BUYER_REGISTRY_FILE", str(tmp_path / "registry.toml"))
    assert main(["registry", "list"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    labels = ["Marketplace", "RefStack products", "SCS compliance monitor"]
    assert len(lines) == 3, lines
    for line, label, url in zip(
        lines,
        labels,
        [
            f"{CLOSED}/marketplace/public-clouds?expand=company&relations=company&page=1&per_page=100",
            f"{CLOSED}/api/v1/vendors",
            f"{CLOSED}/scs/status",
        ],
        strict=True,
    ):
        assert line.startswith(f"buyer: error: {label}: cannot connect: "), line
        assert line.endswith(f" after 3 attempts ({url})"), line
        assert sum(line.count(other) for other in labels) == 1, line  # named once, and only its own name


def test_registry_show_with_every_source_failing_exits_2_unless_the_local_file_has_products(server, tmp_path, capsys):
    server.upstream.faults["/marketplace/"] = Fault("412")
    server.upstream.faults["/refstack/"] = Fault("400")
    server.upstream.faults["/scs/"] = Fault("404")
    assert main(["registry", "show", "Acme Public Cloud"]) == 2
    err = capsys.readouterr().err.splitlines()
    market = f"{server.url}/marketplace/public-clouds?expand=company&relations=company&page=1&per_page=100"
    assert err == [
        f"buyer: error: Marketplace: HTTP 412: Validation Failed ({market})",
        f"buyer: error: RefStack products: HTTP 400: Bad Request ({server.url}/refstack/v1/vendors)",
        f"buyer: error: SCS compliance monitor: HTTP 404: injected ({server.url}/scs/status)",
    ]
    # a local product is something to list: the failures become warnings
    (tmp_path / "registry.toml").write_text('[[product]]\nname = "Borealis Cloud"\n')
    assert main(["registry", "list"]) == 0
    captured = capsys.readouterr()
    assert "Borealis Cloud" in captured.out
    assert [line.split(": ")[:2] for line in captured.err.splitlines()] == [
        ["buyer", "warning"],
        ["buyer", "warning"],
        ["buyer", "warning"],
    ]


def test_a_sync_the_cache_answered_for_is_still_a_failed_sync(server, capsys):
    assert main(["sync", "--only", "registry"]) == 0
    capsys.readouterr()
    server.upstream.faults["/marketplace/"] = Fault("412")
    assert main(["sync", "--only", "registry"]) == 2
    market = f"{server.url}/marketplace/public-clouds?expand=company&relations=company&page=1&per_page=100"
    assert capsys.readouterr().err == (
        f"registry: Marketplace failed: HTTP 412: Validation Failed; the cached copy is kept ({market}); "
        "RefStack products 0 products; SCS compliance monitor 3 subjects\n"
    )
    # what the first sync cached still answers
    assert main(["registry", "show", "Gamma Cloud"]) == 0
    assert "OpenStack Powered Compute 2019.11: expired" in capsys.readouterr().out


def test_registry_listings_are_inputs_of_the_scorecard_and_change_with_the_listing(server, tmp_path, capsys):
    """The claims a report shows come from the registry: each source's listing is an input with a
    digest, and a listing that changes changes the digest (and so the report id)."""
    assert main(["sync", "--only", "registry"]) == 0
    capsys.readouterr()
    args = ["evaluate", "--guideline", "2020.06", "--source", str(SHARED_INTEROP), "--as-of", "2026-11-22",
            "--format", "json", "--evidence", f"Acme Public Cloud={tmp_path / 'none.txt'}"]  # fmt: skip
    (tmp_path / "none.txt").write_text("tempest.api.compute.servers.test_x.T.test_y\n")

    def marketplace_input() -> dict:
        main(args)
        doc = json.loads(capsys.readouterr().out)
        acme = next(p for p in doc["products"] if p["name"] == "Acme Public Cloud")
        assert any(c["source"] == "marketplace" for c in acme["claims"])
        return next(i for i in doc["inputs"] if i["kind"] == "registry" and i["name"] == "Marketplace listing")

    before = marketplace_input()
    assert len(before["sha256"]) == 64 and before["date"]
    listing = server.upstream.marketplace["public-clouds"]
    listing[0] = {**listing[0], "is_openstack_powered": not listing[0]["is_openstack_powered"]}
    assert main(["sync", "--only", "registry"]) == 0
    capsys.readouterr()
    after = marketplace_input()
    assert after["sha256"] != before["sha256"]  # and the PDF's report id hashes every input


@pytest.mark.parametrize("verb", ["evaluate", "report"])
def test_an_absolute_evidence_path_in_the_local_registry_is_read_and_shown_by_its_name(verb, tmp_path, capsys):
    """The registry's folder reaches the reader as a path: an absolute file beside it, or anywhere
    else, is read, and shown by its name (no folder of this machine in the report)."""
    from tests.test_responses import ACME_RUN, PROFILE

    elsewhere = tmp_path / "vendor-mail"
    elsewhere.mkdir()
    (elsewhere / "citadel-run.json").write_bytes(ACME_RUN.read_bytes())
    registry = tmp_path / "reg" / "registry.toml"
    registry.parent.mkdir()
    registry.write_text(
        '[[product]]\nname = "Citadel Compute"\n'
        f'evidence = [{{ file = "{elsewhere / "citadel-run.json"}", kind = "self-reported", date = 2026-09-14 }}]\n'
    )
    common = ["--profile", str(PROFILE), "--as-of", "2026-12-01", "--registry", str(registry), "--offline"]
    common += ["--source", str(need_shared(SHARED_INTEROP))]
    if verb == "evaluate":
        code = main(["evaluate", *common, "--format", "json"])
        out, err = capsys.readouterr()
        assert code == 1, err
        citadel = next(p for p in json.loads(out)["products"] if p["name"] == "Citadel Compute")
        assert "citadel-run.json" in [e["source"] for e in citadel["evidence"]]
    else:
        code = main(["report", *common, "-o", str(tmp_path / "card.md"), "--format", "md"])
        err = capsys.readouterr().err
        assert code == 0, err
        text = (tmp_path / "card.md").read_text()
        assert "citadel-run.json" in text and str(elsewhere) not in text
