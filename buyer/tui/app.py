"""The buyer workbench: five screens as modes, F2–F6 to switch, F1 help, ctrl+p every action."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from buyer.model.errors import BuyerError
from buyer.tui.screens.export import ExportScreen
from buyer.tui.screens.live import LiveScreen
from buyer.tui.screens.requirements import RequirementsScreen
from buyer.tui.screens.scorecard import ScorecardScreen
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.settings import load_theme, save_theme
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
        Binding("f1", "toggle_help", "Help"),
        Binding("f2", "switch_mode('requirements')", "Requirements"),
        Binding("f3", "switch_mode('vendors')", "Vendors"),
        Binding("f4", "switch_mode('scorecard')", "Scorecard"),
        Binding("f5", "switch_mode('live')", "Live"),
        Binding("f6", "switch_mode('export')", "Export"),
        Binding("ctrl+e", "switch_mode('export')", "Export", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, workbench: Workbench | None = None, profile: Path | None = None) -> None:
        super().__init__()
        self.workbench = workbench or Workbench()
        self.ready_at: float | None = None  # perf_counter when the first screen was ready
        self._load_error = ""
        if profile is not None:  # before the first screen fills its fields from it
            try:
                self.workbench.load(profile)
            except BuyerError as exc:
                self._load_error = str(exc)

    def on_mount(self) -> None:
        theme = load_theme()
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda theme: save_theme(theme.name))
        if self._load_error:
            self.notify(self._load_error, severity="error", title="Profile not loaded")
        self.ready_at = time.perf_counter()

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


def run(profile: Path | None = None, source: str | None = None) -> None:
    BuyerApp(Workbench(source=source), profile=profile).run()
