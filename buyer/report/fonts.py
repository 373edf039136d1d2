"""Fonts for the PDF: a Unicode TrueType family plus a fallback for scripts it lacks (CJK).

ReportLab embeds TrueType outlines only and does no per-glyph fallback, so text is split into
runs and each run that the main font cannot draw is wrapped in the fallback font. Outside text
is escaped first: a product called ``<b>Acme & Co</b>`` prints exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from buyer.config import settings
from buyer.errors import ConfigError

REGULAR = "BuyerSans"
BOLD = "BuyerSans-Bold"
FALLBACK = "BuyerFallback"

# Looked for in this order; the environment variables override them.
_REGULAR_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
_BOLD_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)
_FALLBACK_CANDIDATES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
)


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    fallback: str | None
    covered: frozenset[int]  # code points the regular font draws
    fallback_covered: frozenset[int]

    def markup(self, text: str) -> str:
        """Escape ``text`` for a Paragraph and switch to the fallback font where needed."""
        if not self.fallback_covered:
            return escape(text)
        out: list[str] = []
        run: list[str] = []
        run_fallback = False
        for ch in text:
            use_fallback = ord(ch) not in self.covered and ord(ch) in self.fallback_covered
            if use_fallback != run_fallback and run:
                out.append(self._wrap("".join(run), run_fallback))
                run = []
            run_fallback = use_fallback
            run.append(ch)
        if run:
            out.append(self._wrap("".join(run), run_fallback))
        return "".join(out)

    def _wrap(self, text: str, fallback: bool) -> str:
        return f'<font name="{FALLBACK}">{escape(text)}</font>' if fallback else escape(text)


def _first(env: str, candidates: tuple[str, ...]) -> str | None:
    chosen = getattr(settings(), env.removeprefix("BUYER_").lower())
    if chosen:
        if not Path(chosen).is_file():
            raise ConfigError(f"${env} names {chosen}, which is not a file")
        return chosen
    return next((c for c in candidates if Path(c).is_file()), None)


def _ttf(name: str, path: str) -> Any:
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        return TTFont(name, path)
    except (TTFError, OSError, ValueError) as exc:
        raise ConfigError(f"cannot use {path} as a PDF font: {exc}") from None


@cache
def load_fonts() -> FontSet:
    """Register buyer's fonts with ReportLab once per process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    regular = _first("BUYER_PDF_FONT", _REGULAR_CANDIDATES)
    if regular is None:
        raise ConfigError(
            "no Unicode TrueType font found for the PDF: install DejaVu Sans "
            "(Debian: fonts-dejavu-core) or set BUYER_PDF_FONT to a .ttf file"
        )
    bold = _first("BUYER_PDF_FONT_BOLD", _BOLD_CANDIDATES) or regular
    fallback = _first("BUYER_PDF_FALLBACK_FONT", _FALLBACK_CANDIDATES)
    regular_font = _ttf(REGULAR, regular)
    pdfmetrics.registerFont(regular_font)
    pdfmetrics.registerFont(_ttf(BOLD, bold))
    # Italic slots first: the last mapping of a face decides which (bold, italic) it reports,
    # and the bold face must report (1, 0) or a font change inside bold text looks for italics.
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    fallback_covered: frozenset[int] = frozenset()
    if fallback:
        fallback_font = _ttf(FALLBACK, fallback)
        pdfmetrics.registerFont(fallback_font)
        for bold_flag in (0, 1):
            for italic_flag in (0, 1):
                addMapping(FALLBACK, bold_flag, italic_flag, FALLBACK)
        fallback_covered = frozenset(fallback_font.face.charToGlyph)
    return FontSet(
        REGULAR,
        BOLD,
        FALLBACK if fallback else None,
        frozenset(regular_font.face.charToGlyph),
        fallback_covered,
    )
