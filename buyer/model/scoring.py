"""evaluate(): (profile, guidelines, evidence per product) -> Scorecard. Pure; no I/O.

The verdict of a program, add-on or extra capability is RefStack's (interop-formats.md §4):
a test passes when its name or one of its aliases is among the passed tests of a result;
counting is per (capability, test) pair; flagged tests never fail a verdict. Like RefStack,
each piece of evidence is scored on its own: a requirement passes when one piece that the
profile accepts meets it by RefStack's rule. Tests passed in different runs are not added
together, and a test matched only by its idempotent id (tempest gives some twins one id) is
information for a reviewer, never a pass. buyer is stricter than RefStack where it adds rules
(evidence age and kind, services a live discovery did not find), never more lenient.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cached_property

from buyer._hashing import sha256_hex
from buyer.errors import InputError
from buyer.model.evidence import Evidence, EvidenceFormat
from buyer.model.guideline import Guideline
from buyer.model.plausibility import REJECTED, Finding, own_findings, sent_list_findings, shared_findings
from buyer.model.profile import DuplicatesPolicy, EvidencePolicy, Product, Profile
from buyer.model.registry import Claim
from buyer.model.requirements import (
    CompiledRequirement,
    Requirement,
    ScsPlan,
    compile_requirement,
    resolve_requirements,
    resolve_scs,
)
from buyer.model.response import clause_number
from buyer.model.scorecard import (
    EvidenceUse,
    GuidelineUse,
    InputUse,
    InteropDetail,
    ProductScore,
    Readiness,
    RequirementKind,
    RequirementResult,
    RequirementSpec,
    ResponseUse,
    Scorecard,
    Tally,
    Verdict,
    flagged_left_open,
    short_test_name,
    worst,
)
from buyer.model.scs import Scope
from buyer.model.scs_scoring import score_scs, scs_subjects
from buyer.model.services import capability_service, provided

__all__ = ["Requirement", "eligibility", "evaluate", "resolve_requirements"]

_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def eligibility(evidence: Evidence, policy: EvidencePolicy, as_of: date) -> str:
    """Why the policy does not count this evidence, or "" when it does."""
    if evidence.unreadable:  # never counts, whatever its kind and date
        return f"could not be read: {evidence.unreadable}"
    prov = evidence.provenance
    if prov.kind not in policy.accepted_kinds:
        return f"{prov.kind} evidence is not accepted by the profile"
    when = prov.date.date() if prov.date else None
    if when and when > as_of:
        return f"is dated {when}, after the evaluation date {as_of}"
    if policy.max_age_days is not None:
        if when is None:
            return "has no date, and the profile limits the age of evidence"
        age = (as_of - when).days
        if age > policy.max_age_days:
            return f"is {age} days old; the profile accepts at most {policy.max_age_days}"
    return ""


@dataclass(frozen=True)
class Plans:
    """Everything about the requirements that does not depend on a product: built once."""

    interop: tuple[CompiledRequirement, ...]
    scs: ScsPlan | None
    # Per interop plan: its result for evidence (by index) that passed every test by name, made
    # once and shared by every product it holds for (results are immutable): the usual case.
    full_marks: tuple[dict[int, RequirementResult], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "full_marks", tuple({} for _ in self.interop))

    @classmethod
    def of(
        cls, profile: Profile, guidelines: Mapping[str, Guideline], scopes: Mapping[str, Scope], as_of: date
    ) -> Plans:
        compiled = tuple(compile_requirement(r) for r in resolve_requirements(profile.interop, guidelines))
        return cls(compiled, resolve_scs(profile.scs, scopes, as_of))

    @cached_property
    def sent_lists(self) -> dict[str, str]:
        """SHA-256 of each requirement's scored test list, as buyer writes it (an RFP package's
        tests/ file, ``guidelines tests``) -> the requirement's title: a list to run, not a run."""
        from buyer.model.testlist import scored_lines  # only when a test list is among the evidence

        return {sha256_hex("".join(f"{line}\n" for line in scored_lines(c)).encode()): c.title for c in self.interop}

    def specs(self) -> tuple[RequirementSpec, ...]:
        out = [
            RequirementSpec(
                kind=c.requirement.kind,
                guideline=c.requirement.guideline.id,
                program=c.requirement.program,
                title=c.title,
                guideline_status=c.requirement.guideline.status,
                releases=c.requirement.guideline.releases,
                capability=c.requirement.capability,
                required_tests=len(c.unflagged_pairs),
                clause=clause_number(i),
            )
            for i, c in enumerate(self.interop)
        ]
        if self.scs is not None:
            scs = self.scs
            out.append(
                RequirementSpec(
                    kind=RequirementKind.SCS,
                    guideline=scs.version,
                    program=scs.scope.slug,
                    title=scs.title,
                    guideline_status=str(scs.scope.state_on(scs.version, scs.on)),
                    scope=scs.scope.uuid,
                    required_tests=len(scs.scope.versions[scs.version].mandatory),
                    clause=clause_number(len(out)),
                )
            )
        return tuple(out)


