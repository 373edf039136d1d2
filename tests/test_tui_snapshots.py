"""Snapshots of the main screens at 120×40 (pytest-textual-snapshot). Update deliberately with
`pytest tests/test_tui_snapshots.py --snapshot-update` and review the SVGs in the diff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable

from buyer.tui.app import BuyerApp
from buyer.tui.workbench import Workbench
from tests.conftest import FIXTURES

SIZE = (120, 40)
HERE = FIXTURES / "tui"


@pytest.fixture
def app(monkeypatch, tmp_path) -> BuyerApp:
    monkeypatch.chdir(HERE)  # the profile shows as "profile.toml", whatever the checkout's path
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BUYER_REGISTRY_FILE", str(HERE / "registry.toml"))
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(HERE / "clouds.yaml"))
    bench = Workbench(source=str(FIXTURES / "interop"), as_of=dt.date(2030, 1, 15))
    return BuyerApp(bench, profile=Path("profile.toml"))


async def settle(pilot, condition=lambda: True) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if condition():
            break
    await pilot.pause(0.2)


def test_requirements_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_vendors_screen(app, snap_compare):
    async def run_before(pilot) -> None:
        await pilot.press("f3")
        await settle(pilot, lambda: app.screen.query_one("#registry", DataTable).row_count == 2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_scorecard_screen(app, snap_compare):
    async def run_before(pilot) -> None:
        await pilot.press("f4")
        await settle(
            pilot, lambda: app.screen.query("#matrix") and app.screen.query_one("#matrix", DataTable).row_count == 3
        )

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_capabilities_drill_down(app, snap_compare):
    async def run_before(pilot) -> None:
        await pilot.press("f4")
        await settle(
            pilot, lambda: app.screen.query("#matrix") and app.screen.query_one("#matrix", DataTable).row_count == 3
        )
        await pilot.press("down", "right", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_live_and_export_screens(app, snap_compare):
    async def run_before(pilot) -> None:
        await pilot.press("f5")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
