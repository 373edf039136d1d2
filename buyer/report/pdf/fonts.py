"""Fonts for the PDF: a Unicode TrueType family, a monospaced TrueType for hashes and test names,
and a fallback for scripts they lack (CJK). Every one is embedded (PDF/A): no standard PDF font
(Helvetica, Courier) is ever used.

ReportLab embeds TrueType outlines only and does no per-glyph fallback, so text is split into
runs and each run that the main font cannot draw is wrapped in the fallback font. Outside text
is escaped first: a product called ``<b>Acme & Co</b>`` prints exactly that.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from buyer._text import printable
from buyer.config import settings
from buyer.errors import ConfigError
from buyer.report.pdf.font_file import MAX_FONT_BYTES, FontProblem, check_truetype

REGULAR = "BuyerSans"
BOLD = "BuyerSans-Bold"
MONO = "BuyerMono"
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
# DejaVu Sans Mono comes with DejaVu Sans (Debian: fonts-dejavu-core); without it the regular face is used.
_MONO_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
    "C:/Windows/Fonts/consola.ttf",
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
    fallback_path: FontFile | None  # read the first time a text needs it: a CJK font costs ~45 MiB
    mono: str = REGULAR  # the monospaced face (hashes, test names); the regular one when none is installed

    @property
    def fallback_covered(self) -> frozenset[int]:
        return _fallback(self.fallback_path) if self.fallback_path else frozenset()

    def _all_covered(self, text: str) -> bool:
        covered = self.covered
        return all(ord(ch) in covered for ch in text)

    def width(self, text: str, size: float, face: str | None = None) -> float:
        """The width of ``text`` set in ``face`` at ``size``, each character measured in the font that
        draws it (the fallback for what the face lacks), as ``markup`` sets it."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        face = face or self.regular
        if self._all_covered(text) or not self.fallback_covered:
            return stringWidth(text, face, size)
        return sum(
            stringWidth(ch, self.fallback if self._needs_fallback(ch) else face, size)  # type: ignore[arg-type]
            for ch in text
        )

    def _needs_fallback(self, ch: str) -> bool:
        return ord(ch) not in self.covered and ord(ch) in self.fallback_covered

    def markup(self, text: str) -> str:
        """Escape ``text`` for a Paragraph and switch to the fallback font where needed."""
        if self._all_covered(text) or not self.fallback_covered:
            return escape(text)
        out: list[str] = []
        run: list[str] = []
        run_fallback = False
        for ch in text:
            use_fallback = self._needs_fallback(ch)
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


@dataclass(frozen=True)
class FontFile:
    path: str
    named: bool  # named by the user (BUYER_PDF_FONT…), not one of the system's fonts


def _first(env: str, candidates: tuple[str, ...]) -> FontFile | None:
    chosen = getattr(settings(), env.removeprefix("BUYER_").lower())
    if chosen:
        if not Path(chosen).is_file():
            raise ConfigError(f"${env} names {printable(chosen)}, which is not a file")
        return FontFile(chosen, named=True)
    return next((FontFile(c, named=False) for c in candidates if Path(c).is_file()), None)


def _ttf(name: str, file: FontFile) -> Any:
    """The font, registered under ``name``. A font the user named may be damaged: its structure
    is checked before ReportLab reads it (bounded memory), and reading and subsetting it once run
    under a guard, so a problem is one line now rather than a traceback halfway through a report."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    where = printable(file.path)
    if not file.named:
        try:
            font = TTFont(name, file.path)
        except (TTFError, OSError, ValueError) as exc:
            raise ConfigError(f"cannot use {where} as a PDF font: {printable(str(exc))}") from None
        _unscale_trailing_metrics(font.face)
        return font
    data = _read_font(file.path)
    try:
        check_truetype(data)
    except FontProblem as exc:
        raise ConfigError(f"cannot use {where} as a PDF font: {exc}") from None
    try:
        font = TTFont(name, _Named(data, file.path))
        _subset_all(font.face)
    except TTFError as exc:
        reason = str(exc)
        reason = "it is truncated or damaged" if "unpack" in reason else printable(reason)  # struct's words
        raise ConfigError(f"cannot use {where} as a PDF font: {reason}") from None
    except Exception as exc:  # ReportLab parsing a damaged file: any failure is the file's
        raise ConfigError(f"cannot use {where} as a PDF font: it is damaged ({type(exc).__name__})") from None
    _unscale_trailing_metrics(font.face)
    return font


def _subset_all(face: Any) -> None:
    """Every glyph read and written once, in subsets of 256 as ReportLab embeds them: a damaged
    glyph fails here, not halfway through a report (a CJK font: ~0.6 s, once a process)."""
    codes = sorted(face.charToGlyph)
    for start in range(0, len(codes), 256):
        face.makeSubset(codes[start : start + 256])


class _Named(io.BytesIO):
    """The bytes checked, handed to ReportLab (not the file again: it could change in between)."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def _read_font(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FONT_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {printable(path)}: {(exc.strerror or str(exc)).lower()}") from None
    if len(data) > MAX_FONT_BYTES:
        raise ConfigError(
            f"cannot use {printable(path)} as a PDF font: it is over {MAX_FONT_BYTES // (1024 * 1024)} MiB"
        )
    return data


def _unscale_trailing_metrics(face: Any) -> None:
    """ReportLab (5.1) reads the glyphs after hhea.numberOfHMetrics, which share the last advance
    width, with that width already scaled to 1000 units, and writes it so into the subsets it
    embeds: a monospaced font (DejaVu Sans Mono lists 3 widths) then carries advances that disagree
    with the PDF's /Widths, which PDF/A forbids (ISO 19005-2, 6.2.11.5). Put the font's own units back."""
    last = None
    for i, (advance, lsb) in enumerate(face.hmetrics):
        if isinstance(advance, int):
            last = advance
        elif last is not None:
            face.hmetrics[i] = (last, lsb)


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
    mono = next((FontFile(c, named=False) for c in _MONO_CANDIDATES if Path(c).is_file()), None)
    regular_font = _ttf(REGULAR, regular)
    pdfmetrics.registerFont(regular_font)
    pdfmetrics.registerFont(_ttf(BOLD, bold))
    if mono:
        pdfmetrics.registerFont(_ttf(MONO, mono))
        for bold_flag in (0, 1):
            for italic_flag in (0, 1):
                addMapping(MONO, bold_flag, italic_flag, MONO)
    # Italic slots first: the last mapping of a face decides which (bold, italic) it reports,
    # and the bold face must report (1, 0) or a font change inside bold text looks for italics.
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    return FontSet(
        REGULAR,
        BOLD,
        FALLBACK if fallback else None,
        frozenset(regular_font.face.charToGlyph),
        fallback,
        MONO if mono else REGULAR,
    )


@cache
def _fallback(file: FontFile) -> frozenset[int]:
    """Register the fallback font (once, when a text first needs it) and say what it draws."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    font = _ttf(FALLBACK, file)
    pdfmetrics.registerFont(font)
    for bold_flag in (0, 1):
        for italic_flag in (0, 1):
            addMapping(FALLBACK, bold_flag, italic_flag, FALLBACK)
    return frozenset(font.face.charToGlyph)
