"""A profile file given that cannot be read stays named on the form with why, to be fixed and
loaded again, and is never replaced by accident; a warning about what the profile names goes as
soon as an edit fixes it. Driven with textual's Pilot."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from buyer.tui.dialogs import FileChanged, UnsavedChanges
from buyer.tui.screens.requirements import RequirementsScreen
from tests.helpers.tui import (
    SIZE,
    SMALL,
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


def shown(app, selector: str) -> bool:
    return bool(app.screen.query_one(selector).display)


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])
async def test_a_broken_profile_stays_named_with_its_error_and_loads_once_fixed(tui_env, size):
    path = profile_copy(tui_env)
    good = path.read_text()
    broken = good.replace('program = "platform"', 'program = "platform')
    path.write_text(broken)
    app = app_for(profile=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, app)
        await until(pilot, lambda: shown(app, "#not-loaded"), what="the error on the form")
        app.clear_notifications()  # the toast goes; the form keeps saying it
        await pilot.pause()
        assert f"{path}:7:20:" in text_of(app, "#not-loaded") and "not valid TOML" in text_of(app, "#not-loaded")
        assert "not valid TOML" in text_of(app, "#message")
        box = app.screen.query_one("#not-loaded")
        form = app.screen.query_one("#form")
        await pilot.pause(0.5)
        await until(pilot, lambda: form.region.contains_region(box.region), what="in view, at the top")
        assert app.screen.query_one("#path", Input).value == str(path)
        assert app.workbench.path is None  # a new profile: nothing of the file was taken
        # an edit and ctrl+s: the broken file is another file to this profile, so it is asked
        await focus(pilot, app, "#name")
        await pilot.press("end", *" x")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FileChanged))
        assert app.focused is app.screen.query_one("#cancel")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RequirementsScreen))
        assert path.read_text() == broken
        # fixed in an editor, then Load (the edit made here discarded): the form takes it
        path.write_text(good)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, UnsavedChanges))
        app.screen.query_one("#discard").focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.workbench.path == path and app.workbench.profile.name == "Snapshot RFP")
        await pilot.pause()
        assert not shown(app, "#not-loaded")


async def test_a_fixed_unknown_guideline_warning_goes_when_the_guideline_is_changed(tui_env):
    path = tui_env / "odd.toml"
    path.write_text('name = "Odd"\n[interop]\nguideline = "2099.01"\nadd_ons = ["dns"]\n')
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app) and app.profile_problems)
        await until(pilot, lambda: "unknown guideline version '2099.01'" in text_of(app, "#problems"))
        app.screen.query_one("#guideline", Select).value = "2030.01"
        await until(pilot, lambda: app.workbench.interop.guideline == "2030.01")
        await until(pilot, lambda: not shown(app, "#problems"), what="the warning gone")
        assert app.profile_problems == []
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.workbench.modified)
        await pilot.pause(0.3)
        assert not shown(app, "#problems")
