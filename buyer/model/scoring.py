"""evaluate(): (profile, guidelines, evidence per product) -> Scorecard. Pure; no I/O.

The verdict of a program or add-on reproduces RefStack's results report (interop-formats.md §4):
a test passes when its name or one of its aliases is among the passed tests, counting is per
(capability, test) pair, and flagged tests never fail a verdict. On top of that buyer adds
idempotent-id matching for evidence that carries ids, evidence age and kind, four verdict
states, advisory readiness, and extra capabilities promoted to mandatory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from buyer.errors import CatalogueError, RequirementError
from buyer.model.evidence import Evidence
from buyer.model.guideline import STATUS_RANK, Capability, Guideline, Status, Test, program_key
from buyer.model.profile import EvidencePolicy, InteropRequirement, Profile, ScsRequirement
from buyer.model.registry import Claim
from buyer.model.scorecard import (
    CapabilityResult,
    CapabilityState,
    EvidenceUse,
    GuidelineUse,
    MatchedBy,
    ProductScore,
    Readiness,
    RequirementKind,
    RequirementResult,
    RequirementSpec,
    Scorecard,
    Tally,
    TestResult,
    Verdict,
    worst,
)
from buyer.model.scs import Scope, ScsResult, VersionState, expires_at
from buyer.model.services import capability_service, provided


@dataclass(frozen=True)
class Requirement:
    """One line of what a product must show, resolved against the catalogue."""

    kind: RequirementKind
    guideline: Guideline
    program: str
    capability: str | None = None

    @property
    def title(self) -> str:
        g = self.guideline
        if self.kind is RequirementKind.CAPABILITY:
            return f"Capability {self.capability} ({g.id})"
        prog = g.program(self.program)
        if self.kind is RequirementKind.ADD_ON:
            return f"{prog.title} add-on {g.version}"
        return f"{prog.title} {g.id}"

    def plan(self) -> list[tuple[Capability, Status, bool]]:
        """(capability, status as the guideline gives it, counts as required) in display order."""
        if self.kind is RequirementKind.CAPABILITY:
            assert self.capability is not None
            cap = self.guideline.find_capability(self.capability)
            status = self._own_status(cap.id)
            return [(cap, status, True)]
        statuses = self.guideline.capability_status(self.program)
        order = sorted(statuses.items(), key=lambda item: (STATUS_RANK[item[1]], item[0]))
        return [(self.guideline.capability(cid), st, st is Status.REQUIRED) for cid, st in order]

    def _own_status(self, cap_id: str) -> Status:
        for prog in self.guideline.programs.values():
            status = self.guideline.capability_status(prog.key).get(cap_id)
            if status is not None:
                return status
        return Status.ADVISORY


def resolve_requirements(req: InteropRequirement | None, guidelines: Mapping[str, Guideline]) -> list[Requirement]:
    """Turn a profile's interop section into requirements; errors say what is wrong in one line."""
    if req is None:
        return []
    core = lookup_guideline(guidelines, req.guideline)
    if core.is_add_on:
        raise RequirementError(
            f"{core.id} is an add-on guideline; name the core guideline ({core.version}) and add "
            f"'{core.family}' to add_ons"
        )
    if core.is_draft:
        raise RequirementError(
            f"guideline {core.id} is a draft (status {core.status or 'draft'}); procurement needs an approved guideline"
        )
    program = core.program(req.program)
    out = [Requirement(RequirementKind.PROGRAM, core, program.key)]
    for name in req.add_ons:
        add_on = lookup_add_on(guidelines, name, core.version)
        add_on_program = next(iter(add_on.programs.values()))
        missing = [c for c in add_on_program.required_platform_components if c not in program.components]
        if missing:
            raise RequirementError(
                f"add-on {add_on_program.key} needs platform component {', '.join(missing)}, "
                f"which program {program.key} does not include"
            )
        out.append(Requirement(RequirementKind.ADD_ON, add_on, add_on_program.key))
    searched = [r.guideline for r in out]
    for cap_id in req.extra_capabilities:
        owner = next((g for g in searched if cap_id in g.capabilities), None)
        if owner is None:
            names = ", ".join(g.id for g in searched)
            raise CatalogueError(f"capability '{cap_id}' is not defined in {names}")
        prog = req.program if owner is core else next(iter(owner.programs))
        out.append(Requirement(RequirementKind.CAPABILITY, owner, prog, cap_id))
    return out


