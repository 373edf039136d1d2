"""The Scorecard as a PDF an evaluation committee signs and an auditor reproduces.

Each module is one part: ``document`` (pages, outline, metadata, PDF/A), ``styles``, ``kit``
(what sections build with), ``prose`` (method and glossary text), and ``sections/``, one module
per section, each ``build(card, meta, kit) -> flowables``. ``SECTIONS`` is the page order. No
section decides a verdict: every word of one comes from the Scorecard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from buyer.model.scorecard import Scorecard
from buyer.report.inputs import ReportMeta, report_id
from buyer.report.pdf import document
from buyer.report.pdf.kit import Kit
from buyer.report.pdf.sections import (
    appendix,
    cover,
    glossary,
    matrix,
    method,
    product,
    requirements,
    signoff,
    summary,
)
from buyer.report.pdf.styles import MARGIN, SMALLEST

Section = Callable[[Scorecard, ReportMeta, Kit], list[Any]]

SECTIONS: tuple[Section, ...] = (
    cover.build,
    summary.build,
    requirements.build,
    matrix.build,
    product.build,
    method.build,
    appendix.build,
    glossary.build,  # after every other section: it defines the words they printed
    signoff.build,
)

__all__ = ["MARGIN", "SECTIONS", "SMALLEST", "render_pdf"]


# What a long render tells its caller: (stage, how many done so far).
Progress = Callable[[str, int], None]


def render_pdf(card: Scorecard, meta: ReportMeta, progress: Progress | None = None) -> bytes:
    """Render the whole report into memory; the caller writes it (atomically). ``progress`` hears
    of each section built and each page laid out (a shortlist of thousands takes minutes)."""
    kit = Kit.create(report_id(card, meta))
    story: list[Any] = []
    for n, section in enumerate(SECTIONS, start=1):
        if progress:
            progress("sections", n)  # the one being built
        story += section(card, meta, kit)
    raw = document.layout(story, card, meta, kit, progress)
    if progress:
        progress("archiving", 0)
    return document.archive(raw, card, meta, kit)
