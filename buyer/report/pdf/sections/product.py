"""A page (or more) per product, in the order a committee reads it: what decides its rating
(failing tests of mandatory requirements, tests that need review), then what could not be
verified, then the flagged tests it was allowed to fail, then readiness for the next guideline;
then the evidence and what the registry says it claims."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from buyer.model.guideline import Status
from buyer.model.scorecard import (
    CapabilityResult,
    CapabilityState,
    ProductScore,
    RequirementKind,
    RequirementResult,
    Scorecard,
    Verdict,
)
from buyer.report.inputs import ReportMeta
from buyer.report.pdf.kit import Anchor, Deferred, Kit
from buyer.report.pdf.sections.summary import product_key
from buyer.report.pdf.styles import WIDTH
from buyer.report.phrases import claim_label, evidence_date, evidence_status, response_line

FLAGGED_ON_PAGE = 12  # longer lists of flagged tests go to the appendix
TEST_COLUMN = WIDTH * 0.58


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    story: list[Any] = []
    for index, p in enumerate(card.products, start=1):
        story += page(index, p, kit, first=index == 1)
    return story


def counts(r: RequirementResult, cap: CapabilityResult) -> bool:
    """Whether a capability is one the verdict rests on (as ProductScore.coverage counts them)."""
    return r.kind in (RequirementKind.CAPABILITY, RequirementKind.SCS) or cap.status is Status.REQUIRED


def page(index: int, p: ProductScore, kit: Kit, first: bool = False) -> list[Any]:
    key = product_key(index)
    title = " ".join(p.name.split())
    story: list[Any] = [PageBreak()]
    if first:
        story.append(Anchor("products", "Products"))
    story += [Anchor(key, f"P{index}. {title}", 1), kit.para(f"P{index}. {p.name}", kit.s.h1)]
    if p.vendor:
        story.append(kit.para(f"Vendor: {p.vendor}"))
    met, total = p.mandatory_met
    tail = f"{met} of {total} mandatory requirements met." if p.verified else "no requirement was decided by evidence."
    story.append(kit.rich(f"Rating: {kit.rating(p.rating)} — {tail}"))
    # Each requirement's capabilities are derived once for this page.
    caps = {id(r): r.capabilities for r in p.requirements}
    story += _deciding(p, caps, kit)
    story += _not_verified(p, caps, kit)
    story += _flagged(index, p, caps, kit)
    story += _readiness(p, caps, kit)
    story += _evidence(p, kit)
    story += _response(p, kit)
    story += _claims(p, kit)
    return story


def _response(p: ProductScore, kit: Kit) -> list[Any]:
    """The vendor's own answers, beside the verdicts: never part of a verdict."""
    if p.response is None:
        return []
    story: list[Any] = [
        kit.para("What the vendor's response says", kit.s.h2),
        kit.para(response_line(p, 64), kit.s.small),
    ]
    widths = [WIDTH - 95 * mm, 40 * mm, 55 * mm]
    rows: list[list[Any]] = [kit.heads(("Requirement", "Verdict", "The vendor"), widths)]
    for r in p.requirements:
        said = claim_label(p, r)
        if r.vendor_claim is not None and r.vendor_claim.note:
            said += f" — {r.vendor_claim.note}"
        rows.append(
            [kit.cell(r.title, widths[0]), kit.rich(kit.verdict(r.verdict), kit.s.cell), kit.cell(said, widths[2])]
        )
    story.append(kit.table(rows, widths))
    return story


def _line(r: RequirementResult, kit: Kit) -> Any:
    return kit.rich(f"{kit.verdict(r.verdict)} <b>{kit.esc(r.title)}</b>: {kit.esc(r.reason)}")


def _deciding(p: ProductScore, caps: dict[int, tuple[CapabilityResult, ...]], kit: Kit) -> list[Any]:
    story: list[Any] = [kit.para("What decides the rating", kit.s.h2)]
    deciding = [r for r in p.requirements if r.verdict in (Verdict.FAIL, Verdict.ERROR) or r.needs_review]
    passed = [r for r in p.requirements if r.verdict is Verdict.PASS]
    if not deciding and not passed:
        return [*story, kit.para("Nothing was decided by evidence: see below.", kit.s.small)]
    for r in deciding:
        story.append(_line(r, kit))
        failing = [c for c in caps[id(r)] if c.state is CapabilityState.FAIL and counts(r, c)]
        if failing:
            story.append(_failing_table(failing, kit))
        if r.needs_review:
            kit.term("needs review")
            story.append(_review_table(r, kit))
        story.append(Spacer(1, 2 * mm))
    if passed:
        story.append(kit.para("Passed", kit.s.h3))
        story += [_line(r, kit) for r in passed]
    return story


