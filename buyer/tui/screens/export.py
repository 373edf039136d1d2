"""Export: the scorecard as PDF, JSON, CSV or Markdown, the RFP clauses, or the RFP package (a
folder a buyer attaches to a tender: clauses, test lists, response forms, how to respond,
SHA256SUMS); the path written and its SHA-256.

A report quotes the profile's SHA-256, so exporting with unsaved edits asks first: save (the
file then holds what the report names) or cancel; an export never discards the edits. An export replaces a file, or a
package the one already in its folder, only when the user says so. The evaluation and the
rendering run in a worker (escape cancels)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Button, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from buyer.report.export import BY_KEY, EXPORTS
from buyer.tui import keys
from buyer.tui.dialogs import ReplaceOutput
from buyer.tui.screens.base import BuyerScreen, Done, attempt
from buyer.tui.text import plain
from buyer.tui.widgets import FittingFooter
from buyer.tui.workbench import Evaluated, Evaluation, Workbench, disk_sha256

RFP = "rfp"
PACKAGE = "rfp-package"
FORMATS = [
    *((e.label, e.key) for e in EXPORTS),
    ("RFP clauses (Markdown)", RFP),
    ("RFP package (a folder for the tender)", PACKAGE),
]
SUFFIX = {RFP: "-rfp.md", PACKAGE: "-rfp-package"}


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    sha256: str
    evaluated: Evaluated | None  # the evaluation it needed, to keep
    files: int = 0  # a package: how many files it holds (SHA256SUMS among them)


def export(
    bench: Workbench,
    fmt: str,
    path: Path,
    prepared_by: str,
    evaluation: Evaluation | None,
    card: object,
    replace: bool = False,
    profile_file: Path | None = None,
) -> Written:
    """In a worker: evaluate if needed, render, write atomically (a package as one folder; its
    SHA-256 is that of its SHA256SUMS, which names every other file's). ``profile_file``: the
    file whose SHA-256 the report quotes as the profile's; looked at again just before the write,
    so a report never names a file that changed meanwhile."""
    from buyer._atomic import write_output
    from buyer._hashing import sha256_hex

    evaluated = None
    if fmt == PACKAGE:
        from buyer.actions import write_rfp_package
        from buyer.report.rfp_package import SUMS

        files = bench.rfp_package(evaluation.request.profile if evaluation else bench.profile)
        write_rfp_package(files, path, force=replace)
        size = sum(len(data) for data in files.values())
        return Written(path, size, sha256_hex(files[SUMS]), None, len(files))
    if fmt == RFP:
        from buyer.actions import rfp_text

        data = rfp_text(evaluation.request.profile if evaluation else bench.profile, bench.catalogue()).encode()
    else:
        from buyer.report.export import render

        if card is None:
            assert evaluation is not None
            evaluated = bench.run(evaluation)
            card = evaluated.scorecard
        _all_read(card)
        data = render(card, fmt, prepared_by=prepared_by)  # type: ignore[arg-type]
        if profile_file is not None:
            _still_the_file(profile_file, card.profile_sha256)  # type: ignore[attr-defined]
    write_output(path, data, inputs=_made_from(bench, evaluation))
    return Written(path, len(data), sha256_hex(data), evaluated)


def _made_from(bench: Workbench, evaluation: Evaluation | None) -> list[Path]:
    """The profile's file and every file the evaluation reads: an export is never written over one."""
    from buyer.actions import EvidenceSource, request_files, source_files

    files = [bench.path] if bench.path is not None else []
    if evaluation is not None:
        files += request_files(evaluation.request)
    else:
        sources = [EvidenceSource(p.name, ref, bench.base_dir) for p in bench.profile.shortlist for ref in p.evidence]
        files += source_files(sources)
    return files


def _all_read(card: object) -> None:
    """The workbench scores a product whose evidence file cannot be read (without it); a report
    of that is not written: ``buyer report`` refuses the profile, so nobody could make it again."""
    from buyer.errors import InputError
    from buyer.model.evidence import EvidenceFormat

    for product in card.products:  # type: ignore[attr-defined]
        for use in product.evidence:
            if use.provenance.format == EvidenceFormat.UNREADABLE:
                raise InputError(
                    use.provenance.source,
                    f"{use.reason}; fix it or remove it from {product.name}'s evidence to export "
                    "(buyer report refuses a profile whose evidence cannot be read)",
                )


def _still_the_file(profile_file: Path, quoted: str) -> None:
    from buyer.errors import InputError

    if disk_sha256(profile_file) != quoted:
        raise InputError(str(profile_file), "changed on disk while the report was made; nothing written: export again")


class ExportScreen(BuyerScreen):
    TITLE = keys.MODES["export"].title
    AUTO_FOCUS = "#format"
    BINDINGS = list(keys.EXPORT)
    exporting: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        yield Header()
        # Scrolls (the form keeps its tab stops), so the written path and SHA-256 come into view
        # on an 80×24 terminal.
        with VerticalScroll(id="export", can_focus=False):
            yield Label("Format")
            yield Select[str](compact=True, options=FORMATS, value="pdf", allow_blank=False, id="format")
            yield Label("File", id="output-label")
            yield Input(compact=True, id="output")
            yield Label("Prepared by (the PDF's sign-off block)", id="prepared-by-label")
            yield Input(compact=True, id="prepared-by")
            with Horizontal(classes="row"):
                yield Button("Export", id="export-button", variant="primary")
            yield Static(id="result")
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS], here="go.export")

    def on_mount(self) -> None:
        self._suggested = ""
        self.suggest()

    def on_screen_resume(self) -> None:
        if self.query_one("#output", Input).value == self._suggested:  # not typed over: follow the profile
            self.suggest()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.exporting
        return True

    def watch_exporting(self, exporting: bool) -> None:
        self.query_one("#export-button", Button).disabled = exporting
        self.refresh_bindings()

    @on(Select.Changed, "#format")
    def suggest(self) -> None:
        """A file name for the chosen format: the one typed keeps its folder and name, with the
        format's ending; else reports/<profile>-<date><ending>."""
        from buyer.actions import today

        fmt = str(self.query_one("#format", Select).value)
        suffix = SUFFIX[fmt] if fmt in SUFFIX else BY_KEY[fmt].suffix
        self.query_one("#output-label", Label).update("Folder" if fmt == PACKAGE else "File")
        for signed in ("#prepared-by-label", "#prepared-by"):  # only the PDF has a sign-off block
            self.query_one(signed).display = fmt == "pdf"
        output = self.query_one("#output", Input)
        typed = output.value.strip()
        endings = [*SUFFIX.values(), *(e.suffix for e in EXPORTS)]
        ending = next((e for e in endings if typed.endswith(e)), None)
        if typed and typed != self._suggested and ending:
            output.value = typed.removesuffix(ending) + suffix
            return
        stem = self.bench.path.stem if self.bench.path else "scorecard"
        self._suggested = output.value = str(Path("reports") / f"{stem}-{today()}{suffix}")

    @on(Button.Pressed, "#export-button")
    @on(Input.Submitted)
    def action_export(self) -> None:
        if self.exporting:
            return
        detail = (
            "A report quotes the profile's SHA-256: save, and the file holds what it names. "
            "Cancel keeps the edits, unsaved, and exports nothing."
        )
        # First whether the file still holds the profile as loaded or saved (a colleague may have
        # edited it), then the edits made here. No Discard: an export never drops the edits.
        unsaved = partial(self.buyer.unless_unsaved, "export", self._export, detail, discard=False)
        self.buyer.unless_changed_on_disk("export", unsaved)

    def _export(self) -> None:
        fmt = str(self.query_one("#format", Select).value)
        text = self.query_one("#output", Input).value.strip()
        if not text:
            self.show_result("Give the file (or the package's folder) to write first.")
            self.query_one("#output", Input).focus()
            return
        path = Path(text).expanduser()
        there = path.exists() if fmt == PACKAGE else path.is_file()  # a package is a folder
        if there:
            asked = ReplaceOutput(path, package=fmt == PACKAGE)
            self.app.push_screen(asked, lambda yes: self._write(fmt, path, True) if yes else None)
            return
        self._write(fmt, path)

    def _write(self, fmt: str, path: Path, replace: bool = False) -> None:
        bench = self.bench
        prepared_by = self.query_one("#prepared-by", Input).value.strip()
        card = bench.current_scorecard
        evaluation = bench.evaluation() if card is None or fmt in (RFP, PACKAGE) else None
        cancel = self.buyer.keys_for("export.cancel", "escape")
        self.query_one("#result", Static).update(f"Exporting… ({cancel} cancels)")
        self.exporting = True
        quoted = evaluation.sha256 if evaluation is not None else getattr(card, "profile_sha256", "")
        profile_file = bench.path if bench.path is not None and quoted == bench.file_sha256 else None
        work = partial(export, bench, fmt, path, prepared_by, evaluation, card, replace, profile_file)
        self.run_worker(partial(attempt, work), thread=True, name="export", group="export", exclusive=True)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "export")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "export":
            return
        result = self.query_one("#result", Static)
        if event.state is WorkerState.CANCELLED:
            self.exporting = False
            result.update("Cancelled: nothing was written.")
        elif event.state is WorkerState.SUCCESS:
            self.exporting = False
            outcome = event.worker.result
            if not isinstance(outcome, Done):
                result.update(plain(f"Not written: {outcome.message}", multiline=True))
                self.notify(outcome.message, severity="error", title="Export")
                return
            written: Written = outcome.value
            if written.evaluated is not None:
                self.bench.keep(written.evaluated)
            shown = str(written.path.resolve())
            if written.files:
                self.show_result(
                    f"Wrote the package {shown}/\n{written.files} files, {written.size} bytes; "
                    f"SHA256SUMS has SHA-256 {written.sha256}\n(check it there with: sha256sum -c SHA256SUMS)"
                )
            else:
                self.show_result(f"Wrote {shown}\n{written.size} bytes, SHA-256 {written.sha256}")
            self.notify(f"wrote {written.path}", title="Export")

    def show_result(self, message: str) -> None:
        result = self.query_one("#result", Static)
        result.update(plain(message, multiline=True))
        # After the refresh, once the new text has its height.
        self.call_after_refresh(result.scroll_visible, animate=False)
