"""Small things a keyboard user meets in dialogs and toasts: ctrl+c says how to quit in plain
words, and after a dialog refuses what was typed, the next keys correct it where it was typed."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from buyer.tui.app import BuyerApp
from buyer.tui.dialogs import EvidenceDialog, ResponsesDialog
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.settings import config_file
from tests.helpers.tui import (
    SIZE,
    SMALL,
    app_for,
    notifications,
    opened,
    profile_copy,
    text_of,
    tui_env_fixture,  # noqa: F401  (the tui_env fixture)
    until,
)

pytestmark = pytest.mark.usefixtures("tui_env")


async def vendors(pilot, app: BuyerApp) -> VendorsScreen:
    await opened(pilot, app)
    await pilot.press("f3")
    await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
    await until(pilot, lambda: app.workbench.loaded_registry is not None)
    return app.screen  # type: ignore[return-value]


@pytest.mark.parametrize("keymap", ["", '[keymap]\nquit = "ctrl+w"\n'], ids=["default", "moved"])
async def test_ctrl_c_says_how_to_quit_without_markup(tui_env, keymap):
    if keymap:
        config_file().parent.mkdir(parents=True, exist_ok=True)
        config_file().write_text(keymap)
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await vendors(pilot, app)
        assert isinstance(app.focused, DataTable)  # not a field, where ctrl+c copies
        await pilot.press("ctrl+c")
        await until(pilot, lambda: any("to quit the app" in n for n in notifications(app)))
        told = next(n for n in notifications(app) if "to quit the app" in n)
        assert told == f"Press {'ctrl+w' if keymap else 'ctrl+q'} to quit the app"
        assert "[" not in told
        assert app.is_running


async def test_after_a_refused_evidence_file_the_next_keys_correct_it(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SMALL) as pilot:
        await vendors(pilot, app)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EvidenceDialog))
        await pilot.press(*"evidence/nope.txt", "enter")
        await until(pilot, lambda: "no such file" in text_of(app, "#dialog-message"))
        box = app.screen.query_one("#evidence-file", Input)
        await until(pilot, lambda: app.focused is box, what="the file field focused again")
        for _ in "nope.txt":
            await pilot.press("backspace")
        await pilot.press(*"../acme.txt")
        assert box.value == "evidence/../acme.txt"  # edited, not replaced, nothing lost
        # what was said of the path before is gone once it changed (it stayed under the new one)
        await until(pilot, lambda: "no such file" not in text_of(app, "#dialog-message"))


async def test_after_a_refused_responses_folder_the_next_keys_correct_it(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SMALL) as pilot:
        await vendors(pilot, app)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ResponsesDialog))
        box = app.screen.query_one("#responses-folder", Input)
        box.value = ""
        await pilot.press(*"nowhere", "enter")
        await until(pilot, lambda: "Nothing was loaded" in text_of(app, "#dialog-message"))
        await until(pilot, lambda: app.focused is box, what="the folder field focused again")
        await pilot.press(*"Z")
        assert box.value == "nowhereZ"
