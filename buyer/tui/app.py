"""The buyer workbench: five screens as modes, F2–F6 to switch, F1 help, ctrl+p every action.

The app owns the workbench and tells the screens when it changes (``bench_signal``) and when the
guideline catalogue, opened in a worker at start, is ready (``catalogue_signal``). Work that
would be lost is asked about first: quitting, loading another profile and exporting with unsaved
edits offer Save / Discard / Cancel.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from buyer._text import printable
from buyer.errors import BuyerError
from buyer.tui.dialogs import Choice, UnsavedChanges
from buyer.tui.screens.base import Done, attempt, shown_error
from buyer.tui.screens.export import ExportScreen
from buyer.tui.screens.live import LiveScreen
from buyer.tui.screens.requirements import RequirementsScreen
from buyer.tui.screens.scorecard import CapabilitiesScreen, CapabilityTestsScreen, ScorecardScreen
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.settings import load_settings, save_theme
from buyer.tui.workbench import Workbench

UNSAVED = "● unsaved · "

SCREENS: dict[str, tuple[type[Screen[None]], str]] = {
    "requirements": (RequirementsScreen, "Standard, guideline, program, add-ons, extras, evidence policy"),
    "vendors": (VendorsScreen, "The registry, the shortlist, evidence per product"),
    "scorecard": (ScorecardScreen, "Products × requirements; drill down to capabilities and tests"),
    "live": (LiveScreen, "Discovery or tempest against a cloud with your own account"),
    "export": (ExportScreen, "PDF, JSON, CSV, Markdown, RFP clauses"),
}


class BuyerApp(App[None]):
    TITLE = "buyer"
    CSS_PATH = "buyer.tcss"
    MODES = {mode: screen for mode, (screen, _) in SCREENS.items()}
    DEFAULT_MODE = "requirements"
    BINDINGS = [
        Binding("f1", "toggle_help", "Help", id="help"),
        Binding("f2", "switch_mode('requirements')", "Requirements", id="go.requirements"),
        Binding("f3", "switch_mode('vendors')", "Vendors", id="go.vendors"),
        Binding("f4", "switch_mode('scorecard')", "Scorecard", id="go.scorecard"),
        Binding("f5", "switch_mode('live')", "Live", id="go.live"),
        Binding("f6", "switch_mode('export')", "Export", id="go.export"),
        Binding("ctrl+e", "switch_mode('export')", "Export", show=False, id="export"),
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, workbench: Workbench | None = None, profile: Path | None = None) -> None:
        super().__init__()
        self.settings = load_settings(binding_ids())
        self.settings.problems.extend(keymap_clashes(self.settings.keymap))
        self.set_keymap(self.settings.keymap)
        self.workbench = workbench or Workbench()
        self.bench_signal: Signal[None] = Signal(self, "bench")
        self.catalogue_signal: Signal[None] = Signal(self, "catalogue")
        self.catalogue_error = ""  # why the catalogue could not be opened
        self.guideline_labels: dict[str, str] = {}  # version -> "2020.06 · approved · …", once read
        self.profile_problems: list[str] = []  # what the profile names that cannot be evaluated
        self.ready_at: float | None = None  # perf_counter when the first screen was ready
        self._load_error = ""
        if profile is not None:  # before the first screen fills its fields from it
            try:
                self.workbench.load(profile)
            except BuyerError as exc:
                self._load_error = shown_error(exc)
        self.workbench.listeners.append(self._bench_changed)
        self._title()

    def on_mount(self) -> None:
        theme = self.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.settings.problems.append(f"theme {theme!r} is not one of textual's themes; using the default")
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember_theme(theme.name))
        for problem in self.settings.problems:
            self.notify(printable(problem), severity="warning", title="Settings", timeout=10)
        if self._load_error:
            self.notify(self._load_error, severity="error", title="Profile not loaded")
        # The first screen is drawn from the profile alone; the catalogue opens in a worker after
        # that first frame, so its threads never hold up the drawing.
        self.call_after_refresh(self._open_catalogue)
        self.ready_at = time.perf_counter()

    def _open_catalogue(self) -> None:
        self.run_worker(partial(attempt, self.workbench.catalogue), thread=True, group="catalogue", name="catalogue")

    # -- the workbench and the catalogue ----------------------------------------------------

    @property
    def catalogue_ready(self) -> bool:
        return self.workbench.opened_catalogue is not None

    def _bench_changed(self) -> None:
        self._title()
        self.bench_signal.publish(None)

    def _title(self) -> None:
        """The header names the profile and its file, and says when edits are not saved (the
        marker is part of the sub-title: every screen's header watches it)."""
        bench = self.workbench
        file = bench.path.name if bench.path else "not saved yet"
        marker = UNSAVED if bench.modified else ""
        self.sub_title = marker + printable(f"{bench.profile.name} · {file}")

    def format_title(self, title: str, sub_title: str) -> Content:
        if sub_title.startswith(UNSAVED):  # the marker first: a narrow header cuts the end
            marker = Content.styled(UNSAVED.strip(" ·"), "bold $warning")
            rest = Content(sub_title.removeprefix(UNSAVED)).stylize("dim")
            return Content.assemble(marker, "  ", title, (" — ", "dim"), rest)
        return super().format_title(title, sub_title)

    def check_profile(self) -> None:
        """What the profile names that the catalogue cannot evaluate, told as warnings (a worker:
        an SCS scope may have to be fetched)."""
        if self.catalogue_ready:
            self.run_worker(partial(attempt, self.workbench.problems), thread=True, name="problems", exclusive=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.SUCCESS:
            return
        worker: Worker[Any] = event.worker
        outcome = worker.result
        if worker.name == "catalogue":
            if isinstance(outcome, Done):
                from buyer.model.requirements import core_ids

                self.catalogue_error = ""
                newest = core_ids(outcome.value)
                if newest:  # a new profile (never loaded or edited) starts at the newest guideline
                    self.workbench.start_at(newest[0])
                self.check_profile()
                self.run_worker(partial(attempt, self._labels), thread=True, group="labels", name="labels")
            else:
                self.catalogue_error = outcome.message
                self.notify(outcome.message, severity="error", title="Guidelines unavailable")
            self.catalogue_signal.publish(None)
        elif worker.name == "labels" and isinstance(outcome, Done):
            self.guideline_labels = outcome.value
            self.catalogue_signal.publish(None)
        elif worker.name == "problems":
            problems = outcome.value if isinstance(outcome, Done) else [outcome.message]
            self.profile_problems = [printable(p) for p in problems]
            for problem in self.profile_problems:
                self.notify(problem, severity="warning", title="The profile names what buyer cannot evaluate")
            self.catalogue_signal.publish(None)

    def _labels(self) -> dict[str, str]:
        """Every core guideline's status and releases (reads each file; in a worker, after the
        first screen is up)."""
        from buyer.model.requirements import core_ids

        cat = self.workbench.catalogue()
        out = {}
        for version in core_ids(cat):
            g = cat[version]
            out[version] = f"{version} · {g.status or 'draft'} · {', '.join(g.releases)}".rstrip(" ·")
        return out

    # -- losing nothing ---------------------------------------------------------------------

    def unless_unsaved(self, purpose: str, then: Callable[[], Any], detail: str = "") -> None:
        """Run ``then`` now if nothing is unsaved; else ask Save / Discard / Cancel first."""
        if not self.workbench.modified:
            then()
            return

        def chosen(choice: Choice | None) -> None:
            if choice is None or choice.action == "cancel":
                return
            if choice.action == "save":
                try:
                    saved = self.workbench.save(choice.path)
                except BuyerError as exc:
                    self.notify(shown_error(exc), severity="error", title="Not saved")
                    return
                self.notify(f"saved {printable(str(saved))}", title="Profile")
            else:
                self.workbench.revert()
            then()

        self.push_screen(UnsavedChanges(purpose, detail), chosen)

    async def action_quit(self) -> None:
        self.unless_unsaved("quit", self.exit)

    # -- settings, help, palette ------------------------------------------------------------

    def keys_for(self, binding_id: str, default: str) -> str:
        """The keys a binding has now (the keymap may have moved it), for labels that name them."""
        return self.settings.keymap.get(binding_id, default)

    def _remember_theme(self, name: str) -> None:
        try:
            save_theme(name)
        except (BuyerError, OSError) as exc:
            self.notify(f"theme not remembered: {printable(str(exc))}", severity="warning", title="Settings")

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, (cls, help_text) in SCREENS.items():
            yield SystemCommand(f"Go to {cls.TITLE}", help_text, partial(self.switch_mode, mode))
        for mode, title, help_text, action in palette_actions():
            yield SystemCommand(title, help_text, partial(self.run_on, mode, action))

    async def run_on(self, mode: str, action: str) -> None:
        """A palette command: show the screen, then run its action by name."""
        await self.switch_mode(mode)
        while len(self.screen_stack) > 1:  # a drill-down or a dialog over the mode's screen
            await self.pop_screen()
        await self.run_action(action, self.screen)


def _bindings(owner: type[App[None]] | type[Screen[Any]]) -> list[Binding]:
    return [b for b in owner.BINDINGS if isinstance(b, Binding)]


SCREEN_CLASSES: tuple[type[Screen[Any]], ...] = (
    RequirementsScreen,
    VendorsScreen,
    ScorecardScreen,
    LiveScreen,
    ExportScreen,
    CapabilitiesScreen,
    CapabilityTestsScreen,
)


def palette_actions() -> list[tuple[str, str, str, str]]:
    """(mode, title, help, action) for every action of every screen: its key bindings and the
    commands it has without a key."""
    out = []
    for mode, (cls, _) in SCREENS.items():
        for b in _bindings(cls):
            out.append((mode, f"{cls.TITLE}: {b.tooltip or b.description}", b.description, b.action))
        for title, help_text, action in getattr(cls, "COMMANDS", ()):
            out.append((mode, f"{cls.TITLE}: {title}", help_text, action))
    return out


def binding_ids() -> set[str]:
    """Every binding a keymap in tui.toml may move."""
    return {b.id for owner in (BuyerApp, *SCREEN_CLASSES) for b in _bindings(owner) if b.id}


def keymap_clashes(keymap: dict[str, str]) -> list[str]:
    """Keys the keymap gives to two bindings that are live at once (the app's and one screen's)."""
    told: dict[str, list[str]] = {}
    for screen in SCREEN_CLASSES:
        holders: dict[str, list[str]] = {}
        for b in _bindings(BuyerApp) + _bindings(screen):
            for key in keymap.get(b.id or "", b.key).split(","):
                holders.setdefault(key, []).append(b.id or b.action)
        for key, ids in holders.items():
            if len(ids) > 1 and any(i in keymap for i in ids):
                told[key] = sorted(set(told.get(key, [])) | set(ids))
    return [f"keymap: {key} is bound to {', '.join(ids)}" for key, ids in sorted(told.items())]


def run(profile: Path | None = None, source: str | None = None) -> None:
    BuyerApp(Workbench(source=source), profile=profile).run()
