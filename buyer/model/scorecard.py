"""The Scorecard: pure data that every face renders (CLI table, JSON/CSV/Markdown, PDF, TUI).

No renderer recomputes a verdict; everything a view shows is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from buyer.model.evidence import Provenance
from buyer.model.guideline import Status
from buyer.model.registry import Claim


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_VERIFIED = "not-verified"  # no evidence, or none that the policy accepts (too old, wrong kind)
    ERROR = "error"  # the check behind the evidence could not run


# Worst first: how several verdicts combine into one (SCS orders FAIL, MISSING, DNF, PASS).
VERDICT_SEVERITY: dict[Verdict, int] = {
    Verdict.FAIL: 0,
    Verdict.NOT_VERIFIED: 1,
    Verdict.ERROR: 2,
    Verdict.PASS: 3,
}


def worst(verdicts: list[Verdict]) -> Verdict:
    return min(verdicts, key=VERDICT_SEVERITY.__getitem__, default=Verdict.NOT_VERIFIED)


class CapabilityState(StrEnum):
    PASS = "pass"  # every test passed
    FAIL = "fail"  # a non-flagged test did not pass
    FLAGGED_ONLY = "flagged-only"  # only flagged tests did not pass; never fails a verdict
    NOT_VERIFIED = "not-verified"
    ERROR = "error"


class RequirementKind(StrEnum):
    PROGRAM = "program"  # an OpenStack Powered program (platform, compute, storage)
    ADD_ON = "add-on"  # an add-on program scored against its own guideline file
    CAPABILITY = "capability"  # an extra capability the profile promotes to mandatory
    SCS = "scs"  # a Sovereign Cloud Stack certificate scope version


class MatchedBy(StrEnum):
    NAME = "name"
    ALIAS = "alias"
    ID = "id"  # only the idempotent id matched: not a RefStack match


@dataclass(frozen=True, slots=True)
class TestResult:
    name: str
    idempotent_id: str | None
    passed: bool
    matched_by: MatchedBy | None
    flag_reason: str | None  # None: not flagged
    evidence: int | None  # index into ProductScore.evidence of the evidence that passed it


@dataclass(frozen=True, slots=True)
class CapabilityResult:
    id: str
    status: Status
    state: CapabilityState
    tests: int
    passed: int
    flagged: int
    results: tuple[TestResult, ...]
    defined: bool = True
    note: str = ""  # e.g. "present, not yet tested" or "service dns is missing from the catalog"

    @property
    def failing(self) -> tuple[TestResult, ...]:
        return tuple(t for t in self.results if not t.passed)


@dataclass(frozen=True, slots=True)
class Tally:
    """RefStack's headline numbers for the required capabilities (interop-formats.md §4.7)."""

    tests: int = 0
    passed: int = 0
    flagged: int = 0
    flag_passed: int = 0
    flag_failed: int = 0

    @property
    def non_flagged_tests(self) -> int:
        return self.tests - self.flagged

    @property
    def non_flagged_passed(self) -> int:
        return self.non_flagged_tests - ((self.tests - self.passed) - self.flag_failed)

    @property
    def compliant(self) -> bool:
        """RefStack's "Compliance with <version>: YES"."""
        return self.non_flagged_passed == self.non_flagged_tests


@dataclass(frozen=True, slots=True)
class Readiness:
    """Advisory capabilities: how ready the product is for the next guideline."""

    capabilities: int = 0
    ready: int = 0
    tests: int = 0
    passed: int = 0


@dataclass(frozen=True, slots=True)
class RequirementResult:
    kind: RequirementKind
    guideline: str  # file id: 2020.06, dns.2020.06
    program: str  # platform | compute | storage | add-on key
    title: str
    verdict: Verdict
    reason: str  # one line, plain words
    required: Tally  # what the verdict used (name, alias and, for evidence with ids, id matches)
    refstack: Tally  # RefStack's own numbers: name and alias matches only
    advisory: Readiness
    capabilities: tuple[CapabilityResult, ...]
    capability: str | None = None  # for RequirementKind.CAPABILITY
    scope: str | None = None  # the SCS scope uuid, for RequirementKind.SCS

    @property
    def id_only_matches(self) -> tuple[str, ...]:
        return tuple(t.name for c in self.capabilities for t in c.results if t.matched_by is MatchedBy.ID)


