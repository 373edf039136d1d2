"""The terminal UI driven with textual's Pilot, one test per flow a buyer goes through."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import tomllib

import pytest
from textual.widgets import DataTable, Input, SelectionList, Static

from buyer.tui.app import BuyerApp
from buyer.tui.screens.scorecard import CapabilitiesScreen, CapabilityTestsScreen, ScorecardScreen
from buyer.tui.workbench import Workbench
from tests.conftest import FIXTURES
from tests.test_scoring import ALL_NON_FLAGGED, C1

SOURCE = str(FIXTURES / "interop")
SIZE = (120, 40)


@pytest.fixture(autouse=True)
def tui_config(tmp_path, monkeypatch):
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))


def app_for(as_of: dt.date | None = None, **kwargs) -> BuyerApp:
    return BuyerApp(Workbench(source=SOURCE, as_of=as_of), **kwargs)


async def focus(pilot, app, selector: str) -> None:
    """Move focus as a keyboard user would (the form scrolls to it)."""
    app.screen.query_one(selector).focus()
    await pilot.pause()


async def until(pilot, condition, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the UI did not get there in time")
        await pilot.pause(0.05)


def test_build_a_profile_from_nothing_and_save_it(tmp_path):
    target = tmp_path / "rfp.toml"

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            name = app.screen.query_one("#name", Input)
            name.value = ""
            await focus(pilot, app, "#name")
            await pilot.press(*"Cloud RFP 2030")
            await focus(pilot, app, "#program")
            await pilot.press("enter", "down", "enter")  # open, platform -> compute, choose
            await pilot.pause()
            add_ons = app.screen.query_one("#add-ons", SelectionList)
            add_ons.focus()
            await pilot.press("space")  # DNS
            await focus(pilot, app, "#cap-filter")
            await pilot.press(*"tags")
            extras = app.screen.query_one("#extras", SelectionList)
            extras.focus()
            await pilot.press("space")
            age = app.screen.query_one("#max-age", Input)
            age.value = ""
            await focus(pilot, app, "#max-age")
            await pilot.press(*"90")
            await focus(pilot, app, "#path")
            await pilot.press(*str(target))
            await pilot.press("ctrl+s")
            await until(pilot, target.exists)
            assert "saved" in str(app.screen.query_one("#message", Static).render())

    asyncio.run(run())
    saved = tomllib.loads(target.read_text())
    assert saved["name"] == "Cloud RFP 2030"
    assert saved["interop"] == {
        "guideline": "2030.01",
        "program": "compute",
        "add_ons": ["dns"],
        "extra_capabilities": ["compute-tags"],
    }
    assert saved["evidence_policy"]["max_age_days"] == 90


def test_loading_a_broken_profile_shows_the_message(tmp_path):
    broken = tmp_path / "typo.toml"
    broken.write_text('name = "x"\n[interop]\nprogramme = "compute"\nguideline = "2030.01"\n')

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await focus(pilot, app, "#path")
            await pilot.press(*str(broken), "ctrl+o")
            await pilot.pause()
            message = str(app.screen.query_one("#message", Static).render())
            assert f"{broken}:3:1: unknown key 'programme' (did you mean 'program'?)" in message
            assert app.workbench.profile.name == "New requirements"  # nothing half-loaded

    asyncio.run(run())


def write_evidence(tmp_path):
    good = tmp_path / "acme.txt"
    good.write_text("\n".join(ALL_NON_FLAGGED) + "\n")
    bad = tmp_path / "borealis.txt"
    bad.write_text("\n".join(n for n in ALL_NON_FLAGGED if n != C1) + "\n")
    return good, bad


async def add_vendor(pilot, app, name: str, evidence) -> None:
    await focus(pilot, app, "#product-name")
    await pilot.press(*name, "enter")
    shortlist = app.screen.query_one("#shortlist", DataTable)
    shortlist.move_cursor(row=shortlist.row_count - 1)
    await focus(pilot, app, "#evidence-file")
    await pilot.press(*str(evidence), "enter")
    await pilot.pause()


def test_two_vendors_with_evidence_make_the_matrix_and_drill_down_to_a_failing_test(tmp_path):
    good, bad = write_evidence(tmp_path)

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            await pilot.pause()
            await add_vendor(pilot, app, "Acme", good)
            await add_vendor(pilot, app, "Borealis", bad)
            assert [p.name for p in app.workbench.profile.shortlist] == ["Acme", "Borealis"]
            assert all(len(p.evidence) == 1 for p in app.workbench.profile.shortlist)
            await pilot.press("f4")
            await until(
                pilot,
                lambda: (
                    app.workbench.scorecard is not None
                    and isinstance(app.screen, ScorecardScreen)
                    and app.screen.query_one("#matrix", DataTable).row_count == 2
                ),
            )
            matrix = app.screen.query_one("#matrix", DataTable)
            row_acme = [str(c) for c in matrix.get_row_at(0)]
            row_borealis = [str(c) for c in matrix.get_row_at(1)]
            assert row_acme == ["Acme", "✓ pass"] and row_borealis == ["Borealis", "✗ fail"]
            # drill down: Borealis -> its program -> the failing capability -> the failing test
            await pilot.press("down", "right", "enter")
            await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
            caps = app.screen.query_one("#capabilities", DataTable)
            failing = next(i for i in range(caps.row_count) if str(caps.get_row_at(i)[0]).startswith("✗"))
            caps.move_cursor(row=failing)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, CapabilityTestsScreen))
            tests = app.screen.query_one("#tests", DataTable)
            rows = [[str(c) for c in tests.get_row_at(i)] for i in range(tests.row_count)]
            assert rows[[r[1] for r in rows].index(C1)][:2] == ["✗ failed", C1]
            await pilot.press("escape", "escape")
            await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))

    asyncio.run(run())


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x40", "80x24"])
def test_export_a_pdf_and_find_it_on_disk(tmp_path, size):
    good, _ = write_evidence(tmp_path)
    target = tmp_path / "a-folder-with-a-rather-long-name-for-the-reports-of-this-rfp" / "scorecard.pdf"

    async def run() -> None:
        app = app_for()
        app.workbench.add_product("Acme")
        app.workbench.add_evidence("Acme", str(good), app.workbench.profile.evidence_policy.accepted_kinds[0])
        async with app.run_test(size=size) as pilot:
            await pilot.press("f6")
            await pilot.pause()
            output = app.screen.query_one("#output", Input)
            output.value = ""
            await focus(pilot, app, "#output")
            await pilot.press(*str(target))
            await pilot.click("#export-button")
            await until(pilot, target.exists, 30)
            await until(pilot, lambda: "SHA-256" in str(app.screen.query_one("#result", Static).render()))
            result = app.screen.query_one("#result", Static)
            shown = str(result.render())
            assert hashlib.sha256(target.read_bytes()).hexdigest() in shown
            # and the message is in view, not below the bottom of the form
            await pilot.pause(0.1)
            visible = app.screen.query_one("#export").region
            assert visible.contains_region(result.region), (result.region, visible)

    asyncio.run(run())
    assert target.read_bytes().startswith(b"%PDF")


def test_help_palette_and_remembered_theme(tmp_path):
    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f1")
            await pilot.pause()
            assert app.screen.query("HelpPanel")
            await pilot.press("f1")
            await pilot.pause()
            assert not app.screen.query("HelpPanel")
            titles = [c.title for c in app.get_system_commands(app.screen)]
            for wanted in (
                "Go to Vendors",
                "Go to Scorecard",
                "Save profile",
                "Load profile",
                "Evaluate",
                "Export PDF",
                "Filter registry",
            ):
                assert wanted in titles
            app.theme = "dracula"
            await pilot.pause()
        again = app_for()
        async with again.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert again.theme == "dracula"

    asyncio.run(run())


def test_errors_are_notifications_not_crashes(tmp_path, monkeypatch):
    async def run() -> None:
        app = BuyerApp(Workbench(source=str(tmp_path / "nowhere")))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "guidelines unavailable" in str(app.screen.query_one("#message", Static).render())
            await pilot.press("f4")
            await until(pilot, lambda: "Not evaluated" in str(app.screen.query_one("#headline", Static).render()))
            assert any("is not a folder" in n.message for n in app._notifications)

    asyncio.run(run())


def test_loading_a_profile_keeps_every_field(tmp_path):
    async def run() -> None:
        app = app_for(profile=FIXTURES / "tui" / "profile.toml")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            interop = app.workbench.profile.interop
            assert (interop.guideline, interop.program, interop.add_ons) == ("2030.01", "platform", ["dns"])
            assert [p.name for p in app.workbench.profile.shortlist] == ["Acme", "Borealis", "Citadel"]
            assert app.workbench.profile.evidence_policy.max_age_days == 365

    asyncio.run(run())


def test_a_profile_given_at_start_is_not_reset_by_the_fields_first_values(tmp_path):
    # Each field posts its first value (the first program, an empty age) when it mounts; those
    # messages arrive after the form was filled and must not overwrite the profile.
    path = tmp_path / "compute.toml"
    path.write_text(
        'name = "C"\n[interop]\nguideline = "2030.01"\nprogram = "compute"\n[evidence_policy]\nmax_age_days = 90\n'
    )

    async def run() -> None:
        app = app_for(profile=path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            profile = app.workbench.profile
            assert (profile.interop.program, profile.evidence_policy.max_age_days) == ("compute", 90)
            assert app.screen.query_one("#program").value == "compute"

    asyncio.run(run())


def test_loading_through_the_form_keeps_every_field(tmp_path):
    # Filling the form from a file must not echo back as edits: a Select given new options
    # first posts an empty value, which once reset the add-ons and extra capabilities.
    text = (FIXTURES / "tui" / "profile.toml").read_text()
    path = tmp_path / "rfp.toml"
    path.write_text(text.replace('add_ons = ["dns"]', 'add_ons = ["dns"]\nextra_capabilities = ["compute-tags"]'))

    async def run() -> None:
        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.screen.query_one("#path", Input).value = str(path)
            await focus(pilot, app, "#path")
            await pilot.press("ctrl+o")
            await pilot.pause(0.3)
            bench = app.workbench
            interop = bench.profile.interop
            assert (interop.guideline, interop.program) == ("2030.01", "platform")
            assert (interop.add_ons, interop.extra_capabilities) == (["dns"], ["compute-tags"])
            assert bench.profile.evidence_policy.max_age_days == 365
            assert [p.name for p in bench.profile.shortlist] == ["Acme", "Borealis", "Citadel"]
            assert app.screen.query_one("#add-ons", SelectionList).selected == ["dns"]
            assert app.screen.query_one("#extras", SelectionList).selected == ["compute-tags"]
            # and the file saved back is the same profile
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            saved = tomllib.loads(path.read_text())
            assert saved["interop"]["add_ons"] == ["dns"]
            assert saved["interop"]["extra_capabilities"] == ["compute-tags"]

    asyncio.run(run())