def _failing_table(failing: list[CapabilityResult], kit: Kit) -> Any:
    first = 55 * mm
    rows: list[list[Any]] = [
        kit.heads(("Failing capability (tests passed)", "Non-flagged tests not passed"), (first, WIDTH - first))
    ]
    for cap in failing:
        label = f"{cap.id} ({cap.passed} of {cap.tests})" + (f": {cap.note}" if cap.note else "")
        names = [t.name for t in cap.failing if t.flag_reason is None and t.stand_in is None]
        tests = "<br/>".join(kit.esc(n, kit.s.code, WIDTH - first - 6) for n in names) or "—"
        rows.append([kit.cell(label, first), kit.rich(tests, kit.s.code)])
    return kit.table(rows, [first, WIDTH - first])


def _review_table(r: RequirementResult, kit: Kit) -> Any:
    half = WIDTH / 2
    rows: list[list[Any]] = [
        kit.heads(("Test not reported passed", "Reported passed, with the same idempotent id"), (half, half))
    ]
    rows += [[kit.code(test, half), kit.code(stand_in, half)] for test, stand_in in r.review]
    return kit.table(rows, [half, half])


def _not_verified(p: ProductScore, caps: dict[int, tuple[CapabilityResult, ...]], kit: Kit) -> list[Any]:
    open_ = [r for r in p.requirements if r.verdict is Verdict.NOT_VERIFIED and not r.needs_review]
    if not open_:
        return []
    story: list[Any] = [kit.para("Not verified", kit.s.h2)]
    for r in open_:
        story.append(_line(r, kit))
        counted = [c for c in caps[id(r)] if counts(r, c)]
        noted = [c for c in counted if c.note and c.state is not CapabilityState.PASS]
        noun = "testcase" if r.kind is RequirementKind.SCS else "capability"
        if noted and len(noted) == len(counted) and len({c.note for c in noted}) == 1:
            story.append(kit.para(f"Every {noun} ({len(noted)}): {noted[0].note}.", kit.s.small))
        elif noted:
            first = 70 * mm
            rows: list[list[Any]] = [kit.heads((noun.capitalize(), "State"), (first, WIDTH - first))]
            rows += [[kit.code(c.id, first), kit.cell(c.note, WIDTH - first)] for c in noted]
            story.append(kit.table(rows, [first, WIDTH - first]))
        story.append(Spacer(1, 1 * mm))
    return story


def _flagged(index: int, p: ProductScore, caps: dict[int, tuple[CapabilityResult, ...]], kit: Kit) -> list[Any]:
    decided = [r for r in p.requirements if r.verdict in (Verdict.PASS, Verdict.FAIL) and r.required.flag_failed]
    if not decided:
        return []
    story: list[Any] = [kit.para("Flagged tests not passed (allowed)", kit.s.h2)]
    for r in decided:
        rows = [
            (t.name, cap.id, kit.flag_reason(t.flag_reason or ""))
            for cap in caps[id(r)]
            if counts(r, cap)
            for t in cap.results
            if t.flag_reason is not None and not t.passed
        ]
        story.append(
            kit.rich(
                f"<b>{kit.esc(r.title)}</b>: {r.required.flag_failed} flagged tests of required capabilities did not "
                "pass; the guideline allows it, and they do not count against the verdict.",
                kit.s.small,
            )
        )
        if len(rows) > FLAGGED_ON_PAGE:
            key = f"flagged-{index}-{len(kit.deferred)}"
            kit.deferred.append(Deferred(key, f"P{index}. {' '.join(p.name.split())}: {r.title}", rows))
            story.append(kit.rich(kit.link("The list, with reasons, is in the appendix.", key), kit.s.small))
            continue
        story.append(flagged_table(rows, kit))
    return story


