"""The profile file on disk is someone else's too: a save never replaces a colleague's edit (or
another file) unasked, and a report never quotes as the file's a profile the file no longer holds.
Driven with textual's Pilot, the edits on disk made as another program would make them."""

from __future__ import annotations

import hashlib
import json
import os
import tomllib

import pytest
from textual.widgets import Input, Select

from buyer.tui.app import BuyerApp
from buyer.tui.dialogs import FileChanged, UnsavedChanges
from buyer.tui.screens.requirements import RequirementsScreen
from buyer.tui.screens.vendors import VendorsScreen
from tests.helpers.tui import (
    SIZE,
    SOURCE,
    TUI,
    app_for,
    catalogue_ready,
    focus,
    header,
    notifications,
    profile_copy,
    text_of,
    tui_env_fixture,  # noqa: F401  (the tui_env fixture)
    until,
)

pytestmark = pytest.mark.usefixtures("tui_env")


def colleague_edits(path, old: str, new: str, *, keep_time: bool = False) -> None:
    """Another program rewrites the file (``keep_time``: in the same second, its size and time as
    they were, which a check by time or size alone would miss)."""
    before = os.stat(path)
    text = path.read_text()
    assert old in text and (len(old) == len(new) or not keep_time)
    path.write_text(text.replace(old, new))
    if keep_time:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


async def edit_name(pilot, app: BuyerApp, text: str) -> None:
    await focus(pilot, app, "#name")
    await pilot.press("end", *text)
    await until(pilot, lambda: app.workbench.modified)


async def asked(pilot, app: BuyerApp) -> FileChanged:
    await until(pilot, lambda: isinstance(app.screen, FileChanged), what="the file-changed dialog")
    dialog = app.screen
    assert isinstance(dialog, FileChanged)
    assert app.focused is dialog.query_one("#cancel")  # replacing someone's work takes a deliberate choice
    return dialog


