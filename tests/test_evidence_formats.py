"""Evidence parsers: refstack-client JSON, RefStack results, subunit v1/v2, test lists, bad files."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from buyer.errors import InputError
from buyer.formats.evidence import parse_evidence
from buyer.model.evidence import EvidenceKind, Outcome, normalise_uuid, split_test_id
from buyer.sources.files import load_evidence_file
from tests.conftest import SHARED, SHARED_LIVE, need_shared

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
