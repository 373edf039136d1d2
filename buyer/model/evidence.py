"""Evidence: test outcomes a product produced, with where they came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from buyer.model.scs import ScsResult


class EvidenceKind(StrEnum):
    SELF_REPORTED = "self-reported"  # a file the vendor sent (RFP answer)
    PUBLISHED = "published"  # a result published by a third party (RefStack, SCS monitor)
    LIVE_RUN = "live-run"  # a tempest run the buyer made with their own trial account
    LIVE_DISCOVERY = "live-discovery"  # a read-only probe the buyer made


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Provenance:
    source: str  # file path or URL, as the user gave it
    sha256: str
    kind: EvidenceKind
    format: str  # refstack-client-json, refstack-api-result, subunit-v2, subunit-v1, test-list
    # When the evidence was produced (UTC), and what that date rests on.
    date: datetime | None = None
    date_basis: str = ""
    verified: bool = False  # e.g. RefStack's Foundation verification_status == 1
    reference: str = ""  # a result id or cpid, where the format carries one


@dataclass(frozen=True, slots=True)
class TestRecord:
    name: str  # without the ``[attrs]`` block
    idempotent_id: str | None
    outcome: Outcome


@dataclass(frozen=True)
class Evidence:
    provenance: Provenance
    records: tuple[TestRecord, ...]
    # Set when the check behind this evidence could not run (verdict "error", not "fail").
    error: str | None = None
    # Service types in the cloud's catalog, for evidence from a live discovery (None: unknown).
    services: frozenset[str] | None = None
    # SCS testcase results (reports, the compliance monitor); may hold several subjects.
    scs: tuple[ScsResult, ...] = ()
    passed_names: frozenset[str] = field(init=False, repr=False)
    passed_ids: frozenset[str] = field(init=False, repr=False)
    seen_names: frozenset[str] = field(init=False, repr=False)
    seen_ids: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        passed = [r for r in self.records if r.outcome is Outcome.PASSED]
        object.__setattr__(self, "passed_names", frozenset(r.name for r in passed))
        object.__setattr__(self, "passed_ids", frozenset(r.idempotent_id for r in passed if r.idempotent_id))
        object.__setattr__(self, "seen_names", frozenset(r.name for r in self.records))
        object.__setattr__(self, "seen_ids", frozenset(r.idempotent_id for r in self.records if r.idempotent_id))

    @property
    def passed_count(self) -> int:
        return sum(1 for r in self.records if r.outcome is Outcome.PASSED)


_ATTRS = re.compile(r"\[([^\]]*)\]")
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


def normalise_uuid(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower().removeprefix("id-")
    return value if _UUID.match(value) else None