async def test_save_does_not_overwrite_a_colleagues_edit_and_cancel_keeps_both(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        colleague_edits(path, 'buyer = "Test Authority"', 'buyer = "Colleague changed this"')
        await edit_name(pilot, app, " v2")
        await pilot.press("ctrl+s")
        await asked(pilot, app)
        assert {b.id for b in app.screen.query("Button")} == {"overwrite", "reload", "cancel"}
        await pilot.press("enter")  # Cancel
        await until(pilot, lambda: isinstance(app.screen, RequirementsScreen))
        assert 'buyer = "Colleague changed this"' in path.read_text()  # nothing written
        assert app.workbench.profile.name == "Snapshot RFP v2" and "unsaved" in header(app)  # nor lost here


async def test_reload_from_disk_takes_the_colleagues_version(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await edit_name(pilot, app, " v2")
        colleague_edits(path, 'buyer = "Test Authority"', 'buyer = "Colleague changed this"')
        on_disk = path.read_bytes()
        await pilot.press("ctrl+s")
        await asked(pilot, app)
        await pilot.click("#reload")
        await until(pilot, lambda: app.workbench.profile.buyer == "Colleague changed this")
        assert app.screen.query_one("#buyer", Input).value == "Colleague changed this"
        assert app.screen.query_one("#name", Input).value == "Snapshot RFP"
        assert "reloaded" in text_of(app, "#message") and "unsaved" not in header(app)
        assert app.workbench.file_sha256 == hashlib.sha256(on_disk).hexdigest()
    assert path.read_bytes() == on_disk


async def test_a_clean_profile_asks_too_and_overwrite_writes_it(tui_env):
    # No edit here at all: the save would still put the old copy back over the colleague's.
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        assert not app.workbench.modified
        colleague_edits(path, 'rfp_reference = "SNAP-1"', 'rfp_reference = "SNAP-9"', keep_time=True)
        await pilot.press("ctrl+s")
        await asked(pilot, app)
        await pilot.click("#overwrite")
        await until(pilot, lambda: 'rfp_reference = "SNAP-1"' in path.read_text())
        await until(pilot, lambda: "saved" in text_of(app, "#message"))
        assert app.workbench.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


async def test_overwrite_replaces_only_the_version_shown_and_asks_again_after_another_edit(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await edit_name(pilot, app, " v2")
        colleague_edits(path, 'rfp_reference = "SNAP-1"', 'rfp_reference = "SNAP-2"')
        await pilot.press("ctrl+s")
        await asked(pilot, app)
        colleague_edits(path, 'rfp_reference = "SNAP-2"', 'rfp_reference = "SNAP-3"')  # while the dialog is up
        await pilot.click("#overwrite")
        await until(pilot, lambda: isinstance(app.screen, FileChanged) and app.focused.id == "cancel")
        await pilot.pause(0.2)
        assert 'rfp_reference = "SNAP-3"' in path.read_text()
        await pilot.click("#overwrite")
        await until(pilot, lambda: "Snapshot RFP v2" in path.read_text())
        assert not app.workbench.modified


async def test_a_file_that_disappeared_is_just_written(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await edit_name(pilot, app, " v2")
        path.unlink()
        await pilot.press("ctrl+s")
        await until(pilot, path.exists)
        assert not isinstance(app.screen, FileChanged)
    assert tomllib.loads(path.read_text())["name"] == "Snapshot RFP v2"


async def test_save_as_over_another_existing_file_asks_first(tui_env):
    path = profile_copy(tui_env)
    other = tui_env / "other.toml"
    other.write_text('name = "Someone else\'s"\n')
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        app.screen.query_one("#path", Input).value = str(other)
        await focus(pilot, app, "#path")
        await pilot.press("ctrl+s")
        dialog = await asked(pilot, app)
        assert {b.id for b in dialog.query("Button")} == {"overwrite", "cancel"}  # no reload of a stranger
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RequirementsScreen))
    assert other.read_text() == 'name = "Someone else\'s"\n'


async def test_quit_and_save_with_a_changed_file_asks_and_cancel_keeps_the_app(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await edit_name(pilot, app, " v2")
        colleague_edits(path, 'rfp_reference = "SNAP-1"', 'rfp_reference = "SNAP-2"')
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, UnsavedChanges))
        await pilot.press("enter")  # Save
        await asked(pilot, app)
        await pilot.press("enter")  # Cancel
        await until(pilot, lambda: isinstance(app.screen, RequirementsScreen))
        assert app.is_running and app.workbench.modified
    assert 'rfp_reference = "SNAP-2"' in path.read_text()


async def test_ctrl_s_saves_from_the_vendors_screen_and_asks_there_too(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        app.workbench.add_product("Newco")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.workbench.modified)
        assert any("saved" in n for n in notifications(app))
        assert "Newco" in path.read_text()
        app.workbench.add_product("Other")
        colleague_edits(path, 'rfp_reference = "SNAP-1"', 'rfp_reference = "SNAP-2"')
        await pilot.press("ctrl+s")
        await asked(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
    assert "Other" not in path.read_text()


async def export_json(pilot, app: BuyerApp, report) -> None:
    await pilot.press("f6")
    await until(pilot, lambda: app.screen.query("#format"))
    app.screen.query_one("#format", Select).value = "json"
    app.screen.query_one("#output", Input).value = str(report)
    await pilot.press("ctrl+e")


async def test_export_notices_the_file_changed_and_reload_quotes_the_files_version(tui_env):
    path = profile_copy(tui_env)
    report = tui_env / "scorecard.json"
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await pilot.press("f4")  # a scorecard of the old copy, kept for the export
        await until(pilot, lambda: app.workbench.current_scorecard is not None, 60)
        colleague_edits(path, 'name = "Snapshot RFP"', 'name = "Snapshot RFX"', keep_time=True)
        await export_json(pilot, app, report)
        dialog = await asked(pilot, app)
        assert "SHA-256" in str(dialog.query_one(".dialog-text").render())
        await pilot.press("enter")  # Cancel: nothing written
        await pilot.pause(0.3)
        assert not report.exists()
        await pilot.press("ctrl+e")
        await asked(pilot, app)
        await pilot.click("#reload")
        await until(pilot, report.exists, 60)
    quoted = json.loads(report.read_text())["profile"]
    assert quoted["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert quoted["name"] == "Snapshot RFX"


async def test_export_overwrite_saves_this_profile_and_the_report_quotes_that_file(tui_env):
    path = profile_copy(tui_env)
    report = tui_env / "scorecard.json"
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        colleague_edits(path, 'rfp_reference = "SNAP-1"', 'rfp_reference = "SNAP-7"')
        await export_json(pilot, app, report)
        await asked(pilot, app)
        await pilot.click("#overwrite")
        await until(pilot, report.exists, 60)
    assert "SNAP-7" not in path.read_text()
    quoted = json.loads(report.read_text())["profile"]
    assert quoted["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


async def test_export_of_a_profile_whose_file_is_gone_asks_to_save_it_again(tui_env):
    path = profile_copy(tui_env)
    report = tui_env / "scorecard.json"
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        path.unlink()
        await export_json(pilot, app, report)
        dialog = await asked(pilot, app)
        assert {b.id for b in dialog.query("Button")} == {"overwrite", "cancel"}
        await pilot.click("#overwrite")  # "Save again"
        await until(pilot, report.exists, 60)
    quoted = json.loads(report.read_text())["profile"]
    assert quoted["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_export_under_way_writes_nothing_when_the_file_changes_meanwhile(tui_env):
    # The race the dialog cannot close: the file changes after the export was asked for, while the
    # report is rendered in its worker. The worker looks at the file's bytes just before the write.
    from buyer.errors import InputError
    from buyer.tui.screens.export import export
    from buyer.tui.workbench import Workbench
    from tests.helpers.tui import AS_OF, SOURCE

    path = profile_copy(tui_env)
    bench = Workbench(source=SOURCE, as_of=AS_OF)
    bench.load(path)
    evaluation = bench.evaluation()
    assert evaluation.sha256 == bench.file_sha256  # quoted as the file's
    colleague_edits(path, 'rfp_reference = "SNAP-1"', 'rfp_reference = "SNAP-2"', keep_time=True)
    report = tui_env / "scorecard.json"
    with pytest.raises(InputError, match="changed on disk while the report was made"):
        export(bench, "json", report, "", evaluation, None, profile_file=path)
    assert not report.exists()
    path.write_bytes((TUI / "profile.toml").read_bytes())  # as it was: the export goes through
    export(bench, "json", report, "", evaluation, None, profile_file=path)
    assert json.loads(report.read_text())["profile"]["sha256"] == bench.file_sha256


def test_save_as_in_another_folder_keeps_evidence_paths_relative(tui_env):
    """A profile saved into a sibling folder names its evidence with '..' (the two are sent and
    moved together), never with this machine's folders; evidence attached from outside the
    profile's folder is named the same way. Only a path that shares nothing but the root stays
    absolute. The copy reads the same evidence."""
    from buyer.actions import load_profile
    from buyer.tui.workbench import Workbench

    rfp = tui_env / "rfp"
    rfp.mkdir()
    original = profile_copy(rfp)
    bench = Workbench(source=SOURCE)
    bench.take(Workbench.read(original))
    copies = tui_env / "rfp-copies" / "2031"
    copies.mkdir(parents=True)
    saved = bench.save(copies / "profile.toml")
    files = [e["file"] for p in tomllib.loads(saved.read_text())["shortlist"] for e in p.get("evidence", [])]
    assert files == ["../../rfp/acme.txt", "../../rfp/borealis.txt"]
    for f in files:
        assert (copies / f).is_file()
    assert str(tui_env) not in saved.read_text()
    assert load_profile(saved).profile.shortlist[0].evidence[0].file == "../../rfp/acme.txt"

    outside = tui_env / "vendor-mail" / "acme-run.txt"
    outside.parent.mkdir()
    outside.write_bytes((rfp / "acme.txt").read_bytes())
    assert bench.evidence_ref(str(outside), "self-reported").file == "../../vendor-mail/acme-run.txt"
    assert bench.evidence_ref("/proc/version", "self-reported").file == "/proc/version"  # shares only '/'
