"""Evidence parsers: refstack-client JSON, RefStack results, subunit v1/v2, test lists, bad files."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from buyer.cli import main
from buyer.errors import InputError
from buyer.formats.evidence import parse_evidence
from buyer.model.evidence import EvidenceKind, Outcome, normalise_uuid, split_test_id
from buyer.sources.files import load_evidence_file
from tests.conftest import FIXTURES, SHARED, SHARED_LIVE, need_shared

UUID_A = "657c1970-4722-4189-8831-7325f3bc4265"


def subunit_v2(results: list[tuple[str, str]], when: dt.datetime | None = None) -> bytes:
    """Write a real subunit v2 stream with python-subunit's own writer."""
    import subunit

    buffer = io.BytesIO()
    out = subunit.StreamResultToBytes(buffer)
    stamp = when or dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    for test_id, status in results:
        out.status(test_id=test_id, test_status="inprogress", timestamp=stamp)
        out.status(test_id=test_id, test_status=status, timestamp=stamp)
    return buffer.getvalue()


def test_split_test_id_like_refstack_client():
    assert split_test_id(f"a.b.test_x[id-{UUID_A},smoke]") == ("a.b.test_x", UUID_A)
    assert split_test_id("a.b.test_y[gate](scenario)") == ("a.b.test_y(scenario)", None)
    assert split_test_id("a.b.test_z") == ("a.b.test_z", None)


def test_refstack_client_json_with_uuids():
    doc = {
        "cpid": "abc",
        "duration_seconds": 12,
        "results": [{"name": "t.a.test_1", "uuid": UUID_A}, {"name": "t.a.test_2"}],
    }
    ev = parse_evidence(json.dumps(doc).encode(), "acme.json")
    assert ev.provenance.format == "refstack-client-json"
    assert ev.provenance.reference == "abc"
    assert ev.passed_names == {"t.a.test_1", "t.a.test_2"}
    assert ev.passed_ids == {UUID_A}


def test_refstack_client_json_bad_uuid_names_the_field():
    doc = {"cpid": "abc", "results": [{"name": "t.a.test_1", "uuid": "not-a-uuid"}]}
    with pytest.raises(InputError, match=r"acme.json: field 'results\[0\].uuid': not a UUID"):
        parse_evidence(json.dumps(doc).encode(), "acme.json")


def test_a_refstack_result_with_one_entry_not_a_name_names_that_entry():
    data = json.dumps({"id": "x", "created_at": "2025-06-14 09:21:07", "results": ["tempest.a.b", 5]}).encode()
    with pytest.raises(InputError, match=r"field 'results\[1\]': expected a string, got a number"):
        parse_evidence(data, "r.json")


