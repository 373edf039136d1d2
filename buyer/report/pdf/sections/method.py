"""How verdicts are computed, and what the report cannot show."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import PageBreak

from buyer.model.scorecard import RequirementKind, Scorecard
from buyer.report.inputs import ReportMeta
from buyer.report.pdf import prose
from buyer.report.pdf.kit import Anchor, Kit


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    kinds = {r.kind for r in card.requirements}
    present = {"": True, "scs": RequirementKind.SCS in kinds, "interop": bool(kinds - {RequirementKind.SCS})}
    story: list[Any] = [PageBreak(), Anchor("method", "Method and limits"), kit.para("Method and limits", kit.s.h1)]
    for title, text, when in prose.METHOD:
        if present[when]:
            story += [kit.para(title, kit.s.h3), kit.para(text)]
    return story
