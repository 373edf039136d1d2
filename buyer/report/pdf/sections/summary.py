"""The executive summary: per product its rating, the mandatory requirements met, how much of
each standard it was shown to meet (interop and SCS apart, "not verified" where nothing was),
its freshest evidence and its gaps. Paginates: the header repeats on every page."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from buyer.model.scorecard import Coverage, ProductScore, Rating, Scorecard, Verdict
from buyer.report.inputs import ReportMeta
from buyer.report.pdf.kit import Anchor, Kit
from buyer.report.pdf.styles import WIDTH
from buyer.report.phrases import DEFINITIONS, VERDICT_WORD

COLUMNS = (35 * mm, 22 * mm, 20 * mm, 30 * mm, 19 * mm)  # the gaps take the rest
NOT_VERIFIED = VERDICT_WORD[Verdict.NOT_VERIFIED]
GAPS_SHOWN = 3  # per product; its page lists them all


def product_key(index: int) -> str:
    return f"product-{index}"


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    story: list[Any] = [Anchor("summary", "Executive summary"), kit.para("Executive summary", kit.s.h1)]
    if not card.products:
        return [*story, kit.para("No products on the shortlist yet."), PageBreak()]
    story.append(kit.rich(_tally(card, kit), kit.s.body))
    story += _contradictions(card, kit)
    story.append(Spacer(1, 2 * mm))
    many = len(card.products) > 10
    style = kit.s.small_cell if many else kit.s.cell
    widths = [*COLUMNS, WIDTH - sum(COLUMNS)]
    heads = kit.heads(
        ("Product", "Rating", "Mandatory met", "Shown to meet", "Freshest evidence", "Gaps and exceptions"), widths
    )
    rows: list[list[Any]] = [heads]
    for index, p in enumerate(card.products, start=1):
        rows.append(_row(card, index, p, widths, style, kit, GAPS_SHOWN if not many else 1))
    story.append(kit.table(rows, widths))
    story += [Spacer(1, 3 * mm), *_legend(card, kit)]
    return [*story, PageBreak()]


def _contradictions(card: Scorecard, kit: Kit) -> list[Any]:
    """Every claim a vendor's response makes that the evidence does not bear out, before all else."""
    found = card.contradictions
    if not found:
        return []
    index = {id(p): n for n, p in enumerate(card.products, start=1)}
    story: list[Any] = [
        kit.para(f"Claims contradicted by the evidence ({len(found)})", kit.s.h3),
    ]
    for p, r in found:
        n = index[id(p)]
        clause = f" ({kit.esc(r.vendor_claim.clause)})" if r.vendor_claim else ""
        who = kit.link(kit.esc(f"P{n} · {p.name}"), product_key(n))
        story.append(
            kit.rich(
                f"{who} claims to comply with <b>{kit.esc(r.title)}</b>{clause}; "
                f"the verdict is {kit.verdict(r.verdict)}: {kit.esc(r.reason)}",
                kit.s.small,
            )
        )
    return story


def _tally(card: Scorecard, kit: Kit) -> str:
    counts: dict[Rating, int] = {}
    for p in card.products:
        counts[p.rating] = counts.get(p.rating, 0) + 1
    parts = [f"{kit.rating(r)}: {counts[r]}" for r in Rating if r in counts]
    return f"{len(card.products)} product(s) evaluated on {card.as_of.isoformat()}. " + "; ".join(parts) + "."


def _row(
    card: Scorecard, index: int, p: ProductScore, widths: list[float], style: Any, kit: Kit, shown: int
) -> list[Any]:
    key = product_key(index)
    name = kit.link(f"P{index} · " + kit.esc(p.name, kit.s.cell_bold, widths[0] - 6), key)
    met, total = p.mandatory_met
    mandatory = f"{met} of {total} met" if p.verified else kit.term(NOT_VERIFIED)
    fresh = p.freshest_evidence
    age = f"{fresh.date().isoformat()} ({(card.as_of - fresh.date()).days} days)" if fresh else "none accepted"
    gaps = list(p.gaps or p.exceptions)
    lines = [kit.esc(g, style, widths[5] - 6) for g in gaps[:shown]] or ["none"]
    if len(gaps) > shown:
        lines.append(kit.link(f"and {len(gaps) - shown} more: see P{index}", key))
    return [
        kit.rich(name, kit.s.cell_bold),
        kit.rich(kit.rating(p.rating), style),
        kit.rich(mandatory, style),
        kit.rich("<br/>".join(_coverage(c, kit) for c in p.coverage()) or "—", style),
        kit.para(age, style, widths[4] - 6),
        kit.rich("<br/>".join(lines), style),
    ]


def _coverage(c: Coverage, kit: Kit) -> str:
    """One standard's share, never "0 of N" when nothing of it was verified."""
    if not c.verified or not c.total:
        return f"{c.label}: {kit.term(NOT_VERIFIED)}"
    return f"{c.label}: {c.met} of {c.total} ({round(100 * c.met / c.total)}%)"


def _legend(card: Scorecard, kit: Kit) -> list[Any]:
    used = [str(r) for r in Rating if any(p.rating is r for p in card.products)]
    words = "; ".join(f"<b>{w}</b>: {kit.esc(DEFINITIONS[w])}" for w in used)
    return [
        kit.rich(words + ".", kit.s.tiny),
        kit.rich(
            "<b>Shown to meet</b>: per standard, the required interop capabilities with every non-flagged test "
            "passed, and the SCS mandatory testcases passed with a current result; <b>not verified</b> where no "
            "requirement of that standard was decided by evidence. Interop and SCS are counted apart.",
            kit.s.tiny,
        ),
    ]