def lookup_guideline(guidelines: Mapping[str, Guideline], gid: str) -> Guideline:
    found = guidelines.get(gid)
    if found is None:
        core = sorted(g for g, v in guidelines.items() if not v.is_add_on)
        have = ", ".join(core) if core else "none"
        raise CatalogueError(f"unknown guideline version '{gid}' (the catalogue has: {have})")
    return found


def lookup_add_on(guidelines: Mapping[str, Guideline], name: str, core_version: str) -> Guideline:
    """``dns`` -> ``dns.<core version>``; ``dns.2019.11`` names a file directly."""
    family, _, version = name.partition(".")
    family = program_key(family)
    gid = f"{family}.{version or core_version}"
    found = guidelines.get(gid)
    if found is None or not found.is_add_on:
        have = sorted(g for g, v in guidelines.items() if v.is_add_on and v.family == family)
        hint = f" (available: {', '.join(have)})" if have else " (the catalogue has no such add-on)"
        raise CatalogueError(f"no {family} add-on guideline for {version or core_version}{hint}")
    return found


@dataclass(frozen=True)
class ScsPlan:
    """An SCS requirement resolved against its scope: which version, judged on which date."""

    scope: Scope
    version: str
    on: date

    @property
    def title(self) -> str:
        return f"{self.scope.name} {self.version}"


def resolve_scs(req: ScsRequirement | None, scopes: Mapping[str, Scope], as_of: date) -> ScsPlan | None:
    if req is None:
        return None
    scope = scopes.get(req.scope)
    if scope is None:
        raise CatalogueError(f"the SCS scope {req.scope} was not loaded")
    on = req.on or as_of
    return ScsPlan(scope, scope.resolve(req.version, on), on)


# -- scoring ----------------------------------------------------------------------------


@dataclass
class _Pool:
    """The evidence of one product that the policy accepts, with union look-up sets."""

    items: list[tuple[int, Evidence]]
    passed_names: frozenset[str]
    passed_ids: frozenset[str]
    seen_names: frozenset[str]
    seen_ids: frozenset[str]
    catalog: frozenset[str] | None = None  # service types a live discovery saw (None: none ran)

    @classmethod
    def of(cls, items: list[tuple[int, Evidence]]) -> _Pool:
        def union(attr: str) -> frozenset[str]:
            out: set[str] = set()
            for _, ev in items:
                out |= getattr(ev, attr)
            return frozenset(out)

        discovered = [ev.services for _, ev in items if ev.services is not None]
        catalog = frozenset().union(*discovered) if discovered else None
        return cls(
            items,
            union("passed_names"),
            union("passed_ids"),
            union("seen_names"),
            union("seen_ids"),
            catalog,
        )

    def who_passed(self, matched_by: MatchedBy, key: str) -> int | None:
        """The index of the first accepted evidence that passed ``key`` (a name or an id)."""
        for index, ev in self.items:
            found = ev.passed_ids if matched_by is MatchedBy.ID else ev.passed_names
            if key in found:
                return index
        return None


def eligibility(evidence: Evidence, policy: EvidencePolicy, as_of: date) -> str:
    """Why the policy does not count this evidence, or "" when it does."""
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


