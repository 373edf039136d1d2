"""The glossary, generated from what the report printed: every verdict, state and rating word,
the flag codes found in the flag reasons shown, SCS terms where an SCS requirement is present."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak

from buyer.model.scorecard import RequirementKind, Scorecard
from buyer.report.inputs import ReportMeta
from buyer.report.pdf import prose
from buyer.report.pdf.kit import Anchor, Kit
from buyer.report.pdf.styles import WIDTH
from buyer.report.phrases import DEFINITIONS, FLAG_CODES

TERM = 38 * mm
SCS_TERMS = ("scope", "scope version", "testcase", "mandatory testcase")


def terms(card: Scorecard, kit: Kit) -> list[tuple[str, str]]:
    """(term, definition) for everything this report uses, in a stable order."""
    kinds = {r.kind for r in card.requirements}
    out: list[tuple[str, str]] = []
    if kinds - {RequirementKind.SCS}:
        out += prose.INTEROP_TERMS
    used = set(kit.used)
    if RequirementKind.SCS in kinds:
        used.update(SCS_TERMS)
    out += [(word, DEFINITIONS[word]) for word in DEFINITIONS if word in used]
    out += [(code, FLAG_CODES[code]) for code in sorted(kit.flag_codes)]
    out += prose.EVIDENCE_TERMS
    return out


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    rows: list[list[Any]] = [
        [kit.cell(term, TERM, kit.s.cell_bold), kit.cell(text, WIDTH - TERM)] for term, text in terms(card, kit)
    ]
    return [
        PageBreak(),
        Anchor("glossary", "Glossary"),
        kit.para("Glossary", kit.s.h1),
        kit.para("The words this report uses, as it uses them.", kit.s.small),
        kit.table(rows, [TERM, WIDTH - TERM], header=False),
    ]
