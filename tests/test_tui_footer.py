"""The footer at 80×24 and 120×40: F1 (which lists every key the footer leaves out) is the last
key it drops, on every screen and drill-down; ctrl+s shows wherever it fits."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from buyer.tui import keys
from buyer.tui.app import BuyerApp
from buyer.tui.screens.scorecard import CapabilitiesScreen, CapabilityTestsScreen
from tests.helpers.tui import (
    SIZE,
    SMALL,
    app_for,
    catalogue_ready,
    opened,
    profile_copy,
    tui_env_fixture,  # noqa: F401  (the tui_env fixture)
    until,
)

pytestmark = pytest.mark.usefixtures("tui_env")
SIZES = pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])
F_KEYS = {name: f"f{n}" for n, name in enumerate(keys.MODES, start=2)}


def footer_keys(app: BuyerApp) -> list[str]:
    return [k.key for k in app.screen.query(FooterKey) if "-command-palette" not in k.classes]


async def shown(pilot, app: BuyerApp) -> list[str]:
    await until(pilot, lambda: footer_keys(app), what="the footer's keys")
    await pilot.pause(0.1)
    return footer_keys(app)


@SIZES
async def test_f1_is_in_the_footer_of_every_screen(tui_env, size):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await opened(pilot, app)
        for mode, key in F_KEYS.items():
            await pilot.press(key)
            await until(pilot, lambda mode=mode: app.current_mode == mode)
            on_screen = await shown(pilot, app)
            assert "f1" in on_screen, (mode, on_screen)
            assert on_screen[-1] == "f1", (mode, on_screen)  # shown last, where a reader ends
            if mode == "vendors" and size == SIZE:
                assert "ctrl+s" in on_screen  # saving is a key of every screen, shown where it fits
        await pilot.press("f4")
        await until(pilot, lambda: app.screen.query("#matrix") and app.screen.query_one("#matrix", DataTable).row_count)
        await pilot.press("right", "enter")
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
        assert (await shown(pilot, app))[-1] == "f1"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CapabilityTestsScreen))
        assert (await shown(pilot, app))[-1] == "f1"
