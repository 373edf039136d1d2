"""The export formats, in one table: the command line's choices, the TUI's select, file suffixes
and the renderer each one uses are all read from ``EXPORTS``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from buyer.errors import UsageError
from buyer.model.scorecard import Scorecard


@dataclass(frozen=True)
class ExportFormat:
    key: str  # what --format takes
    label: str  # what the TUI shows
    suffix: str  # the file name's ending
    render: Callable[[Scorecard, dt.datetime | None, str, str], bytes]


def _pdf(card: Scorecard, generated_at: dt.datetime | None, prepared_by: str, title: str) -> bytes:
    from buyer.report.inputs import ReportMeta
    from buyer.report.pdf import render_pdf

    return render_pdf(card, ReportMeta.for_card(card, generated_at, prepared_by=prepared_by, title=title))


def _json(card: Scorecard, *_: object) -> bytes:
    from buyer.report.scorecard_json import scorecard_json

    return scorecard_json(card, indent=True).encode()


def _csv(card: Scorecard, *_: object) -> bytes:
    from buyer.report.scorecard_csv import scorecard_csv

    return scorecard_csv(card).encode()


def _md(card: Scorecard, *_: object) -> bytes:
    from buyer.report.markdown import scorecard_markdown

    return scorecard_markdown(card).encode()


EXPORTS: tuple[ExportFormat, ...] = (
    ExportFormat("pdf", "PDF scorecard", ".pdf", _pdf),
    ExportFormat("json", "JSON scorecard", ".json", _json),
    ExportFormat("csv", "CSV scorecard", ".csv", _csv),
    ExportFormat("md", "Markdown scorecard", ".md", _md),
)
BY_KEY = {e.key: e for e in EXPORTS}


def export_format(key: str) -> ExportFormat:
    found = BY_KEY.get(key)
    if found is None:
        raise UsageError(f"unknown export format '{key}' (one of {', '.join(BY_KEY)})")
    return found


def for_suffix(suffix: str) -> ExportFormat | None:
    return next((e for e in EXPORTS if e.suffix == suffix.lower()), None)


def render(
    card: Scorecard,
    fmt: str,
    generated_at: dt.datetime | None = None,
    prepared_by: str = "",
    title: str = "OpenStack compliance scorecard",
) -> bytes:
    return export_format(fmt).render(card, generated_at, prepared_by, title)
