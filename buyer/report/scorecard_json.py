"""The Scorecard as JSON: a documented, stable contract (docs/scorecard-json.md).

Additive changes keep ``version``; anything that removes or renames a field bumps it.
"""

from __future__ import annotations

import io
from typing import Any, TextIO

import msgspec

from buyer.model.requirements import CompiledRequirement
from buyer.model.scorecard import (
    CapabilityResult,
    EvidenceUse,
    InteropDetail,
    ProductScore,
    RequirementResult,
    RequirementSpec,
    ResponseUse,
    Scorecard,
    Tally,
    TestResult,
    VendorClaim,
)

FORMAT = "buyer.scorecard"
VERSION = 1


def scorecard_dict(card: Scorecard) -> dict[str, Any]:
    return {**_header(card), "products": [_product(p) for p in card.products]}


def _header(card: Scorecard) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "profile": {"name": card.profile_name, "sha256": card.profile_sha256 or None},
        "as_of": card.as_of.isoformat(),
        "evidence_policy": {
            "max_age_days": card.max_age_days,
            "accepted_kinds": list(card.accepted_kinds),
            "duplicates": card.duplicates,
        },
        "guidelines": [
            {"id": g.id, "status": g.status, "schema": g.schema, "source": g.source, "sha256": g.sha256}
            for g in card.guidelines
        ],
        "requirements": [
            {**_identity(r), "required_tests": r.required_tests, "clause": r.clause or None} for r in card.requirements
        ],
        "inputs": [
            {
                "kind": i.kind,
                "name": i.name,
                "source": i.source,
                "sha256": i.sha256,
                "date": i.date.isoformat() if i.date else None,
                "detail": i.detail or None,
            }
            for i in card.inputs
        ],
        "verdict": str(card.verdict),
    }


def scorecard_json(card: Scorecard, indent: bool = True) -> str:
    out = io.StringIO()
    write_scorecard_json(card, out, indent=indent)
    return out.getvalue()


def write_scorecard_json(card: Scorecard, stream: TextIO, indent: bool = False) -> None:
    """The scorecard to ``stream`` one product at a time: memory stays flat however many products
    there are. Compact unless ``indent`` (pretty-printing is not part of the contract)."""
    head = _header(card)
    head["products"] = []
    text = _encode(head, indent)
    cut = text.rindex("[]")  # the products go between the brackets
    stream.write(text[: cut + 1])
    for n, product in enumerate(card.products):
        body = _encode(_product(product), indent)
        if indent:
            body = "\n    " + body.replace("\n", "\n    ")
        stream.write(("," if n else "") + body)
    stream.write(("\n  " if indent and card.products else "") + text[cut + 1 :] + "\n")


def _encode(data: dict[str, Any], indent: bool) -> str:
    raw = msgspec.json.encode(data)
    return (msgspec.json.format(raw, indent=2) if indent else raw).decode("utf-8")


def _product(product: ProductScore) -> dict[str, Any]:
    return {
        "name": product.name,
        "vendor": product.vendor or None,
        "verdict": str(product.verdict),
        "evidence": [_evidence(e) for e in product.evidence],
        "requirements": [_requirement(r) for r in product.requirements],
        "claims": [
            {
                "source": c.source,
                "standard": c.standard,
                "status": c.status,
                "program": c.program or None,
                "version": c.version or None,
                "add_ons": list(c.add_ons),
                "expires": c.expires.isoformat() if c.expires else None,
                "url": c.url or None,
                "retrieved_at": c.retrieved_at.isoformat() if c.retrieved_at else None,
            }
            for c in product.claims
        ],
        "response": _response(product.response),
    }


def _response(r: ResponseUse | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "file": r.file,
        "sha256": r.sha256,
        "company": r.company,
        "contact": r.contact or None,
        "rfp_reference": r.rfp_reference or None,
        "answers": [_claim(a) for a in r.answers],
    }


def _claim(c: VendorClaim | None) -> dict[str, Any] | None:
    return None if c is None else {"clause": c.clause, "claim": c.claim, "note": c.note}


def _evidence(use: EvidenceUse) -> dict[str, Any]:
    p = use.provenance
    return {
        "source": p.source,
        "kind": str(p.kind),
        "format": p.format,
        "date": p.date.isoformat() if p.date else None,
        "date_basis": p.date_basis or None,
        "sha256": p.sha256,
        "reference": p.reference or None,
        "verified": p.verified,
        "passed_tests": use.passed,
        "eligible": use.eligible,
        "reason": use.reason or None,
        "used": use.used,
        "counts": use.counts,
        "unused_reason": use.unused_reason or None,
        "warnings": list(use.warnings),
        "error": use.error,
    }


def _tally(t: Tally, scored: bool = True) -> dict[str, Any]:
    """RefStack's numbers; with nothing scored, what passed is unknown (null), never RefStack's 0."""
    return {
        "tests": t.tests,
        "passed": t.passed if scored else None,
        "flagged": t.flagged,
        "non_flagged_tests": t.non_flagged_tests,
        "non_flagged_passed": t.non_flagged_passed if scored else None,
    }