def evaluate(
    profile: Profile,
    guidelines: Mapping[str, Guideline],
    evidence: Mapping[str, Sequence[Evidence]],
    as_of: date,
    guideline_uses: Sequence[GuidelineUse] = (),
    profile_sha256: str = "",
    claims: Mapping[str, Sequence[Claim]] | None = None,
    scopes: Mapping[str, Scope] | None = None,
    inputs: Sequence[InputUse] = (),
    responses: Mapping[str, ResponseUse] | None = None,
) -> Scorecard:
    """Score every shortlisted product (and any other product that has evidence or a response).

    ``claims`` (from the registry) and ``responses`` (vendors' answers, product -> response)
    are carried into the Scorecard as they are: what a product claims never changes its
    verdict, which rests on evidence alone. ``evidence`` may load lazily: each product's
    evidence is read when it is scored and not kept afterwards (evidence found to be given for
    two products is read again when the profile rejects such duplicates)."""
    plans = Plans.of(profile, guidelines, scopes or {}, as_of)
    responses = responses or {}
    shortlist = {p.name: p for p in profile.shortlist}
    names = [*shortlist]
    names += [n for n in dict.fromkeys([*evidence, *responses]) if n not in shortlist]

    def one(name: str, rejected: Mapping[int, str] | None = None) -> ProductScore:
        claimed = tuple((claims or {}).get(name, ()))
        return score_product(
            name, evidence.get(name, ()), profile, plans, as_of, claimed, responses.get(name), rejected,
            shortlist.get(name),
        )  # fmt: skip

    products = [one(name) for name in names]
    shared = shared_findings([(p.name, [u.provenance for u in p.evidence]) for p in products])
    reject = profile.evidence_policy.duplicates is DuplicatesPolicy.REJECT
    by_product: dict[int, dict[int, Sequence[Finding]]] = {}  # grouped once: a shortlist may share many files
    for (qi, ei), fs in shared.items():
        by_product.setdefault(qi, {})[ei] = fs
    for pi, found in sorted(by_product.items()):
        name = names[pi]
        if reject:
            products[pi] = one(name, {ei: _rejection(fs) for ei, fs in found.items() if any(f.duplicate for f in fs)})
        products[pi] = _warned(products[pi], found)
    return Scorecard(
        requirements=plans.specs(),
        buyer=profile.buyer,
        rfp_reference=profile.rfp_reference,
        description=profile.description,
        profile_name=profile.name,
        as_of=as_of,
        max_age_days=profile.evidence_policy.max_age_days,
        accepted_kinds=tuple(str(k) for k in profile.evidence_policy.accepted_kinds),
        guidelines=tuple(guideline_uses),
        products=products,
        profile_sha256=profile_sha256,
        inputs=tuple(inputs),
        duplicates=str(profile.evidence_policy.duplicates),
    )


