"""tui.toml: the remembered theme and the keymap that moves bindings; a broken file is reported, kept."""

from __future__ import annotations

import asyncio
import re
import tomllib
from pathlib import Path

from textual.widgets import Button

from buyer.tui.app import BuyerApp, binding_ids
from buyer.tui.screens.scorecard import ScorecardScreen
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.settings import config_file
from tests.test_tui import SIZE, app_for


def write_settings(tmp_path, monkeypatch, text: str):
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def warnings(app: BuyerApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


def test_the_keymap_moves_bindings_and_the_labels_follow(tmp_path, monkeypatch):
    write_settings(
        tmp_path,
        monkeypatch,
        '[keymap]\n"go.scorecard" = "f9, ctrl+4"\n"requirements.save" = "ctrl+w"\n',
    )

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert str(app.screen.query_one("#save", Button).label) == "Save (ctrl+w)"
            await pilot.press("f4")  # moved away: nothing happens
            await pilot.pause()
            assert not isinstance(app.screen, ScorecardScreen)
            await pilot.press("f9")
            await pilot.pause()
            assert isinstance(app.screen, ScorecardScreen)
            await pilot.press("f3")  # untouched bindings keep their keys
            await pilot.pause()
            assert isinstance(app.screen, VendorsScreen)
            await pilot.press("ctrl+4")
            await pilot.pause()
            assert isinstance(app.screen, ScorecardScreen)
            # the footer and the help panel read the live bindings
            shown = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.id == "go.scorecard"}
            assert shown == {"f9", "ctrl+4"}
            assert not warnings(app)

    asyncio.run(run())


def test_a_broken_settings_file_is_reported_and_never_rewritten(tmp_path, monkeypatch):
    text = 'theme = "nord"\n[keymap]\n"go.scorecard" = f9\n'  # unquoted value
    path = write_settings(tmp_path, monkeypatch, text)

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            (message,) = warnings(app)
            assert str(path) in message and "line 3" in message and "using the defaults" in message
            await pilot.press("f4")  # the defaults work
            await pilot.pause()
            assert isinstance(app.screen, ScorecardScreen)
            app.theme = "dracula"  # not remembered over the user's broken file
            await pilot.pause()
            assert any("theme not remembered" in m for m in warnings(app))

    asyncio.run(run())
    assert path.read_text() == text


def test_unknown_bindings_and_bad_values_are_named(tmp_path, monkeypatch):
    write_settings(
        tmp_path,
        monkeypatch,
        'theme = "no-such-theme"\n[keymap]\n"go.nowhere" = "f9"\n"quit" = 3\n"help" = "f12"\n',
    )

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            told = "\n".join(warnings(app))
            assert "keymap.go.nowhere: no such binding" in told
            assert "keymap.quit: keys as text" in told
            assert "theme 'no-such-theme' is not one of textual's themes" in told
            await pilot.press("f12")  # the good entry still applies
            await pilot.pause()
            assert app.screen.query("HelpPanel")

    asyncio.run(run())


def test_remembering_the_theme_keeps_the_keymap(tmp_path, monkeypatch):
    path = write_settings(tmp_path, monkeypatch, '[keymap]\n"go.live" = "f8"\n')

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            app.theme = "dracula"
            await pilot.pause()

    asyncio.run(run())
    assert tomllib.loads(path.read_text()) == {"theme": "dracula", "keymap": {"go.live": "f8"}}


def test_a_clash_is_said_once(tmp_path, monkeypatch):
    write_settings(tmp_path, monkeypatch, '[keymap]\n"go.live" = "f3"\n')  # F3 is Vendors already

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(3):
                await pilot.press("f3")
                await pilot.pause()
            clashes = [m for m in warnings(app) if m.startswith("keymap: f3 is bound to")]
            assert clashes == ["keymap: f3 is bound to go.live, go.vendors"]

    asyncio.run(run())


def test_the_readme_lists_every_binding_id():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("Ids: ") : readme.index("An unknown id")]
    assert set(re.findall(r"`([^`]+)`", section)) == binding_ids()
