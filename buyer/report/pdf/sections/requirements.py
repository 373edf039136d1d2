"""The requirements as the profile fixed them before any product was evaluated, and the
evidence policy."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm

from buyer.model.scorecard import RequirementKind, RequirementSpec, Scorecard
from buyer.report.inputs import ReportMeta
from buyer.report.pdf import prose
from buyer.report.pdf.kit import Anchor, Kit
from buyer.report.pdf.styles import WIDTH

COLUMNS = (60 * mm, 32 * mm, 30 * mm, 22 * mm)  # the releases take the rest


def kind_words(r: RequirementSpec, kit: Kit) -> str:
    if r.kind is RequirementKind.PROGRAM:
        return "program"
    if r.kind is RequirementKind.ADD_ON:
        return kit.term("add-on")
    if r.kind is RequirementKind.CAPABILITY:
        kit.term("mandatory")
        return kit.term("extra capability") + " (mandatory)"
    kit.term("scope")
    return kit.term("scope version") + " (SCS)"


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    widths = [*COLUMNS, WIDTH - sum(COLUMNS)]
    story: list[Any] = [Anchor("requirements", "Requirements"), kit.para("Requirements", kit.s.h1)]
    story.append(
        kit.para(
            "Fixed in the requirements profile before any product was evaluated. Each is mandatory: a product "
            "meets the profile only when every one passes. Guideline and scope files are identified by their "
            "SHA-256 in the appendix.",
            kit.s.small,
        )
    )
    kit.term("mandatory")
    rows: list[list[Any]] = [kit.heads(("Requirement", "Kind", "File", "Status", "Must pass"), widths)]
    for r in card.requirements:
        must = f"{r.required_tests} tests" if r.kind is not RequirementKind.SCS else f"{r.required_tests} testcases"
        if r.releases:
            must += "; releases " + ", ".join(r.releases)
        rows.append(
            [
                kit.cell(r.title, widths[0]),
                kit.rich(kit.esc(kind_words(r, kit), kit.s.cell, widths[1] - 6), kit.s.cell),
                kit.cell(r.guideline, widths[2]),
                kit.cell(r.guideline_status or "unknown", widths[3]),
                kit.cell(must, widths[4]),
            ]
        )
    if not card.requirements:
        rows.append([kit.cell("none", widths[0]), "", "", "", ""])
    story.append(kit.table(rows, widths))
    story.append(
        kit.para(
            "Must pass: the (capability, test) pairs of required capabilities that must pass, flagged tests "
            "excluded (a test listed under two capabilities counts twice, as RefStack counts); for an SCS scope "
            "version, its mandatory testcases.",
            kit.s.tiny,
        )
    )
    policy = (
        f"evidence counts when it is at most {card.max_age_days} days old on {card.as_of.isoformat()}"
        if card.max_age_days
        else "evidence of any age counts"
    )
    story += [
        kit.para("Evidence policy", kit.s.h3),
        kit.para(f"{policy}; accepted kinds: {', '.join(card.accepted_kinds)}.", kit.s.body),
    ]
    if any(r.kind is not RequirementKind.SCS for r in card.requirements):
        story += [kit.para("Status of the program", kit.s.h3), kit.para(prose.PROGRAM_STATUS, kit.s.small)]
    return story
