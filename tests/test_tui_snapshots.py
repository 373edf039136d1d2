"""Snapshots of every screen and dialog at 80×24 and 120×40 (pytest-textual-snapshot). Update
deliberately with `pytest tests/test_tui_snapshots.py --snapshot-update`, then look at every SVG
that changed before committing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select

from buyer.tui.app import BuyerApp
from buyer.tui.dialogs import EvidenceDialog, UnsavedChanges
from buyer.tui.screens.scorecard import CapabilitiesScreen, CapabilityTestsScreen
from buyer.tui.workbench import Workbench
from tests.helpers.tui import AS_OF, FIXTURES, SIZE, SMALL, TUI, catalogue_ready, until

SIZES = pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])


@pytest.fixture
def app(monkeypatch, tmp_path) -> BuyerApp:
    monkeypatch.chdir(TUI)  # the profile shows as "profile.toml", whatever the checkout's path
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BUYER_REGISTRY_FILE", str(TUI / "registry.toml"))
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", "clouds.yaml")  # the log names it as given
    bench = Workbench(source=str(FIXTURES / "interop"), as_of=AS_OF)
    return BuyerApp(bench, profile=Path("profile.toml"))


async def settled(pilot, app: BuyerApp) -> None:
    """Nothing left to arrive: no worker running, no toast on screen."""
    await until(pilot, lambda: not any(w.is_running for w in app.workers))
    app.clear_notifications()
    # A blinking cursor is drawn or not by the clock: hold it steady, shown where focus is.
    for field in app.screen.query("Input, TextArea"):
        field.cursor_blink = False
        field._cursor_visible = field.has_focus
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


async def scorecard(pilot, app: BuyerApp) -> None:
    await pilot.press("f4")
    await until(
        pilot, lambda: app.screen.query("#matrix") and app.screen.query_one("#matrix", DataTable).row_count == 3
    )


@SIZES
def test_requirements_screen(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await until(pilot, lambda: catalogue_ready(app))
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_vendors_screen(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await pilot.press("f3")
        await until(pilot, lambda: app.screen.query("#registry") and app.screen.query_one("#registry").row_count == 2)
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_evidence_dialog(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await pilot.press("f3")
        await until(pilot, lambda: app.screen.query("#registry") and app.screen.query_one("#registry").row_count == 2)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EvidenceDialog))
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_scorecard_screen(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await scorecard(pilot, app)
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_capabilities_drill_down(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await scorecard(pilot, app)
        await pilot.press("down", "enter")  # Borealis, its program
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_tests_drill_down(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await scorecard(pilot, app)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
        await pilot.press("enter")  # its failing capability, first in the list
        await until(pilot, lambda: isinstance(app.screen, CapabilityTestsScreen))
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_live_screen(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await pilot.press("f5")
        await until(
            pilot,
            lambda: app.screen.query("#cloud") and app.screen.query_one("#cloud", Select).prompt == "choose a cloud",
        )
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_export_screen(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#output"))
        app.screen.query_one("#output", Input).value = "reports/profile-2030-01-15.pdf"  # not today's date
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_unsaved_changes_dialog(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await until(pilot, lambda: catalogue_ready(app))
        app.screen.query_one("#rfp-reference", Input).value = "SNAP-2"
        await until(pilot, lambda: app.workbench.modified)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, UnsavedChanges))
        await settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