def evaluate(
    profile: Profile,
    guidelines: Mapping[str, Guideline],
    evidence: Mapping[str, Sequence[Evidence]],
    as_of: date,
    guideline_uses: Sequence[GuidelineUse] = (),
    profile_sha256: str = "",
    claims: Mapping[str, Sequence[Claim]] | None = None,
    scopes: Mapping[str, Scope] | None = None,
) -> Scorecard:
    """Score every shortlisted product (and any other product that has evidence).

    ``claims`` (from the registry) are carried into the Scorecard as they are: what a product
    claims never changes its verdict, which rests on evidence alone."""
    requirements = resolve_requirements(profile.interop, guidelines)
    plans = [(req, req.plan()) for req in requirements]
    scs = resolve_scs(profile.scs, scopes or {}, as_of)
    names = [p.name for p in profile.shortlist]
    names += [n for n in evidence if n not in names]
    vendors = {p.name: p.vendor for p in profile.shortlist}
    subjects = {p.name: p.scs_subject for p in profile.shortlist}
    products = []
    for name in names:
        items = list(evidence.get(name, ()))
        uses = []
        accepted: list[tuple[int, Evidence]] = []
        for index, ev in enumerate(items):
            why = eligibility(ev, profile.evidence_policy, as_of)
            uses.append(EvidenceUse(ev.provenance, not why, why, ev.passed_count, ev.error))
            if not why:
                accepted.append((index, ev))
        pool = _Pool.of(accepted)
        results = tuple(_score(req, plan, pool, uses) for req, plan in plans)
        if scs is not None:
            subject = subjects.get(name) or name
            results += (_score_scs(scs, pool, uses, subject, as_of),)
        products.append(
            ProductScore(
                name=name,
                verdict=worst([r.verdict for r in results]),
                requirements=results,
                evidence=tuple(uses),
                vendor=vendors.get(name, ""),
                claims=tuple((claims or {}).get(name, ())),
            )
        )
    specs = tuple(
        RequirementSpec(
            kind=req.kind,
            guideline=req.guideline.id,
            program=req.program,
            title=req.title,
            guideline_status=req.guideline.status,
            releases=req.guideline.releases,
            capability=req.capability,
        )
        for req in requirements
    )
    if scs is not None:
        specs += (
            RequirementSpec(
                kind=RequirementKind.SCS,
                guideline=scs.version,
                program=scs.scope.slug,
                title=scs.title,
                guideline_status=str(scs.scope.state_on(scs.version, scs.on)),
                scope=scs.scope.uuid,
            ),
        )
    return Scorecard(
        requirements=specs,
        buyer=profile.buyer,
        rfp_reference=profile.rfp_reference,
        description=profile.description,
        profile_name=profile.name,
        as_of=as_of,
        max_age_days=profile.evidence_policy.max_age_days,
        accepted_kinds=tuple(str(k) for k in profile.evidence_policy.accepted_kinds),
        guidelines=tuple(guideline_uses),
        products=tuple(products),
        profile_sha256=profile_sha256,
    )


def _match(test: Test, pool: _Pool) -> tuple[MatchedBy | None, str]:
    """How a test passed, and the name or id that matched it."""
    names = pool.passed_names
    if test.name in names:
        return MatchedBy.NAME, test.name
    for alias in test.aliases:
        if alias in names:
            return MatchedBy.ALIAS, alias
    if test.idempotent_id is not None and test.idempotent_id in pool.passed_ids:
        return MatchedBy.ID, test.idempotent_id
    return None, ""


def _touched(test: Test, pool: _Pool) -> bool:
    """Whether the evidence has any record (pass, fail or skip) of this test."""
    return (
        test.name in pool.seen_names
        or (test.idempotent_id is not None and test.idempotent_id in pool.seen_ids)
        or any(a in pool.seen_names for a in test.aliases)
    )