def _identity(r: RequirementResult | RequirementSpec) -> dict[str, Any]:
    """What names a requirement, the same in the header's list and in each product."""
    return {
        "kind": str(r.kind),
        "guideline": r.guideline,
        "program": r.program,
        "capability": r.capability,
        "scope": r.scope,
        "title": r.title,
    }


def _requirement(r: RequirementResult) -> dict[str, Any]:
    return {
        **_identity(r),
        "verdict": str(r.verdict),
        "reason": r.reason,
        "required": _tally(r.required, r.scored),
        "refstack": {**_tally(r.refstack, r.scored), "compliant": r.refstack.compliant if r.scored else None},
        "advisory": {
            "capabilities": r.advisory.capabilities,
            "ready": r.advisory.ready,
            "tests": r.advisory.tests,
            "passed": r.advisory.passed,
        },
        "id_only_matches": list(r.id_only_matches),
        "scored": r.scored,
        "needs_review": r.needs_review,
        "review": [{"test": test, "passed_as": other} for test, other in r.review],
        "vendor_claim": _claim(r.vendor_claim),
        "claim_contradicted": r.claim_contradicted,
        "capabilities": _capabilities(r),
    }


def _capability(c: CapabilityResult, scored: bool = True) -> dict[str, Any]:
    passed = c.passed if scored else None
    return {**_capability_head(c.id, c.status, c.state, c.defined, c.note, c.tests, passed, c.flagged),
            "results": [_test(t, scored) for t in c.results]}  # fmt: skip


def _capability_head(
    cap_id: str, status: str, state: str, defined: bool, note: str, tests: int, passed: int | None, flagged: int
) -> dict[str, Any]:
    return {
        "id": cap_id,
        "status": str(status),
        "state": str(state),
        "defined": defined,
        "note": note or None,
        "tests": tests,
        "passed": passed,
        "flagged": flagged,
    }


def _test(t: TestResult, scored: bool = True) -> dict[str, Any]:
    return {
        "name": t.name,
        "idempotent_id": t.idempotent_id,
        "passed": t.passed if scored else None,
        "matched_by": str(t.matched_by) if t.matched_by else None,
        "stand_in": t.stand_in,
        "flagged": t.flag_reason is not None,
        "flag_reason": t.flag_reason,
        "evidence": t.evidence,
    }


def _capabilities(r: RequirementResult) -> Any:
    """The capabilities of a requirement, encoded. An interop requirement's tests are written from
    fragments encoded once per test (a scorecard of hundreds of products repeats the same few
    hundred tests): the same JSON as ``_capability`` gives, without an object per test."""
    detail = r.detail
    if not isinstance(detail, InteropDetail):
        return [_capability(c, r.scored) for c in r.capabilities]
    frags = _fragments(detail.plan)
    passed_as = {None: b"null", 0: b"0"}
    out = []
    for row in detail.rows(r.verdict):
        cap = row.planned.capability
        head = _capability_head(cap.id, row.planned.status, row.state, cap.defined, row.note, len(row.indices),
                                row.passed if detail.scored else None, row.flagged)  # fmt: skip
        results = []
        for i in row.indices:
            if detail.scored and i not in detail.missing:
                ev = passed_as.get(detail.evidence) or str(detail.evidence).encode()
                results.append(frags[i][1 if i in detail.by_alias else 0] + ev + b"}")
            elif i in detail.stand_ins:
                results.append(msgspec.json.encode(_test(detail.result(i))))
            else:
                results.append(frags[i][2 if detail.scored else 3])
        head["results"] = msgspec.Raw(b"[" + b",".join(results) + b"]")
        out.append(head)
    return out


_FRAGMENTS: dict[int, tuple[CompiledRequirement, list[tuple[bytes, bytes, bytes, bytes]]]] = {}


def _fragments(plan: CompiledRequirement) -> list[tuple[bytes, bytes, bytes, bytes]]:
    """Per test: (passed by name, passed by alias) up to the evidence index, then not passed and
    not scored, whole."""
    held = _FRAGMENTS.get(id(plan))
    if held is not None and held[0] is plan:
        return held[1]
    out = []
    for test in plan.tests:
        flag = (test.flag.reason or "flagged") if test.flag is not None else None
        base = {"name": test.name, "idempotent_id": test.idempotent_id}
        tail = {"stand_in": None, "flagged": flag is not None, "flag_reason": flag}
        by_name = msgspec.json.encode({**base, "passed": True, "matched_by": "name", **tail, "evidence": 0})
        by_alias = msgspec.json.encode({**base, "passed": True, "matched_by": "alias", **tail, "evidence": 0})
        missed = msgspec.json.encode({**base, "passed": False, "matched_by": None, **tail, "evidence": None})
        unknown = msgspec.json.encode({**base, "passed": None, "matched_by": None, **tail, "evidence": None})
        out.append((by_name[: -len(b"0}")], by_alias[: -len(b"0}")], missed, unknown))
    if len(_FRAGMENTS) >= 32:  # a scorecard has a few plans; a long-lived TUI must not grow without end
        _FRAGMENTS.pop(next(iter(_FRAGMENTS)))
    _FRAGMENTS[id(plan)] = (plan, out)  # the plan is held, so its id stays its own
    return out