def flagged_table(rows: list[tuple[str, str, str]], kit: Kit) -> Any:
    table: list[list[Any]] = [kit.heads(("Flagged test [capability]", "Reason"), (TEST_COLUMN, WIDTH - TEST_COLUMN))]
    for name, cap, reason in rows:
        table.append([kit.code(f"{name} [{cap}]", TEST_COLUMN), kit.cell(reason, WIDTH - TEST_COLUMN)])
    return kit.table(table, [TEST_COLUMN, WIDTH - TEST_COLUMN])


def _readiness(p: ProductScore, caps: dict[int, tuple[CapabilityResult, ...]], kit: Kit) -> list[Any]:
    ready = [r for r in p.requirements if r.advisory.capabilities and r.verdict in (Verdict.PASS, Verdict.FAIL)]
    if not ready:
        return []
    kit.term("advisory")
    story: list[Any] = [kit.para("Readiness for the next guideline (advisory)", kit.s.h2)]
    for r in ready:
        a = r.advisory
        missing = [
            c.id
            for c in caps[id(r)]
            if c.status is Status.ADVISORY and c.state not in (CapabilityState.PASS, CapabilityState.FLAGGED_ONLY)
        ]
        text = (
            f"<b>{kit.esc(r.title)}</b>: {a.ready} of {a.capabilities} advisory capabilities ready "
            f"({a.passed} of {a.tests} tests passed). Advisory capabilities never affect the verdict."
        )
        if missing:
            text += " Not ready: " + ", ".join(kit.esc(m, kit.s.small) for m in missing) + "."
        story.append(kit.rich(text, kit.s.small))
    return story


EVIDENCE_COLUMNS = (7 * mm, 45 * mm, 29 * mm, 23 * mm, 27.5 * mm)  # the status takes the rest


def _evidence(p: ProductScore, kit: Kit) -> list[Any]:
    widths = [*EVIDENCE_COLUMNS[:4], WIDTH - sum(EVIDENCE_COLUMNS), EVIDENCE_COLUMNS[4]]
    rows: list[list[Any]] = [kit.heads(("#", "Source", "Kind / format", "Date", "Counts?", "SHA-256"), widths)]
    for i, use in enumerate(p.evidence, start=1):
        pr = use.provenance
        when = f"{evidence_date(use)} ({pr.date_basis})" if pr.date else "undated"
        trust = f"{pr.kind}{', verified' if pr.verified else ''} / {pr.format}"
        status = evidence_status(use) + "".join(f"; warning: {w}" for w in use.warnings)
        rows.append(
            [
                kit.cell(str(i), widths[0]),
                kit.cell(pr.source, widths[1]),
                kit.cell(trust, widths[2]),
                kit.cell(when, widths[3]),
                kit.cell(status, widths[4]),
                kit.digest(pr.sha256, per_row=16),
            ]
        )
    if not p.evidence:
        rows.append([kit.cell("—", widths[0]), kit.cell("no evidence supplied", widths[1]), "", "", "", ""])
    live = sum(u.provenance.kind.value.startswith("live") for u in p.evidence)
    return [
        kit.para("Evidence", kit.s.h2),
        kit.table(rows, widths),
        kit.para(
            f"{live} live check(s) by the buyer are among the evidence above."
            if live
            else "No live check by the buyer is part of this evaluation.",
            kit.s.small,
        ),
    ]


def _claims(p: ProductScore, kit: Kit) -> list[Any]:
    story: list[Any] = [kit.para("What it claims", kit.s.h2)]
    if not p.claims:
        return [
            *story,
            kit.para("No registry listing was found for this product; the rating rests on the evidence.", kit.s.small),
        ]
    widths = [WIDTH - 70 * mm, 40 * mm, 30 * mm]
    rows: list[list[Any]] = [kit.heads(("Claim", "Source", "Read"), widths)]
    for claim in p.claims:
        read = claim.retrieved_at.date().isoformat() if claim.retrieved_at else "local file"
        rows.append(
            [kit.cell(claim.describe(), widths[0]), kit.cell(claim.source, widths[1]), kit.cell(read, widths[2])]
        )
    story.append(kit.table(rows, widths))
    story.append(kit.para("Claims are shown as listed; the rating rests on the evidence above.", kit.s.small))
    return story
