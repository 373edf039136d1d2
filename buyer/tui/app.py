"""The buyer workbench: five screens as modes, F2–F6 to switch, F1 help, ctrl+p every action."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from buyer.errors import BuyerError
from buyer.tui.screens.export import ExportScreen
from buyer.tui.screens.live import LiveScreen
from buyer.tui.screens.requirements import RequirementsScreen
from buyer.tui.screens.scorecard import CapabilitiesScreen, CapabilityTestsScreen, ScorecardScreen
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.settings import load_settings, save_theme
from buyer.tui.workbench import Workbench

SCREENS = {
    "requirements": ("Requirements", "Standard, guideline, program, add-ons, extras, evidence policy"),
    "vendors": ("Vendors", "The registry, the shortlist, evidence files"),
    "scorecard": ("Scorecard", "Products × requirements; drill down to capabilities and tests"),
    "live": ("Live check", "Discovery or tempest against a cloud with your own account"),
    "export": ("Export", "PDF, JSON, CSV, Markdown, RFP clauses"),
}


class BuyerApp(App[None]):
    TITLE = "buyer"
    SUB_TITLE = "OpenStack procurement compliance"
    CSS_PATH = "buyer.tcss"
    MODES = {
        "requirements": RequirementsScreen,
        "vendors": VendorsScreen,
        "scorecard": ScorecardScreen,
        "live": LiveScreen,
        "export": ExportScreen,
    }
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
        self.ready_at: float | None = None  # perf_counter when the first screen was ready
        self._load_error = ""
        if profile is not None:  # before the first screen fills its fields from it
            try:
                self.workbench.load(profile)
            except BuyerError as exc:
                self._load_error = str(exc)

    def on_mount(self) -> None:
        theme = self.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.settings.problems.append(f"theme {theme!r} is not one of textual's themes; using the default")
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember_theme(theme.name))
        for problem in self.settings.problems:
            self.notify(problem, severity="warning", title="Settings", timeout=10)
        if self._load_error:
            self.notify(self._load_error, severity="error", title="Profile not loaded")
        self.ready_at = time.perf_counter()

    def keys_for(self, binding_id: str, default: str) -> str:
        """The keys a binding has now (the keymap may have moved it), for labels that name them."""
        return self.settings.keymap.get(binding_id, default)

    def _remember_theme(self, name: str) -> None:
        try:
            save_theme(name)
        except (BuyerError, OSError) as exc:
            self.notify(f"theme not remembered: {exc}", severity="warning", title="Settings")

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, (title, help_text) in SCREENS.items():
            yield SystemCommand(f"Go to {title}", help_text, lambda mode=mode: self.switch_mode(mode))
        yield SystemCommand("Save profile", "Write the profile file (atomically)", self._on_requirements("action_save"))
        yield SystemCommand(
            "Load profile",
            "Read the profile file named on the Requirements screen",
            self._on_requirements("action_load"),
        )
        yield SystemCommand("Evaluate", "Score the shortlist now", self._evaluate)
        yield SystemCommand(
            "Add product to shortlist", "From the registry's selected row", self._on_vendors("action_add_selected")
        )
        yield SystemCommand("Filter registry", "Type to filter the registry table", self._on_vendors("action_filter"))
        yield SystemCommand("Export PDF", "Write the scorecard PDF", lambda: self.switch_mode("export"))
        yield SystemCommand("Show help", "The live key bindings", self.action_toggle_help)

    def _on_requirements(self, action: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            self.switch_mode("requirements")
            self.call_after_refresh(lambda: getattr(self.screen, action)())

        return run

    def _on_vendors(self, action: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            self.switch_mode("vendors")
            self.call_after_refresh(lambda: getattr(self.screen, action)())

        return run

    def _evaluate(self) -> None:
        self.workbench.scorecard = None
        self.switch_mode("scorecard")


def _bindings(owner: type[App[None]] | type[Screen[None]]) -> list[Binding]:
    return [b for b in owner.BINDINGS if isinstance(b, Binding)]


SCREEN_CLASSES = (
    RequirementsScreen,
    VendorsScreen,
    ScorecardScreen,
    LiveScreen,
    ExportScreen,
    CapabilitiesScreen,
    CapabilityTestsScreen,
)


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
