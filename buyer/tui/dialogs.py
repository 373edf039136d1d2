"""Dialogs: unsaved changes (save, discard, cancel), a profile file changed on disk (overwrite,
reload, cancel), a product listed nowhere, a piece of evidence (add one, or change the kind and
date of one), vendors' responses from a folder, replacing an RFP package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from buyer._text import printable
from buyer.errors import BuyerError
from buyer.model.evidence import EvidenceKind
from buyer.tui.screens.base import BuyerModal, Done, attempt, refused
from buyer.tui.text import joined, plain

if TYPE_CHECKING:
    from buyer.model.profile import EvidenceRef


@dataclass(frozen=True)
class Choice:
    action: Literal["save", "discard", "cancel"]
    path: Path | None = None  # where to save, when the profile had no file yet


class UnsavedChanges(BuyerModal[Choice]):
    """Asked before work would be lost (quit, load another profile) or a report would name a
    profile that is not on disk (export)."""

    BINDINGS = [Binding("escape", "choose('cancel')", "Cancel")]

    def __init__(self, purpose: str, detail: str = "", discard: bool = True) -> None:
        super().__init__()
        self.purpose, self.detail = purpose, detail
        self.discard = discard  # offered where dropping the edits is what the user is about to do

    def compose(self) -> ComposeResult:
        bench = self.bench
        where = str(bench.path) if bench.path else "no file yet"
        with VerticalScroll(classes="dialog"):
            yield Static("Unsaved changes", classes="dialog-title")
            yield Static(
                plain(
                    f"The profile '{printable(bench.profile.name)}' ({printable(where)}) has changes that are not "
                    "saved. "
                    f"Save them before you {self.purpose}?" + (f"\n{self.detail}" if self.detail else ""),
                    multiline=True,
                ),
                classes="dialog-text",
            )
            if bench.path is None:
                yield Label("Save as")
                yield Input(compact=True, placeholder="requirements_profiles/my-rfp.toml", id="save-path")
            yield Static(id="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                if self.discard:
                    yield Button("Discard", id="discard", variant="error")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        target = "#save-path" if self.bench.path is None else "#save"
        self.query_one(target).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(str(event.button.id))

    @on(Input.Submitted, "#save-path")
    def _submitted(self) -> None:
        self.action_choose("save")

    def action_choose(self, action: str) -> None:
        if action == "discard" and not self.discard:
            return
        if action == "save" and self.bench.path is None:
            text = self.query_one("#save-path", Input).value.strip()
            if not text:
                self.query_one("#dialog-message", Static).update("give the file's path to save to")
                return
            self.dismiss(Choice("save", Path(text).expanduser()))
            return
        self.dismiss(Choice(action))  # type: ignore[arg-type]


class NewProduct(BuyerModal[str | None]):
    """A product listed nowhere: its name and vendor company. The workbench adds it, so a name
    the model refuses (a doubled one) is told here at once, in the loader's words."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("A product listed nowhere", classes="dialog-title")
            yield Label("Product name")
            yield Input(compact=True, id="new-name")
            yield Label("Vendor company")
            yield Input(compact=True, id="new-vendor")
            yield Static(id="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="add", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#new-name").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        name = self.query_one("#new-name", Input).value.strip()
        vendor = self.query_one("#new-vendor", Input).value.strip()
        try:
            self.bench.add_product(name, vendor)
        except BuyerError as exc:
            message = self.query_one("#dialog-message", Static)
            message.update(plain(refused(exc), multiline=True))
            message.add_class("error")
            return
        self.dismiss(name)

    @on(Button.Pressed, "#cancel")
    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ReadingDialog(BuyerModal[bool]):
    """A dialog that reads something in a worker before it closes: its fields are disabled while
    it reads, escape cancels the read (then closes), and what the worker hands back is told here
    (``failed``) or taken (``done``). Nothing is kept from a read that failed or was cancelled."""

    BINDINGS = [Binding("escape", "close", "Cancel")]
    reading: reactive[bool] = reactive(False)
    GROUP = "read"
    FIELDS: tuple[str, ...] = ()
    READING = "reading… (escape cancels)"
    NOTHING = "nothing was added"

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#dialog-message", Static)
        message.update(plain(text, multiline=True))
        message.set_class(error, "error")

    _typing: Widget | None = None  # where the user was when the read began

    @on(Input.Changed)
    def _edited(self) -> None:
        # What was said of the value before is stale once it changes (a "no such file" stayed
        # under a path already corrected). Only an edit by the user: the reading says its own.
        message = self.query_one("#dialog-message", Static)
        if not self.reading and message.has_class("error"):
            self.say("")

    def watch_reading(self, reading: bool) -> None:
        if reading:  # disabling the field takes its focus: given back when the read ends
            self._typing = self.focused
        self.query_one("#ok", Button).disabled = reading
        for field in self.FIELDS:
            self.query_one(field).disabled = reading or self.fixed(field)
        if reading:
            self.say(self.READING)
        elif self._typing is not None:
            back, self._typing = self._typing, None
            self.call_after_refresh(self._focus_again, back)

    def _focus_again(self, widget: Widget) -> None:
        """Back where the user typed (after a refused file, the correction goes there), the
        cursor at the end of what is there, nothing selected: the next key edits, never replaces."""
        if not widget.is_attached or widget.disabled:
            return
        widget.focus()
        if isinstance(widget, Input):
            widget.cursor_position = len(widget.value)

    def fixed(self, field: str) -> bool:
        """A field that stays disabled whatever the worker does."""
        return False

    def start(self, work: Callable[[], object]) -> None:
        self.reading = True
        self.run_worker(partial(attempt, work), thread=True, group=self.GROUP, exclusive=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != self.GROUP:
            return
        if event.state is WorkerState.CANCELLED:
            self.reading = False
            self.say(f"cancelled: {self.NOTHING}")
        elif event.state is WorkerState.SUCCESS:
            self.reading = False
            outcome = event.worker.result
            if isinstance(outcome, Done):
                self.done(outcome.value)
            else:
                self.failed(outcome.message)

    def done(self, value: object) -> None:
        raise NotImplementedError

    def failed(self, message: str) -> None:
        self.say(message, error=True)

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        if self.reading:
            self.workers.cancel_group(self, self.GROUP)
            return
        self.dismiss(False)


class EvidenceDialog(ReadingDialog):
    """Add a piece of evidence to a product (the file is read first, in a worker: a RefStack
    result is fetched, and a file that is not evidence is told here), or change the kind and date
    of one the product has (``index``)."""

    FIELDS = ("#evidence-file", "#evidence-kind", "#evidence-date")
    READING = "reading the evidence… (escape cancels)"

    def __init__(self, product: str, index: int | None = None) -> None:
        super().__init__()
        self.product, self.index = product, index

    @property
    def ref(self) -> EvidenceRef | None:
        found = self.bench.product(self.product)
        return found.evidence[self.index] if found and self.index is not None else None

    def compose(self) -> ComposeResult:
        ref = self.ref
        title = f"Evidence for {self.product}" if ref is None else f"Evidence {ref.file} of {self.product}"
        with VerticalScroll(classes="dialog"):
            yield Static(plain(title), classes="dialog-title")
            yield Label("File (a result file, or refstack:<result id>)")
            yield Input(
                compact=True,
                select_on_focus=False,
                value=ref.file if ref else "",
                id="evidence-file",
                disabled=ref is not None,
            )
            yield Label("Kind")
            yield Select[str](
                [(k.value, k.value) for k in EvidenceKind],
                compact=True,
                value=str(ref.kind) if ref else EvidenceKind.SELF_REPORTED.value,
                allow_blank=False,
                id="evidence-kind",
            )
            yield Label("Date the tests ran (YYYY-MM-DD)\nempty: the date in the file, else when it was last changed")
            yield Input(
                compact=True,
                select_on_focus=False,
                value=ref.date.isoformat() if ref and ref.date else "",
                id="evidence-date",
            )
            yield Static(id="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add" if ref is None else "Change", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#evidence-file" if self.index is None else "#evidence-kind").focus()

    def fixed(self, field: str) -> bool:
        return field == "#evidence-file" and self.index is not None  # changing one: its file stays

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        if self.reading:
            return
        kind = str(self.query_one("#evidence-kind", Select).value)
        date = self.query_one("#evidence-date", Input).value
        try:
            if self.index is not None:
                self.bench.change_evidence(self.product, self.index, kind, date)
                self.dismiss(True)
                return
            ref = self.bench.evidence_ref(self.query_one("#evidence-file", Input).value, kind, date)
        except BuyerError as exc:
            self.say(refused(exc), error=True)
            return
        self.read(ref)

    def read(self, ref: EvidenceRef) -> None:
        from buyer.actions import load_evidence

        self.start(partial(_read, load_evidence, self.bench.source_for(self.product, ref), ref))

    def done(self, value: object) -> None:
        try:
            self.bench.attach_evidence(self.product, value)  # type: ignore[arg-type]
        except BuyerError as exc:
            self.say(refused(exc), error=True)
            return
        self.dismiss(True)


def _read(load: Callable[..., object], source: object, ref: EvidenceRef) -> EvidenceRef:
    load(source)  # a file that is not evidence, or a result RefStack does not have, raises here
    return ref


class ResponsesDialog(ReadingDialog):
    """Vendors' response forms: every *.toml of a folder, read and checked against the profile's
    RFP (its clauses, its reference, its shortlist) in a worker. Every problem of every form is
    told, each on its line (FILE:LINE:COL), here and as a notification; nothing is loaded then."""

    GROUP = "responses"
    FIELDS = ("#responses-folder",)
    READING = "reading the response forms… (escape cancels)"
    NOTHING = "nothing was loaded"

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("Vendors' responses", classes="dialog-title")
            yield Label("Folder of response forms (every *.toml in it)")
            yield Input(compact=True, select_on_focus=False, value=self._suggested(), id="responses-folder")
            yield Static(id="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Load", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def _suggested(self) -> str:
        """The folder read last, else a responses/ folder beside the profile, else nothing."""
        bench = self.bench
        if bench.responses_from is not None:
            return str(bench.responses_from)
        beside = bench.base_dir / "responses"
        return _relative_to_cwd(beside) if bench.path is not None and beside.is_dir() else ""

    def on_mount(self) -> None:
        box = self.query_one("#responses-folder", Input)
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        if self.reading:
            return
        text = self.query_one("#responses-folder", Input).value.strip()
        if not text:
            self.say("give the folder that holds the response forms", error=True)
            return
        folder = Path(text).expanduser()
        self._folder = folder
        self.start(partial(self.bench.read_responses, folder, self.bench.profile))

    def failed(self, message: str) -> None:
        problems = message.splitlines()
        for problem in problems:  # each FILE:LINE:COL on its own
            self.notify(problem, severity="error", title="Response form", timeout=15)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        self.say(f"Nothing was loaded: {count}\n" + message, error=True)

    def done(self, value: object) -> None:
        self.bench.take_responses(value, self._folder)  # type: ignore[arg-type]
        self.dismiss(True)


DiskChoice = Literal["overwrite", "reload", "cancel"]


class FileChanged(BuyerModal[DiskChoice]):
    """Asked before a save would replace a file that is not what the profile was loaded from or
    last saved to (``state`` "changed": someone edited it; "other": another file is there), and
    before an export would quote as the file's a profile the file no longer holds ("changed", or
    "gone"). Cancel has the focus: replacing someone's work takes a deliberate choice."""

    BINDINGS = [Binding("escape", "choose('cancel')", "Cancel")]

    def __init__(self, path: Path, state: Literal["changed", "other", "gone"], purpose: str = "save") -> None:
        super().__init__()
        self.path, self.state, self.purpose = path, state, purpose

    def compose(self) -> ComposeResult:
        name = plain(str(self.path))
        if self.state == "other":
            title, text = "Replace the file?", " exists and is not the file this profile was loaded from."
        elif self.state == "gone":
            title, text = "The profile file is gone", " is no longer on disk."
        else:
            title = "The file changed on disk"
            text = " changed on disk since this profile was loaded or last saved (someone else's edit?)."
        if self.purpose == "export":  # what the report would otherwise claim
            text += " A report quotes the profile file's SHA-256 and names the file to reproduce it."
        text += {
            "other": " Overwrite it with this profile?",
            "gone": " Save this profile there again?",
            "changed": " Overwrite it with this profile, or reload it from disk (the edits here are discarded)?",
        }[self.state]
        with VerticalScroll(classes="dialog"):
            yield Static(title, classes="dialog-title")
            yield Static(joined(name, text), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save again" if self.state == "gone" else "Overwrite", id="overwrite", variant="error")
                if self.state == "changed":
                    yield Button("Reload from disk", id="reload")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)  # type: ignore[arg-type]


class ReplaceOutput(BuyerModal[bool]):
    """Asked before an export replaces a file (a report someone may have signed) or an RFP
    package already there."""

    BINDINGS = [Binding("escape", "answer(False)", "Cancel")]

    def __init__(self, path: Path, package: bool = False) -> None:
        super().__init__()
        self.path, self.package = path, package

    def compose(self) -> ComposeResult:
        if self.package:
            title = "Replace the RFP package?"
            text = (
                " exists. Replace it with the package of this profile? The old folder is replaced as a whole "
                "(only a folder buyer wrote, one that holds SHA256SUMS)."
            )
        else:
            title = "Replace the file?"
            text = " exists. Replace it with this export? The old file is replaced as a whole."
        with VerticalScroll(classes="dialog"):
            yield Static(title, classes="dialog-title")
            yield Static(joined(plain(str(self.path)), text), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Replace", id="replace", variant="error")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel").focus()  # replacing takes a deliberate choice

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "replace")

    def action_answer(self, replace: bool) -> None:
        self.dismiss(replace)


def _relative_to_cwd(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
