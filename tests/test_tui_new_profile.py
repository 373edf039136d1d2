"""A new profile from the first key: its name is a placeholder (what is typed is the name), text
typed while the profile is still being read is kept, and ctrl+s works from any screen (a new
profile is asked its file first). Driven with textual's Pilot."""

from __future__ import annotations

import time
import tomllib

import pytest
from textual import events
from textual.widgets import Input

from buyer.tui import app as app_module
from buyer.tui.screens.requirements import RequirementsScreen
from buyer.tui.screens.vendors import VendorsScreen
from tests.helpers.tui import (
    SIZE,
    app_for,
    catalogue_ready,
    focus,
    opened,
    profile_copy,
    text_of,
    tui_env_fixture,  # noqa: F401  (the tui_env fixture)
    until,
)

pytestmark = pytest.mark.usefixtures("tui_env")


def _slowed(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    read = app_module._open

    def _open(path):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return read(path)

    monkeypatch.setattr(app_module, "_open", _open)


@pytest.fixture
def slow_open(monkeypatch):
    """The profile read at start takes half a second (a slow disk): time to type before it is there."""
    _slowed(monkeypatch, 0.5)


@pytest.fixture
def slower_open(monkeypatch):
    """Five seconds: time for keys and a click (each waits for the screen) before it is there."""
    _slowed(monkeypatch, 5.0)


async def test_a_new_profiles_name_is_a_placeholder_and_what_is_typed_is_the_name(tui_env):
    target = tui_env / "fresh.toml"
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        name = app.screen.query_one("#name", Input)
        assert (name.value, name.placeholder) == ("", "New requirements")
        assert app.focused is name
        await pilot.press(*"Fresh")
        await until(pilot, lambda: app.workbench.profile.name == "Fresh")
        for _ in "Fresh":
            await pilot.press("backspace")
        await until(pilot, lambda: app.workbench.profile.name == "New requirements")  # emptied: the default
        assert not app.workbench.modified
        await pilot.press(*"Fresh")
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until(pilot, target.exists)
    assert tomllib.loads(target.read_text())["name"] == "Fresh"


async def test_text_typed_while_a_new_profile_is_read_is_kept(tui_env, slow_open):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        assert app.opening
        await pilot.press(*"Fresh")
        await opened(pilot, app)
        await until(pilot, lambda: app.workbench.profile.name == "Fresh")
        name = app.screen.query_one("#name", Input)
        assert name.value == "Fresh" and app.focused is name
        await until(pilot, lambda: catalogue_ready(app))
        assert app.workbench.interop.guideline == "2030.01"  # still starts at the newest guideline
        assert name.value == "Fresh"
        await pilot.press(*" RFP")  # and typing goes on where it left off
        await until(pilot, lambda: app.workbench.profile.name == "Fresh RFP")


async def test_text_typed_while_a_profile_file_is_read_goes_after_its_name(tui_env, slow_open):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        assert app.opening
        await pilot.press(*" v2")
        await opened(pilot, app)
        await until(pilot, lambda: app.workbench.profile.name == "Snapshot RFP v2")
        assert app.workbench.modified


async def test_no_field_takes_focus_or_a_key_while_the_profile_is_read(tui_env, slower_open):
    """The form is covered while the profile is read: Tab and a click reach none of its fields
    (its first filling would overwrite what they took), and nothing typed lands in a field."""
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        assert app.opening
        form = app.screen.query_one("#form")
        await pilot.press("tab", "tab", "tab")
        await pilot.click("#name")
        await pilot.press("tab", "down", "enter")
        assert app.opening  # all of it while the profile was still being read
        assert app.focused is None or form not in app.focused.ancestors_with_self
        await opened(pilot, app)
        await until(pilot, lambda: catalogue_ready(app))
        assert app.workbench.profile.name == "Snapshot RFP"
        assert not app.workbench.modified


async def test_text_typed_after_a_waiting_screen_key_is_not_put_in_the_name(tui_env, slow_open):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        assert app.opening
        await pilot.press("f3", *"xyz")  # meant for the Vendors screen, not the profile's name
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        await pilot.pause(0.3)
        assert app.workbench.profile.name == "New requirements"
        assert not app.workbench.modified


async def test_keys_for_another_screen_never_reach_the_name_of_a_profile_being_read(tui_env, slower_open):
    """F3 at once, then letters meant for the Vendors screen (its n, a, c keys): none of them is
    the cover title's (a newcomer found "abc" at the end of the profile's name)."""
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        assert app.opening
        # In one burst, as a terminal delivers keys typed fast: each reaches the screen before
        # F3's binding has run (Pilot's press waits for each key's action; a terminal does not).
        for key, character in (("f3", None), *((c, c) for c in "abc")):
            app.post_message(events.Key(key, character))
        await pilot.pause(0.2)
        assert app.opening
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        await opened(pilot, app)
        await until(pilot, lambda: catalogue_ready(app))
        await pilot.pause(0.3)
        assert app.workbench.profile.name == "Snapshot RFP"
        assert not app.workbench.modified


async def test_ctrl_s_on_another_screen_asks_a_new_profile_for_its_file(tui_env):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await focus(pilot, app, "#name")
        await pilot.press(*"Fresh")
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RequirementsScreen))
        await until(pilot, lambda: "path first" in text_of(app, "#message"))
        assert app.focused is app.screen.query_one("#path")
        await pilot.press(*"fresh.toml", "ctrl+s")
        await until(pilot, (tui_env / "fresh.toml").exists)
    assert tomllib.loads((tui_env / "fresh.toml").read_text())["name"] == "Fresh"