def _rejection(findings: Sequence[Finding]) -> str:
    return "; ".join(f.text for f in findings if f.duplicate) + f"; {REJECTED}"


def _warned(product: ProductScore, found: Mapping[int, Sequence[Finding]]) -> ProductScore:
    """The product with findings about other products' evidence added to its evidence's warnings."""
    uses = tuple(
        replace(u, warnings=(*u.warnings, *(f.text for f in found.get(i, ())))) for i, u in enumerate(product.evidence)
    )
    return replace(product, evidence=uses)


def score_product(
    name: str,
    evidence: Sequence[Evidence],
    profile: Profile,
    plans: Plans,
    as_of: date,
    claims: tuple[Claim, ...] = (),
    response: ResponseUse | None = None,
    rejected: Mapping[int, str] | None = None,
    product: Product | None = None,
) -> ProductScore:
    """One product's scorecard. ``rejected``: evidence (by index) the profile's duplicates
    policy refuses, with the reason; ``response``: the vendor's answers, one per clause."""
    items = list(evidence)
    rejected = rejected or {}
    reasons = [eligibility(ev, profile.evidence_policy, as_of) or rejected.get(i, "") for i, ev in enumerate(items)]
    accepted = [(i, ev) for i, ev in enumerate(items) if not reasons[i]]
    used: dict[int, str] = {}  # evidence index -> "" (used) or why it was not
    results = [
        _score_interop(plan, items, accepted, reasons, used, full)
        for plan, full in zip(plans.interop, plans.full_marks, strict=True)
    ]
    if plans.scs is not None:
        subject = (product.scs_subject if product else "") or name
        _check_subjects(items, plans.scs, subject, name)
        results.append(score_scs(plans.scs, items, accepted, reasons, subject, as_of, used))
    uses = tuple(
        EvidenceUse(
            ev.provenance,
            not reasons[i],
            reasons[i],
            ev.passed_count,
            ev.error,
            used=not reasons[i] and i in used,
            unused_reason="" if reasons[i] or i in used else _unused(ev, plans),
            warnings=(*(f.text for f in own_findings(ev, as_of)), *_echoed(ev, plans)),
        )
        for i, ev in enumerate(items)
    )
    if response is not None:
        results = [replace(r, vendor_claim=response.answer(clause_number(i))) for i, r in enumerate(results)]
    return ProductScore(
        name=name,
        verdict=worst([r.verdict for r in results]),
        requirements=tuple(results),
        evidence=uses,
        vendor=(product.vendor if product else "") or (response.company if response else ""),
        claims=claims,
        response=response,
    )


def _echoed(ev: Evidence, plans: Plans) -> tuple[str, ...]:
    if ev.provenance.format != EvidenceFormat.TEST_LIST or not plans.interop:
        return ()
    return tuple(f.text for f in sent_list_findings(ev, plans.sent_lists))


def _unused(ev: Evidence, plans: Plans) -> str:
    """Why accepted evidence was used by no requirement."""
    if ev.scs:
        if plans.scs is None:
            return "holds SCS results, and the profile requires no SCS scope"
        return f"holds no SCS result for {plans.scs.scope.name}"
    if ev.services is not None:
        return "a live discovery, and the profile has no interop requirement"
    if not plans.interop:
        return "holds test results, and the profile has no interop requirement"
    return "has no result for any test the requirements name"


def _check_subjects(items: list[Evidence], plan: ScsPlan, subject: str, product: str) -> None:
    """Evidence given for a product is that product's: a report of one subject counts for it
    whatever the subject is called; a document of several must name it."""
    for ev in items:
        subjects = scs_subjects(ev, plan.scope.uuid)
        if len(subjects) > 1 and subject not in subjects:
            shown = ", ".join(sorted(subjects)[:6]) + (" …" if len(subjects) > 6 else "")
            raise InputError(
                ev.provenance.source,
                f"holds SCS results for several subjects ({shown}), none of them '{subject}'; "
                f"set scs_subject for product '{product}' in the profile",
            )


