"""An SCS scope version scored SCS's way (scs.md §6): every mandatory testcase must have passed
with a result that has not expired; precedence FAIL, then MISSING, then DNF (ABORT), then PASS.

Evidence given for a product is that product's: a report about one subject counts for it
whatever the subject is called; in a document about several subjects (the monitor's status, a
combined report) only the product's subject counts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from buyer.model.evidence import Evidence
from buyer.model.guideline import Status
from buyer.model.requirements import ScsPlan
from buyer.model.scorecard import (
    CapabilityResult,
    CapabilityState,
    FixedCapabilities,
    MatchedBy,
    Readiness,
    RequirementKind,
    RequirementResult,
    Tally,
    TestResult,
    Verdict,
)
from buyer.model.scs import ScsResult, VersionState, expires_at


def scs_subjects(ev: Evidence, scope_uuid: str) -> set[str]:
    """The subjects a piece of evidence has results for, in this scope."""
    return {r.subject for r in ev.scs if r.scope == scope_uuid}


def _results_for(ev: Evidence, scope_uuid: str, subject: str) -> list[ScsResult]:
    mine = [r for r in ev.scs if r.scope == scope_uuid]
    if len({r.subject for r in mine}) > 1:
        mine = [r for r in mine if r.subject == subject]
    return mine


def score_scs(
    plan: ScsPlan,
    items: list[Evidence],
    accepted: list[tuple[int, Evidence]],
    reasons: list[str],
    subject: str,
    as_of: date,
    used: dict[int, str],
) -> RequirementResult:
    scope, version = plan.scope, plan.scope.versions[plan.version]
    wanted = set(version.mandatory)
    latest: dict[str, tuple[int, ScsResult]] = {}
    for index, ev in accepted:
        found = [r for r in _results_for(ev, scope.uuid, subject) if r.testcase in wanted]
        if found:
            used[index] = ""
        for r in found:
            if r.testcase not in latest or r.checked_at > latest[r.testcase][1].checked_at:
                latest[r.testcase] = (index, r)  # the newest result counts, as in the monitor
    now = datetime.combine(as_of, time.max, tzinfo=UTC)
    caps, passed, failing, missing, aborted = [], 0, [], [], []
    for tc in version.mandatory:
        hit = latest.get(tc)
        evidence_index, result = hit if hit else (None, None)
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
    if not items:
        verdict, reason = Verdict.NOT_VERIFIED, "no evidence"
    elif not accepted:
        why = "; ".join(f"{items[i].provenance.source} {reasons[i]}" for i in range(len(items)))
        verdict, reason = Verdict.NOT_VERIFIED, f"no evidence the profile accepts: {why}"
    elif failing:
        verdict, reason = Verdict.FAIL, f"{len(failing)} of {total} mandatory testcases failed ({_few(failing)})"
    elif missing:
        verdict = Verdict.NOT_VERIFIED
        reason = f"{len(missing)} of {total} mandatory testcases have no current result ({_few(missing)})"
    elif aborted:
        verdict, reason = Verdict.ERROR, f"{len(aborted)} mandatory testcases did not finish ({_few(aborted)})"
    else:
        verdict, reason = Verdict.PASS, f"all {total} mandatory testcases passed with current results"
    if verdict is not Verdict.PASS and not accepted:
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
        detail=FixedCapabilities(tuple(caps), scored=bool(accepted)),
        scope=scope.uuid,
    )


def _few(items: list[str]) -> str:
    return ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")
