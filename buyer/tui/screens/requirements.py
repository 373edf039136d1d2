"""Requirements: standard, guideline version, program, add-ons, extra capabilities, evidence
policy; the diff against another version; save and load the profile file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, SelectionList, Static

from buyer.errors import BuyerError
from buyer.formats.toml_models import ProfileErrors
from buyer.model.diff import diff_guidelines
from buyer.model.evidence import EvidenceKind
from buyer.model.guideline import CORE_PROGRAMS, Status
from buyer.tui.workbench import Workbench

# What a person's edits post; filling the form from a profile holds them back.
FORM_EDITS = (Input.Changed, Select.Changed, SelectionList.SelectedChanged, SelectionList.SelectionToggled)


class RequirementsScreen(Screen[None]):
    TITLE = "Requirements"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save profile", id="requirements.save"),
        Binding("ctrl+o", "load", "Load profile", id="requirements.load"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="form"):
                yield Label("Profile name")
                yield Input(id="name")
                yield Label("OpenStack interop guideline (status · releases)")
                yield Select[str]([], id="guideline", prompt="choose a guideline")
                yield Label("Program")
                yield Select[str]([(t, k) for k, t in CORE_PROGRAMS.items()], id="program", allow_blank=False)
                yield Label("Add-ons (only those the program can carry)")
                yield SelectionList[str](id="add-ons")
                yield Label("Extra capabilities made mandatory (★ advisory)")
                yield Input(placeholder="type to filter capabilities", id="cap-filter")
                yield SelectionList[str](id="extras")
                yield Label("Evidence counts when at most this many days old (empty: any age)")
                yield Input(id="max-age", type="integer")
                yield Label("Evidence kinds that count")
                yield SelectionList[str](*[(k.value, k.value) for k in EvidenceKind], id="kinds")
                yield Label("Profile file")
                yield Input(placeholder="requirements_profiles/my-rfp.toml", id="path")
                with Horizontal(id="file-buttons"):
                    yield Button(f"Save ({self._keys('requirements.save', 'ctrl+s')})", id="save", variant="primary")
                    yield Button(f"Load ({self._keys('requirements.load', 'ctrl+o')})", id="load")
                yield Static(id="message")
            with VerticalScroll(id="side"):
                yield Static(id="summary")
                yield Label("Compare with another version")
                yield Select[str]([], id="compare", prompt="choose a version")
                yield Static(id="diff")
        yield Footer()

    @property
    def bench(self) -> Workbench:
        return self.app.workbench  # type: ignore[attr-defined,no-any-return]

    def _keys(self, binding_id: str, default: str) -> str:
        return self.app.keys_for(binding_id, default)  # type: ignore[attr-defined,no-any-return]

    def on_mount(self) -> None:
        self.populate()

    def populate(self) -> None:
        """Fill every field from the workbench's profile."""
        bench = self.bench
        try:
            versions = bench.core_versions()  # opens the catalogue, which may fail
        except BuyerError as exc:
            self.show_message(f"guidelines unavailable: {exc}", error=True)
            return
        if not versions:
            self.show_message("the guideline source holds no approved core guideline", error=True)
            return
        if bench.interop.guideline not in versions:  # a new profile starts at the newest
            bench.update_interop(guideline=versions[0], add_ons=[], extra_capabilities=[])
        # Filling the form must not echo back as edits (a Select's new options first post NULL).
        with self.prevent(*FORM_EDITS):
            self._fill(versions)
        self.refresh_lists()

    def _fill(self, versions: list[str]) -> None:
        bench = self.bench
        cat = bench.catalogue()
        p = bench.profile
        self.query_one("#name", Input).value = p.name
        options = [(f"{v} · {cat[v].status} · {', '.join(cat[v].releases)}", v) for v in versions]
        guideline = self.query_one("#guideline", Select)
        guideline.set_options(options)
        if bench.interop.guideline in versions:
            guideline.value = bench.interop.guideline
        self.query_one("#program", Select).value = bench.interop.program
        self.query_one("#compare", Select).set_options([(v, v) for v in versions if v != bench.interop.guideline])
        policy = p.evidence_policy
        self.query_one("#max-age", Input).value = str(policy.max_age_days or "")
        kinds = self.query_one("#kinds", SelectionList)
        kinds.deselect_all()
        for kind in policy.accepted_kinds:
            kinds.select(kind.value)
        self.query_one("#path", Input).value = str(bench.path or "")

    def refresh_lists(self) -> None:
        try:
            self._refresh_lists()
        except BuyerError as exc:
            self.show_message(f"guidelines unavailable: {exc}", error=True)

    def _refresh_lists(self) -> None:
        if self.bench.interop.guideline not in self.bench.catalogue():
            return
        add_ons = self.query_one("#add-ons", SelectionList)
        with self.prevent(SelectionList.SelectedChanged):
            self._fill_add_ons(add_ons)
        _keep_highlight(add_ons)
        self.refresh_extras()
        self.refresh_summary()

    def _fill_add_ons(self, add_ons: SelectionList[str]) -> None:
        cat = self.bench.catalogue()
        interop = self.bench.interop
        core = cat[interop.guideline]
        program = core.program(interop.program)
        add_ons.clear_options()
        for gid in cat:
            g = cat[gid]
            if not g.is_add_on or g.version != core.version:
                continue
            prog = next(iter(g.programs.values()))
            if set(prog.required_platform_components) <= set(program.components):
                add_ons.add_option((f"{prog.title} ({g.status})", prog.key, prog.key in interop.add_ons))

    def refresh_extras(self) -> None:
        bench = self.bench
        core = bench.catalogue()[bench.interop.guideline]
        statuses = core.capability_status(bench.interop.program)
        needle = self.query_one("#cap-filter", Input).value.strip().lower()
        extras = self.query_one("#extras", SelectionList)
        extras.clear_options()
        chosen = set(bench.interop.extra_capabilities)
        for cap_id in sorted(core.capabilities):
            status = statuses.get(cap_id)
            if status is Status.REQUIRED or (needle and needle not in cap_id):
                continue
            mark = "★ " if status is Status.ADVISORY else ""
            extras.add_option((f"{mark}{cap_id}", cap_id, cap_id in chosen))
        _keep_highlight(extras)

    def refresh_summary(self) -> None:
        bench = self.bench
        cat = bench.catalogue()
        interop = bench.interop
        core = cat[interop.guideline]
        statuses = core.capability_status(interop.program)
        required = [c for c, s in statuses.items() if s is Status.REQUIRED]
        advisory = [c for c, s in statuses.items() if s is Status.ADVISORY]
        tests = len({t.name for c in required for t in core.capability(c).tests if not t.flagged})
        lines = [
            f"[b]{core.program(interop.program).title} {core.id}[/b]",
            f"status {core.status}; releases {', '.join(core.releases)}",
            f"{len(required)} required capabilities, {tests} non-flagged tests; {len(advisory)} advisory",
        ]
        if interop.add_ons:
            lines.append("add-ons: " + ", ".join(interop.add_ons))
        if interop.extra_capabilities:
            lines.append("extra capabilities: " + ", ".join(interop.extra_capabilities))
        if bench.profile.interop is None:
            lines.insert(0, "[i]no interop requirement yet: editing this form adds one[/i]")
        scs = bench.profile.scs
        if scs is not None:
            lines.append(f"SCS: {Path(scs.scope).name}, version {scs.version}" + (f" on {scs.on}" if scs.on else ""))
        lines.append(f"shortlist: {len(bench.profile.shortlist)} products")
        self.query_one("#summary", Static).update("\n".join(lines))

    def show_message(self, text: str, error: bool = False) -> None:
        for message in self.query("#message").results(Static):
            message.update(text)
            message.set_class(error, "error")
            # The message sits under the form's buttons: bring all of it into view once it has its height.
            self.call_after_refresh(message.scroll_visible, animate=False)
        if error:
            self.notify(text.splitlines()[0], severity="error", title="Requirements")

    # -- edits ------------------------------------------------------------------------------

    @on(Input.Changed, "#name")
    def _name(self, event: Input.Changed) -> None:
        if _current(event) and event.value.strip():
            self.bench.update(name=event.value.strip())

    @on(Select.Changed, "#guideline")
    def _guideline(self, event: Select.Changed) -> None:
        if not _current(event) or event.value == self.bench.interop.guideline:
            return
        self.bench.update_interop(guideline=str(event.value), add_ons=[], extra_capabilities=[])
        self.query_one("#compare", Select).set_options([(v, v) for v in self.bench.core_versions() if v != event.value])
        self.refresh_lists()

    @on(Select.Changed, "#program")
    def _program(self, event: Select.Changed) -> None:
        if not _current(event) or event.value == self.bench.interop.program:
            return
        self.bench.update_interop(program=str(event.value), add_ons=[])
        self.refresh_lists()

    @on(SelectionList.SelectedChanged, "#add-ons")
    def _add_ons(self, event: SelectionList.SelectedChanged[Any]) -> None:
        self.bench.update_interop(add_ons=list(event.selection_list.selected))
        self.refresh_summary()

    @on(SelectionList.SelectionToggled, "#extras")
    def _extras(self, event: SelectionList.SelectionToggled[Any]) -> None:
        chosen = list(self.bench.interop.extra_capabilities)
        value = str(event.selection.value)
        chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
        self.bench.update_interop(extra_capabilities=chosen)
        self.refresh_summary()

    @on(Input.Changed, "#cap-filter")
    def _filter(self, _: Input.Changed) -> None:
        self.refresh_extras()

    @on(Input.Changed, "#max-age")
    def _max_age(self, event: Input.Changed) -> None:
        if not _current(event):
            return
        text = event.value.strip()
        if text and (not text.isdigit() or int(text) < 1):
            self.show_message("the age limit is a whole number of days, at least 1", error=True)
            return
        policy = self.bench.profile.evidence_policy.model_copy(update={"max_age_days": int(text) if text else None})
        self.bench.update(evidence_policy=policy)

    @on(SelectionList.SelectedChanged, "#kinds")
    def _kinds(self, event: SelectionList.SelectedChanged[Any]) -> None:
        kinds = [EvidenceKind(k) for k in event.selection_list.selected]
        if not kinds:
            self.show_message("at least one kind of evidence must count", error=True)
            return
        policy = self.bench.profile.evidence_policy.model_copy(update={"accepted_kinds": kinds})
        self.bench.update(evidence_policy=policy)

    @on(Select.Changed, "#compare")
    def _compare(self, event: Select.Changed) -> None:
        if event.select.is_blank():
            return
        try:
            cat = self.bench.catalogue()
        except BuyerError as exc:
            self.show_message(str(exc), error=True)
            return
        interop = self.bench.interop
        d = diff_guidelines(cat[str(event.value)], cat[interop.guideline], interop.program)
        parts = [f"[b]{d.old} → {d.new}[/b] ({d.program})"]
        for title, items in (
            ("added", [f"{c} ({s})" for c, s in d.added]),
            ("removed", [f"{c} (was {s})" for c, s in d.removed]),
            ("status changed", [f"{c}: {a} → {b}" for c, a, b in d.status_changed]),
            ("tests added", [t for _, t in d.tests_added]),
            ("tests removed", [t for _, t in d.tests_removed]),
            ("newly flagged", [f"{t}: {r}" for _, t, r in d.newly_flagged]),
        ):
            if items:
                parts.append(f"\n[b]{title} ({len(items)})[/b]\n" + "\n".join(f"  {i}" for i in items[:40]))
        if d.empty:
            parts.append("no changes")
        self.query_one("#diff", Static).update("\n".join(parts))

    # -- file -------------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_button(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#load")
    def _load_button(self) -> None:
        self.action_load()

    def _path(self) -> Path | None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.show_message("give the profile file's path first", error=True)
            self.query_one("#path", Input).focus()
            return None
        return Path(text).expanduser()

    def action_save(self) -> None:
        path = self._path()
        if path is None:
            return
        try:
            self.bench.save(path)
        except (BuyerError, OSError, ValueError) as exc:
            self.show_message(f"not saved: {exc}", error=True)
            return
        self.show_message(f"saved {path} (sha256 {self.bench.sha256[:16]}…)")
        self.notify(f"saved {path}", title="Requirements")

    def action_load(self) -> None:
        path = self._path()
        if path is None:
            return
        try:
            self.bench.load(path)
        except ProfileErrors as exc:
            self.show_message("\n".join(exc.lines()), error=True)
            return
        except BuyerError as exc:
            self.show_message(str(exc), error=True)
            return
        self.populate()
        self.show_message(f"loaded {path}")


def _current(event: Input.Changed | Select.Changed) -> bool:
    """False for a message that no longer says what the field holds: widgets post their
    initial values on mount, and those arrive after the form was filled from a profile."""
    if isinstance(event, Input.Changed):
        return event.value == event.input.value
    return not event.select.is_blank() and event.value == event.select.value


def _keep_highlight(options: SelectionList[str]) -> None:
    """A rebuilt list loses its highlight, and then space does nothing: put it on the first row."""
    if options.option_count and options.highlighted is None:
        options.highlighted = 0
