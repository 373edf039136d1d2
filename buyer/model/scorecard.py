"""The Scorecard: pure data that every face renders (CLI table, JSON/CSV/Markdown, PDF, TUI).

No renderer recomputes a verdict; everything a view shows is here. A requirement's
capabilities and tests are derived on demand from what scoring recorded (the tests that did
not pass, the evidence that was scored): a scorecard of hundreds of products stays small.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, Protocol

from buyer.model.evidence import Provenance
from buyer.model.guideline import Status
from buyer.model.registry import Claim

if TYPE_CHECKING:
    from buyer.model.requirements import CompiledRequirement, PlannedCapability


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_VERIFIED = "not-verified"  # no evidence that counts, none that covers it, or needs review
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
    ID = "id"  # only the idempotent id matched: information, never a pass


@dataclass(frozen=True, slots=True)
class TestResult:
    name: str
    idempotent_id: str | None
    passed: bool  # RefStack's rule: the name or an alias was reported passed
    matched_by: MatchedBy | None
    flag_reason: str | None  # None: not flagged
    evidence: int | None  # index into ProductScore.evidence of the evidence that passed it
    stand_in: str | None = None  # matched_by ID: the test that passed with this test's id


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


class CapabilityDetail(Protocol):
    """What a requirement result knows about its capabilities, derived when asked."""

    scored: bool  # evidence with results for the requirement was scored (its numbers mean something)

    def capabilities(self, verdict: Verdict) -> tuple[CapabilityResult, ...]: ...

    def id_only(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class FixedCapabilities:
    """Capabilities computed up front (SCS testcases are few)."""

    items: tuple[CapabilityResult, ...] = ()
    scored: bool = True

    def capabilities(self, verdict: Verdict) -> tuple[CapabilityResult, ...]:
        return self.items

    def id_only(self) -> tuple[str, ...]:
        return tuple(t.name for c in self.items for t in c.results if t.matched_by is MatchedBy.ID)


@dataclass(frozen=True)
class InteropDetail:
    """What scoring recorded for an interop requirement: the tests of the scored evidence that
    did not pass by name or alias (usually few), those passed by alias, and those whose id
    passed under another name. Capability states and test results follow from these."""

    plan: CompiledRequirement
    scored: bool  # a piece of evidence with results for this requirement was scored
    evidence: int | None = None  # its index in ProductScore.evidence
    missing: frozenset[int] = frozenset()  # test indices not passed
    by_alias: frozenset[int] = frozenset()
    stand_ins: Mapping[int, str] = field(default_factory=dict)  # not passed, but its id passed as this name
    absent_services: Mapping[str, str] = field(default_factory=dict)  # capability -> service (discovery)
    untested: frozenset[str] | None = None  # capabilities no test record mentions (None: not asked)
    discovered: bool = False  # accepted live-discovery evidence was consulted

    def capabilities(self, verdict: Verdict) -> tuple[CapabilityResult, ...]:
        return tuple(
            CapabilityResult(
                row.planned.capability.id,
                row.planned.status,
                row.state,
                len(row.indices),
                row.passed,
                row.flagged,
                tuple(self.result(i) for i in row.indices),
                row.planned.capability.defined,
                row.note,
            )
            for row in self.rows(verdict)
        )

    def rows(self, verdict: Verdict) -> Iterator[CapabilityRow]:
        """Each capability's state and counts, without a test result object per test: what a
        renderer of hundreds of products walks (the JSON writer)."""
        plan, missing = self.plan, self.missing if self.scored else None
        for planned, indices in zip(plan.caps, plan.cap_tests, strict=True):
            lost = [i for i in indices if i in missing] if missing else []
            passed = len(indices) - len(lost) if missing is not None else 0
            flagged = sum(1 for i in indices if plan.tests[i].flagged)
            state, note = self._state(planned.capability.id, indices if missing is None else lost, verdict)
            yield CapabilityRow(planned, indices, state, note, passed, flagged)

    def id_only(self) -> tuple[str, ...]:
        """Tests not passed whose idempotent id passed under another name, once per (capability, test)."""
        if not self.stand_ins:
            return ()
        return tuple(self.plan.tests[i].name for indices in self.plan.cap_tests for i in indices if i in self.stand_ins)

    def result(self, i: int) -> TestResult:
        test = self.plan.tests[i]
        flag = (test.flag.reason or "flagged") if test.flag is not None else None
        if not self.scored or i in self.missing:
            stand_in = self.stand_ins.get(i)
            matched = MatchedBy.ID if stand_in else None
            return TestResult(test.name, test.idempotent_id, False, matched, flag, None, stand_in)
        matched = MatchedBy.ALIAS if i in self.by_alias else MatchedBy.NAME
        return TestResult(test.name, test.idempotent_id, True, matched, flag, self.evidence)

    def _state(self, cap_id: str, lost: Sequence[int], verdict: Verdict) -> tuple[CapabilityState, str]:
        """``lost``: the capability's tests that did not pass (all of them when nothing was scored)."""
        if cap_id in self.absent_services:
            return CapabilityState.FAIL, f"service {self.absent_services[cap_id]} is missing from the catalog"
        if self.untested is not None and cap_id in self.untested:
            note = "present, not yet tested" if self.discovered else "no test of it was run"
            return CapabilityState.NOT_VERIFIED, note
        if not self.scored:
            if verdict is Verdict.ERROR:
                return CapabilityState.ERROR, ""
            note = "present, not yet tested" if self.discovered else ""
            return CapabilityState.NOT_VERIFIED, note
        tests = self.plan.tests
        unflagged = [i for i in lost if not tests[i].flagged]
        if any(i not in self.stand_ins for i in unflagged):
            return CapabilityState.FAIL, ""
        if unflagged:
            shown = ", ".join(
                f"{short_test_name(tests[i].name)} passed only as {short_test_name(self.stand_ins[i])}"
                for i in unflagged[:2]
            )
            return CapabilityState.NOT_VERIFIED, f"needs review: {shown} (same idempotent id)"
        if lost:
            return CapabilityState.FLAGGED_ONLY, ""
        return CapabilityState.PASS, ""