# -- interop -------------------------------------------------------------------------------


_NONE: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class _Scored:
    """One piece of evidence scored against one requirement, RefStack's way."""

    index: int
    evidence: Evidence
    missing: frozenset[int]  # tests not passed by name or alias (usually few)
    by_alias: frozenset[int]
    tally: Tally
    unflagged_missing: tuple[int, ...]  # required non-flagged tests not passed

    @property
    def when(self) -> datetime:
        return self.evidence.provenance.date or _EPOCH


def _score_one(plan: CompiledRequirement, index: int, ev: Evidence) -> _Scored | None:
    """RefStack's numbers for one piece of evidence; None when it has no result for any test.

    Set arithmetic on names: what did not pass is usually a handful of tests, so the work is
    in C and the Python loops run over the few."""
    passed = ev.passed_names
    not_by_name = plan.primary_names - passed
    if len(not_by_name) == len(plan.primary_names) and not _touched(plan, ev):
        return None
    if not not_by_name:  # every test passed by name, the usual case: RefStack's full marks
        required, flagged = len(plan.required_pairs), len(plan.flagged_pairs)
        return _Scored(index, ev, _NONE, _NONE, Tally(required, required, flagged, flagged, 0), ())
    missing = {i for n in not_by_name for i in plan.primary[n]}
    by_alias = frozenset(i for i in missing & plan.aliased if any(a in passed for a in plan.tests[i].aliases))
    missing -= by_alias
    tests, counts = plan.tests, plan.pair_counts
    unflagged_missing = tuple(i for i in sorted(missing) if i in counts and not tests[i].flagged)
    lost = sum(counts[i] for i in unflagged_missing)
    flag_lost = sum(counts[i] for i in missing if i in counts and tests[i].flagged)
    flagged = len(plan.flagged_pairs)
    tally = Tally(
        tests=len(plan.required_pairs),
        passed=len(plan.required_pairs) - lost - flag_lost,
        flagged=flagged,
        flag_passed=flagged - flag_lost,
        flag_failed=flag_lost,
    )
    return _Scored(index, ev, frozenset(missing), by_alias, tally, unflagged_missing)


def _touched(plan: CompiledRequirement, ev: Evidence) -> bool:
    """Whether the evidence has any record (pass, fail, skip) of the requirement's tests."""
    return not plan.names.isdisjoint(ev.seen_names) or bool(plan.ids and not plan.ids.isdisjoint(ev.seen_ids))


