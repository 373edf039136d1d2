"""Sovereign Cloud Stack as a second standard: scopes, timelines, reports, the monitor, scoring."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest

from buyer.cli import main
from buyer.errors import InputError, RequirementError
from buyer.formats.scs_scope import parse_scope
from buyer.model.scs import VersionState, expires_at
from tests.conftest import SHARED, SHARED_INTEROP, need_shared

pypdf = pytest.importorskip("pypdf")

IAAS = "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f"


def scs() -> object:
    return need_shared(SHARED / "scs")


def scope(name: str):
    path = scs() / "scopes" / name
    return parse_scope(path.read_bytes(), str(path))


def test_every_scope_file_loads():
    files = sorted((scs() / "scopes").rglob("*.yaml"))
    assert len(files) == 5
    formats = {f.name: parse_scope(f.read_bytes(), str(f)).format for f in files}
    assert formats == {
        "scs-compatible-iaas.yaml": "current",
        "scs-compatible-kaas.yaml": "current",
        "legacy-scs-compatible-test.yaml": "legacy",
        "scs-compatible-iaas.2025-05-pre-prune.yaml": "tags",
        "scs-compatible-iaas.2026-01-tags-format.yaml": "tags",
    }
    head = scope("scs-compatible-iaas.yaml")
    assert head.uuid == IAAS and len(head.testcases) == 91
    assert {v: len(x.mandatory) for v, x in head.versions.items()} == {"next": 55, "v5.1": 54, "v4": 39, "v3": 16}
    assert head.versions["v5.1"].stabilized_at == dt.date(2024, 12, 19)
    kaas = scope("scs-compatible-kaas.yaml")
    assert kaas.testcases["cncf-k8s-conformance"].lifetime == "year"


@pytest.mark.parametrize(
    ("day", "effective", "states"),
    [
        ("2021-06-01", "v1", {"v1": "effective", "v2": "deprecated"}),
        ("2023-04-01", "v2", {"v1": "effective", "v2": "effective"}),
        ("2023-11-01", "v3", {"v1": "deprecated", "v2": "effective", "v3": "effective"}),
        ("2024-05-01", "v4", {"v3": "warn", "v4": "effective"}),
        ("2024-09-01", "v4", {"v4": "effective", "v5": "draft"}),
        ("2024-11-25", "v5", {"v4": "effective", "v5": "effective"}),
        ("2025-01-01", "v5.1", {"v5": "deprecated", "v5.1": "effective"}),
        ("2025-03-01", "v5.1", {"v4": "warn", "v5.1": "effective"}),
    ],
)
def test_the_timeline_decides_the_effective_version(day, effective, states):
    history = scope("history/scs-compatible-iaas.2025-05-pre-prune.yaml")
    on = dt.date.fromisoformat(day)
    assert history.resolve("effective", on) == effective
    assert {v: str(history.state_on(v, on)) for v in states} == states


def test_timeline_order_in_the_file_does_not_matter_and_unnamed_versions_are_deprecated():
    head = scope("scs-compatible-iaas.yaml")
    assert head.state_on("v4", dt.date(2026, 11, 22)) is VersionState.DEPRECATED  # not named in the newest entry
    assert head.state_on("next", dt.date(2026, 11, 22)) is VersionState.DRAFT
    with pytest.raises(RequirementError, match="no version of SCS-compatible IaaS is effective on 2020-01-01"):
        head.resolve("effective", dt.date(2020, 1, 1))
    with pytest.raises(RequirementError, match="has no version 'v9'"):
        head.resolve("v9", dt.date(2026, 1, 1))


def test_legacy_scope_validity_comes_from_stabilized_and_deprecated_dates():
    legacy = scope("legacy-scs-compatible-test.yaml")
    assert "OpenStack Powered Compute v2022.11" in legacy.versions["v5"].mandatory  # condition: mandatory
    days = [e.date for e in legacy.timeline]
    assert days == sorted(days) and legacy.timeline


@pytest.mark.parametrize(
    ("lifetime", "expires"),
    [
        ("day", "2026-06-19"),
        ("week", "2026-06-29"),
        ("month", "2026-08-01"),
        ("quarter", "2026-10-01"),
        ("year", "2027-08-01"),
    ],
)
def test_lifetimes_expire_as_the_monitor_computes(lifetime, expires):
    checked = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.UTC)  # a Wednesday, the example of scs.md §6.1
    assert expires_at(checked, lifetime) == dt.datetime.fromisoformat(f"{expires}T00:00:00+00:00")


@pytest.mark.parametrize("lifetime", ["day", "week", "month", "quarter", "year"])
def test_a_result_whose_lifetime_ends_after_year_9999_counts_to_the_last_date(lifetime):
    """A report checked late in 9999: its expiry is past the last date Python holds (it was an
    OverflowError traceback); no evaluation date can reach it, so the result still counts."""
    checked = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
    assert expires_at(checked, lifetime) > dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)


def test_broken_scope_names_line_field_or_format():
    with pytest.raises(InputError, match=r"x.yaml:2:\d+: not valid YAML"):
        parse_scope(b"name: x\n  bad: [unclosed\n", "x.yaml")
    with pytest.raises(InputError, match="field 'versions': missing"):
        parse_scope(b"name: x\nmodules: []\n", "x.yaml")
    with pytest.raises(InputError, match=r"field 'versions\[0\].include\[0\]': names module 'nope'"):
        parse_scope(b"name: x\nmodules: []\nversions:\n  - version: v1\n    include: [nope]\n", "x.yaml")


def evaluate_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["evaluate", "--format", "json", "--no-registry", *args])
    return code, json.loads(capsys.readouterr().out)


def scs_requirement(doc: dict, product: str) -> dict:
    p = next(p for p in doc["products"] if p["name"] == product)
    return next(r for r in p["requirements"] if r["kind"] == "scs")


def test_reports_score_as_their_contents_say(capsys):
    base = scs()
    head = str(base / "scopes" / "scs-compatible-iaas.yaml")
    reports = str(base / "generated" / "reports" / "report-iaas-multi-document.yaml")
    args = [
        "--scope",
        head,
        "--as-of",
        "2026-11-22",
        "--evidence",
        f"example-cloud-a={reports}",
        "--evidence",
        f"example-cloud-b={reports}",
    ]
    code, doc = evaluate_json(capsys, *args, "--scope-version", "v5.1")
    a, b = scs_requirement(doc, "example-cloud-a"), scs_requirement(doc, "example-cloud-b")
    assert b["verdict"] == "pass" and b["required"]["tests"] == b["required"]["passed"] == 54
    assert a["verdict"] == "error"  # scs-0117-test-backup aborted; nothing in v5.1 failed
    states = {c["id"]: c["state"] for c in a["capabilities"]}
    assert states["scs-0117-test-backup"] == "error" and "ABORT" in next(
        c["note"] for c in a["capabilities"] if c["id"] == "scs-0117-test-backup"
    )
    assert (a["scope"], a["guideline"], a["program"]) == (IAAS, "v5.1", "scs-compatible-iaas")
    assert code == 3
    # the draft "next" makes os_purpose and the S3 service mandatory: cloud-a fails them
    code, doc = evaluate_json(capsys, *args, "--scope-version", "next")
    a = scs_requirement(doc, "example-cloud-a")
    assert a["verdict"] == "fail" and code == 1
    failed = {c["id"] for c in a["capabilities"] if c["state"] == "fail"}
    assert failed == {"scs-0102-prop-os_purpose", "scs-0102-os_purpose-uniqueness", "scs-0123-service-s3"}


def test_monitor_status_scores_the_same_and_expired_results_are_not_verified(capsys):
    base = scs()
    head = str(base / "scopes" / "scs-compatible-iaas.yaml")
    status = str(base / "generated" / "monitor-views" / "status.json")
    args = [
        "--scope",
        head,
        "--scope-version",
        "v5.1",
        "--evidence-kind",
        "published",
        "--evidence",
        f"example-cloud-b={status}",
    ]
    _, doc = evaluate_json(capsys, *args, "--as-of", "2026-11-22")
    assert scs_requirement(doc, "example-cloud-b")["verdict"] == "pass"
    assert doc["products"][0]["evidence"][0]["format"] == "scs-monitor-status"
    # checked Saturday 2026-11-21; a week's lifetime ends at midnight starting Monday 2026-11-30
    code, doc = evaluate_json(capsys, *args, "--as-of", "2026-11-30")
    late = scs_requirement(doc, "example-cloud-b")
    assert late["verdict"] == "not-verified" and code == 3
    assert "have no current result" in late["reason"]
    assert {c["note"] for c in late["capabilities"]} == {"expired 2026-11-30"}


def test_effective_version_on_a_contract_date(capsys):
    history = str(scs() / "scopes" / "history" / "scs-compatible-iaas.2025-05-pre-prune.yaml")
    report = str(scs() / "generated" / "reports" / "report-iaas-example-cloud-b.yaml")
    _, doc = evaluate_json(
        capsys,
        "--scope",
        history,
        "--scope-date",
        "2024-05-01",
        "--as-of",
        "2026-11-22",
        "--evidence",
        f"example-cloud-b={report}",
    )
    req = scs_requirement(doc, "example-cloud-b")
    assert req["title"] == "SCS-compatible IaaS v4"


def test_a_profile_mixing_interop_and_scs_evaluates_reports_and_renders(tmp_path, capsys):
    base = scs()
    (tmp_path / "mixed.toml").write_text(
        'name = "Sovereign IaaS"\nbuyer = "Land Berlin"\n'
        '[interop]\nguideline = "2020.06"\nprogram = "compute"\n'
        f'[scs]\nscope = "{base / "scopes" / "scs-compatible-iaas.yaml"}"\nversion = "effective"\n'
        "[evidence_policy]\nmax_age_days = 365\n"
        '[[shortlist]]\nname = "Cloud B"\nscs_subject = "example-cloud-b"\n'
        f'evidence = [{{ file = "{base / "generated" / "reports" / "report-iaas-example-cloud-b.yaml"}" }}]\n'
    )
    src = str(need_shared(SHARED_INTEROP))
    assert main(["profile", "check", str(tmp_path / "mixed.toml"), "--source", src]) == 0
    assert "interop 2020.06 compute; SCS" in capsys.readouterr().out
    code = main(
        [
            "evaluate",
            "--profile",
            str(tmp_path / "mixed.toml"),
            "--source",
            src,
            "--as-of",
            "2026-11-22",
            "--format",
            "json",
            "--no-registry",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    interop, sovereign = doc["products"][0]["requirements"]
    assert (interop["kind"], interop["verdict"]) == ("program", "not-verified")  # the SCS report has no tempest run
    assert (sovereign["kind"], sovereign["title"], sovereign["verdict"]) == ("scs", "SCS-compatible IaaS v5.1", "pass")
    assert {g["id"] for g in doc["guidelines"]} == {"2020.06", "scs-compatible-iaas"}
    assert code == 3

    def report(out):
        args = ["report", "--profile", str(tmp_path / "mixed.toml"), "--source", src, "--as-of", "2026-11-22"]
        return main([*args, "--no-registry", "-o", str(out)])

    pdf = tmp_path / "mixed.pdf"
    assert report(pdf) == 0
    capsys.readouterr()
    text = "".join("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages).split())
    assert "OpenStackPoweredCompute2020.06" in text and "SCS-compatibleIaaSv5.1" in text
    assert "SovereignCloudStackscopes" in text and "scs-0117-test-backup✓" in text  # its matrix row: passed for cloud B
    assert report(tmp_path / "mixed.md") == 0
    assert "SCS-compatible IaaS v5.1" in (tmp_path / "mixed.md").read_text()


def test_profile_needs_some_standard(tmp_path, capsys):
    (tmp_path / "none.toml").write_text('name = "x"\n')
    assert main(["profile", "check", str(tmp_path / "none.toml")]) == 2
    assert "name at least one standard" in capsys.readouterr().err


async def test_the_tui_shows_scs_beside_interop(tmp_path, monkeypatch):
    from textual.widgets import DataTable, Static

    from buyer.tui.app import BuyerApp
    from buyer.tui.workbench import Workbench
    from tests.helpers.tui import until

    base = scs()
    profile = tmp_path / "mixed.toml"
    profile.write_text(
        'name = "Sovereign IaaS"\n[interop]\nguideline = "2020.06"\nprogram = "compute"\n'
        f'[scs]\nscope = "{base / "scopes" / "scs-compatible-iaas.yaml"}"\nversion = "v5.1"\n'
        '[[shortlist]]\nname = "example-cloud-b"\n'
        f'evidence = [{{ file = "{base / "generated" / "reports" / "report-iaas-example-cloud-b.yaml"}" }}]\n'
    )
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))

    app = BuyerApp(Workbench(source=str(need_shared(SHARED_INTEROP)), as_of=dt.date(2026, 11, 22)), profile=profile)
    async with app.run_test(size=(120, 40)) as pilot:

        def summary() -> str:
            return str(app.screen.query_one("#summary", Static).render())

        await until(pilot, lambda: "SCS:" in summary(), what="the summary, once the guidelines are loaded")
        assert "SCS: scs-compatible-iaas.yaml, version v5.1" in summary()
        await pilot.press("f4")
        await until(
            pilot,
            lambda: app.screen.query("#matrix") and app.screen.query_one("#matrix", DataTable).row_count,
            what="the scorecard's rows",
        )
        matrix = app.screen.query_one("#matrix", DataTable)
        headers = [str(c.label) for c in matrix.columns.values()]
        assert headers == ["Product", "Compute\n2020.06", "SCS-compatible\nIaaS v5.1"]  # two lines: 80 columns
        assert [str(c) for c in matrix.get_row_at(0)] == ["example-cloud-b", "? not verified", "✓ pass"]


def test_a_single_subject_report_counts_for_the_product_it_is_given_for(capsys):
    """Evidence named for a product is that product's: the report's subject need not be its name."""
    base = scs()
    head = str(base / "scopes" / "scs-compatible-iaas.yaml")
    reports = base / "generated" / "reports"
    args = ["--scope", head, "--scope-version", "v5.1", "--as-of", "2026-11-22"]
    code, doc = evaluate_json(
        capsys,
        *args,
        "--evidence",
        f"a={reports / 'report-iaas-example-cloud-a.yaml'}",
        "--evidence",
        f"Cloud B GmbH={reports / 'report-iaas-example-cloud-b.yaml'}",
    )
    a, b = scs_requirement(doc, "a"), scs_requirement(doc, "Cloud B GmbH")
    assert a["verdict"] == "error" and b["verdict"] == "pass"  # as their contents say
    assert b["required"]["passed"] == b["required"]["tests"] == 54
    for product in doc["products"]:
        (use,) = product["evidence"]
        assert use["counts"] and use["used"]
    assert code == 3


def test_a_report_of_several_subjects_must_name_the_product(tmp_path):
    """Several subjects and none of them the product: exit 2, one line naming the subjects."""
    base = scs()
    head = str(base / "scopes" / "scs-compatible-iaas.yaml")
    multi = base / "generated" / "reports" / "report-iaas-multi-document.yaml"
    status = base / "generated" / "monitor-views" / "status.json"
    for evidence in (multi, status):
        done = subprocess.run(
            [sys.executable, "-m", "buyer", "evaluate", "--scope", head, "--evidence", f"Cloud X={evidence}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        (line,) = done.stderr.strip().splitlines()
        assert "several subjects" in line and "example-cloud-a" in line and "example-cloud-b" in line
        assert "scs_subject" in line and "Traceback" not in done.stderr


def test_evidence_that_no_requirement_uses_is_never_said_to_count(tmp_path, capsys):
    """An SCS report given for an interop-only evaluation is accepted but used by nothing."""
    report = scs() / "generated" / "reports" / "report-iaas-example-cloud-b.yaml"
    code, doc = evaluate_json(
        capsys,
        "--guideline",
        "2020.06",
        "--source",
        str(need_shared(SHARED_INTEROP)),
        "--as-of",
        "2026-11-22",
        "--evidence",
        f"b={report}",
    )
    (use,) = doc["products"][0]["evidence"]
    assert use["eligible"] and not use["used"] and not use["counts"]
    assert "requires no SCS scope" in use["unused_reason"]
    assert doc["products"][0]["requirements"][0]["verdict"] == "not-verified" and code == 3