class CapabilityRow(NamedTuple):
    planned: PlannedCapability
    indices: tuple[int, ...]  # the capability's tests (indices into the plan's tests)
    state: CapabilityState
    note: str
    passed: int
    flagged: int


def short_test_name(name: str) -> str:
    """The class and method of a tempest test name: enough to tell twins apart, and what a
    narrow view shows of a name (the whole name goes beside it)."""
    parts = name.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else name


@dataclass(frozen=True, slots=True)
class VendorClaim:
    """What a vendor's response says about one clause of the RFP (never part of a verdict)."""

    clause: str  # M1, M2, … (D1, … for desirable clauses)
    claim: str  # comply | partial | no
    note: str = ""


@dataclass(frozen=True, slots=True)
class ResponseUse:
    """A vendor's response form read for a product: the file, its digest, who answered, every answer."""

    file: str  # as the user named it (never a folder of the machine that renders the report)
    sha256: str
    company: str
    contact: str = ""
    rfp_reference: str = ""
    answers: tuple[VendorClaim, ...] = ()

    def answer(self, clause: str) -> VendorClaim | None:
        return next((a for a in self.answers if a.clause == clause), None)


@dataclass(frozen=True)
class RequirementResult:
    kind: RequirementKind
    guideline: str  # file id: 2020.06, dns.2020.06
    program: str  # platform | compute | storage | add-on key
    title: str
    verdict: Verdict
    reason: str  # one line, plain words
    required: Tally  # what the verdict used: RefStack's numbers of the evidence scored
    refstack: Tally  # RefStack's own numbers (name and alias matches only); equal to ``required``
    advisory: Readiness
    detail: CapabilityDetail = field(default_factory=FixedCapabilities, repr=False, compare=False)
    capability: str | None = None  # for RequirementKind.CAPABILITY
    scope: str | None = None  # the SCS scope uuid, for RequirementKind.SCS
    review: tuple[tuple[str, str], ...] = ()  # (test, the test that passed with its id), when that decides
    vendor_claim: VendorClaim | None = None  # the vendor's answer to this requirement's clause, if any

    @property
    def claim_contradicted(self) -> bool:
        """The vendor claims to comply and the evidence does not show a pass."""
        return (
            self.vendor_claim is not None and self.vendor_claim.claim == "comply" and self.verdict is not Verdict.PASS
        )

    @property
    def capabilities(self) -> tuple[CapabilityResult, ...]:
        return self.detail.capabilities(self.verdict)

    @property
    def id_only_matches(self) -> tuple[str, ...]:
        return self.detail.id_only()

    @property
    def scored(self) -> bool:
        """Whether evidence was scored for it: when not, its counts say nothing (never "0 of N")."""
        return self.detail.scored

    @property
    def needs_review(self) -> bool:
        """Not verified only because tests passed under another test's idempotent id."""
        return bool(self.review) and self.verdict is Verdict.NOT_VERIFIED