def _score_interop(
    plan: CompiledRequirement,
    items: list[Evidence],
    accepted: list[tuple[int, Evidence]],
    reasons: list[str],
    used: dict[int, str],
    full_marks: dict[int, RequirementResult],
) -> RequirementResult:
    """RefStack's verdict on one requirement from a product's accepted evidence. ``full_marks``:
    the results already made for evidence that passed every test by name, by its index."""
    req = plan.requirement
    catalogs = [(i, ev.services) for i, ev in accepted if ev.services is not None]
    catalog = frozenset().union(*(s for _, s in catalogs)) if catalogs else None
    for i, _ in catalogs:
        used[i] = ""
    absent = {}
    if catalog is not None:
        for planned in plan.caps:
            service = capability_service(planned.capability)
            if service and not provided(service, catalog):
                absent[planned.capability.id] = service
    scored = []
    for i, ev in accepted:
        if ev.error or ev.services is not None:
            continue
        one = _score_one(plan, i, ev)
        if one is not None:
            scored.append(one)
            used[i] = ""
    untested = _untested(plan, [s.evidence for s in scored]) if catalog is not None else None

    def result(
        verdict: Verdict,
        reason: str,
        best: _Scored | None = None,
        stand_ins: dict[int, str] | None = None,
        **extra: object,
    ) -> RequirementResult:
        detail = _detail(plan, best, stand_ins or {}, absent, untested, catalog is not None)
        flagged = len(plan.flagged_pairs)
        tally = best.tally if best else Tally(len(plan.required_pairs), 0, flagged, 0, flagged)
        return RequirementResult(
            kind=req.kind,
            guideline=req.guideline.id,
            program=req.program,
            title=plan.title,
            verdict=verdict,
            reason=reason,
            required=tally,
            refstack=tally,
            advisory=_readiness(plan, best),
            detail=detail,
            capability=req.capability,
            **extra,  # type: ignore[arg-type]
        )

    if not items:
        return result(Verdict.NOT_VERIFIED, "no evidence")
    if not accepted:
        why = "; ".join(f"{items[i].provenance.source} {reasons[i]}" for i in range(len(items)))
        return result(Verdict.NOT_VERIFIED, f"no evidence the profile accepts: {why}")
    if not plan.required_pairs:
        return result(Verdict.ERROR, "the guideline lists no required tests for this requirement")
    if not plan.unflagged_pairs:  # RefStack would call it compliant with nothing passed: no evidence of it
        return result(Verdict.NOT_VERIFIED, "every required test of it is flagged: no test can show it")
    required_absent = (
        sorted({absent[p.capability.id] for p in plan.caps if p.required and p.capability.id in absent})
        if absent
        else []
    )
    best = _best(scored)
    # Asked once for every test the best evidence missed: the detail lists them all, the verdict
    # looks at the non-flagged ones.
    stand_ins = _stand_ins(plan, best, sorted(best.missing)) if best is not None and best.missing else {}
    if required_absent:
        return result(
            Verdict.FAIL,
            f"service {', '.join(required_absent)} missing from the cloud's catalog (live discovery)",
            best,
            stand_ins,
        )
    if best is None:
        errors = [ev for i, ev in accepted if ev.error]
        tested = [ev for i, ev in accepted if ev.services is None]
        if tested and len(errors) == len(tested):
            for i, ev in accepted:
                if ev.error:
                    used[i] = ""
            return result(Verdict.ERROR, f"the check could not run: {errors[0].error}")
        if catalog is not None:
            return result(Verdict.NOT_VERIFIED, "services present in the catalog, not yet tested (live discovery)")
        return result(Verdict.NOT_VERIFIED, "the evidence has no results for any of these tests")
    t = best.tally
    if t.compliant:
        # Every test passed by name, no catalog consulted: the result depends on the plan and the
        # evidence's index alone.
        shared = not best.missing and not best.by_alias and catalog is None
        if shared and best.index in full_marks:
            return full_marks[best.index]
        if t.flag_failed:  # the same words as the product's exceptions
            note = f"; {flagged_left_open(t.flag_failed)}"
        else:
            note = f", and its {t.flagged} flagged test{'s' if t.flagged != 1 else ''}" if t.flagged else ""
        reason = f"all {t.non_flagged_tests} non-flagged required tests passed{note}"
        passed = result(Verdict.PASS, reason, best, stand_ins)
        if shared:
            full_marks[best.index] = passed
        return passed
    unmatched = [i for i in best.unflagged_missing if i not in stand_ins]
    missing_pairs = t.non_flagged_tests - t.non_flagged_passed
    if unmatched:
        caps = _caps_of(plan, set(best.unflagged_missing))
        return result(
            Verdict.FAIL,
            f"{missing_pairs} of {t.non_flagged_tests} non-flagged required tests did not pass ({_few(caps)})",
            best,
            stand_ins,
        )
    review = tuple((plan.tests[i].name, stand_ins[i]) for i in best.unflagged_missing)
    pairs = ", ".join(f"{short_test_name(test)} (only {short_test_name(other)} passed)" for test, other in review[:2])
    more = f" and {len(review) - 2} more" if len(review) > 2 else ""
    return result(
        Verdict.NOT_VERIFIED,
        f"needs review: {missing_pairs} of {t.non_flagged_tests} non-flagged required tests were not reported "
        f"passed; another test with the same idempotent id was: {pairs}{more}. RefStack counts them as not passed",
        best,
        stand_ins,
        review=review,
    )