def test_refstack_api_result_detail_dates_and_verification():
    doc = {
        "id": "r-1",
        "created_at": "2029-05-06 07:08:09",
        "verification_status": 1,
        "meta": {"guideline": "2020.06.json", "target": "platform"},
        "results": ["t.a.test_1", "t.a.test_2"],
    }
    ev = parse_evidence(json.dumps(doc).encode(), "r.json", EvidenceKind.PUBLISHED)
    p = ev.provenance
    assert (p.format, p.reference, p.verified, p.date_basis) == (
        "refstack-api-result",
        "r-1",
        True,
        "created_at",
    )
    assert p.date == dt.datetime(2029, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert ev.passed_ids == frozenset()


def test_results_listing_is_refused_with_advice():
    doc = {"results": [{"id": "x"}], "pagination": {"current_page": 1, "total_pages": 1}}
    with pytest.raises(InputError, match="results listing"):
        parse_evidence(json.dumps(doc).encode(), "page.json")


def test_subunit_v2_written_by_python_subunit():
    data = subunit_v2(
        [
            (f"t.a.test_ok[id-{UUID_A},smoke]", "success"),
            ("t.a.test_bad[id-00000000-0000-4000-8000-000000000001]", "fail"),
            ("setUpClass (t.b.Skipped)", "skip"),
        ]
    )
    ev = parse_evidence(data, "run.subunit")
    assert ev.provenance.format == "subunit-v2"
    assert ev.provenance.date == dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert ev.passed_names == {"t.a.test_ok"} and ev.passed_ids == {UUID_A}
    outcomes = {r.name: r.outcome for r in ev.records}
    assert outcomes["t.a.test_bad"] is Outcome.FAILED
    assert outcomes["setUpClass (t.b.Skipped)"] is Outcome.SKIPPED


def test_truncated_subunit_v2_is_an_error_not_partial_evidence():
    data = subunit_v2([(f"t.a.test_{i}", "success") for i in range(5)])
    with pytest.raises(InputError, match="truncated or corrupt subunit"):
        parse_evidence(data[: len(data) - 7], "cut.subunit")


def test_real_tempest_streams():
    live = need_shared(SHARED_LIVE)
    handful = load_evidence_file(live / "identity-handful.subunit")
    assert handful.passed_count == 9 and len(handful.passed_ids) == 9
    plus = load_evidence_file(live / "identity-plus-sqlite-locks.subunit")
    counts = {o: sum(r.outcome is o for r in plus.records) for o in Outcome}
    assert counts == {Outcome.PASSED: 125, Outcome.FAILED: 9, Outcome.SKIPPED: 4}
    guideline_run = load_evidence_file(live / "guideline-2020.06-platform-required.subunit")
    assert guideline_run.passed_count == 8
    assert guideline_run.provenance.date_basis == "test timestamps"


def test_subunit_v1_matches_refstack_client_output():
    base = need_shared(SHARED / "refstack-results" / "refstack-client-unit-fixtures" / "testrepository")
    ev = load_evidence_file(base / "0")
    expected = json.loads((base / "0.json").read_text())
    assert ev.provenance.format == "subunit-v1"
    got = sorted(({"name": r.name, "uuid": r.idempotent_id} for r in ev.records), key=lambda d: d["name"])
    want = sorted(({"name": r["name"], "uuid": r.get("uuid")} for r in expected["results"]), key=lambda d: d["name"])
    assert got == want


def test_test_list_with_and_without_attributes():
    text = f"# passed tests\nt.a.test_1[id-{UUID_A},smoke]\n\nt.a.test_2\nt.a.test_3[gate](scenario)\n"
    ev = parse_evidence(text.encode(), "list.txt")
    assert ev.provenance.format == "test-list"
    assert ev.passed_names == {"t.a.test_1", "t.a.test_2", "t.a.test_3(scenario)"}
    assert ev.passed_ids == {UUID_A}


def test_guideline_style_list_from_real_data():
    ev = load_evidence_file(need_shared(SHARED_LIVE) / "identity-handful.guideline-style-ids.txt")
    assert ev.passed_count == 9 and len(ev.passed_ids) == 9


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file, not evidence"),
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b'{"cpid": "x", "results": [{"name": "a"', "x.bin:1:39: not valid JSON"),
        (b"this is a letter, not a test list\n", "x.bin:1:1: not a test name"),
        (b'{"cpid": "x", "results": []}', "holds no test results"),
        (b'{"cpid": "x"}', "field 'results': missing"),
        (b"[1, 2]", "expected an object, got an array"),
    ],
)
def test_bad_evidence_is_one_clear_error(data, message):
    with pytest.raises(InputError) as err:
        parse_evidence(data, "x.bin")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_evidence_file(tmp_path / "nope.json")
    with pytest.raises(InputError, match="is a folder"):
        load_evidence_file(tmp_path)


