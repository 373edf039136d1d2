"""The Scorecard as plain text for a terminal: one block per product."""

from __future__ import annotations

from datetime import UTC, datetime

from buyer.model.scorecard import Scorecard, Verdict
from buyer.report.glyphs import VERDICT_GLYPH, VERDICT_WORDS
from buyer.report.inputs import describe_age


def scorecard_table(card: Scorecard, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    age = f"evidence up to {card.max_age_days} days old" if card.max_age_days else "no age limit"
    lines = [f"Profile: {card.profile_name}  ·  as of {card.as_of}  ·  {age}"]
    for g in card.guidelines:
        where = f"{g.source} @ {g.commit[:12]}" if g.commit else g.source
        checked = f", checked {describe_age(now - g.retrieved_at)}" if g.retrieved_at else ""
        lines.append(f"Guideline {g.id}: {where}{checked}")
    if not card.products:
        lines.append("No products: name a shortlist in the profile or give --evidence PRODUCT=FILE.")
    width = max((len(r.title) for p in card.products for r in p.requirements), default=10)
    for product in card.products:
        lines.append("")
        lines.append(f"{product.name}: {VERDICT_GLYPH[product.verdict]} {VERDICT_WORDS[product.verdict]}")
        for r in product.requirements:
            t = r.required
            counts = f"{t.non_flagged_passed}/{t.non_flagged_tests} non-flagged"
            lines.append(f"  {VERDICT_GLYPH[r.verdict]} {r.verdict!s:<12} {r.title:<{width}}  {counts:<18}  {r.reason}")
            if r.advisory.capabilities and r.verdict in (Verdict.PASS, Verdict.FAIL):
                a = r.advisory
                lines.append(f"    advisory (next guideline): {a.ready}/{a.capabilities} capabilities ready")
            if r.id_only_matches:
                lines.append(f"    {len(r.id_only_matches)} tests matched only by idempotent id")
        for use in product.evidence:
            p = use.provenance
            when = p.date.date().isoformat() if p.date else "undated"
            status = "counts" if use.eligible else f"does not count: {use.reason}"
            lines.append(f"  evidence: {p.source} ({p.kind}, {p.format}, {when}, sha256 {p.sha256[:12]}…) {status}")
        if not product.evidence:
            lines.append("  evidence: none")
    return "\n".join(lines) + "\n"
