"""Parse what vendors and test runs produce into Evidence.

Formats, recognised by content (not by file name):

- refstack-client JSON: ``{"cpid", "duration_seconds", "results": [{"name", "uuid"?}]}``
- a RefStack API result detail: ``{"id", "created_at", "results": ["<name>", ...], ...}``
- subunit v2 streams (what ``stestr last --subunit`` writes) and subunit v1 (text)
- plain test lists: one passed test per line, with or without ``[attrs]``
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from buyer._hashing import sha256_hex
from buyer.errors import InputError
from buyer.formats._json import Reader, load_json
from buyer.formats.scs_results import looks_like_status, parse_reports, parse_status
from buyer.formats.text import first_bad_byte, not_utf8, wide_encoding
from buyer.model.evidence import (
    Evidence,
    EvidenceFormat,
    EvidenceKind,
    Outcome,
    Provenance,
    TestRecord,
    Timing,
    normalise_uuid,
    split_test_id,
)
from buyer.model.scs import ScsResult

FORMATS = (
    "refstack-client-json",
    "refstack-api-result",
    "subunit-v2",
    "subunit-v1",
    "test-list",
    "scs-report",
    "scs-monitor-status",
)
_EXPECTED = "expected refstack-client JSON, a RefStack result, a subunit stream, a test list or an SCS report"

_SUBUNIT_V2_SIGNATURE = 0xB3
_LEADING = re.compile(rb"[\xef\xbb\xbf \t\r\n]*")  # a byte-order mark and white space before a document
_SUBUNIT_V1_LINE = re.compile(rb"^(test|testing|success|successful|failure|fail|error|skip|xfail|uxsuccess)[:\s]", re.M)
# An SCS report (YAML): a document with a spec, a subject and a check time. Any "spec:" key at the
# start of a line (no test name has a colon there): a broken report is told as a broken report.
_SCS_REPORT = re.compile(rb"^spec:", re.M)
# A dotted test id without spaces, optionally with [attrs] and a (scenario) suffix. Kept loose:
# real guideline names hold odd characters (orchestration has "...nested_template:Wherej").
# The dot is looked for ahead and the rest is read possessively: a line of many dots that is not a
# name fails in one pass (backtracking over each dot took seconds for a line of 8 KB).
# (The two optional blocks are plain "?": the name before them is never given back, so they are
# tried at most twice each; a possessive group is wrong on early CPython 3.11, e.g. 3.11.2.)
_TEST_ID = re.compile(r"[A-Za-z_](?=[^\s\[\]()]*?\.[^\s\[\]()])[^\s\[\]()]*+(?:\[[^\]\s]*+\])?(?:\([^)\s]*+\))?\Z")
# One run's results: tempest has about 2,000 tests (the interop guidelines score a few hundred),
# and a run with every plugin far fewer than these. A file past them is not one run, and reading
# it would cost time and memory out of all proportion (1.5 M subunit packets: 1.25 GB, 35 s).
MAX_TESTS = 100_000  # results in one file, in every format
MAX_LINES = 2_000_000  # lines of a test list or a subunit v1 stream
MAX_PACKETS = 500_000  # subunit v2 packets (a test sends two to five)
MAX_JSON_COMMAS = 10 * MAX_TESTS  # a result in refstack-client JSON has two, a name in RefStack's one
MAX_NOISE = 1024 * 1024  # bytes in a subunit v2 stream that are not subunit (read one by one)
_ONE_RUN = "not one run's results (a whole tempest run has about 2,000 tests)"
_SUBUNIT_STATUS = {
    "success": Outcome.PASSED,
    "skip": Outcome.SKIPPED,
    "fail": Outcome.FAILED,
    "xfail": Outcome.FAILED,
    "uxsuccess": Outcome.FAILED,
    "inprogress": Outcome.FAILED,  # started, never finished: not passed
}


def detect_format(data: bytes, source: str) -> str:
    """Name the evidence format of ``data``; InputError when it is none of them."""
    if not data or data.isspace():  # (no stripped copy of a file that is mostly not space)
        raise InputError(source, f"empty file ({_EXPECTED})")
    if data[0] == _SUBUNIT_V2_SIGNATURE:
        return "subunit-v2"
    if wide_encoding(data) is not None:  # UTF-16 or UTF-32: its text is full of NUL bytes
        raise not_utf8(data, source, 0)
    start = _LEADING.match(data).end()  # type: ignore[union-attr]  # matches the empty string at worst
    if data[start : start + 1] in (b"{", b"["):
        return "json"
    if b"\x00" in data[:8192]:
        raise InputError(source, f"a binary file, not evidence ({_EXPECTED})")
    bad = first_bad_byte(data)
    if bad is not None:  # text in another encoding: where, so that it can be saved as UTF-8
        raise not_utf8(data, source, bad)
    if _SUBUNIT_V1_LINE.search(data[:65536]):
        return "subunit-v1"
    if _SCS_REPORT.search(data[:4096]):
        return "scs-report"
    return "test-list"


def parse_evidence(
    data: bytes,
    source: str,
    kind: EvidenceKind = EvidenceKind.SELF_REPORTED,
    date: datetime | None = None,
    date_basis: str = "",
) -> Evidence:
    """Parse one piece of evidence. ``date`` is a fallback when the content carries none."""
    try:
        return _parse(data, source, kind, date, date_basis)
    except MemoryError:  # the bounds above keep a file to a few times its size; a smaller limit still may not fit
        raise InputError(source, "too large to read in the memory this process may use") from None


def _parse(data: bytes, source: str, kind: EvidenceKind, date: datetime | None, date_basis: str) -> Evidence:
    fmt = detect_format(data, source)
    digest = sha256_hex(data)
    if fmt == "scs-report":
        from buyer.formats.scs_scope import load_yaml_documents  # YAML only for an SCS report

        return _scs_evidence(parse_reports(load_yaml_documents(data, source), source), source, digest, fmt, kind)
    if fmt == "json":
        # Decoded, 94 MB of results took 0.9 GB. Counted only where the bound can be passed: the
        # count costs 40 µs on a 70 KB result, a tenth of scoring it (issue 16's hot path).
        if len(data) > MAX_JSON_COMMAS and data.count(b",") > MAX_JSON_COMMAS:
            raise InputError(source, f"more than {MAX_JSON_COMMAS:,} commas: {_ONE_RUN}")
        fast = _refstack_client_fast(data, source)
        if fast is not None:
            names, uuids, cpid, canonical = fast
            fmt = EvidenceFormat.REFSTACK_CLIENT_JSON
            return _passes(source, digest, kind, fmt, names, uuids, date, date_basis, cpid, canonical=canonical)
        doc = load_json(data, source)
        if isinstance(doc, dict) and doc.get("format") == "buyer.discovery":
            return _discovery(doc, source, digest, kind)
        if looks_like_status(doc):
            return _scs_evidence(parse_status(doc, source), source, digest, "scs-monitor-status", kind)
        parsed = _parse_json(doc, source)
        if parsed.date is not None:
            date, date_basis = parsed.date, "created_at"
        return _passes(
            source, digest, kind, parsed.format, parsed.names, parsed.uuids, date, date_basis,
            parsed.reference, parsed.verified,
        )  # fmt: skip
    if fmt == "subunit-v2":
        records, found_date, timing = _parse_subunit_v2(data, source)
    elif fmt == "subunit-v1":
        records, found_date, timing = _parse_subunit_v1(data, source)
    else:
        names = _parse_test_list(data, source)
        return _passes(source, digest, kind, EvidenceFormat.TEST_LIST, names, (), date, date_basis)
    if found_date is not None:
        date, date_basis = found_date, "test timestamps"
    if not records:
        raise InputError(source, f"holds no test results ({fmt})")
    provenance = Provenance(source, digest, kind, fmt, date, date_basis if date else "")
    return Evidence(provenance, tuple(records), timing=timing)


def _passes(
    source: str,
    digest: str,
    kind: EvidenceKind,
    fmt: str,
    names: Sequence[str],
    uuids: Sequence[str | None],
    date: datetime | None,
    date_basis: str,
    reference: str = "",
    verified: bool = False,
    canonical: bool | None = None,
) -> Evidence:
    """Evidence of a passes-only format: names (attributes split off) and their ids
    (``canonical``: whether the parser found every id in the canonical form; None: not known)."""
    if not names:
        raise InputError(source, f"holds no test results ({fmt})")
    # A test list may hold tempest ids with [id-…,smoke] attributes, which refstack-client strips
    # (one C-level search). JSON results are matched as written, as RefStack matches them.
    if fmt == EvidenceFormat.TEST_LIST and "[" in "".join(names):
        split = [split_test_id(n) for n in names]
        names = [n for n, _ in split]
        uuids = [u or (uuids[i] if uuids else None) for i, (_, u) in enumerate(split)]
        canonical = None  # an id in the name's attributes comes first
    provenance = Provenance(source, digest, kind, fmt, date, date_basis if date else "", verified, reference)
    return Evidence(
        provenance, passed=tuple(names), passed_uuids=tuple(uuids) if uuids else (), canonical_ids=canonical
    )


def _scs_evidence(results: list[ScsResult], source: str, digest: str, fmt: str, kind: EvidenceKind) -> Evidence:
    if not results:
        raise InputError(source, f"holds no SCS results ({fmt})")
    newest = max(r.checked_at for r in results)
    subjects = sorted({r.subject for r in results})
    prov = Provenance(source, digest, kind, fmt, newest, "checked_at", reference=", ".join(subjects))
    return Evidence(prov, (), scs=tuple(results))


def _discovery(doc: dict[str, Any], source: str, digest: str, kind: EvidenceKind) -> Evidence:
    """buyer's own saved discovery (``buyer check discovery --save``): the services a cloud has.
    Only when the file is declared as one: the format is a line anyone can write, and a vendor's
    file must not be shown as a check the buyer made."""
    if kind is not EvidenceKind.LIVE_DISCOVERY:
        raise InputError(
            source,
            f"a saved buyer discovery given as {kind} evidence: only a discovery the buyer ran, "
            "declared live-discovery (a profile's kind, --evidence-kind), is read as one",
        )
    r = Reader(source)
    services = r.need(doc, "services", list, "")
    types = frozenset(
        r.need(r.expect(s, dict, f"services[{i}]"), "type", str, f"services[{i}]") for i, s in enumerate(services)
    )
    when = _parse_timestamp(r.need(doc, "checked_at", str, ""), source, "checked_at")
    prov = Provenance(
        source,
        digest,
        EvidenceKind.LIVE_DISCOVERY,
        "discovery",
        when,
        "time of the check",
        reference=str(doc.get("cloud", "")),
    )
    return Evidence(prov, (), services=types)


# -- JSON: refstack-client output and RefStack API result detail ---------------------------


# gc=False: strings and numbers only, no cycle possible, so the collector need not track the
# 70,000 records a 200-product evaluation decodes (measured: decoding 13% faster).
class _ClientItem(msgspec.Struct, gc=False):
    name: str
    uuid: str | None = None


class _ClientResult(msgspec.Struct, gc=False):
    """refstack-client's output (and RefStack's POST body): decoded and checked in one pass."""

    results: list[_ClientItem]
    cpid: str = ""
    duration_seconds: int | float = 0


_CLIENT_DECODER = msgspec.json.Decoder(_ClientResult)
# Ids in the other forms tempest accepts (upper case, no hyphens, an id- prefix), one per line.
_UUIDS = re.compile(r"(?:(?:id-)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\n)*")


def _canonical(uuids: list[str | None]) -> bool:
    """Every id there, in the 8-4-4-4-12 lower-case form refstack-client writes. Checked with
    byte operations that run in C: a hyphen at 8, 13, 18 and 23 of every id, and nothing else
    but hex digits."""
    try:
        joined = "".join(uuids)  # type: ignore[arg-type]
    except TypeError:  # an id missing (null)
        return False
    count = len(uuids)
    if len(joined) != 36 * count or not joined.isascii():
        return False
    raw = joined.encode("ascii")
    dashes = b"-" * count
    if raw.translate(None, b"0123456789abcdef") != dashes * 4:
        return False
    return all(raw[at::36] == dashes for at in (8, 13, 18, 23))


def _refstack_client_fast(data: bytes, source: str) -> tuple[list[str], list[str | None], str, bool | None] | None:
    """refstack-client JSON on the fast path; None when the document is something else (or
    broken: the general path then says where, with the field's name). With the names and ids:
    whether every id is canonical (None: not known)."""
    try:
        doc = _CLIENT_DECODER.decode(data.removeprefix(b"\xef\xbb\xbf"))
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    if not doc.results:
        return None
    _check_count(len(doc.results), source)
    names = [r.name for r in doc.results]
    uuids = [r.uuid for r in doc.results]
    if _canonical(uuids):  # the usual case: every id there, as refstack-client writes them
        return names, uuids, doc.cpid, True
    present = [u for u in uuids if u]
    if not _canonical(present) and not _UUIDS.fullmatch("\n".join(present) + "\n"):
        bad = next(i for i, u in enumerate(uuids) if u and not _UUIDS.fullmatch(u + "\n"))
        raise InputError(source, "not a UUID", field=f"results[{bad}].uuid")
    return names, uuids, doc.cpid, None


def _check_count(count: int, source: str) -> None:
    if count > MAX_TESTS:
        raise InputError(source, f"more than {MAX_TESTS:,} results: {_ONE_RUN}", field="results")


@dataclass(frozen=True)
class _Parsed:
    format: EvidenceFormat
    names: list[str]
    uuids: list[str | None]
    date: datetime | None = None
    reference: str = ""
    verified: bool = False


def _parse_json(doc: Any, source: str) -> _Parsed:
    r = Reader(source)
    r.expect(doc, dict, "")
    if "pagination" in doc:
        raise InputError(source, "is a RefStack results listing; give one result (GET /v1/results/<id>)")
    results = r.need(doc, "results", list, "")
    _check_count(len(results), source)
    if results and isinstance(results[0], str):
        # RefStack API detail: names only, uuids are never returned. Its list is told by its first
        # entry: another kind of entry after it is that entry's problem, not the first one's.
        bad = next((i for i, x in enumerate(results) if not isinstance(x, str)), None)
        if bad is not None:
            raise r.mismatch(results[bad], str, f"results[{bad}]")
        created = _parse_timestamp(doc.get("created_at"), source, "created_at")
        verified = doc.get("verification_status") in (1, "1", True)
        reference = r.get(doc, "id", str, "", "")
        return _Parsed(EvidenceFormat.REFSTACK_API_RESULT, results, [], created, reference, verified)
    names: list[str] = []
    uuids: list[str | None] = []
    for i, item in enumerate(results):
        path = f"results[{i}]"
        r.expect(item, dict, path)
        names.append(r.need(item, "name", str, path))
        uuid_raw = r.get(item, "uuid", str, path, "")
        if uuid_raw and normalise_uuid(uuid_raw) is None:
            raise r.fail(f"{path}.uuid", "not a UUID")
        uuids.append(uuid_raw or None)
    cpid = r.get(doc, "cpid", str, "", "")
    return _Parsed(EvidenceFormat.REFSTACK_CLIENT_JSON, names, uuids, None, cpid)


def _parse_timestamp(value: object, source: str, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(source, "expected a date string", field=field)
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(source, "not a date (expected ISO 8601)", field=field) from None
    # RefStack returns "YYYY-MM-DD HH:MM:SS" in UTC without a zone.
    return _utc(when if when.tzinfo else when.replace(tzinfo=UTC), source, field)


def _utc(when: datetime, source: str, field: str) -> datetime:
    """In UTC; a time that has no UTC form (9999-12-31T23:59:59-12:00) is an input error."""
    try:
        return when.astimezone(UTC)
    except OverflowError:
        raise InputError(source, "a date out of range", field=field) from None


def _record(test_id: str, uuid: str | None, outcome: Outcome) -> TestRecord:
    name, attr_uuid = split_test_id(test_id)
    return TestRecord(name, uuid or attr_uuid, outcome)


# -- subunit --------------------------------------------------------------------------------


class _Bounded:
    """Passes a subunit parser's events on to testtools, within the bounds of one run: at most
    MAX_TESTS tests (testtools keeps each one until it ends), MAX_PACKETS events (each costs
    ~15 µs) and MAX_NOISE bytes that are not subunit (read one byte per event); a corrupt packet
    ends the read at once, not after the rest of the file has been read as noise."""

    def __init__(self, sink: Any, source: str) -> None:
        self.sink, self.source = sink, source
        self.tests: set[str] = set()
        self.events = self.noise = 0

    def startTestRun(self) -> None:
        self.sink.startTestRun()

    def stopTestRun(self) -> None:
        self.sink.stopTestRun()

    def status(self, test_id: str | None = None, **event: Any) -> None:
        self.events += 1
        if test_id == "subunit.parser":
            raise InputError(self.source, "a truncated or corrupt subunit stream")
        if test_id is None:
            self.noise += len(event.get("file_bytes") or b"")
        elif test_id not in self.tests:
            self.tests.add(test_id)
            if len(self.tests) > MAX_TESTS:
                raise InputError(self.source, f"more than {MAX_TESTS:,} tests in one subunit stream: {_ONE_RUN}")
        if self.events > MAX_PACKETS:
            raise InputError(self.source, f"more than {MAX_PACKETS:,} subunit events: {_ONE_RUN}")
        if self.noise > MAX_NOISE:
            raise InputError(
                self.source, f"more than {MAX_NOISE // 1024} KiB that is not subunit: not a subunit stream"
            )
        self.sink.status(test_id=test_id, **event)


class _Records:
    """What scoring needs of each test, taken as the stream ends it (testtools' dict, with its
    attachments, is not kept): the record, the newest time stamp, how long passed tests took."""

    def __init__(self) -> None:
        self.records: list[TestRecord] = []
        self.latest: datetime | None = None
        self.timed, self.longest = 0, 0.0

    def add(self, test: dict[str, Any]) -> None:
        outcome = _SUBUNIT_STATUS.get(test["status"])
        if outcome is None:
            return  # "exists" (listed, not run) and unknown states are not results
        self.records.append(_record(test["id"], None, outcome))
        stamps = test.get("timestamps") or ()
        for stamp in stamps:
            if stamp is not None and (self.latest is None or stamp > self.latest):
                self.latest = stamp
        if outcome is Outcome.PASSED and len(stamps) == 2 and None not in stamps:
            self.timed += 1
            self.longest = max(self.longest, (stamps[1] - stamps[0]).total_seconds())


def _collect(run: Any, source: str) -> tuple[list[TestRecord], datetime | None, Timing | None]:
    """Run a subunit parser into testtools.StreamToDict, within bounds, keeping only records,
    with how long the passed tests took (for the plausibility of the run)."""
    import testtools

    found = _Records()
    sink = _Bounded(testtools.StreamToDict(found.add), source)
    sink.startTestRun()
    try:
        run(sink)
        sink.stopTestRun()  # tests still in progress end here
    except (ValueError, OverflowError, TypeError):
        # subunit raises these for what it cannot read: a v1 "time:" line that is not a time (iso8601's
        # ParseError is a ValueError), a v2 timestamp out of range. The line itself is never quoted.
        raise InputError(source, "a subunit stream with a value that cannot be read (a time that is not one)") from None
    return found.records, found.latest, (Timing(found.timed, found.longest) if found.timed else None)


def _parse_subunit_v2(data: bytes, source: str) -> tuple[list[TestRecord], datetime | None, Timing | None]:
    import subunit

    def run(sink: Any) -> None:
        subunit.ByteStreamToStreamResult(io.BytesIO(data), non_subunit_name="stdout").run(sink)

    return _collect(run, source)


def _parse_subunit_v1(data: bytes, source: str) -> tuple[list[TestRecord], datetime | None, Timing | None]:
    import subunit
    import testtools

    _check_lines(data, source)

    def run(sink: Any) -> None:
        decorated = testtools.ExtendedToStreamDecorator(sink)
        # Started before the first line: started lazily (at the first test) the decorator forgets the
        # "time:" lines read so far, and the test is stamped with the current time instead.
        decorated.startTestRun()
        # Lines that are not subunit go nowhere: by default subunit copies them to standard output,
        # which would put the file's content (and any escape sequence in it) on the terminal.
        subunit.ProtocolTestCase(io.BytesIO(data), passthrough=subunit.DiscardStream()).run(decorated)

    return _collect(run, source)


# -- plain test lists -----------------------------------------------------------------------


_LINE_TEXT = re.compile(rb"[^\r\n]+")  # a line's text; blank lines are skipped without a Python step
_LINE_BREAK = re.compile(rb"\r\n?|\n")


def _parse_test_list(data: bytes, source: str) -> list[str]:
    """One name per line, read a line at a time (the file is not decoded or split whole: a
    248 MiB list took 3 GB that way)."""
    _check_lines(data, source)
    names: list[str] = []
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    for found in _LINE_TEXT.finditer(data, start):
        text = found.group().decode("utf-8").strip()  # valid UTF-8: detect_format checked it
        if not text or text.startswith("#"):
            continue
        if not _TEST_ID.match(text):
            # The line itself is never quoted: the file may not be evidence at all.
            raise InputError(source, f"not a test name ({_EXPECTED})", line=_line_of(data, found.start()), column=1)
        if len(names) == MAX_TESTS:
            raise InputError(
                source, f"more than {MAX_TESTS:,} test names: {_ONE_RUN}", line=_line_of(data, found.start())
            )
        names.append(text)
    return names


def _check_lines(data: bytes, source: str) -> None:
    """A text format's lines counted before they are read; only in a file long enough to have
    too many (the count is a pass over the bytes)."""
    if len(data) > MAX_LINES and data.count(b"\n") > MAX_LINES:
        raise InputError(source, f"more than {MAX_LINES:,} lines: {_ONE_RUN}")


def _line_of(data: bytes, at: int) -> int:
    return sum(1 for _ in _LINE_BREAK.finditer(data, 0, at)) + 1