@dataclass(frozen=True, slots=True)
class EvidenceUse:
    provenance: Provenance
    eligible: bool
    reason: str  # why it does not count, or "" when it does
    passed: int  # tests it reports as passed
    error: str | None = None


class Rating(StrEnum):
    """The one-line answer an evaluation committee reads first."""

    MEETS = "meets"
    MEETS_WITH_EXCEPTIONS = "meets with exceptions"
    DOES_NOT_MEET = "does not meet"
    NOT_VERIFIED = "not verified"
    CHECK_ERROR = "check error"


@dataclass(frozen=True, slots=True)
class ProductScore:
    name: str
    verdict: Verdict
    requirements: tuple[RequirementResult, ...]
    evidence: tuple[EvidenceUse, ...]
    vendor: str = ""
    claims: tuple[Claim, ...] = ()  # what the registry says it claims; never part of the verdict

    @property
    def exceptions(self) -> tuple[str, ...]:
        """What a passing product still leaves open: flagged tests it skipped, id-only matches."""
        out = []
        for r in self.requirements:
            if r.verdict is not Verdict.PASS:
                continue
            flagged_open = r.required.flag_failed
            if flagged_open:
                out.append(f"{r.title}: {flagged_open} flagged tests not passed (the guideline allows it)")
            if r.id_only_matches:
                out.append(f"{r.title}: {len(r.id_only_matches)} tests matched only by idempotent id")
        return tuple(out)

    @property
    def rating(self) -> Rating:
        if self.verdict is Verdict.PASS:
            return Rating.MEETS_WITH_EXCEPTIONS if self.exceptions else Rating.MEETS
        return {
            Verdict.FAIL: Rating.DOES_NOT_MEET,
            Verdict.NOT_VERIFIED: Rating.NOT_VERIFIED,
            Verdict.ERROR: Rating.CHECK_ERROR,
        }[self.verdict]

    @property
    def mandatory_met(self) -> tuple[int, int]:
        """(requirements passed, requirements in total)."""
        return sum(r.verdict is Verdict.PASS for r in self.requirements), len(self.requirements)

    @property
    def required_capabilities_met(self) -> tuple[int, int]:
        """(required capabilities with no failing non-flagged test, required capabilities)."""
        met = total = 0
        for r in self.requirements:
            for c in r.capabilities:
                if c.status is Status.REQUIRED or r.kind is RequirementKind.CAPABILITY:
                    total += 1
                    met += c.state in (CapabilityState.PASS, CapabilityState.FLAGGED_ONLY)
        return met, total

    @property
    def gaps(self) -> tuple[str, ...]:
        """Every requirement not met, in plain words, worst first; one line per shared reason."""
        ordered = sorted(self.requirements, key=lambda r: VERDICT_SEVERITY[r.verdict])
        by_reason: dict[str, list[str]] = {}
        for r in ordered:
            if r.verdict is not Verdict.PASS:
                by_reason.setdefault(r.reason, []).append(r.title)
        return tuple(f"{', '.join(titles)}: {reason}" for reason, titles in by_reason.items())

    @property
    def freshest_evidence(self) -> datetime | None:
        dates = [u.provenance.date for u in self.evidence if u.eligible and u.provenance.date]
        return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class RequirementSpec:
    """A requirement as the profile fixed it, before any product was scored."""

    kind: RequirementKind
    guideline: str
    program: str
    title: str
    guideline_status: str
    releases: tuple[str, ...] = ()
    capability: str | None = None
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class GuidelineUse:
    id: str
    status: str
    schema: str
    source: str  # where buyer read it
    sha256: str
    commit: str = ""  # the interop repository commit, for an upstream source
    retrieved_at: datetime | None = None  # last confirmed by the server (None: a local file)


@dataclass(frozen=True, slots=True)
class Scorecard:
    profile_name: str
    as_of: date
    max_age_days: int | None
    accepted_kinds: tuple[str, ...]
    guidelines: tuple[GuidelineUse, ...]
    products: tuple[ProductScore, ...]
    profile_sha256: str = ""
    requirements: tuple[RequirementSpec, ...] = ()
    buyer: str = ""
    rfp_reference: str = ""
    description: str = ""

    @property
    def verdict(self) -> Verdict:
        return worst([p.verdict for p in self.products])
