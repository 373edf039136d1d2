"""One entry point to render a Scorecard in any export format (CLI and TUI share it)."""

from __future__ import annotations

import datetime as dt

from buyer.model.scorecard import Scorecard

FORMATS = ("pdf", "json", "csv", "md")


def render(
    card: Scorecard,
    fmt: str,
    generated_at: dt.datetime | None = None,
    prepared_by: str = "",
    title: str = "OpenStack compliance scorecard",
) -> bytes:
    if fmt == "pdf":
        from buyer.report.inputs import ReportMeta
        from buyer.report.pdf import render_pdf

        return render_pdf(card, ReportMeta.for_card(card, generated_at, prepared_by=prepared_by, title=title))
    if fmt == "json":
        from buyer.report.scorecard_json import scorecard_json

        return scorecard_json(card).encode()
    if fmt == "csv":
        from buyer.report.scorecard_csv import scorecard_csv

        return scorecard_csv(card).encode()
    if fmt == "md":
        from buyer.report.markdown import scorecard_markdown

        return scorecard_markdown(card).encode()
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