def _score(
    req: Requirement,
    plan: list[tuple[Capability, Status, bool]],
    pool: _Pool,
    uses: list[EvidenceUse],
) -> RequirementResult:
    required = [0, 0, 0, 0, 0]  # tests, passed, flagged, flag_passed, flag_failed
    refstack = [0, 0, 0, 0, 0]
    touched = False
    advisory = [0, 0, 0, 0]  # capabilities, ready, tests, passed
    failing_caps: list[str] = []
    missing: dict[str, str] = {}  # capability id -> service absent from a discovered catalog
    caps: list[tuple[Capability, Status, list[TestResult], _Count]] = []
    untested: set[str] = set()  # capabilities no test evidence mentions
    for cap, status, counts in plan:
        if pool.catalog is not None:
            service = capability_service(cap)
            if service and not provided(service, pool.catalog):
                missing[cap.id] = service
        results = []
        cap_touched = False
        count = _Count()
        for test in cap.tests:
            matched, key = _match(test, pool)
            passed = matched is not None
            # A passed test is a recorded one; only the others need the look-up.
            cap_touched = cap_touched or passed or _touched(test, pool)
            flag = test.flag
            count.add(passed, flag is not None)
            results.append(
                TestResult(
                    name=test.name,
                    idempotent_id=test.idempotent_id,
                    passed=passed,
                    matched_by=matched,
                    flag_reason=(flag.reason or "flagged") if flag is not None else None,
                    evidence=pool.who_passed(matched, key) if matched else None,
                )
            )
            if counts:
                for tally, ok in (
                    (required, passed),
                    (refstack, matched in (MatchedBy.NAME, MatchedBy.ALIAS)),
                ):
                    tally[0] += 1
                    tally[1] += ok
                    if flag is not None:
                        tally[2] += 1
                        tally[3 if ok else 4] += 1
        touched = touched or cap_touched
        if not cap_touched:
            untested.add(cap.id)
        if counts and count.failed:
            failing_caps.append(cap.id)
        if status is Status.ADVISORY and not counts:
            advisory[0] += 1
            advisory[1] += not count.failed
            advisory[2] += len(results)
            advisory[3] += count.passed
        caps.append((cap, status, results, count))

    req_tally = Tally(*required)
    verdict, reason = _verdict(req_tally, pool, uses, touched, failing_caps)
    absent = sorted({missing[c.id] for c, _, required_cap in plan if required_cap and c.id in missing})
    if absent:  # only accepted discovery evidence can make a service absent
        verdict = Verdict.FAIL
        reason = f"service {', '.join(absent)} missing from the cloud's catalog (live discovery)"
    elif verdict is Verdict.NOT_VERIFIED and pool.catalog is not None and pool.items:
        reason = "services present in the catalog, not yet tested (live discovery)"
    cap_results = tuple(
        CapabilityResult(
            id=cap.id,
            status=status,
            state=_state(cap.id, count, verdict, missing, untested, pool),
            note=_note(cap.id, missing, pool, count),
            tests=len(results),
            passed=count.passed,
            flagged=count.flagged,
            results=tuple(results),
            defined=cap.defined,
        )
        for cap, status, results, count in caps
    )
    return RequirementResult(
        kind=req.kind,
        guideline=req.guideline.id,
        program=req.program,
        title=req.title,
        verdict=verdict,
        reason=reason,
        required=req_tally,
        refstack=Tally(*refstack),
        advisory=Readiness(*advisory),
        capabilities=cap_results,
        capability=req.capability,
    )


def _verdict(
    tally: Tally, pool: _Pool, uses: list[EvidenceUse], touched: bool, failing_caps: list[str]
) -> tuple[Verdict, str]:
    if not uses:
        return Verdict.NOT_VERIFIED, "no evidence"
    if not pool.items:
        why = "; ".join(f"{u.provenance.source} {u.reason}" for u in uses)
        return Verdict.NOT_VERIFIED, f"no evidence the profile accepts: {why}"
    if all(ev.error for _, ev in pool.items):
        return Verdict.ERROR, f"the check could not run: {pool.items[0][1].error}"
    if tally.tests == 0:
        return Verdict.ERROR, "the guideline lists no required tests for this requirement"
    if tally.compliant:
        note = f", {tally.flagged} flagged tests not needed" if tally.flagged else ""
        return Verdict.PASS, f"all {tally.non_flagged_tests} non-flagged required tests passed{note}"
    if not touched:
        return Verdict.NOT_VERIFIED, "the evidence has no results for any of these tests"
    missing = tally.non_flagged_tests - tally.non_flagged_passed
    return (
        Verdict.FAIL,
        f"{missing} of {tally.non_flagged_tests} non-flagged required tests did not pass ({_few(failing_caps)})",
    )


@dataclass
class _Count:
    """One capability's tests, counted as they are scored."""

    passed: int = 0
    flagged: int = 0
    failed: int = 0  # non-flagged tests that did not pass
    flag_failed: int = 0

    def add(self, passed: bool, flagged: bool) -> None:
        self.passed += passed
        if flagged:
            self.flagged += 1
            self.flag_failed += not passed
        elif not passed:
            self.failed += 1


def _note(cap_id: str, missing: dict[str, str], pool: _Pool, count: _Count) -> str:
    if cap_id in missing:
        return f"service {missing[cap_id]} is missing from the catalog"
    if pool.catalog is not None and not count.passed:
        return "present, not yet tested"
    return ""


