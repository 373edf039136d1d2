"""Evidence: test outcomes a product produced, with where they came from.

Kept compact: most evidence lists only passed tests (RefStack results, refstack-client files,
test lists), so the passed names and their ids are two parallel tuples and every other record
(failed, skipped) is kept apart. Scoring asks set questions (which names passed, which ids);
those sets are made on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from buyer.model.scs import ScsResult

MAX_AGE_DAYS = 36500  # the longest age limit a profile may set: a hundred years; beyond, a limit means nothing


class EvidenceKind(StrEnum):
    SELF_REPORTED = "self-reported"  # a file the vendor sent (RFP answer)
    PUBLISHED = "published"  # a result published by a third party (RefStack, SCS monitor)
    LIVE_RUN = "live-run"  # a tempest run the buyer made with their own trial account
    LIVE_DISCOVERY = "live-discovery"  # a read-only probe the buyer made


class EvidenceFormat(StrEnum):
    REFSTACK_CLIENT_JSON = "refstack-client-json"
    REFSTACK_API_RESULT = "refstack-api-result"
    SUBUNIT_V2 = "subunit-v2"
    SUBUNIT_V1 = "subunit-v1"
    TEST_LIST = "test-list"
    SCS_REPORT = "scs-report"
    SCS_MONITOR_STATUS = "scs-monitor-status"
    DISCOVERY = "discovery"
    UNREADABLE = "unreadable"  # a file the workbench could not read; it never counts


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Provenance:
    source: str  # file path or URL, as the user gave it
    sha256: str
    kind: EvidenceKind
    format: str  # an EvidenceFormat value
    # When the evidence was produced (UTC), and what that date rests on.
    date: datetime | None = None
    date_basis: str = ""
    verified: bool = False  # e.g. RefStack's Foundation verification_status == 1
    reference: str = ""  # a result id or cpid, where the format carries one

    def named(self, source: str) -> Provenance:
        """The same provenance under another name (as the profile names the file)."""
        return Provenance(
            source, self.sha256, self.kind, self.format, self.date, self.date_basis, self.verified, self.reference
        )


@dataclass(frozen=True, slots=True)
class Timing:
    """How long the passed tests of a run took, from its subunit timestamps (two numbers, not one per test)."""

    timed: int  # passed tests with a start and a stop time
    longest: float  # the longest of them, in seconds


@dataclass(frozen=True, slots=True)
class TestRecord:
    name: str  # without the ``[attrs]`` block
    idempotent_id: str | None
    outcome: Outcome


class Evidence:
    """One piece of evidence: its provenance and what it says about tests, services or SCS."""

    def __init__(
        self,
        provenance: Provenance,
        records: Iterable[TestRecord] = (),
        error: str | None = None,
        services: frozenset[str] | None = None,
        scs: tuple[ScsResult, ...] = (),
        *,
        passed: tuple[str, ...] = (),
        passed_uuids: tuple[str | None, ...] = (),
        canonical_ids: bool | None = None,
        timing: Timing | None = None,
        unreadable: str = "",
    ) -> None:
        """``records`` are any outcomes; ``passed`` (with ``passed_uuids`` beside it, raw as the
        file wrote them, already checked) is the compact form parsers of passes-only formats use."""
        names, uuids = passed, passed_uuids or (None,) * len(passed)
        others: list[TestRecord] = []
        if records:  # a parser of every outcome (subunit); the passed ones join the compact form
            names, uuids = list(names), list(uuids)
            for r in records:
                if r.outcome is Outcome.PASSED:
                    names.append(r.name)
                    uuids.append(r.idempotent_id)
                else:
                    others.append(r)
        self.provenance = provenance
        self.error = error
        # Service types in the cloud's catalog, for evidence from a live discovery (None: unknown).
        self.services = services
        # SCS testcase results (reports, the compliance monitor); may hold several subjects.
        self.scs = scs
        self.passed = tuple(names)
        self._uuids = tuple(uuids)
        self.others = tuple(others)
        self.timing = timing  # per-test durations, for formats that carry them (subunit); None: unknown
        self.unreadable = unreadable  # why the file could not be read ("": it was)
        if canonical_ids is not None:  # the parser checked the ids already
            self.__dict__["_canonical_ids"] = canonical_ids

    def with_provenance(self, provenance: Provenance) -> Evidence:
        """The same results under another provenance (e.g. named as the profile names it)."""
        copy = object.__new__(Evidence)
        copy.__dict__.update(self.__dict__)
        copy.provenance = provenance
        return copy

    def __repr__(self) -> str:
        return f"Evidence({self.provenance.source!r}, {len(self.passed)} passed, {len(self.others)} other)"

    @property
    def passed_count(self) -> int:
        return len(self.passed)

    @property
    def has_results(self) -> bool:
        return bool(self.passed or self.others)

    @cached_property
    def records(self) -> tuple[TestRecord, ...]:
        pairs = zip(self.passed, self._uuids, strict=True)
        passed = (TestRecord(n, normalise_uuid(u), Outcome.PASSED) for n, u in pairs)
        return (*passed, *self.others)

    @cached_property
    def passed_names(self) -> frozenset[str]:
        return frozenset(self.passed)

    @cached_property
    def passed_ids(self) -> frozenset[str]:
        return frozenset(self.id_names)

    @cached_property
    def id_names(self) -> dict[str, str]:
        """Passed idempotent id -> the first test name that passed with it."""
        out: dict[str, str] = {}
        for name, raw in zip(self.passed, self._uuids, strict=True):
            uuid = normalise_uuid(raw) if raw else None
            if uuid and uuid not in out:
                out[uuid] = name
        return out

    def names_for_ids(self, wanted: frozenset[str]) -> dict[str, str]:
        """For each of these (canonical) idempotent ids that passed: the first name it passed as.

        Asked for the few tests that did not pass by name; lower-casing is enough for the
        canonical form, so the full id map is built only for ids written otherwise."""
        if self._canonical_ids:
            # Canonical ids are compared as written, no normalising: the few wanted are looked for
            # among them: one pass, where building a set of the hundreds written costs two.
            found = wanted.intersection(self._uuids)
            return {w: self.passed[self._uuids.index(w)] for w in found}
        ids = self.id_names
        return {i: ids[i] for i in wanted if i in ids}

    @cached_property
    def _canonical_ids(self) -> bool:
        """Every id written in the canonical form (lower-case 8-4-4-4-12 hex)."""
        return all(u is None or normalise_uuid(u) == u for u in self._uuids)

    @cached_property
    def other_names(self) -> frozenset[str]:
        """Tests the evidence records as run and not passed (failed, skipped)."""
        return frozenset(r.name for r in self.others)

    @cached_property
    def seen_names(self) -> frozenset[str]:
        return self.passed_names | {r.name for r in self.others}

    @cached_property
    def seen_ids(self) -> frozenset[str]:
        return self.passed_ids | {r.idempotent_id for r in self.others if r.idempotent_id}


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def split_test_id(test_id: str) -> tuple[str, str | None]:
    """``name[id-<uuid>,smoke](scenario)`` -> (``name(scenario)``, ``<uuid>``).

    As refstack-client does: everything from the first ``[`` to the last ``]`` goes, a
    ``(scenario)`` suffix stays, and the uuid is the ``id-`` attribute.
    """
    first = test_id.find("[")
    if first < 0:
        return test_id, None
    last = test_id.rfind("]")
    if last < first:
        return test_id, None
    name = test_id[:first] + test_id[last + 1 :]
    uuid = None
    for attr in test_id[first + 1 : last].replace("[", ",").replace("]", ",").split(","):
        attr = attr.strip()
        if attr.startswith("id-") and _UUID.match(attr[3:]):
            uuid = attr[3:].lower()
            break
    return name, uuid


# A RefStack result id (a UUID there; letters, digits, '.', '_' and '-' here): it becomes part of a
# URL path, so nothing that could leave it ('/', '..', spaces, control characters) is taken.
REFSTACK_PREFIX = "refstack:"  # a published result named instead of a file: refstack:<result id>
_REFSTACK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")


def refstack_id_problem(result_id: str) -> str | None:
    """Why ``result_id`` (what follows ``refstack:``) is no RefStack result id; None when it is one."""
    if not result_id.strip():
        return "name a RefStack result id after 'refstack:'"
    if not _REFSTACK_ID.match(result_id):
        return "a RefStack result id has letters, digits, '.', '_' and '-' only (as RefStack's page shows it)"
    return None


def normalise_uuid(value: str | None) -> str | None:
    """The canonical form (lower case, hyphenated) of an idempotent id, or None."""
    if not value:
        return None
    if len(value) == 36 and _CANONICAL.match(value):  # already canonical, as files mostly write them
        return value
    value = value.strip().lower().removeprefix("id-")
    if len(value) == 36 and value[8] == "-" and _UUID.match(value):
        return value
    if _UUID.match(value):
        bare = value.replace("-", "")
        return f"{bare[:8]}-{bare[8:12]}-{bare[12:16]}-{bare[16:20]}-{bare[20:]}"
    return None
