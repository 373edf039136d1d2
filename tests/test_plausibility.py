"""Evidence a reviewer would call suspicious: the same file or the same cloud's run given for two
products, a date after the evaluation date, a run whose tests took no time. Warnings never change
a verdict; with ``duplicates = "reject"`` such evidence does not count, and the reason says why."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from buyer.errors import ProfileErrors
from buyer.formats.evidence import parse_evidence
from buyer.formats.toml_models import parse_profile
from buyer.model.evidence import EvidenceFormat, EvidenceKind, Provenance
from buyer.model.plausibility import own_findings, shared_findings
from buyer.model.profile import DuplicatesPolicy, EvidencePolicy, InteropRequirement, Product, Profile
from buyer.model.scoring import evaluate
from tests.conftest import SHARED_LIVE, dated, need_shared

EXAMPLES = Path(__file__).parent.parent / "requirements_profiles" / "evidence"
ACME_RUN = EXAMPLES / "acme-public-cloud.refstack.json"
BOREALIS_LIST = EXAMPLES / "borealis-passed-tests.txt"
AS_OF = dt.date(2026, 12, 1)
RAN = dt.datetime(2026, 9, 14, tzinfo=dt.UTC)


def prov(source: str, sha: str, fmt: str = EvidenceFormat.TEST_LIST, reference: str = "") -> Provenance:
    return Provenance(source, sha, EvidenceKind.SELF_REPORTED, fmt, RAN, "declared", reference=reference)


# -- the rules, on provenance alone -------------------------------------------------------------


def test_the_same_bytes_for_two_products_is_told_on_both_and_names_the_other():
    found = shared_findings(
        [("A", [prov("a.txt", "1" * 64)]), ("B", [prov("b.txt", "2" * 64), prov("c.txt", "1" * 64)])]
    )
    assert set(found) == {(0, 0), (1, 1)}
    (a,) = found[(0, 0)]
    (b,) = found[(1, 1)]
    assert a.duplicate and a.text == "the same file (sha256 111111111111…) was given for B (c.txt)"
    assert b.text == "the same file (sha256 111111111111…) was given for A (a.txt)"


def test_one_product_listing_a_file_twice_is_not_a_duplicate_of_itself():
    assert shared_findings([("A", [prov("a.txt", "1" * 64), prov("again/a.txt", "1" * 64)]), ("B", [])]) == {}


def test_the_same_cpid_with_other_bytes_is_one_cloud_offered_twice():
    client = EvidenceFormat.REFSTACK_CLIENT_JSON
    found = shared_findings(
        [("A", [prov("a.json", "1" * 64, client, "5a4c8e2f")]), ("B", [prov("b.json", "2" * 64, client, "5a4c8e2f")])]
    )
    assert [f.text for f in found[(0, 0)]] == ["the same cpid ('5a4c8e2f') as evidence given for B (b.json)"]
    assert [f.text for f in found[(1, 0)]] == ["the same cpid ('5a4c8e2f') as evidence given for A (a.json)"]


def test_identical_files_are_told_once_not_again_as_the_same_cpid():
    client = EvidenceFormat.REFSTACK_CLIENT_JSON
    found = shared_findings(
        [("A", [prov("a.json", "1" * 64, client, "x")]), ("B", [prov("b.json", "1" * 64, client, "x")])]
    )
    assert [len(found[k]) for k in sorted(found)] == [1, 1]
    assert all(f.text.startswith("the same file") for fs in found.values() for f in fs)


def test_one_refstack_result_given_for_two_products():
    api = EvidenceFormat.REFSTACK_API_RESULT
    found = shared_findings(
        [("A", [prov("refstack:r1", "1" * 64, api, "r1")]), ("B", [prov("r1.json", "2" * 64, api, "r1")])]
    )
    assert found[(1, 0)][0].text == "the same RefStack result ('r1') as evidence given for A (refstack:r1)"


def test_references_that_do_not_name_a_run_are_not_compared():
    # an SCS report's reference is its subject; two reports about one subject are not copies
    found = shared_findings(
        [
            ("A", [prov("a.yaml", "1" * 64, "scs-report", "cloud")]),
            ("B", [prov("b.yaml", "2" * 64, "scs-report", "cloud")]),
        ]
    )
    assert found == {}


def test_many_other_products_are_named_a_few_at_a_time():
    products = [(f"P{i}", [prov(f"p{i}.txt", "1" * 64)]) for i in range(6)]
    text = shared_findings(products)[(0, 0)][0].text
    assert text.endswith("was given for P1 (p1.txt), P2 (p2.txt), P3 (p3.txt) and 2 more")


# -- subunit timing ------------------------------------------------------------------------------


def subunit_stream(names: list[str], seconds: float) -> bytes:
    """A subunit v2 stream, written with python-subunit as stestr writes one, each test taking ``seconds``."""
    from subunit import StreamResultToBytes

    out = io.BytesIO()
    stream = StreamResultToBytes(out)
    start = RAN
    for name in names:
        stream.status(test_id=name, test_status="inprogress", timestamp=start)
        start += dt.timedelta(seconds=seconds)
        stream.status(test_id=name, test_status="success", timestamp=start)
    return out.getvalue()


@pytest.mark.shared
def test_a_stream_whose_passed_tests_all_took_no_time_is_warned_about():
    names = (need_shared(SHARED_LIVE) / "identity-handful.tests.txt").read_text().split()
    written = parse_evidence(subunit_stream(names, 0), "written.subunit")
    assert written.passed_count == 9 and written.timing is not None and written.timing.longest == 0
    (finding,) = own_findings(written, AS_OF)
    assert finding.text == (
        "lists 9 passed tests, and none of the 9 timed ones ran longer than zero seconds (subunit timestamps)"
    )
    assert not finding.duplicate
    assert own_findings(parse_evidence(subunit_stream(names, 0.25), "run.subunit"), AS_OF) == ()


@pytest.mark.shared
def test_real_tempest_streams_are_not_suspicious():
    for name in ("identity-handful.subunit", "identity-plus.subunit", "identity-plus-sqlite-locks.subunit"):
        ev = parse_evidence((need_shared(SHARED_LIVE) / name).read_bytes(), name)
        assert ev.timing is not None and ev.timing.longest > 0
        assert own_findings(ev, dt.date(2026, 11, 30)) == ()


def test_formats_without_timestamps_say_nothing_about_time():
    ev = parse_evidence(BOREALIS_LIST.read_bytes(), "b.txt", date=RAN)
    assert ev.timing is None and own_findings(ev, AS_OF) == ()


def test_a_date_after_the_evaluation_date_is_a_warning_and_does_not_count():
    later = dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    ev = parse_evidence(BOREALIS_LIST.read_bytes(), "b.txt", date=later)
    (finding,) = own_findings(ev, AS_OF)
    assert finding.text == "dated 2027-01-05, after the evaluation date 2026-12-01"


# -- in a scorecard ------------------------------------------------------------------------------


def platform_profile(duplicates: DuplicatesPolicy = DuplicatesPolicy.WARN, *names: str) -> Profile:
    return Profile(
        name="plausibility",
        interop=InteropRequirement(guideline="2020.06", program="platform"),
        evidence_policy=EvidencePolicy(max_age_days=365, duplicates=duplicates),
        shortlist=[Product(name=n) for n in names],
    )


def acme_run(source: str, reserialise: bool = False):
    data = ACME_RUN.read_bytes()
    if reserialise:  # the same run, written again: other bytes, the same cpid
        data = json.dumps(json.loads(data), indent=1).encode()
    return parse_evidence(data, source, date=RAN)


@pytest.mark.shared
def test_warnings_change_no_verdict(shared_catalogue):
    alone = evaluate(platform_profile(DuplicatesPolicy.WARN, "A"), shared_catalogue, {"A": [acme_run("a.json")]}, AS_OF)
    evidence = {"A": [acme_run("a.json")], "B": [acme_run("b.json", reserialise=True)]}
    both = evaluate(platform_profile(DuplicatesPolicy.WARN, "A", "B"), shared_catalogue, evidence, AS_OF)
    a, b = both.products
    assert a.evidence[0].warnings == (
        "the same cpid ('5a4c8e2f0b9d4f7c9e1a3b5c7d9e1f20') as evidence given for B (b.json)",
    )
    assert b.evidence[0].warnings[0].endswith("as evidence given for A (a.json)")
    assert [r.verdict for r in a.requirements] == [r.verdict for r in alone.products[0].requirements] == ["pass"]
    assert [r.reason for r in a.requirements] == [r.reason for r in alone.products[0].requirements]
    assert a.evidence[0].counts and b.evidence[0].counts
    assert both.duplicates == "warn"


@pytest.mark.shared
def test_reject_makes_every_copy_ineligible_and_the_reason_says_why(shared_catalogue):
    borealis = parse_evidence(BOREALIS_LIST.read_bytes(), "borealis.txt", date=RAN)
    evidence = {"A": [acme_run("a.json")], "B": [acme_run("b.json", reserialise=True), borealis]}
    card = evaluate(platform_profile(DuplicatesPolicy.REJECT, "A", "B"), shared_catalogue, evidence, AS_OF)
    a, b = card.products
    assert not a.evidence[0].eligible and not b.evidence[0].eligible
    assert a.evidence[0].reason == (
        "the same cpid ('5a4c8e2f0b9d4f7c9e1a3b5c7d9e1f20') as evidence given for B (b.json); "
        "the profile rejects evidence given for more than one product"
    )
    assert a.evidence[0].warnings  # still told as a warning too
    # A had nothing else: not verified, and the verdict's reason names the rejection
    assert a.requirements[0].verdict == "not-verified" and "rejects evidence" in a.requirements[0].reason
    # B keeps its own list, which counts and decides (it misses two object-storage tests)
    assert b.evidence[1].counts and b.evidence[1].warnings == ()
    assert b.requirements[0].verdict == "fail" and "objectstore-account-quotas" in b.requirements[0].reason
    assert card.duplicates == "reject"


@pytest.mark.shared
def test_a_product_scored_twice_under_reject_reads_its_evidence_again_lazily(shared_catalogue):
    """Evidence is read product by product and not kept; under reject, a product with copies is
    scored again, and its evidence read again from the mapping (memory stays flat)."""
    reads: dict[str, int] = {}

    class Lazy(dict):
        def get(self, key, default=None):
            reads[key] = reads.get(key, 0) + 1
            return super().get(key, default)

    evidence = Lazy({"A": [acme_run("a.json")], "B": [acme_run("b.json")], "C": [acme_run("c.json", reserialise=True)]})
    evaluate(platform_profile(DuplicatesPolicy.REJECT, "A", "B", "C"), shared_catalogue, evidence, AS_OF)
    assert reads == {"A": 2, "B": 2, "C": 2}
    reads.clear()
    evaluate(platform_profile(DuplicatesPolicy.WARN, "A", "B", "C"), shared_catalogue, evidence, AS_OF)
    assert reads == {"A": 1, "B": 1, "C": 1}


def test_the_duplicates_policy_is_checked_where_the_profile_writes_it():
    text = 'name = "P"\n[interop]\nguideline = "2020.06"\n[evidence_policy]\nduplicates = "ignore"\n'
    with pytest.raises(ProfileErrors) as exc:
        parse_profile(text, "p.toml")
    (line,) = exc.value.lines()
    assert line.startswith("p.toml:5:1: evidence_policy.duplicates: ")
    assert (
        parse_profile(text.replace("ignore", "reject"), "p.toml").evidence_policy.duplicates is DuplicatesPolicy.REJECT
    )
    assert parse_profile(text.replace('duplicates = "ignore"\n', ""), "p.toml").evidence_policy.duplicates == "warn"


def test_provenance_is_what_the_rules_read():
    # a copy renamed is still a copy: only the bytes count, never the file name
    p = prov("a.txt", "1" * 64)
    assert shared_findings([("A", [p]), ("B", [replace(p, source="renamed.txt")])])


@pytest.mark.shared
def test_a_test_list_sent_back_as_buyer_wrote_it_is_told_and_still_scored(tmp_path, capsys):
    """A vendor that returns the RFP package's own test list as its "passed tests" is told about
    (it is a list to run, not a run); like every finding, it changes no verdict. A list with one
    line changed is no longer that file."""
    from buyer.cli import main
    from tests.conftest import SHARED_INTEROP

    src = ["--source", str(need_shared(SHARED_INTEROP))]
    package = tmp_path / "pkg"
    profile = Path(__file__).parent.parent / "requirements_profiles" / "public-cloud-platform-2020.06.toml"
    assert main(["rfp", "--profile", str(profile), "--package", str(package), *src]) == 0
    capsys.readouterr()
    lists = sorted((package / "tests").glob("M*.txt"))
    assert lists
    edited = tmp_path / "edited.txt"
    edited.write_text(lists[0].read_text() + "tempest.api.extra.Test.test_more\n")
    for path in [*lists, edited]:  # dated before the evaluation date, whatever day the test runs
        dated(path, dt.date(2026, 11, 30))
    args = [
        "evaluate",
        "--guideline",
        "2020.06",
        "--program",
        "platform",
        "--add-on",
        "dns",
        "--add-on",
        "orchestration",
    ]
    args += ["--as-of", "2026-12-01", "--format", "json", *src, "--no-registry"]
    args += [f"--evidence=Echo={p}" for p in lists] + [f"--evidence=Edited={edited}"]
    main(args)
    card = json.loads(capsys.readouterr().out)
    echo = next(p for p in card["products"] if p["name"] == "Echo")
    for use in echo["evidence"]:
        assert any("as buyer writes it for vendors to run" in w for w in use["warnings"]), use
    assert {r["verdict"] for r in echo["requirements"]} == {"pass"}  # a warning never decides
    edited_use = next(p for p in card["products"] if p["name"] == "Edited")["evidence"][0]
    assert not any("vendors to run" in w for w in edited_use["warnings"])
