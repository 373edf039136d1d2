"""Page geometry, paragraph styles and colours of the PDF. Nothing is set under 6 pt; colours
stay apart in greyscale, and a glyph always carries the meaning too."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from buyer.model.scorecard import CapabilityState, Rating, Verdict
from buyer.report.pdf.fonts import FontSet

PAGE = A4
MARGIN = 16 * mm
WIDTH = PAGE[0] - 2 * MARGIN
HEIGHT = PAGE[1] - 2 * MARGIN
SMALLEST = 6.0  # points: the smallest type the report sets

GRID = colors.HexColor("#d0d7de")
HEAD_TINT = colors.HexColor("#f6f8fa")
MUTED = colors.HexColor("#57606a")
LINK = colors.HexColor("#0a4fa8")

VERDICT_COLOUR = {
    Verdict.PASS: colors.HexColor("#1a7f37"),
    Verdict.FAIL: colors.HexColor("#b3261e"),
    Verdict.NOT_VERIFIED: colors.HexColor("#57606a"),
    Verdict.ERROR: colors.HexColor("#7d3cbd"),
}
VERDICT_TINT = {
    Verdict.PASS: colors.HexColor("#dafbe1"),
    Verdict.FAIL: colors.HexColor("#ffd8d3"),
    Verdict.NOT_VERIFIED: colors.HexColor("#eaeef2"),
    Verdict.ERROR: colors.HexColor("#eddcff"),
}
STATE_COLOUR = {
    CapabilityState.PASS: VERDICT_COLOUR[Verdict.PASS],
    CapabilityState.FAIL: VERDICT_COLOUR[Verdict.FAIL],
    CapabilityState.FLAGGED_ONLY: colors.HexColor("#8a5a00"),
    CapabilityState.NOT_VERIFIED: VERDICT_COLOUR[Verdict.NOT_VERIFIED],
    CapabilityState.ERROR: VERDICT_COLOUR[Verdict.ERROR],
}
STATE_TINT = {
    CapabilityState.PASS: VERDICT_TINT[Verdict.PASS],
    CapabilityState.FAIL: VERDICT_TINT[Verdict.FAIL],
    CapabilityState.FLAGGED_ONLY: colors.HexColor("#fff1c2"),
    CapabilityState.NOT_VERIFIED: VERDICT_TINT[Verdict.NOT_VERIFIED],
    CapabilityState.ERROR: VERDICT_TINT[Verdict.ERROR],
}
RATING_COLOUR = {
    Rating.MEETS: VERDICT_COLOUR[Verdict.PASS],
    Rating.MEETS_WITH_EXCEPTIONS: VERDICT_COLOUR[Verdict.PASS],
    Rating.DOES_NOT_MEET: VERDICT_COLOUR[Verdict.FAIL],
    Rating.NOT_VERIFIED: VERDICT_COLOUR[Verdict.NOT_VERIFIED],
    Rating.CHECK_ERROR: VERDICT_COLOUR[Verdict.ERROR],
}


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    tiny: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle
    small_cell: ParagraphStyle
    cell_bold: ParagraphStyle
    head: ParagraphStyle
    code: ParagraphStyle  # test names, capability ids (monospaced)
    digest: ParagraphStyle  # SHA-256 (monospaced)
    command: ParagraphStyle  # the reproduce line (monospaced)
    glyph: ParagraphStyle  # a matrix cell
    footer: ParagraphStyle


def make_styles(fonts: FontSet) -> Styles:
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5)
    mono = ParagraphStyle("mono", parent=base, fontName=fonts.mono, fontSize=7, leading=8.5)
    return Styles(
        body=base,
        small=ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        tiny=ParagraphStyle("tiny", parent=base, fontSize=7, leading=8.6),
        h1=ParagraphStyle("h1", parent=base, fontName=fonts.bold, fontSize=16, leading=20, spaceAfter=8),
        h2=ParagraphStyle("h2", parent=base, fontName=fonts.bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
        h3=ParagraphStyle("h3", parent=base, fontName=fonts.bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2),
        title=ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=24, leading=30),
        cell=ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        small_cell=ParagraphStyle("smallcell", parent=base, fontSize=7, leading=8.6),
        cell_bold=ParagraphStyle("cellb", parent=base, fontName=fonts.bold, fontSize=8, leading=10),
        head=ParagraphStyle("head", parent=base, fontName=fonts.bold, fontSize=7.5, leading=9.2),
        code=mono,
        digest=ParagraphStyle("digest", parent=mono),
        command=ParagraphStyle("command", parent=mono, fontSize=7.5, leading=9.5),
        glyph=ParagraphStyle("glyph", parent=base, fontName=fonts.bold, fontSize=7.5, leading=9, alignment=TA_CENTER),
        footer=ParagraphStyle("footer", parent=base, fontSize=7, leading=8.6, alignment=TA_RIGHT, textColor=MUTED),
    )
