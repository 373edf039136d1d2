"""What every section builds with: fonts, styles, paragraphs of outside text that wrap without
being cut, tables that stay inside the margins, verdict words with their glyphs, links and
outline entries. The Kit also remembers which words and flag codes the report printed, so the
glossary defines exactly those, and which long lists went to the appendix."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from buyer.model.scorecard import CapabilityState, Rating, Verdict
from buyer.report.pdf import wrap
from buyer.report.pdf.fonts import FontSet, load_fonts
from buyer.report.pdf.styles import (
    GRID,
    HEAD_TINT,
    LINK,
    RATING_COLOUR,
    STATE_COLOUR,
    VERDICT_COLOUR,
    WIDTH,
    Styles,
    make_styles,
)
from buyer.report.phrases import (
    FLAG_CODES,
    RATING_GLYPH,
    STATE_GLYPH,
    STATE_WORD,
    VERDICT_GLYPH,
    VERDICT_WORD,
)

PAD = 3.0  # points of padding left and right in every table cell
DIGEST_WIDTH = 50 * mm  # a column that holds a SHA-256 in two rows of 32 (7 pt monospaced)
_FLAG_CODE = re.compile(r"\bD4\d\d\b")
_SPACES = re.compile(r"(\s+)")


class Anchor(Flowable):
    """A destination other pages link to, and its entry in the outline (bookmarks)."""

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.keepWithNext = True  # never left alone at the foot of a page, away from its heading
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        self.canv.addOutlineEntry(self.title, self.key, self.level)


@dataclass
class Deferred:
    """A list too long for a product page, printed in the appendix instead."""

    key: str
    title: str
    rows: list[tuple[str, str, str]]  # (requirement, capability and test, reason)


@dataclass
class Kit:
    fonts: FontSet
    s: Styles
    rid: str
    used: set[str] = field(default_factory=set)  # words of phrases.DEFINITIONS the report printed
    flag_codes: set[str] = field(default_factory=set)  # D4xx codes in the flag reasons printed
    deferred: list[Deferred] = field(default_factory=list)

    @classmethod
    def create(cls, rid: str) -> Kit:
        fonts = load_fonts()
        return cls(fonts, make_styles(fonts), rid)

    # -- text ----------------------------------------------------------------------------------

    def esc(self, text: str, style: Any = None, width: float = WIDTH) -> str:
        """Outside text as paragraph markup: escaped, the fallback font where needed, and every word
        wider than ``width`` broken after a separator (or hyphenated visibly), never cut."""
        style = style or self.s.body
        face, size = style.fontName, style.fontSize
        out = []
        for token in _SPACES.split(text):
            if not token or token.isspace() or len(token) * size * 0.62 <= width:
                out.append(self.fonts.markup(token))  # surely fits: DejaVu's widest Latin letters are ~0.6 em
                continue
            lines = wrap.pieces(token, width, lambda t: self.fonts.width(t, size, face))
            out.append("<br/>".join(self.fonts.markup(str(line)) for line in lines))
        return "".join(out)

    def para(self, text: str, style: Any = None, width: float = WIDTH) -> Paragraph:
        """A paragraph of outside text (data, never markup)."""
        style = style or self.s.body
        return Paragraph(self.esc(text, style, width), style)

    def cell(self, text: str, column: float, style: Any = None) -> Paragraph:
        """Outside text in a table cell ``column`` points wide."""
        style = style or self.s.cell
        return Paragraph(self.esc(text, style, column - 2 * PAD), style)

    def rich(self, markup: str, style: Any = None) -> Paragraph:
        """A paragraph of buyer's own markup; outside values must come through ``esc``."""
        return Paragraph(markup, style or self.s.body)

    def code(self, text: str, column: float) -> Paragraph:
        """A test name or capability id in a cell: monospaced, broken after dots and dashes."""
        return self.cell(text, column, self.s.code)

    def digest(self, sha256: str | None, per_row: int = 32) -> Paragraph:
        """A SHA-256 whole, in monospaced rows of ``per_row`` (32: a column of DIGEST_WIDTH)."""
        if sha256 is None or not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return Paragraph(self.fonts.markup(sha256 or "—"), self.s.digest)
        return Paragraph("<br/>".join(sha256[i : i + per_row] for i in range(0, 64, per_row)), self.s.digest)

    def flag_reason(self, reason: str) -> str:
        """A flag reason as printed; its D4xx codes go to the glossary."""
        self.flag_codes.update(c for c in _FLAG_CODE.findall(reason) if c in FLAG_CODES)
        self.used.add("flagged test")
        return reason

    # -- words with glyphs (phrases.py's vocabulary) -------------------------------------------

    def verdict(self, verdict: Verdict) -> str:
        word = VERDICT_WORD[verdict]
        self.used.add(word)
        return _coloured(VERDICT_GLYPH[verdict], VERDICT_COLOUR[verdict], word)

    def rating(self, rating: Rating) -> str:
        self.used.add(str(rating))
        return _coloured(RATING_GLYPH[rating], RATING_COLOUR[rating], str(rating))

    def state(self, state: CapabilityState, words: bool = True) -> str:
        word = STATE_WORD[state]
        self.used.add(word)
        return _coloured(STATE_GLYPH[state], STATE_COLOUR[state], word if words else "")

    def term(self, word: str) -> str:
        """A defined word, noted for the glossary."""
        self.used.add(word)
        return word

    # -- links and tables ----------------------------------------------------------------------

    @staticmethod
    def link(markup: str, key: str) -> str:
        return f'<a href="#{key}" color="#{LINK.hexval()[2:]}">{markup}</a>'

    def table(
        self,
        rows: list[list[Any]],
        widths: Sequence[float],
        header: bool = True,
        extra: list[Any] | None = None,
        repeat: int | None = None,
    ) -> Table:
        """A table exactly as wide as ``widths`` (which must not exceed the frame), rows allowed to
        split across pages, the header repeated on each."""
        assert sum(widths) <= WIDTH + 0.01, f"table wider than the page: {sum(widths)} > {WIDTH}"
        table = Table(
            rows,
            colWidths=list(widths),
            repeatRows=(1 if header else 0) if repeat is None else repeat,
            hAlign="LEFT",
            splitInRow=1,
        )
        style: list[Any] = [
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_TINT))
        table.setStyle(TableStyle(style + (extra or [])))
        return table

    def heads(self, names: Sequence[str], widths: Sequence[float]) -> list[Paragraph]:
        """A header row: words wrap at spaces, a word wider than its column breaks visibly."""
        return [self.cell(n, w, self.s.head) for n, w in zip(names, widths, strict=True)]


def _coloured(glyph: str, colour: Any, word: str) -> str:
    tail = f" {word}" if word else ""
    return f'<font color="#{colour.hexval()[2:]}"><b>{glyph}</b></font>{tail}'