def _score_scs(plan: ScsPlan, pool: _Pool, uses: list[EvidenceUse], subject: str, as_of: date) -> RequirementResult:
    """A scope version passes when every mandatory testcase passes with an unexpired result.
    Precedence as SCS's own (scs.md §6.2): FAIL, then MISSING, then DNF (ABORT), then PASS."""
    scope, version = plan.scope, plan.scope.versions[plan.version]
    wanted = set(version.mandatory)
    latest: dict[str, tuple[int, ScsResult]] = {}
    for index, ev in pool.items:
        for r in ev.scs:
            if r.scope != scope.uuid or r.subject != subject or r.testcase not in wanted:
                continue
            if r.testcase not in latest or r.checked_at > latest[r.testcase][1].checked_at:
                latest[r.testcase] = (index, r)  # the newest result counts, as in the monitor
    now = datetime.combine(as_of, time.max, tzinfo=UTC)
    caps, passed, failing, missing, aborted = [], 0, [], [], []
    for tc in version.mandatory:
        found = latest.get(tc)
        evidence_index, result = found if found else (None, None)
        expiry = expires_at(result.checked_at, scope.lifetime(tc)) if result else None
        if result is None or expiry is None:
            state, note = CapabilityState.NOT_VERIFIED, "no result"
            missing.append(tc)
        elif expiry <= now:
            state, note = CapabilityState.NOT_VERIFIED, f"expired {expiry.date().isoformat()}"
            missing.append(tc)
        elif result.result == 1:
            state, note = CapabilityState.PASS, f"checked {result.checked_at.date()}, valid until {expiry.date()}"
            passed += 1
        elif result.result == -1:
            state, note = CapabilityState.FAIL, f"failed, checked {result.checked_at.date()}"
            failing.append(tc)
        else:
            state, note = CapabilityState.ERROR, f"did not finish (ABORT), checked {result.checked_at.date()}"
            aborted.append(tc)
        ok = state is CapabilityState.PASS
        test = TestResult(tc, None, ok, MatchedBy.NAME if ok else None, None, evidence_index if ok else None)
        caps.append(CapabilityResult(tc, Status.REQUIRED, state, 1, int(ok), 0, (test,), note=note))
    total = len(version.mandatory)
    tally = Tally(total, passed)
    if not uses:
        verdict, reason = Verdict.NOT_VERIFIED, "no evidence"
    elif not pool.items:
        verdict, reason = _verdict(tally, pool, uses, False, [])
    elif failing:
        verdict, reason = Verdict.FAIL, f"{len(failing)} of {total} mandatory testcases failed ({_few(failing)})"
    elif missing:
        verdict = Verdict.NOT_VERIFIED
        reason = f"{len(missing)} of {total} mandatory testcases have no current result ({_few(missing)})"
    elif aborted:
        verdict, reason = Verdict.ERROR, f"{len(aborted)} mandatory testcases did not finish ({_few(aborted)})"
    else:
        verdict, reason = Verdict.PASS, f"all {total} mandatory testcases passed with current results"
    if verdict is not Verdict.PASS and not pool.items:
        caps = [replace(c, state=CapabilityState.NOT_VERIFIED) for c in caps]
    state_word = scope.state_on(plan.version, plan.on)
    if verdict is Verdict.PASS and state_word is VersionState.WARN:
        reason += f"; {plan.version} is in 'warn' on {plan.on}: about to expire"
    return RequirementResult(
        kind=RequirementKind.SCS,
        guideline=plan.version,
        program=scope.slug,
        title=plan.title,
        verdict=verdict,
        reason=reason,
        required=tally,
        refstack=tally,
        advisory=Readiness(),
        capabilities=tuple(caps),
        scope=scope.uuid,
    )


def _few(items: list[str]) -> str:
    return ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")


def _state(
    cap_id: str,
    count: _Count,
    verdict: Verdict,
    missing: dict[str, str],
    untested: set[str],
    pool: _Pool,
) -> CapabilityState:
    if cap_id in missing:
        return CapabilityState.FAIL
    if pool.catalog is not None and cap_id in untested:
        return CapabilityState.NOT_VERIFIED  # the service is there; no test has said more
    if verdict is Verdict.NOT_VERIFIED:
        return CapabilityState.NOT_VERIFIED
    if verdict is Verdict.ERROR and not count.passed:
        return CapabilityState.ERROR
    if count.failed:
        return CapabilityState.FAIL
    if count.flag_failed:
        return CapabilityState.FLAGGED_ONLY
    return CapabilityState.PASS
