"""Export: the scorecard as PDF, JSON, CSV or Markdown, or the RFP clauses; path and SHA-256."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from buyer._atomic import write_output
from buyer._hashing import sha256_hex
from buyer.errors import BuyerError
from buyer.report.export import BY_KEY, EXPORTS, render
from buyer.tui.workbench import Workbench

FORMATS = [*((e.label, e.key) for e in EXPORTS), ("RFP clauses (Markdown)", "rfp")]


class ExportScreen(Screen[None]):
    TITLE = "Export"

    def compose(self) -> ComposeResult:
        yield Header()
        # Scrolls (the form keeps its three tab stops), so the written path and SHA-256 come
        # into view on an 80×24 terminal.
        with VerticalScroll(id="export", can_focus=False):
            yield Label("Format")
            yield Select[str](FORMATS, value="pdf", allow_blank=False, id="format")
            yield Label("File")
            yield Input(id="output")
            yield Label("Prepared by (sign-off block)")
            yield Input(id="prepared-by")
            with Horizontal(classes="row"):
                yield Button("Export", id="export-button", variant="primary")
            yield Static(id="result")
        yield Footer()

    @property
    def bench(self) -> Workbench:
        return self.app.workbench  # type: ignore[attr-defined,no-any-return]

    def on_mount(self) -> None:
        self.suggest()

    def on_screen_resume(self) -> None:
        self.suggest()

    @on(Select.Changed, "#format")
    def suggest(self) -> None:
        fmt = str(self.query_one("#format", Select).value)
        stem = self.bench.path.stem if self.bench.path else "scorecard"
        suffix = "-rfp.md" if fmt == "rfp" else BY_KEY[fmt].suffix
        from buyer import actions

        self.query_one("#output", Input).value = str(Path("reports") / f"{stem}-{actions.today()}{suffix}")

    @on(Button.Pressed, "#export-button")
    def _export(self) -> None:
        self.query_one("#result", Static).update("Exporting…")
        self.export(
            str(self.query_one("#format", Select).value),
            Path(self.query_one("#output", Input).value),
            self.query_one("#prepared-by", Input).value.strip(),
        )

    @work(thread=True, exclusive=True, group="export")
    def export(self, fmt: str, path: Path, prepared_by: str) -> None:
        try:
            data = self.export_bytes(fmt, prepared_by)
            write_output(path, data)
        except (BuyerError, OSError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", title="Export")
            self.app.call_from_thread(self.query_one("#result", Static).update, f"Not written: {exc}")
            return
        message = f"Wrote {path.resolve()}\n{len(data)} bytes, SHA-256 {sha256_hex(data)}"
        self.app.call_from_thread(self.show_result, message)
        self.app.call_from_thread(self.notify, f"wrote {path}", title="Export")

    def show_result(self, message: str) -> None:
        result = self.query_one("#result", Static)
        result.update(message)
        # After the refresh, once the new text has its height.
        self.call_after_refresh(result.scroll_visible, animate=False)

    def export_bytes(self, fmt: str, prepared_by: str) -> bytes:
        bench = self.bench
        if fmt == "rfp":
            from buyer import actions

            return actions.rfp_text(bench.profile, bench.catalogue()).encode()
        card = bench.scorecard or bench.evaluate()
        return render(card, fmt, prepared_by=prepared_by)