def test_date_falls_back_to_declared_then_mtime(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("t.a.test_1\n")
    declared = load_evidence_file(path, declared_date=dt.date(2029, 12, 24))
    assert declared.provenance.date == dt.datetime(2029, 12, 24, tzinfo=dt.UTC)
    assert declared.provenance.date_basis == "declared in the profile"
    assert load_evidence_file(path).provenance.date_basis == "file modification time"


@pytest.mark.parametrize(
    ("uuids", "canonical", "valid"),
    [
        ([UUID_A, "e3e6a64a-9f50-4955-b987-6ce6767c97fb"], True, True),
        ([UUID_A.upper()], False, True),  # upper case: lower-cased before it is compared
        ([UUID_A.replace("-", "")], False, True),  # no hyphens
        (["id-" + UUID_A], False, True),
        ([UUID_A[:8] + UUID_A[9:13] + "-" + UUID_A[8] + UUID_A[14:]], False, False),  # hyphens out of place
        ([UUID_A[:-1] + "g"], False, False),
        ([UUID_A[:-1] + "\u0661"], False, False),  # a digit, but not an ASCII one
        ([UUID_A[:-1] + "-"], False, False),  # a hyphen where a hex digit belongs
        ([UUID_A[:-1], UUID_A], False, False),  # one id a character short
    ],
)
def test_the_fast_path_tells_canonical_ids_from_the_rest(uuids, canonical, valid):
    from buyer.formats.evidence import _canonical

    assert _canonical(uuids) is canonical
    doc = {"cpid": "x", "results": [{"name": f"t.a.test_{i}", "uuid": u} for i, u in enumerate(uuids)]}
    if not valid:
        with pytest.raises(InputError, match=r"ids\.json: field 'results\[0\]\.uuid': not a UUID"):
            parse_evidence(json.dumps(doc).encode(), "ids.json")
        return
    ev = parse_evidence(json.dumps(doc).encode(), "ids.json")
    # whatever form the file writes, the ids it means are found
    wanted = frozenset(filter(None, (normalise_uuid(u) for u in uuids)))
    assert ev.names_for_ids(wanted).keys() == wanted


@pytest.mark.parametrize("canonical", [True, False])
def test_an_id_is_found_under_the_first_name_it_passed_as(canonical):
    """Whichever way the ids are looked up (as written when all are canonical, normalised
    otherwise), a passed id names the first test that passed with it; a part of an id, or
    one not passed, names none."""
    other = "e3e6a64a-9f50-4955-b987-6ce6767c97fb"
    written = [UUID_A, other, UUID_A] if canonical else [UUID_A.upper(), other, UUID_A]
    doc = {"cpid": "x", "results": [{"name": f"t.a.test_{i}", "uuid": u} for i, u in enumerate(written)]}
    ev = parse_evidence(json.dumps(doc).encode(), "ids.json")
    absent = "00000000-0000-4000-8000-000000000000"
    found = ev.names_for_ids(frozenset({UUID_A, other, absent, UUID_A[:8], other[9:] + UUID_A[:9]}))
    assert found == {UUID_A: "t.a.test_0", other: "t.a.test_1"}


def test_a_renamed_provenance_keeps_every_other_field():
    import dataclasses

    from buyer.model.evidence import Provenance

    values = {"source": "a", "sha256": "b", "kind": EvidenceKind.PUBLISHED, "format": "c",
              "date": dt.datetime(2020, 1, 2, tzinfo=dt.UTC), "date_basis": "d", "verified": True, "reference": "e"}  # fmt: skip
    assert set(values) == {f.name for f in dataclasses.fields(Provenance)}, "a new field: give it a value here"
    original = Provenance(**values)
    assert original.named("f") == dataclasses.replace(original, source="f")


# -- provenance: a file cannot make itself the buyer's own live check ---------------------------

DISCOVERY = {
    "format": "buyer.discovery",
    "cloud": "trial",
    "checked_at": "2029-12-30T10:00:00Z",
    "services": [{"type": "compute"}, {"type": "identity"}],
}
ADHOC = ["evaluate", "--guideline", "2030.01", "--as-of", "2030-01-01", "--no-registry", "--format", "json"]


@pytest.fixture
def disc(tmp_path, monkeypatch):
    monkeypatch.setenv("BUYER_INTEROP_URL", str(FIXTURES / "interop"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "disc.json").write_text(json.dumps(DISCOVERY))
    return tmp_path


@pytest.mark.parametrize("kind", [None, "self-reported", "published"])
def test_a_saved_discovery_given_as_other_evidence_is_refused(disc, capsys, kind):
    extra = ["--evidence-kind", kind] if kind else []
    assert main([*ADHOC, "--evidence", "Trial=disc.json", *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "disc.json: a saved buyer discovery given as" in err, err
    assert f"given as {kind or 'self-reported'} evidence" in err


def test_a_saved_discovery_declared_live_discovery_is_read_as_one(disc, capsys):
    assert main([*ADHOC, "--evidence", "Trial=disc.json", "--evidence-kind", "live-discovery"]) in (1, 3)
    assert "live-discovery" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("declared", "code"), [("", 2), (', kind = "self-reported"', 2), (', kind = "live-discovery"', 0)]
)
def test_a_profile_reads_a_saved_discovery_only_when_it_declares_one(disc, capsys, declared, code):
    profile = disc / "p.toml"
    profile.write_text(
        'name = "P"\n[interop]\nguideline = "2030.01"\n'
        f'[[shortlist]]\nname = "Trial"\nevidence = [{{ file = "disc.json"{declared} }}]\n'
    )
    got = main(["evaluate", "--profile", str(profile), "--as-of", "2030-01-01", "--no-registry"])
    err = capsys.readouterr().err
    assert (got == 2) == (code == 2), err
    assert ("a saved buyer discovery" in err) == (code == 2)


def test_a_vendor_form_cannot_send_a_saved_discovery(disc, capsys):
    (disc / "form.toml").write_text(
        'format = "buyer.rfp-response"\nversion = 1\n[vendor]\ncompany = "Acme"\nproduct = "Acme Cloud"\n'
        '[[evidence]]\nfile = "disc.json"\nkind = "self-reported"\n'
    )
    assert main(["response", "check", "form.toml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("form.toml:7:1: ") and "a saved buyer discovery given as self-reported" in err, err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        # a test list saved as Latin-1 (it was "a binary file, not evidence")
        (
            "tempest.a.B.test_ok\ntempest.a.B.test_café\n".encode("latin-1"),
            "l.txt:2:21: not UTF-8 text (byte 40 is not",
        ),
        ("tempest.a.B.test_ok\n".encode("utf-16"), "l.txt: UTF-16 text, not UTF-8: save it as UTF-8"),
        # JSON with a Latin-1 name (it was "not valid JSON: not UTF-8 text", with no place)
        ('{"results": [\n  {"name": "tempest.é"}]}'.encode("latin-1"), "l.txt:2:21: not UTF-8 text (byte 34 is not"),
        ('{"results": []}'.encode("utf-16"), "l.txt: UTF-16 text, not UTF-8"),
        # UTF-32's mark begins with UTF-16's (it was told as UTF-16); without a mark, the zero bytes
        # of Latin letters tell both (they were "a binary file")
        ("tempest.a.B.test_ok\n".encode("utf-32"), "l.txt: UTF-32 text, not UTF-8: save it as UTF-8"),
        ("tempest.a.B.test_ok\n".encode("utf-32-be"), "l.txt: UTF-32 text, not UTF-8"),
        ('{"results": []}'.encode("utf-16-le"), "l.txt: UTF-16 text, not UTF-8"),
        ("tempest.a.B.test_ok\n".encode("utf-16-be"), "l.txt: UTF-16 text, not UTF-8"),
    ],
)
def test_evidence_in_another_encoding_is_told_where(disc, capsys, data, shown):
    (disc / "l.txt").write_bytes(data)
    assert main([*ADHOC, "--evidence", "X=l.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"buyer: error: {shown}") and err.count("\n") == 1, err
    assert "café" not in err and "\\xe9" not in err  # the text is not quoted back


REPORT_HEAD = (
    "---\nspec:\n  uuid: 50393e6f-2ae1-4c5c-a62c-3b75f2abef3f\n  name: SCS-compatible IaaS\nchecked_at: 2029-12-01\n"
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # a report whose keys are all null is a broken report, not a test list that is "not a test name"
        ("spec: null\nchecked_at: null\nsubject: null\n", "r.yaml: field 'spec': expected an object, got null"),
        ('spec: "x"\nsubject: a\n', "r.yaml: field 'spec': expected an object, got a string"),
        # a Python tag: refused without quoting the tag, at its place
        (
            REPORT_HEAD + "subject: !!python/object/apply:os.system ['touch /tmp/CANARY']\n",
            "r.yaml:6:10: not valid YAML: a tag buyer does not read",
        ),
        # a raw control character (BEL) in a quoted string: at its place, not just "not valid YAML"
        (REPORT_HEAD + 'subject: "ex\\e]0;CANARY\x07cloud"\n', "r.yaml:6:24: not valid YAML: a control character"),
        # a key given twice: "last one wins" would turn the failure written first into a pass
        (
            REPORT_HEAD
            + "subject: x\nversions:\n  v5.1:\n    scs-0100-syntax-check: -1\n    scs-0100-syntax-check: 1\n",
            "r.yaml:10:5: not valid YAML: the key scs-0100-syntax-check is given twice (first on line 9)",
        ),
        (REPORT_HEAD + "checked_at: 2030-01-01\n", "r.yaml:6:1: not valid YAML: the key checked_at is given twice"),
    ],
)
def test_a_broken_scs_report_is_told_as_one(disc, capsys, text, shown):
    (disc / "r.yaml").write_text(text)
    assert main([*ADHOC, "--evidence", "X=r.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"buyer: error: {shown}") and err.count("\n") == 1, err
    assert "CANARY" not in err and "python/object" not in err