@dataclass(frozen=True, slots=True)
class EvidenceUse:
    provenance: Provenance
    eligible: bool  # the profile's policy accepts it (age, kind)
    reason: str  # why it does not count, or "" when it does
    passed: int  # tests it reports as passed
    error: str | None = None
    used: bool = True  # eligible and relevant to at least one requirement
    unused_reason: str = ""  # eligible but used by no requirement: why
    warnings: tuple[str, ...] = ()  # plausibility findings; never change a verdict by themselves

    @property
    def counts(self) -> bool:
        return self.eligible and self.used


class Rating(StrEnum):
    """The one-line answer an evaluation committee reads first."""

    MEETS = "meets"
    MEETS_WITH_EXCEPTIONS = "meets with exceptions"
    DOES_NOT_MEET = "does not meet"
    NOT_VERIFIED = "not verified"
    CHECK_ERROR = "check error"


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of one standard a product was shown to meet, for a summary line."""

    label: str  # "interop capabilities", "SCS testcases"
    met: int
    total: int
    verified: bool  # False: nothing of it was verified (no share should be shown)


def flagged_left_open(count: int) -> str:
    """Flagged tests a passing requirement did not pass, in the words every face uses."""
    return f"{count} flagged test{'s' if count != 1 else ''} not passed (the guideline allows it)"


@dataclass(frozen=True)
class ProductScore:
    name: str
    verdict: Verdict
    requirements: tuple[RequirementResult, ...]
    evidence: tuple[EvidenceUse, ...]
    vendor: str = ""
    claims: tuple[Claim, ...] = ()  # what the registry says it claims; never part of the verdict
    response: ResponseUse | None = None  # the vendor's response form, when one was read

    @property
    def contradictions(self) -> tuple[RequirementResult, ...]:
        """Requirements the vendor claims to comply with and the evidence does not show passing."""
        return tuple(r for r in self.requirements if r.claim_contradicted)

    @property
    def exceptions(self) -> tuple[str, ...]:
        """What a passing requirement still leaves open: flagged tests it did not pass."""
        out = []
        for r in self.requirements:
            if r.verdict is Verdict.PASS and r.required.flag_failed:
                out.append(f"{r.title}: {flagged_left_open(r.required.flag_failed)}")
        return tuple(out)

    @property
    def rating(self) -> Rating:
        if self.verdict is Verdict.PASS:
            return Rating.MEETS_WITH_EXCEPTIONS if self.exceptions else Rating.MEETS
        return RATING_OF[self.verdict]

    @property
    def verified(self) -> bool:
        """Whether any requirement was decided by evidence (pass or fail)."""
        return any(r.verdict in (Verdict.PASS, Verdict.FAIL) for r in self.requirements)

    @property
    def mandatory_met(self) -> tuple[int, int]:
        """(requirements passed, requirements in total)."""
        return sum(r.verdict is Verdict.PASS for r in self.requirements), len(self.requirements)

    @property
    def required_capabilities_met(self) -> tuple[int, int]:
        """(required capabilities with no failing non-flagged test, required capabilities), interop only."""
        cov = self.coverage()
        interop = next((c for c in cov if c.label == INTEROP_COVERAGE), None)
        return (interop.met, interop.total) if interop else (0, 0)

    def coverage(self) -> tuple[Coverage, ...]:
        """Per standard: capabilities (interop) or mandatory testcases (SCS) shown to be met."""
        out = []
        for label, kinds in ((INTEROP_COVERAGE, INTEROP_KINDS), (SCS_COVERAGE, (RequirementKind.SCS,))):
            reqs = [r for r in self.requirements if r.kind in kinds]
            if not reqs:
                continue
            met = total = 0
            for r in reqs:
                for c in r.capabilities:
                    if c.status is Status.REQUIRED or r.kind is RequirementKind.CAPABILITY:
                        total += 1
                        met += c.state in (CapabilityState.PASS, CapabilityState.FLAGGED_ONLY)
            verified = any(r.verdict in (Verdict.PASS, Verdict.FAIL) for r in reqs)
            out.append(Coverage(label, met, total, verified))
        return tuple(out)

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
        dates = [u.provenance.date for u in self.evidence if u.counts and u.provenance.date]
        return max(dates) if dates else None


INTEROP_KINDS = (RequirementKind.PROGRAM, RequirementKind.ADD_ON, RequirementKind.CAPABILITY)
INTEROP_COVERAGE = "interop capabilities"
SCS_COVERAGE = "SCS testcases"
RATING_OF = {
    Verdict.FAIL: Rating.DOES_NOT_MEET,
    Verdict.NOT_VERIFIED: Rating.NOT_VERIFIED,
    Verdict.ERROR: Rating.CHECK_ERROR,
}


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
    required_tests: int = 0  # (capability, test) pairs that must pass, flagged ones excluded
    clause: str = ""  # the RFP's clause number: M1, M2, …


@dataclass(frozen=True, slots=True)
class GuidelineUse:
    id: str
    status: str
    schema: str
    source: str  # where buyer read it: a URL, or a path relative to the data source
    sha256: str
    commit: str = ""  # the interop repository commit, for an upstream source
    retrieved_at: datetime | None = None  # last confirmed by the server (None: a local file)


@dataclass(frozen=True, slots=True)
class InputUse:
    """Any input a report rests on (profile, guideline, scope, evidence, registry, response)."""

    kind: str  # profile | guideline | scs-scope | evidence | registry | response
    name: str  # what it is, in a few words
    source: str  # as the user named it (relative to the profile), or a URL
    sha256: str
    date: datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
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
    inputs: tuple[InputUse, ...] = ()
    duplicates: str = "warn"  # the profile's evidence_policy.duplicates: warn | reject

    @property
    def verdict(self) -> Verdict:
        return worst([p.verdict for p in self.products])

    def restricted(self, kinds: Collection[RequirementKind]) -> Scorecard:
        """The scorecard of these kinds of requirement alone, each product's verdict the worst of
        them (a published add-on result is RefStack's verdict on the add-on only)."""
        products = []
        for p in self.products:
            kept = tuple(r for r in p.requirements if r.kind in kinds)
            products.append(replace(p, requirements=kept, verdict=worst([r.verdict for r in kept])))
        specs = tuple(r for r in self.requirements if r.kind in kinds)
        return replace(self, products=tuple(products), requirements=specs)

    @property
    def contradictions(self) -> tuple[tuple[ProductScore, RequirementResult], ...]:
        """Every (product, requirement) whose vendor claims to comply and whose verdict is not pass."""
        return tuple((p, r) for p in self.products for r in p.contradictions)
