"""Requirements: the profile's name and metadata, standard, guideline version, program, add-ons,
extra capabilities, evidence policy; the diff against another version; save and load the file.

The form shows what the profile says, also what the catalogue lacks (an unknown guideline, add-on
or capability is listed as the file names it, with a warning). Every edit goes to the workbench,
which validates it as the file loader would; what the guideline offers (add-ons the program can
carry, capabilities, counts) is read in a worker and filled in when it arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Header, Input, Label, Select, SelectionList, Static, TextArea
from textual.worker import Worker, WorkerState

from buyer._text import printable
from buyer.errors import BuyerError, CatalogueError
from buyer.model.evidence import EvidenceKind
from buyer.model.guideline import CORE_PROGRAMS, Guideline, Status
from buyer.tui import keys
from buyer.tui.screens.base import BuyerScreen, Done, attempt, refused, shown_error
from buyer.tui.text import joined, lines, plain, styled
from buyer.tui.widgets import FittingFooter, MarkedSelectionList
from buyer.tui.workbench import BLANK_NAME

if TYPE_CHECKING:
    from buyer.model.profile import InteropRequirement

# What a person's edits post; filling the form from a profile holds them back.
FORM_EDITS = (
    Input.Changed,
    Select.Changed,
    SelectionList.SelectedChanged,
    SelectionList.SelectionToggled,
    TextArea.Changed,
)
TEXT_FIELDS = {"name": "name", "buyer": "buyer", "rfp-reference": "rfp_reference"}
DUPLICATES = [
    ("warn: keep it, with a warning on each", "warn"),
    ("reject: it does not count, and says why", "reject"),
]


@dataclass(frozen=True)
class Lists:
    """What the chosen guideline offers the form, worked out in a worker."""

    interop: InteropRequirement
    add_ons: list[tuple[str, str]] = field(default_factory=list)  # (label, key) the program can carry
    extras: list[tuple[str, str]] = field(default_factory=list)  # (label, capability id), not required
    summary: list[Content] = field(default_factory=list)
    known: bool = True  # the guideline is in the catalogue
    carried: frozenset[str] = frozenset()  # add-ons the program can carry
    defined: frozenset[str] = frozenset()  # capabilities the guideline and those add-ons define


def form_lists(catalogue: Any, interop: InteropRequirement) -> Lists:
    """The add-ons, capabilities and summary of ``interop`` as the catalogue has them; what the
    profile names beyond that is kept, marked, so the form shows what the file says."""
    from buyer.model.requirements import add_ons_for, lookup_guideline

    try:
        core: Guideline = lookup_guideline(catalogue, interop.guideline)
    except CatalogueError:
        unknown = f"{interop.guideline} is not in the catalogue"
        return Lists(
            interop,
            [(f"{a} · not checked ({unknown})", a) for a in interop.add_ons],
            [(f"{c} · not checked ({unknown})", c) for c in interop.extra_capabilities],
            [joined(styled(interop.guideline, "bold"), f": {printable(unknown)}; choose a version it has")],
            known=False,
        )
    carried: dict[str, Guideline] = {}
    if interop.program in core.programs and not core.is_add_on:
        for g in add_ons_for(catalogue, core, interop.program):
            carried[next(iter(g.programs.values())).key] = g
    add_ons = [(f"{next(iter(g.programs.values())).title} ({g.status})", key) for key, g in carried.items()]
    missing = f"not an add-on this program carries in {core.id}"
    add_ons += [(f"{a} · {missing}", a) for a in interop.add_ons if a not in carried]
    statuses = core.capability_status(interop.program) if interop.program in core.programs else {}
    extras = []
    for cap_id in sorted(core.capabilities):
        status = statuses.get(cap_id)
        if status is not Status.REQUIRED:
            extras.append((("★ " if status is Status.ADVISORY else "") + cap_id, cap_id))
    searched = [core, *(carried[a] for a in interop.add_ons if a in carried)]
    for cap_id in interop.extra_capabilities:
        if cap_id not in core.capabilities:
            where = next((g.id for g in searched if cap_id in g.capabilities), "")
            extras.append((f"{cap_id} · " + (f"from {where}" if where else f"not defined in {core.id}"), cap_id))
    defined = frozenset(c for g in searched for c in g.capabilities)
    return Lists(interop, add_ons, extras, _summary(core, interop, statuses), True, frozenset(carried), defined)


def _summary(core: Guideline, interop: InteropRequirement, statuses: dict[str, Status]) -> list[Content]:
    from buyer.model.requirements import Requirement, RequirementKind, compile_requirement

    required = [c for c, s in statuses.items() if s is Status.REQUIRED]
    advisory = [c for c, s in statuses.items() if s is Status.ADVISORY]
    title = core.program(interop.program).title if interop.program in core.programs else interop.program
    rows = [f"status {core.status or 'draft'}; releases {', '.join(core.releases) or '-'}"]
    if interop.program in core.programs:  # counted as the scorecard and the RFP count them
        pairs, distinct = compile_requirement(Requirement(RequirementKind.PROGRAM, core, interop.program)).counted_tests
        rows.append(
            f"{len(required)} required capabilities, {pairs} required tests as RefStack counts them "
            f"({distinct} distinct names); {len(advisory)} advisory"
        )
    if interop.add_ons:
        rows.append("add-ons: " + ", ".join(interop.add_ons))
    if interop.extra_capabilities:
        rows.append("extra capabilities: " + ", ".join(interop.extra_capabilities))
    return [styled(f"{title} {core.id}", "bold"), *(plain(row) for row in rows)]


def guideline_diff(catalogue: Any, old: str, new: str, program: str) -> Content:
    from buyer.model.diff import diff_guidelines

    d = diff_guidelines(catalogue[old], catalogue[new], program)
    parts = [joined(styled(f"{d.old} → {d.new}", "bold"), plain(f" ({d.program})"))]
    for title, items in (
        ("added", [f"{c} ({s})" for c, s in d.added]),
        ("removed", [f"{c} (was {s})" for c, s in d.removed]),
        ("status changed", [f"{c}: {a} → {b}" for c, a, b in d.status_changed]),
        ("tests added", [t for _, t in d.tests_added]),
        ("tests removed", [t for _, t in d.tests_removed]),
        ("newly flagged", [f"{t}: {r}" for _, t, r in d.newly_flagged]),
    ):
        if items:
            parts += ["", styled(f"{title} ({len(items)})", "bold"), *(plain(f"  {i}") for i in items[:40])]
    if d.empty:
        parts.append("no changes")
    return lines(*parts)


class RequirementsScreen(BuyerScreen):
    TITLE = keys.MODES["requirements"].title
    BINDINGS = list(keys.REQUIREMENTS)

    def __init__(self) -> None:
        super().__init__()
        self._shown = -1  # the workbench revision the form shows
        self._prune_after: tuple[str, str] | None = None  # (what changed, to what): prune once the lists come
        self._early: list[str] = []  # typed before the profile was there
        self._early_closed = False  # a key that acts came: what is typed after it is not the name's

    @property  # type: ignore[override]
    def AUTO_FOCUS(self) -> str:  # textual reads it by this name
        """The first field, once there is a profile to show in it: no first focus in a form that
        waits for its profile (on_mount), where a key would be lost to the first filling."""
        return "#name" if self.bench.opened else ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="form"):
                yield Static(id="not-loaded")
                yield Label("Profile name")
                # A new profile's name is a placeholder: what is typed is the name, not added to it.
                yield Input(compact=True, select_on_focus=False, id="name", placeholder=BLANK_NAME)
                yield Label("Buyer organisation")
                yield Input(
                    compact=True, select_on_focus=False, id="buyer", placeholder="printed on the report's cover"
                )
                yield Label("RFP reference")
                yield Input(compact=True, select_on_focus=False, id="rfp-reference", placeholder="e.g. RFP-2030-017")
                yield Label("Description")
                yield TextArea(id="description", soft_wrap=True, show_line_numbers=False, compact=True)
                yield Static(id="problems")
                yield Label("Interop guideline (status · releases)")
                yield Select[str](compact=True, options=[], id="guideline", prompt="loading guidelines…")
                yield Label("Program")
                yield Select[str](
                    compact=True, options=[(t, k) for k, t in CORE_PROGRAMS.items()], id="program", allow_blank=False
                )
                yield Label("Add-ons (only those the program can carry)")
                yield MarkedSelectionList(id="add-ons")
                yield Label("Extra capabilities made mandatory (★ advisory)")
                yield Input(
                    compact=True, select_on_focus=False, placeholder="type to filter capabilities", id="cap-filter"
                )
                yield MarkedSelectionList(id="extras")
                yield Label("Evidence counts when at most this many days old (empty: any age)")
                yield Input(compact=True, select_on_focus=False, id="max-age", type="integer")
                yield Label("Evidence kinds that count")
                yield MarkedSelectionList(*[(k.value, k.value) for k in EvidenceKind], id="kinds")
                yield Label("Evidence also given for another product (same file, same cpid)")
                yield Select[str](compact=True, options=DUPLICATES, id="duplicates", allow_blank=False)
                yield Label("Profile file")
                yield Input(
                    compact=True, select_on_focus=False, placeholder="requirements_profiles/my-rfp.toml", id="path"
                )
                with Horizontal(id="file-buttons"):
                    yield Button(f"Save ({self._keys('requirements.save', 'ctrl+s')})", id="save", variant="primary")
                    yield Button(f"Load ({self._keys('requirements.load', 'ctrl+o')})", id="load")
                yield Static(id="message")
            with VerticalScroll(id="side"):
                yield Static("Loading guidelines…", id="summary")
                yield Label("Compare with another version")
                yield Select[str](compact=True, options=[], id="compare", prompt="choose a version")
                yield Static(id="diff")
        yield FittingFooter(own=["requirements.save", *(b.id or "" for b in self.BINDINGS)], here="go.requirements")

    def _keys(self, binding_id: str, default: str) -> str:
        return self.buyer.keys_for(binding_id, default)

    def check_message_enabled(self, message: Message) -> bool:
        # Widgets post their first values as they mount. Until a profile is open those are no
        # edits, and acting on one would make a blank profile here, while the real one is read.
        if isinstance(message, FORM_EDITS) and not self.bench.opened:
            return False
        return super().check_message_enabled(message)

    def on_mount(self) -> None:
        if self.bench.opened:
            if self.focused is None:  # opened between compose and mount: as AUTO_FOCUS would have
                self.set_focus(self.query_one("#name", Input), scroll_visible=False)
            self.populate()
            # Focusing the first field scrolls it to the top edge: keep its label in view too.
            self.call_after_refresh(self.query_one("#form", VerticalScroll).scroll_home, animate=False)
        else:  # the profile is read in a worker: the form waits for it (keys typed meanwhile: on_key)
            # Covered, its fields are out of the focus chain and out of the mouse's reach. Not
            # disabled as well: disabling, then enabling, restyles every field twice (measured: a
            # third of the time to the first screen).
            self.query_one("#form", VerticalScroll).loading = True

    def on_key(self, event: events.Key) -> None:
        """Text typed while the profile is read at start is kept and typed into the first field
        once the form shows the profile. Not after a key that acts (F3, ctrl+o, tab…): what is
        typed after it was meant for where it leads. This handler sees each key before the
        bindings do, so the key itself closes the buffer, not the action it waits to run."""
        form = self.query_one("#form", VerticalScroll)
        if not form.loading:
            return
        if not (event.is_printable and event.character):
            self._early_closed = True
        elif not self._early_closed and not self.buyer.actions_waiting:
            self._early.append(event.character)
            event.stop()

    # -- filling the form --------------------------------------------------------------------

    def populate(self) -> None:
        """Fill every field from the workbench's profile, as it is (nothing rewritten)."""
        bench = self.bench
        p = bench.profile
        with self.prevent(*FORM_EDITS):
            for widget_id, attr in TEXT_FIELDS.items():
                _set(self.query_one(f"#{widget_id}", Input), getattr(p, attr))
            if bench.path is None and p.name == BLANK_NAME:  # the placeholder says it
                _set(self.query_one("#name", Input), "")
            description = self.query_one("#description", TextArea)
            if description.text != p.description:
                description.load_text(p.description)
            self.query_one("#program", Select).value = p.interop.program if p.interop else "platform"
            policy = p.evidence_policy
            _set(self.query_one("#max-age", Input), str(policy.max_age_days or ""))
            kinds = self.query_one("#kinds", SelectionList)
            kinds.deselect_all()
            for kind in policy.accepted_kinds:
                kinds.select(kind.value)
            self.query_one("#duplicates", Select).value = str(policy.duplicates)
            failed = self.buyer.not_loaded
            path = bench.path or (failed[0] if failed is not None else "")
            _set(self.query_one("#path", Input), str(path))
        self._show_not_loaded()
        self._shown = bench.revision
        self.catalogue_changed()

    def _newest(self) -> str:
        from buyer.model.requirements import core_ids

        cat = self.bench.opened_catalogue
        versions = core_ids(cat) if cat is not None else []
        return versions[0] if versions else ""

    def catalogue_changed(self) -> None:
        """The catalogue opened (or failed), its labels came, or the profile's problems were told."""
        buyer = self.buyer
        if not self.bench.opened:
            return
        self.problems_changed()
        if buyer.catalogue_error:
            self.show_message(f"guidelines unavailable: {buyer.catalogue_error}", error=True, notify=False)
            self.query_one("#summary", Static).update("Guidelines unavailable.")
            return
        if not buyer.catalogue_ready:
            return
        if not self._newest():
            self.show_message("the guideline source holds no approved core guideline", error=True)
            return
        self._fill_versions()
        self.refresh_lists()

    def problems_changed(self) -> None:
        """The profile's problems as last checked (after every change of its requirements)."""
        problems = self.query_one("#problems", Static)
        found = self.buyer.profile_problems
        problems.update(lines(*(plain(f"⚠ {p}") for p in found)))
        problems.display = bool(found)

    def _show_not_loaded(self) -> None:
        """A profile file given that could not be read: why, at the top of the form, while the
        form holds a new profile (and the file's path, to fix it and load it again)."""
        box = self.query_one("#not-loaded", Static)
        failed = self.buyer.not_loaded
        box.display = failed is not None and self.bench.path is None
        if failed is not None:
            load = self._keys("requirements.load", "ctrl+o")
            box.update(
                lines(
                    styled(f"✗ {failed[1]}", "bold"),
                    plain(
                        f"Not loaded: the form holds a new profile. Fix the file, then Load ({load}) reads it; "
                        "a save asks before it replaces the file."
                    ),
                )
            )

    def _fill_versions(self) -> None:
        from buyer.model.requirements import core_ids

        cat = self.bench.opened_catalogue
        labels = self.buyer.guideline_labels
        versions = core_ids(cat) if cat is not None else []
        options = [(plain(labels.get(v, v)), v) for v in versions]
        interop = self.bench.interop
        if interop is not None and interop.guideline not in versions:  # what the file says, shown as it is
            options.insert(0, (plain(f"{interop.guideline} · not in the catalogue"), interop.guideline))
        guideline = self.query_one("#guideline", Select)
        compare = self.query_one("#compare", Select)
        with self.prevent(Select.Changed):
            guideline.set_options(options)
            guideline.prompt = "no interop requirement: choose a guideline to add one"
            if interop is not None:
                guideline.value = interop.guideline
            current = compare.value
            compare.set_options([(plain(v), v) for v in versions if interop is None or v != interop.guideline])
            if current in versions and (interop is None or current != interop.guideline):
                compare.value = current

    def refresh_lists(self) -> None:
        """Ask a worker what the guideline offers the profile's interop section."""
        interop = self.bench.interop
        if interop is None or not self.buyer.catalogue_ready:
            self._show_lists(None)
            return
        if not self.buyer.surveyed:  # the lists read every guideline of the date: once each is known to read
            return
        work = partial(form_lists, self.bench.opened_catalogue, interop)
        self.run_worker(partial(attempt, work), thread=True, group="lists", name="lists", exclusive=True)

    def _show_lists(self, lists: Lists | None) -> None:
        interop = self.bench.interop
        add_ons = self.query_one("#add-ons", SelectionList)
        with self.prevent(SelectionList.SelectedChanged), _same_row(add_ons):
            add_ons.clear_options()
            for label, key in lists.add_ons if lists else []:
                add_ons.add_option((plain(label), key, interop is not None and key in interop.add_ons))
        self.lists = lists
        self.refresh_extras()
        rows = (
            list(lists.summary)
            if lists
            else [styled("no interop requirement: choosing a guideline adds one", "italic")]
        )
        scs = self.bench.profile.scs
        if scs is not None:
            on = f" on {scs.on}" if scs.on else ""
            rows.append(plain(f"SCS: {Path(scs.scope).name}, version {scs.version}{on}"))
        rows.append(plain(f"shortlist: {len(self.bench.profile.shortlist)} products"))
        self.query_one("#summary", Static).update(lines(*rows))

    lists: Lists | None = None

    def refresh_extras(self) -> None:
        interop = self.bench.interop
        chosen = set(interop.extra_capabilities) if interop else set()
        needle = self.query_one("#cap-filter", Input).value.strip().lower()
        extras = self.query_one("#extras", SelectionList)
        with self.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled), _same_row(extras):
            extras.clear_options()
            for label, cap_id in self.lists.extras if self.lists else []:
                if not needle or needle in cap_id.lower() or cap_id in chosen:
                    extras.add_option((plain(label), cap_id, cap_id in chosen))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.SUCCESS:
            return
        outcome = event.worker.result
        if event.worker.name == "lists":
            if not isinstance(outcome, Done):
                self.show_message(outcome.message, error=True)
                return
            lists: Lists = outcome.value
            if lists.interop != self.bench.interop:
                self.refresh_lists()  # the profile moved on meanwhile
                return
            if self._prune_after is not None:
                self._prune(lists)
                return
            self._show_lists(lists)
        elif event.worker.name == "diff":
            text = outcome.value if isinstance(outcome, Done) else plain(outcome.message, multiline=True)
            self.query_one("#diff", Static).update(text)

    def _prune(self, lists: Lists) -> None:
        """After the user changed the guideline or program: keep the add-ons and capabilities it
        still has, and say which ones went (never silently)."""
        what, value = self._prune_after or ("", "")
        self._prune_after = None
        interop = lists.interop
        carried, defined = lists.carried, lists.defined
        if not lists.known:
            self._show_lists(lists)
            return
        add_ons = [a for a in interop.add_ons if a in carried]
        extras = [c for c in interop.extra_capabilities if c in defined]
        dropped = [a for a in interop.add_ons if a not in carried] + [
            c for c in interop.extra_capabilities if c not in defined
        ]
        if dropped:
            self.change_interop(add_ons=add_ons, extra_capabilities=extras)
            self.notify(
                printable(f"{', '.join(dropped)}: not offered by {what} {value}, so no longer required"),
                severity="warning",
                title="Requirements",
            )
            self.refresh_lists()
            return
        self._show_lists(lists)

    def show_message(self, text: str, error: bool = False, notify: bool = True, scroll: bool = True) -> None:
        for message in self.query("#message").results(Static):
            message.update(plain(text, multiline=True))
            message.set_class(error, "error")
            # The message sits under the form's buttons: brought into view once it has its height,
            # when the focus is down there (the path, Save, Load). From a field above, the view
            # stays on that field (a notification says the outcome): typing after ctrl+s went into
            # a field scrolled out of sight.
            if scroll and self._focus_at_file():
                self.call_after_refresh(message.scroll_visible, animate=False)
        if error and notify:
            self.notify(text.splitlines()[0], severity="error", title="Requirements")

    def _focus_at_file(self) -> bool:
        focused = self.focused
        if focused is None:
            return True
        return focused.id == "path" or any(a.id == "file-buttons" for a in focused.ancestors)

    def on_screen_resume(self) -> None:
        # Back from another screen: the field that has the focus is the one in view.
        if self.focused is not None:
            self.call_after_refresh(self.focused.scroll_visible, animate=False)

    def bench_changed(self) -> None:
        """A change made elsewhere (a load, a discard, an undo, a live result) is shown; the form's
        own edits are shown already."""
        form = self.query_one("#form", VerticalScroll)
        if form.loading and self.bench.opened:  # the profile read at start is there
            form.loading = False
            self.populate()
            if self.buyer.not_loaded is not None:
                # also under the path field, where Load is; the form opens at the top, where it is told
                self.show_message(self.buyer.not_loaded[1], error=True, notify=False, scroll=False)
            name = self.query_one("#name", Input)
            # No scroll to it (an animated one, measured before the form is laid out, would land
            # after scroll_home and hide the top); it is the first field: scroll_home shows it.
            self.set_focus(name, scroll_visible=False)
            if self._early:  # typed as if the field had been there: an edit like any other
                name.insert_text_at_cursor("".join(self._early))
                self._early.clear()
                # taken now: a change arriving before the field's own message must not undo it
                self.change(name=name.value.strip() or BLANK_NAME)
            self.call_after_refresh(form.scroll_home, animate=False)
        elif self.bench.revision != self._shown:
            self.populate()
        else:
            self._show_not_loaded()  # a save or a load of the same profile

    # -- edits ------------------------------------------------------------------------------

    def change(self, **changes: Any) -> bool:
        try:
            self.bench.update(**changes)
        except BuyerError as exc:
            self.show_message(refused(exc), error=True)
            return False
        self._shown = self.bench.revision
        if self.query_one("#message", Static).has_class("error"):
            self.show_message("")
        return True

    def change_interop(self, **changes: Any) -> bool:
        try:
            self.bench.update_interop(**changes)
        except BuyerError as exc:
            self.show_message(refused(exc), error=True)
            return False
        self._shown = self.bench.revision
        self.buyer.check_profile()  # a warning the change fixed goes, one it causes is told
        return True

    @on(Input.Changed, "#name, #buyer, #rfp-reference")
    def _text(self, event: Input.Changed) -> None:
        if _current(event) and event.input.id:
            value = event.value.strip()
            if event.input.id == "name" and not value and self.bench.path is None:
                value = BLANK_NAME  # a new profile's emptied name: the placeholder's again
            self.change(**{TEXT_FIELDS[event.input.id]: value})

    @on(TextArea.Changed, "#description")
    def _description(self, event: TextArea.Changed) -> None:
        self.change(description=event.text_area.text)

    @on(Select.Changed, "#guideline")
    def _guideline(self, event: Select.Changed) -> None:
        interop = self.bench.interop
        if not _current(event) or (interop is not None and event.value == interop.guideline):
            return
        if self.change_interop(guideline=str(event.value)):
            self._prune_after = ("guideline", str(event.value))
            self._fill_versions()
            self.refresh_lists()

    @on(Select.Changed, "#program")
    def _program(self, event: Select.Changed) -> None:
        interop = self.bench.interop
        if not _current(event) or interop is None or event.value == interop.program:
            return
        if self.change_interop(program=str(event.value)):
            self._prune_after = ("program", str(event.value))
            self.refresh_lists()

    @on(SelectionList.SelectedChanged, "#add-ons")
    def _add_ons(self, event: SelectionList.SelectedChanged[Any]) -> None:
        if self.change_interop(add_ons=list(event.selection_list.selected)):
            self.refresh_lists()

    @on(SelectionList.SelectionToggled, "#extras")
    def _extras(self, event: SelectionList.SelectionToggled[Any]) -> None:
        interop = self.bench.interop
        if interop is None:
            return
        value = str(event.selection.value)
        chosen = list(interop.extra_capabilities)
        chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
        if self.change_interop(extra_capabilities=chosen):
            self.refresh_lists()

    @on(Input.Changed, "#cap-filter")
    def _filter(self, _: Input.Changed) -> None:
        self.refresh_extras()

    @on(Input.Changed, "#max-age")
    def _max_age(self, event: Input.Changed) -> None:
        if not _current(event):
            return
        text = event.value.strip()
        if text and not text.isdigit():  # what the widget needs; the limits are the model's
            self.show_message("the age limit is a whole number of days", error=True)
            return
        policy = self.bench.profile.evidence_policy.model_dump()
        self.change(evidence_policy={**policy, "max_age_days": int(text) if text else None})

    @on(SelectionList.SelectedChanged, "#kinds")
    def _kinds(self, event: SelectionList.SelectedChanged[Any]) -> None:
        policy = self.bench.profile.evidence_policy.model_dump()
        self.change(evidence_policy={**policy, "accepted_kinds": list(event.selection_list.selected)})

    @on(Select.Changed, "#duplicates")
    def _duplicates(self, event: Select.Changed) -> None:
        policy = self.bench.profile.evidence_policy
        if _current(event) and event.value != str(policy.duplicates):
            self.change(evidence_policy={**policy.model_dump(), "duplicates": str(event.value)})

    @on(Select.Changed, "#compare")
    def _compare(self, event: Select.Changed) -> None:
        interop = self.bench.interop
        cat = self.bench.opened_catalogue
        if event.select.is_blank() or interop is None or cat is None:
            return
        self.query_one("#diff", Static).update("comparing…")
        work = partial(guideline_diff, cat, str(event.value), interop.guideline, interop.program)
        self.run_worker(partial(attempt, work), thread=True, group="diff", name="diff", exclusive=True)

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
        if path is not None:
            self.buyer.save_profile(path, saved=self._saved, reloaded=self._reloaded, failed=self._not_saved)

    def _saved(self, path: Path) -> None:
        self.show_message(printable(f"saved {path} (sha256 {self.bench.file_sha256[:16]}…)"))
        self.notify(printable(f"saved {path}"), title="Requirements")

    def _reloaded(self) -> None:
        self.show_message(printable(f"reloaded {self.bench.path} from disk: the form shows the file's version"))

    def _not_saved(self, message: str) -> None:
        self.show_message(f"not saved: {message}", error=True)

    def action_load(self) -> None:
        path = self._path()
        if path is not None:
            self.buyer.unless_unsaved("load another profile", partial(self._load, path))

    def _load(self, path: Path) -> None:
        try:
            self.buyer.open_file(path)
        except BuyerError as exc:
            self.show_message(shown_error(exc), error=True)
            return
        self.populate()
        self.notify(printable(f"loaded {path}"), title="Requirements")
        self.show_message(printable(f"loaded {path}"))
        # a new profile: start again at its first field (scroll_home shows it)
        self.set_focus(self.query_one("#name", Input), scroll_visible=False)
        self.call_after_refresh(self.query_one("#form", VerticalScroll).scroll_home, animate=False)


def _set(box: Input, value: str) -> None:
    """Show ``value``, the cursor after it (typing into a focused field adds, never replaces)."""
    if box.value != value:
        box.value = value
        box.cursor_position = len(value)


def _current(event: Input.Changed | Select.Changed) -> bool:
    """False for a message that no longer says what the field holds: widgets post their
    initial values on mount, and those arrive after the form was filled from a profile."""
    if isinstance(event, Input.Changed):
        return event.value == event.input.value
    return not event.select.is_blank() and event.value == event.select.value


@contextmanager
def _same_row(options: SelectionList[str]) -> Iterator[None]:
    """Rebuild a list with the highlight on the row it was on (the same value): ticking an item
    rebuilds the list, and the highlight must not jump back to the top. A list without a
    highlight takes no space key, so the first row when that row is gone."""
    at = options.highlighted
    before = options.get_option_at_index(at).value if at is not None and at < options.option_count else None
    yield
    values = [options.get_option_at_index(i).value for i in range(options.option_count)]
    if values:
        options.highlighted = values.index(before) if before in values else 0
