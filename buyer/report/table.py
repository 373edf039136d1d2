"""The Scorecard as plain text for a terminal: one block per product.

Each line is made safe for a terminal here, on its own (``printable``): a newline or an escape
sequence in a name, a reason or a vendor's note is shown escaped and cannot forge a line."""

from __future__ import annotations

from datetime import UTC, datetime

from buyer._text import printable
from buyer.model.scorecard import RequirementKind, Scorecard, Verdict
from buyer.report.inputs import describe_age
from buyer.report.phrases import claim_label, evidence_line, rating_label, response_line, verdict_label


def scorecard_table(card: Scorecard, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    age = f"evidence up to {card.max_age_days} days old" if card.max_age_days else "no age limit"
    lines = [f"Profile: {card.profile_name}  ·  as of {card.as_of}  ·  {age}"]
    for g in card.guidelines:
        where = f"{g.source} @ {g.commit[:12]}" if g.commit else g.source
        checked = f", checked {describe_age(now - g.retrieved_at)}" if g.retrieved_at else ""
        what = "Scope" if g.status == "SCS certificate scope" else "Guideline"
        lines.append(f"{what} {g.id}: {where}{checked}")
    if not card.products:
        lines.append("No products: name a shortlist in the profile or give --evidence PRODUCT=FILE.")
    width = max((len(r.title) for p in card.products for r in p.requirements), default=10)
    answered = any(p.response is not None for p in card.products)  # then a claim sits beside each verdict
    claim_width = (
        max((len(claim_label(p, r)) for p in card.products for r in p.requirements), default=0) if answered else 0
    )
    for product in card.products:
        lines.append("")
        warned = sum(len(u.warnings) for u in product.evidence)
        flag = f"  ·  {warned} evidence warning{'s' if warned != 1 else ''}" if warned else ""
        lines.append(f"{product.name}: {rating_label(product.rating)}{flag}")
        if answered:
            lines.append(f"  response: {response_line(product)}")
        for r in product.requirements:
            t = r.required
            unit = "testcases" if r.kind is RequirementKind.SCS else "non-flagged"
            counts = f"{t.non_flagged_passed}/{t.non_flagged_tests} {unit}" if r.scored else "not scored"
            claim = f"{claim_label(product, r):<{claim_width}}  " if answered else ""
            lines.append(f"  {verdict_label(r.verdict):<14} {claim}{r.title:<{width}}  {counts:<18}  {r.reason}")
            if r.vendor_claim is not None and r.vendor_claim.note:
                lines.append(f"    vendor's note: {r.vendor_claim.note}")
            if r.advisory.capabilities and r.verdict in (Verdict.PASS, Verdict.FAIL):
                a = r.advisory
                lines.append(f"    advisory (next guideline): {a.ready}/{a.capabilities} capabilities ready")
            if r.id_only_matches and not r.needs_review:
                lines.append(
                    f"    {len(r.id_only_matches)} tests matched only by idempotent id (not counted as passed)"
                )
        for use in product.evidence:
            lines.append(f"  evidence: {evidence_line(use)}")
        if not product.evidence:
            lines.append("  evidence: none")
    return "".join(f"{printable(line)}\n" for line in lines)