def _best(scored: list[_Scored]) -> _Scored | None:
    """The evidence that decides: the newest that meets the requirement, else the one that
    passes most of it (the newest of equals)."""
    if len(scored) < 2:  # one piece of evidence (or none): it decides
        return scored[0] if scored else None
    compliant = [s for s in scored if s.tally.compliant]
    if compliant:
        return max(compliant, key=lambda s: (s.when, -s.index))
    return max(scored, key=lambda s: (s.tally.non_flagged_passed, s.when, -s.index))


def _stand_ins(plan: CompiledRequirement, best: _Scored, missing: Sequence[int]) -> dict[int, str]:
    """Tests not passed whose idempotent id passed under another name, and that name.

    Only for tests the evidence has no record of: a twin stands in for a test the run left out
    (or knew by another name), never for one the run reports failed or skipped."""
    wanted: dict[str, list[int]] = {}
    recorded = best.evidence.other_names
    for i in missing:
        test = plan.tests[i]
        test_id = test.idempotent_id
        if recorded and (test.name in recorded or not recorded.isdisjoint(test.aliases)):
            continue
        if test_id:
            wanted.setdefault(test_id, []).append(i)  # twins share an id: each gets the stand-in
    if not wanted:
        return {}
    found = best.evidence.names_for_ids(frozenset(wanted))
    return {i: name for test_id, name in found.items() for i in wanted[test_id]}


def _detail(
    plan: CompiledRequirement,
    best: _Scored | None,
    stand_ins: dict[int, str],
    absent: dict[str, str],
    untested: frozenset[str] | None,
    discovered: bool,
) -> InteropDetail:
    if best is None:
        return InteropDetail(plan, False, absent_services=absent, untested=untested, discovered=discovered)
    return InteropDetail(
        plan,
        True,
        best.index,
        best.missing,
        best.by_alias,
        stand_ins,
        absent,
        untested,
        discovered,
    )


def _untested(plan: CompiledRequirement, scored: list[Evidence]) -> frozenset[str]:
    """Capabilities no scored evidence has a record of (with a live discovery, those stay
    "present, not yet tested" rather than failing)."""
    seen_names: frozenset[str] = frozenset().union(*(ev.seen_names for ev in scored)) if scored else frozenset()
    seen_ids: frozenset[str] = frozenset().union(*(ev.seen_ids for ev in scored)) if scored else frozenset()
    out = set()
    for planned, indices in zip(plan.caps, plan.cap_tests, strict=True):
        tests = [plan.tests[i] for i in indices]
        if not any(
            t.name in seen_names or any(a in seen_names for a in t.aliases) or (t.idempotent_id in seen_ids)
            for t in tests
        ):
            out.add(planned.capability.id)
    return frozenset(out)


def _readiness(plan: CompiledRequirement, best: _Scored | None) -> Readiness:
    caps = ready = tests = passed = 0
    missing = best.missing if best is not None else None
    for indices, count in plan.advisory:
        caps += 1
        tests += count
        if missing is None:
            continue
        lost = indices & missing
        passed += count - len(lost)
        ready += all(plan.tests[i].flagged for i in lost)
    return Readiness(caps, ready, tests, passed)


def _caps_of(plan: CompiledRequirement, tests: set[int]) -> list[str]:
    """The required capabilities that hold these tests, in the plan's order."""
    positions = sorted({c for i in tests for c in plan.test_caps.get(i, ())})
    return [plan.caps[c].capability.id for c in positions]


def _few(items: list[str]) -> str:
    return ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")
