"""tui.toml: the remembered theme and the keymap that moves bindings; a broken file is reported, kept."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from textual.widgets import Button

from buyer.tui.app import binding_ids
from buyer.tui.screens.scorecard import ScorecardScreen
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.settings import config_file
from tests.helpers.tui import SIZE, app_for, notifications, until


def write_settings(tmp_path, monkeypatch, text: str):
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def warnings(app) -> list[str]:
    return notifications(app, "warning")


async def test_the_keymap_moves_bindings_and_the_labels_follow(tmp_path, monkeypatch):
    write_settings(
        tmp_path,
        monkeypatch,
        '[keymap]\n"go.scorecard" = "f9, ctrl+4"\n"requirements.save" = "ctrl+w"\n',
    )

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.query("#save"))
        assert str(app.screen.query_one("#save", Button).label) == "Save (ctrl+w)"
        await pilot.press("f4")  # moved away: nothing happens
        await pilot.pause()
        assert not isinstance(app.screen, ScorecardScreen)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.press("f3")  # untouched bindings keep their keys
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        await pilot.press("ctrl+4")
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        # the footer and the help panel read the live bindings
        shown = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.id == "go.scorecard"}
        assert shown == {"f9", "ctrl+4"}
        assert not warnings(app)


async def test_a_broken_settings_file_is_reported_and_never_rewritten(tmp_path, monkeypatch):
    text = 'theme = "nord"\n[keymap]\n"go.scorecard" = f9\n'  # unquoted value
    path = write_settings(tmp_path, monkeypatch, text)

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: warnings(app))
        (message,) = warnings(app)
        # FILE:LINE:COL, as a broken profile is told
        assert message.startswith(f"{path}:3:") and "not valid TOML" in message and "using the defaults" in message
        await pilot.press("f4")  # the defaults work
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        app.theme = "dracula"  # not remembered over the user's broken file
        await until(pilot, lambda: any("theme not remembered" in m for m in warnings(app)))

    assert path.read_text() == text


async def test_unknown_bindings_and_bad_values_are_named(tmp_path, monkeypatch):
    write_settings(
        tmp_path,
        monkeypatch,
        'theme = "no-such-theme"\n[keymap]\n"go.nowhere" = "f9"\n"quit" = 3\n"help" = "f12"\n',
    )

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(warnings(app)) == 3)
        told = "\n".join(warnings(app))
        path = config_file()
        # each with its line and column, in the words a profile's problems get
        assert f"{path}:3:1: unknown key 'go.nowhere' in [keymap]" in told
        assert f'{path}:4:1: keymap.quit: keys as text, such as "f4" or "ctrl+4,f4"' in told
        assert "theme 'no-such-theme' is not one of textual's themes" in told
        await pilot.press("f12")  # the good entry still applies
        await until(pilot, lambda: app.screen.query("HelpPanel"))


async def test_remembering_the_theme_keeps_the_keymap(tmp_path, monkeypatch):
    path = write_settings(tmp_path, monkeypatch, '[keymap]\n"go.live" = "f8"\n')

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "dracula"
        await until(pilot, lambda: "dracula" in path.read_text())

    assert tomllib.loads(path.read_text()) == {"theme": "dracula", "keymap": {"go.live": "f8"}}


async def test_a_clash_is_said_once(tmp_path, monkeypatch):
    write_settings(tmp_path, monkeypatch, '[keymap]\n"go.live" = "f3"\n')  # F3 is Vendors already

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await pilot.press("f3")
            await pilot.pause()
        await until(pilot, lambda: any(m.startswith("keymap: f3") for m in warnings(app)))
        clashes = [m for m in warnings(app) if m.startswith("keymap: f3 is bound to")]
        assert clashes == ["keymap: f3 is bound to go.live, go.vendors"]


def test_the_readme_lists_every_binding_id():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("Ids: ") : readme.index("An unknown id")]
    assert set(re.findall(r"`([^`]+)`", section)) == binding_ids()
