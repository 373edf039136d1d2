"""The terminal UI driven with textual's Pilot, one test per thing a buyer does or must be able to
trust: nothing is lost, evidence goes where the user meant, reports name the profile evaluated."""

from __future__ import annotations

import hashlib
import json
import tomllib

import pytest
from textual.widgets import DataTable, Input, Select, SelectionList

from buyer import actions
from buyer.cli import main as cli_main
from buyer.errors import ProfileErrors
from buyer.model.scorecard import short_test_name
from buyer.tui import keys
from buyer.tui.app import BuyerApp, palette_actions, screen_class
from buyer.tui.dialogs import EvidenceDialog, NewProduct, ReplaceOutput, UnsavedChanges
from buyer.tui.screens.requirements import RequirementsScreen
from buyer.tui.screens.scorecard import (
    STATE_ORDER,
    CapabilitiesScreen,
    CapabilityTestsScreen,
    ScorecardScreen,
)
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.workbench import Workbench
from tests.helpers.tui import (
    FAILING_TEST,
    SIZE,
    SMALL,
    SOURCE,
    TUI,
    app_for,
    catalogue_ready,
    evidence_files,
    focus,
    header,
    notifications,
    profile_copy,
    text_of,
    tui_env_fixture,  # noqa: F401  (the tui_env fixture)
    until,
)

pytestmark = pytest.mark.usefixtures("tui_env")


def matrix_ready(app: BuyerApp, rows: int):
    def ready() -> bool:
        return (
            isinstance(app.screen, ScorecardScreen)
            and app.workbench.current_scorecard is not None
            and app.screen.query_one("#matrix", DataTable).row_count == rows
        )

    return ready


# -- building and keeping a profile ------------------------------------------------------------


async def test_build_a_profile_from_nothing_and_save_it(tui_env):
    target = tui_env / "rfp.toml"
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        assert app.focused is app.screen.query_one("#name")  # the first field has the focus
        app.screen.query_one("#name", Input).value = ""
        await pilot.press(*"Cloud RFP 2030")
        for field, text in (("#buyer", "City of Example"), ("#rfp-reference", "RFP-7")):
            await focus(pilot, app, field)
            await pilot.press(*text)
        await focus(pilot, app, "#program")
        await pilot.press("enter", "down", "enter")  # open, platform -> compute, choose
        add_ons = app.screen.query_one("#add-ons", SelectionList)
        await until(pilot, lambda: add_ons.option_count > 0 and app.workbench.interop.program == "compute")
        add_ons.focus()
        await pilot.press("space")  # DNS
        await focus(pilot, app, "#cap-filter")
        await pilot.press(*"tags")
        extras = app.screen.query_one("#extras", SelectionList)
        await until(pilot, lambda: extras.option_count == 1)
        extras.focus()
        await pilot.press("space")
        app.screen.query_one("#max-age", Input).value = ""
        await focus(pilot, app, "#max-age")
        await pilot.press(*"90")
        await focus(pilot, app, "#path")
        await pilot.press(*str(target))
        assert "unsaved" in header(app)
        await pilot.press("ctrl+s")
        await until(pilot, target.exists)
        assert "saved" in text_of(app, "#message")
        await until(pilot, lambda: "unsaved" not in header(app))
    saved = tomllib.loads(target.read_text())
    assert (saved["name"], saved["buyer"], saved["rfp_reference"]) == ("Cloud RFP 2030", "City of Example", "RFP-7")
    assert saved["interop"] == {
        "guideline": "2030.01",
        "program": "compute",
        "add_ons": ["dns"],
        "extra_capabilities": ["compute-tags"],
    }
    assert saved["evidence_policy"]["max_age_days"] == 90


async def test_the_header_says_when_edits_are_unsaved_and_knows_when_they_are_undone(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        assert "unsaved" not in header(app) and "Snapshot RFP · profile.toml" in header(app)
        await focus(pilot, app, "#description")
        await pilot.press(*"Three clouds")
        await until(pilot, lambda: "● unsaved" in header(app))
        assert app.workbench.profile.description == "Three clouds"
        for _ in "Three clouds":
            await pilot.press("backspace")
        # modified is derived: the profile is the file's again, whatever was typed on the way
        await until(pilot, lambda: "unsaved" not in header(app))
        assert not app.workbench.modified


async def test_metadata_fields_show_and_change_what_the_cover_prints(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        assert app.screen.query_one("#buyer", Input).value == "Test Authority"
        assert app.screen.query_one("#rfp-reference", Input).value == "SNAP-1"
        await focus(pilot, app, "#rfp-reference")
        await pilot.press("end", *"-B")
        await until(pilot, lambda: app.workbench.profile.rfp_reference == "SNAP-1-B")


async def test_saving_from_a_field_keeps_that_field_in_view(tui_env):
    """ctrl+s scrolled the form to its message at the bottom while the focus stayed in the field
    above: what was typed next went into a field out of sight, and into the next save."""
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await focus(pilot, app, "#buyer")
        await pilot.press("end", "X", "ctrl+s")
        await until(pilot, lambda: "saved" in text_of(app, "#message"))
        await pilot.pause(0.3)
        form = app.screen.query_one("#form")
        buyer = app.screen.query_one("#buyer", Input)
        assert app.focused is buyer
        assert form.region.contains_region(buyer.region), "the focused field is out of view"
        await pilot.press("f3")
        await pilot.press("f2")
        await pilot.pause(0.3)
        assert app.focused is buyer and form.region.contains_region(buyer.region)


async def test_loading_a_broken_profile_shows_the_message(tui_env):
    broken = tui_env / "typo.toml"
    broken.write_text('name = "x"\n[interop]\nprogramme = "compute"\nguideline = "2030.01"\n')
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await focus(pilot, app, "#path")
        await pilot.press(*str(broken), "ctrl+o")
        await until(pilot, lambda: "unknown key" in text_of(app, "#message"))
        assert f"{broken}:3:1: unknown key 'programme' (did you mean 'program'?)" in text_of(app, "#message")
        assert app.workbench.profile.name == "New requirements"  # nothing half-loaded


async def test_loading_a_profile_keeps_every_field(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        interop = app.workbench.profile.interop
        assert (interop.guideline, interop.program, interop.add_ons) == ("2030.01", "platform", ["dns"])
        assert [p.name for p in app.workbench.profile.shortlist] == ["Acme", "Borealis", "Citadel"]
        assert app.screen.query_one("#guideline", Select).value == "2030.01"
        assert app.screen.query_one("#add-ons", SelectionList).selected == ["dns"]
        assert not app.workbench.modified


async def test_a_profile_given_at_start_is_not_reset_by_the_fields_first_values(tui_env):
    # Each field posts its first value (the first program, an empty age) when it mounts; those
    # messages arrive after the form was filled and must not overwrite the profile.
    path = tui_env / "compute.toml"
    path.write_text(
        'name = "C"\n[interop]\nguideline = "2030.01"\nprogram = "compute"\n[evidence_policy]\nmax_age_days = 90\n'
    )
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        profile = app.workbench.profile
        assert (profile.interop.program, profile.evidence_policy.max_age_days) == ("compute", 90)
        assert app.screen.query_one("#program").value == "compute"
        assert not app.workbench.modified


async def test_loading_through_the_form_keeps_every_field(tui_env):
    # Filling the form from a file must not echo back as edits: a Select given new options
    # first posts an empty value, which once reset the add-ons and extra capabilities.
    text = (TUI / "profile.toml").read_text()
    path = tui_env / "rfp.toml"
    path.write_text(text.replace('add_ons = ["dns"]', 'add_ons = ["dns"]\nextra_capabilities = ["compute-tags"]'))
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        app.screen.query_one("#path", Input).value = str(path)
        await focus(pilot, app, "#path")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.workbench.path == path)
        extras = app.screen.query_one("#extras", SelectionList)
        await until(pilot, lambda: extras.selected == ["compute-tags"])
        bench = app.workbench
        interop = bench.profile.interop
        assert (interop.guideline, interop.program) == ("2030.01", "platform")
        assert (interop.add_ons, interop.extra_capabilities) == (["dns"], ["compute-tags"])
        assert [p.name for p in bench.profile.shortlist] == ["Acme", "Borealis", "Citadel"]
        assert app.screen.query_one("#add-ons", SelectionList).selected == ["dns"]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not bench.modified and path.read_bytes() == bench.current_bytes)
    saved = tomllib.loads(path.read_text())
    assert saved["interop"]["add_ons"] == ["dns"]
    assert saved["interop"]["extra_capabilities"] == ["compute-tags"]


@pytest.mark.parametrize(
    ("interop", "told"),
    [
        (
            'guideline = "2099.01"\nadd_ons = ["dnz"]\nextra_capabilities = ["nope"]',
            ["interop.guideline: unknown guideline version '2099.01'"],
        ),
        (
            'guideline = "2030.01"\nadd_ons = ["dnz"]\nextra_capabilities = ["nope"]',
            ["interop.add_ons[0]: no dnz add-on guideline", "interop.extra_capabilities[0]: capability 'nope'"],
        ),
    ],
    ids=["unknown-guideline", "unknown-add-on-and-capability"],
)
async def test_a_profile_naming_what_the_catalogue_lacks_opens_with_a_warning_and_as_the_file_says(
    tui_env, interop, told
):
    path = tui_env / "odd.toml"
    path.write_text(f'name = "Odd"\n[interop]\n{interop}\n')
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.profile_problems, what="the profile's problems told")
        for words in told:
            assert any(words in w for w in notifications(app, "warning")), notifications(app)
            assert words in text_of(app, "#problems")
        data = tomllib.loads(path.read_text())["interop"]
        guideline = app.screen.query_one("#guideline", Select)
        await until(pilot, lambda: app.screen.query_one("#add-ons", SelectionList).option_count > 0)
        assert guideline.value == data["guideline"]  # the field shows what the file says
        assert app.screen.query_one("#add-ons", SelectionList).selected == ["dnz"]
        assert app.screen.query_one("#extras", SelectionList).selected == ["nope"]
        # and nothing was rewritten
        assert app.workbench.profile.interop.model_dump() == {"program": "platform", **data}
        assert not app.workbench.modified


# -- losing nothing ------------------------------------------------------------------------------


async def type_into_name(pilot, app, text: str) -> None:
    await focus(pilot, app, "#name")
    await pilot.press("end", *text)
    await until(pilot, lambda: app.workbench.modified)


async def test_quitting_with_an_edit_asks_and_cancel_keeps_the_work(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await type_into_name(pilot, app, " 2")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, UnsavedChanges))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RequirementsScreen))
        assert app.is_running and app.workbench.profile.name == "Snapshot RFP 2"


async def test_quitting_with_an_edit_and_save_writes_the_file_then_quits(tui_env):
    target = tui_env / "new.toml"
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await type_into_name(pilot, app, "RFP for Example")  # a new profile's name: typed, not added to
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, UnsavedChanges))
        assert app.focused is app.screen.query_one("#save-path")  # a new profile is saved as…
        await pilot.press(*str(target), "enter")
        await until(pilot, lambda: not app.is_running)
    assert tomllib.loads(target.read_text())["name"] == "RFP for Example"


async def test_quitting_without_an_edit_does_not_ask(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running)


async def test_loading_another_profile_with_an_edit_asks_and_discard_loads_it(tui_env):
    first = profile_copy(tui_env)
    second = tui_env / "second.toml"
    second.write_text('name = "Second"\n[interop]\nguideline = "2030.01"\n')
    app = app_for(profile=first)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await type_into_name(pilot, app, " edited")
        app.screen.query_one("#path", Input).value = str(second)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, UnsavedChanges))
        app.screen.query_one("#discard").focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.workbench.profile.name == "Second")
        assert app.screen.query_one("#name", Input).value == "Second"
    assert "edited" not in first.read_text()  # discarded, not written


# -- the report names the profile as evaluated ----------------------------------------------------


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")


async def export_with_an_edit(pilot, app, report) -> None:  # type: ignore[no-untyped-def]
    """The name edited (" v2" after it), then Export to ``report``: the unsaved-changes question."""
    await until(pilot, lambda: catalogue_ready(app))
    await type_into_name(pilot, app, " v2")
    await pilot.press("f6")
    await until(pilot, lambda: app.screen.query("#output"))
    app.screen.query_one("#output", Input).value = str(report)
    await pilot.press("ctrl+e")
    await until(pilot, lambda: isinstance(app.screen, UnsavedChanges))


async def test_exporting_with_an_edit_asks_and_the_pdf_quotes_the_hash_of_the_file_saved(tui_env):
    path = profile_copy(tui_env)
    report = tui_env / "out" / "scorecard.pdf"
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await export_with_an_edit(pilot, app, report)
        assert app.focused is app.screen.query_one("#save")
        await pilot.press("enter")  # Save
        await until(pilot, report.exists, 60)
        await until(pilot, lambda: "SHA-256" in text_of(app, "#result"))
        assert not app.workbench.modified
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert tomllib.loads(path.read_text())["name"] == "Snapshot RFP v2"
    text = pdf_text(report)
    assert "Snapshot RFP v2" in text
    assert digest[:32] in text and digest[32:] in text  # the cover's two rows of 32


async def test_exporting_with_an_edit_never_drops_it(tui_env):
    """The export's question is Save or Cancel: a Discard there read as "export without saving"
    and reverted every edit (a newcomer lost a guideline, a program and a product that way)."""
    path = profile_copy(tui_env)
    before = path.read_bytes()
    report = tui_env / "out" / "scorecard.pdf"
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await export_with_an_edit(pilot, app, report)
        assert not app.screen.query("#discard")  # only Save and Cancel
        app.screen.action_choose("discard")  # (nor by a binding or a message)
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges)
        await pilot.press("escape")  # Cancel
        await until(pilot, lambda: not isinstance(app.screen, UnsavedChanges))
        assert app.workbench.modified and app.workbench.profile.name == "Snapshot RFP v2"
    assert not report.exists() and path.read_bytes() == before


async def test_a_new_profile_exported_before_it_is_saved_quotes_the_hash_its_save_gives(tui_env):
    evidence_files(tui_env)
    report = tui_env / "scorecard.json"
    target = tui_env / "later.toml"
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        assert not app.workbench.modified  # a new profile: nothing to lose yet
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#format"))
        app.screen.query_one("#format", Select).value = "json"
        app.screen.query_one("#output", Input).value = str(report)
        await pilot.press("ctrl+e")
        await until(pilot, report.exists, 60)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RequirementsScreen))
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until(pilot, target.exists)
    quoted = json.loads(report.read_text())["profile"]["sha256"]
    assert quoted == hashlib.sha256(target.read_bytes()).hexdigest()


async def test_an_export_is_never_written_over_the_profile_even_when_asked_to(tui_env):
    path = profile_copy(tui_env)
    before = path.read_bytes()
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#format"))
        app.screen.query_one("#format", Select).value = "md"
        await until(pilot, lambda: app.screen.query_one("#output", Input).value.endswith(".md"))
        app.screen.query_one("#output", Input).value = str(path)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ReplaceOutput))
        await pilot.click("#replace")
        await until(pilot, lambda: "a file this is made from" in text_of(app, "#result"), 60)
    assert path.read_bytes() == before


async def test_an_export_asks_before_it_replaces_a_file(tui_env):
    evidence_files(tui_env)
    report = tui_env / "scorecard.json"
    report.write_text("a report someone signed\n")
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#format"))
        app.screen.query_one("#format", Select).value = "json"
        app.screen.query_one("#output", Input).value = str(report)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ReplaceOutput))
        assert app.focused is app.screen.query_one("#cancel")  # replacing takes a deliberate choice
        await pilot.press("enter")  # Cancel
        await until(pilot, lambda: not isinstance(app.screen, ReplaceOutput))
        await pilot.pause(0.3)
        assert report.read_text() == "a report someone signed\n"
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ReplaceOutput))
        await pilot.click("#replace")
        await until(pilot, lambda: "SHA-256" in text_of(app, "#result"), 60)
    assert json.loads(report.read_text())["profile"]["name"]


# -- the shortlist and its evidence ------------------------------------------------------------------


async def vendors(pilot, app) -> VendorsScreen:
    await pilot.press("f3")
    await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
    await until(
        pilot, lambda: app.screen.query_one("#registry", DataTable).row_count > 0 or app.workbench.loaded_registry
    )
    return app.screen  # type: ignore[return-value]


async def test_a_new_product_is_selected_and_the_next_evidence_goes_to_it(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await vendors(pilot, app)
        assert screen.selected == "Acme"
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewProduct))
        await pilot.press(*"Newco Cloud", "tab", *"Newco Ltd", "enter")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        assert screen.selected == "Newco Cloud"
        assert screen.query_one("#shortlist", DataTable).cursor_row == 3
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EvidenceDialog))
        assert "Evidence for Newco Cloud" in text_of(app, ".dialog-title")
        await pilot.press(*str(tui_env / "acme.txt"), "enter")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        bench = app.workbench
        assert [r.file for r in bench.product("Newco Cloud").evidence] == ["acme.txt"]
        assert bench.product("Newco Cloud").vendor == "Newco Ltd"
        assert [r.file for r in bench.product("Acme").evidence] == ["acme.txt"]  # untouched
        table = screen.query_one("#evidence", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["self-reported", "file's own", "acme.txt"]
        assert text_of(app, "#evidence-file") == "acme.txt"  # the whole name, under the table


async def test_evidence_of_a_product_is_listed_changed_removed_and_brought_back(tui_env):
    path = profile_copy(tui_env)
    app = app_for(profile=path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await vendors(pilot, app)
        bench = app.workbench
        # add a second file to Acme, with a date of its own
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EvidenceDialog))
        await pilot.press(*str(tui_env / "borealis.txt"))
        app.screen.query_one("#evidence-date", Input).value = "2030-01-03"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        assert [(r.file, str(r.date)) for r in bench.product("Acme").evidence] == [
            ("acme.txt", "2030-01-02"),
            ("borealis.txt", "2030-01-03"),
        ]
        table = screen.query_one("#evidence", DataTable)
        assert table.cursor_row == 1  # the new one is selected
        # change its kind and date; a date that is not one is told in the model's words
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, EvidenceDialog))
        app.screen.query_one("#evidence-kind", Select).value = "published"
        app.screen.query_one("#evidence-date", Input).value = "2030-13-45"
        await focus(pilot, app, "#evidence-date")
        await pilot.press("enter")
        await until(pilot, lambda: "date" in text_of(app, "#dialog-message"))
        app.screen.query_one("#evidence-date", Input).value = "2030-01-05"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        changed = bench.product("Acme").evidence[1]
        assert (str(changed.kind), str(changed.date)) == ("published", "2030-01-05")
        # remove just that one, then bring it back
        await pilot.press("x")
        await until(pilot, lambda: len(bench.product("Acme").evidence) == 1)
        assert bench.product("Acme").evidence[0].file == "acme.txt"
        await pilot.press("ctrl+z")
        await until(pilot, lambda: len(bench.product("Acme").evidence) == 2)


async def test_removing_a_product_selects_its_neighbour_and_ctrl_z_brings_it_back(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        screen = await vendors(pilot, app)
        shortlist = screen.query_one("#shortlist", DataTable)
        shortlist.focus()
        await pilot.press("down")
        assert screen.selected == "Borealis"
        await pilot.press("delete")
        await until(pilot, lambda: app.workbench.product("Borealis") is None)
        assert screen.selected == "Citadel"
        assert any("ctrl+z" in n for n in notifications(app))
        await pilot.press("ctrl+z")
        await until(pilot, lambda: app.workbench.product("Borealis") is not None)
        assert [p.name for p in app.workbench.profile.shortlist] == ["Acme", "Borealis", "Citadel"]
        assert screen.selected == "Borealis"
        assert len(app.workbench.product("Borealis").evidence) == 1


async def test_removing_keys_in_the_registry_leave_the_shortlist_alone(tui_env):
    """The registry has the first focus, its highlighted row a registry product; del there took
    the shortlist's selected product instead. It says where to go, and nothing is removed."""
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        screen = await vendors(pilot, app)
        before = [(p.name, len(p.evidence)) for p in app.workbench.profile.shortlist]
        for place in ("#registry", "#filter"):
            screen.query_one(place).focus()
            await pilot.press("delete")
            await pilot.pause()
        assert [(p.name, len(p.evidence)) for p in app.workbench.profile.shortlist] == before
        assert not app.workbench.modified
        assert sum("acts on the shortlist" in n for n in notifications(app)) == 1  # in the filter, del edits it
        # Tab from the registry reaches the pane beside it: down scrolls it, and del there took the
        # product selected before (not the one the user aimed at with down)
        screen.query_one("#registry").focus()
        await pilot.press("tab", "down", "delete")
        await pilot.pause()
        assert [(p.name, len(p.evidence)) for p in app.workbench.profile.shortlist] == before
        assert sum("acts on the shortlist" in n for n in notifications(app)) == 2
        screen.query_one("#shortlist", DataTable).focus()
        await pilot.press("delete")
        await until(pilot, lambda: len(app.workbench.profile.shortlist) == len(before) - 1)


async def test_a_doubled_product_is_refused_at_once_in_the_words_of_profile_check(tui_env, monkeypatch):
    monkeypatch.setenv("BUYER_REGISTRY_FILE", str(TUI / "registry.toml"))
    # What `buyer profile check` says about a file that names Acme twice...
    doubled = tui_env / "doubled.toml"
    doubled.write_text((TUI / "profile.toml").read_text() + '\n[[shortlist]]\nname = "Acme"\n')
    with pytest.raises(ProfileErrors) as told:
        actions.load_checked_profile(doubled, None)
    (error,) = told.value.errors
    assert error.message == "shortlist: names product 'Acme' twice"
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await vendors(pilot, app)
        # ...the TUI says the moment the product is typed, and keeps the dialog open to fix it
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewProduct))
        await pilot.press(*"Acme", "enter")
        await until(pilot, lambda: text_of(app, "#dialog-message"))
        assert text_of(app, "#dialog-message") == error.message
        assert isinstance(app.screen, NewProduct)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        # and shortlisting the registry's Acme again says the same
        await until(pilot, lambda: app.screen.query_one("#registry", DataTable).row_count == 2)
        await pilot.press("a")
        await until(pilot, lambda: error.message in notifications(app, "warning"))
        assert [p.name for p in app.workbench.profile.shortlist] == ["Acme", "Borealis", "Citadel"]


async def test_the_registry_filter_takes_the_keys_only_after_slash_and_shows_it(tui_env, monkeypatch):
    monkeypatch.setenv("BUYER_REGISTRY_FILE", str(TUI / "registry.toml"))
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=(140, 40)) as pilot:  # wide enough for the footer to offer "/ Filter"
        screen = await vendors(pilot, app)
        registry = screen.query_one("#registry", DataTable)
        await until(pilot, lambda: registry.row_count == 2)
        box = screen.query_one("#filter", Input)
        assert app.focused is registry and not box.display  # keys go to the screen, not a hidden box
        await pilot.press("down", "a")  # Delta Cloud
        await until(pilot, lambda: app.workbench.product("Delta Cloud") is not None)
        assert screen.selected == "Delta Cloud"
        assert app.workbench.product("Delta Cloud").vendor == "Delta AB"
        await pilot.press("slash")
        assert box.display and app.focused is box
        await pilot.press(*"delta")
        await until(pilot, lambda: registry.row_count == 1)
        await pilot.press("enter")  # done filtering: the filter stays in view while it filters
        assert box.display and app.focused is registry
        await pilot.press("escape")
        assert not box.display and box.value == "" and registry.row_count == 2

        # in a text field "/" is typed, so the footer does not offer it there
        def footer_says_filter() -> bool:
            return any("Filter" in str(k.render()) for k in screen.query("FooterKey"))

        await until(pilot, footer_says_filter, what="'/ Filter' offered on the registry")
        screen.query_one("#vendor", Input).focus()
        await until(pilot, lambda: not footer_says_filter(), what="'/ Filter' gone in a text field")
        await pilot.press("slash")
        assert not box.display and screen.query_one("#vendor", Input).value.endswith("/")


async def test_every_screen_starts_with_its_first_field_focused(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        for key, wanted in (("f2", "name"), ("f3", "registry"), ("f4", "matrix"), ("f5", "cloud"), ("f6", "format")):
            await pilot.press(key)
            await until(pilot, lambda wanted=wanted: app.focused is not None and app.focused.id == wanted)


# -- waits happen in workers ---------------------------------------------------------------------


@pytest.fixture
def slow_refstack(tui_env, monkeypatch):
    """A RefStack that takes 20 s to answer a result."""
    from tests.servers.upstream import Fault, Upstream, UpstreamServer

    upstream = Upstream(data=tui_env, faults={"/refstack/v1/results/": Fault("hang", hang_seconds=20)})
    # The source's deadline ends the worker soon after the test has seen what it wanted: a
    # cancelled thread worker runs to its end, and the app waits for it when it closes.
    monkeypatch.setenv("BUYER_SOURCE_DEADLINE", "3")
    with UpstreamServer(upstream) as server:
        monkeypatch.setenv("BUYER_REFSTACK_URL", f"{server.url}/refstack")
        yield upstream


async def test_a_refstack_result_is_fetched_in_a_worker_and_escape_stops_waiting(tui_env, slow_refstack):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await vendors(pilot, app)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EvidenceDialog))
        await pilot.press(*"refstack:5a4c0a3e", "enter")
        dialog = app.screen
        await until(pilot, lambda: dialog.reading and slow_refstack.count("/refstack/v1/results/") == 1)
        assert "reading" in text_of(app, "#dialog-message")
        await pilot.press("escape")  # the UI answers while the server has not
        await until(pilot, lambda: not dialog.reading, seconds=5)
        assert "cancelled" in text_of(app, "#dialog-message")
        assert [r.file for r in app.workbench.product("Acme").evidence] == ["acme.txt"]


async def test_an_evaluation_waiting_on_a_source_shows_it_and_escape_cancels(tui_env, slow_refstack):
    path = profile_copy(tui_env)
    path.write_text(path.read_text().replace('file = "acme.txt"', 'file = "refstack:5a4c0a3e"'))
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen) and app.screen.evaluating)
        assert "Evaluating 3 products" in text_of(app, "#headline")
        await pilot.press("escape")
        await until(pilot, lambda: "cancelled" in text_of(app, "#headline"), seconds=5)
        assert not app.screen.evaluating


# -- the scorecard ----------------------------------------------------------------------------------


async def test_two_vendors_make_the_matrix_and_the_drill_down_puts_failures_first(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await until(pilot, matrix_ready(app, 3), 60)
        matrix = app.screen.query_one("#matrix", DataTable)
        rows = [[str(c) for c in matrix.get_row_at(i)] for i in range(3)]
        assert rows[0] == ["Acme", "✓ pass", "✓ pass"]
        assert rows[1][:2] == ["Borealis", "✗ fail"]
        assert rows[2] == ["Citadel", "? not verified", "? not verified"]
        await pilot.press("down", "enter")  # the cursor starts on the first requirement
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
        caps = app.screen.capabilities
        assert str(caps[0].state) == "fail"
        assert caps == sorted(caps, key=lambda c: (STATE_ORDER[c.state], c.id))  # then alphabetical per group
        shown = app.screen.query_one("#capabilities", DataTable)
        assert str(shown.get_row_at(0)[0]) == "✗ fail"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CapabilityTestsScreen))
        tests = app.screen.query_one("#tests", DataTable)
        # The table tells tests apart by class and method; the whole name is under it, wrapped.
        assert [str(c) for c in tests.get_row_at(0)][:2] == ["✗ failed", short_test_name(FAILING_TEST)]
        await until(pilot, lambda: FAILING_TEST in text_of(app, "#test-detail").replace("\n", ""))
        if tests.row_count > 1:
            second = app.screen.tests[1].name
            await pilot.press("down")
            await until(pilot, lambda: second in text_of(app, "#test-detail").replace("\n", ""))
        await pilot.press("f4")  # the footer's "f4 Scorecard" from a drill-down: back to the matrix
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.press("enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, CapabilityTestsScreen))
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))


async def test_tests_of_a_requirement_nothing_was_scored_for_are_not_called_failed(tui_env):
    """Citadel's evidence does not count (the profile refuses it): its tests were not run as far
    as the scorecard knows, so the drill-down says "not scored", never "failed" or "0 of N"
    (a newcomer read "✗ failed" for tests the vendor's too-old file passed)."""
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await until(pilot, matrix_ready(app, 3), 60)
        await pilot.press("down", "down", "enter")  # Citadel, its first requirement
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
        assert app.screen.product.name == "Citadel" and not app.screen.requirement.scored
        shown = app.screen.query_one("#capabilities", DataTable)
        assert {str(shown.get_row_at(i)[3]) for i in range(shown.row_count)} == {"not scored"}
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CapabilityTestsScreen))
        tests = app.screen.query_one("#tests", DataTable)
        assert {str(tests.get_row_at(i)[0]) for i in range(tests.row_count)} == {"? not scored"}
        headline = text_of(app, "#headline")
        assert "not scored" in headline and " of " not in headline


async def test_an_edit_makes_the_scorecard_stale_and_the_screen_evaluates_again(tui_env):
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await until(pilot, matrix_ready(app, 3), 60)
        first = app.workbench.current_scorecard
        await pilot.press("f2")
        await type_into_name(pilot, app, " v3")
        assert app.workbench.current_scorecard is None  # nobody cleared it: the revision moved on
        await pilot.press("f4")
        await until(pilot, lambda: app.workbench.current_scorecard not in (None, first), 60)
        assert app.workbench.current_scorecard.profile_name == "Snapshot RFP v3"
        assert "Snapshot RFP v3" in text_of(app, "#headline")


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
async def test_export_a_pdf_and_find_it_on_disk(tui_env, size):
    path = profile_copy(tui_env)
    target = tui_env / "a-folder-with-a-rather-long-name-for-the-reports-of-this-rfp" / "scorecard.pdf"
    app = app_for(profile=path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#output"))
        output = app.screen.query_one("#output", Input)
        output.value = ""
        await focus(pilot, app, "#output")
        await pilot.press(*str(target))
        await pilot.click("#export-button")
        await until(pilot, target.exists, 60)
        await until(pilot, lambda: "SHA-256" in text_of(app, "#result"))
        assert hashlib.sha256(target.read_bytes()).hexdigest() in text_of(app, "#result")
        result = app.screen.query_one("#result")
        await until(pilot, lambda: app.screen.query_one("#export").region.contains_region(result.region))
    assert target.read_bytes().startswith(b"%PDF")


async def test_ctrl_e_exports_from_the_sign_off_field_which_only_the_pdf_has(tui_env):
    """A text field's own ctrl+e (to the end of the line) took the key, and nothing was exported;
    the sign-off field is shown for the PDF only (other formats have no sign-off block)."""
    path = profile_copy(tui_env)
    target = tui_env / "out" / "scorecard.pdf"
    app = app_for(profile=path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#output"))
        app.screen.query_one("#output", Input).value = str(target)
        await focus(pilot, app, "#prepared-by")
        await pilot.press(*"Jane Doe", "ctrl+e")
        await until(pilot, target.exists, 60)
        assert app.screen.query_one("#prepared-by", Input).value == "Jane Doe"
        app.screen.query_one("#format", Select).value = "md"
        await until(pilot, lambda: not app.screen.query_one("#prepared-by").display)
        assert not app.screen.query_one("#prepared-by-label").display


# -- help, palette, errors ---------------------------------------------------------------------------


async def test_every_action_is_in_the_palette_and_runs_from_it(tui_env):
    for mode, declared in keys.MODES.items():
        cls = screen_class(mode)  # imported here: the app imports a screen when it is first shown
        assert list(declared.bindings) == cls.BINDINGS
        for binding in cls.BINDINGS:
            assert any(m == mode and a == binding.action for m, _, _, a in palette_actions()), binding
        for _, _, action in declared.commands:
            assert any(m == mode and a == action for m, _, _, a in palette_actions()), action
        for action in [b.action for b in declared.bindings] + [a for _, _, a in declared.commands]:
            if "." not in action:  # every action a key or a command names is one the screen has
                assert callable(getattr(cls, f"action_{action}", None)), (mode, action)
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        evidence = [t for t in titles if "evidence" in t.lower()]
        assert "Vendors: Remove the selected evidence" in evidence and len(evidence) >= 3
        assert "Vendors: Undo the last removal" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"remove the selected evidence")
        await pilot.pause(0.3)  # the palette's own debounce before it lists matches
        await pilot.press("enter")
        await until(pilot, lambda: not app.workbench.product("Acme").evidence)
        assert isinstance(app.screen, VendorsScreen)
        await pilot.press("ctrl+p")  # the palette opened on the Vendors screen itself (it once crashed there)
        await pilot.press(*"go to scorecard")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "ScorecardScreen")


async def test_help_and_the_remembered_theme(tui_env):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.query("HelpPanel"))
        await pilot.press("f1")
        await until(pilot, lambda: not app.screen.query("HelpPanel"))
        app.theme = "dracula"
        await pilot.pause()
    again = app_for()
    async with again.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: again.theme == "dracula")


async def test_errors_are_notifications_not_crashes(tui_env):
    app = BuyerApp(Workbench(source=str(tui_env / "nowhere")))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "guidelines unavailable" in text_of(app, "#message"))
        await pilot.press("f4")
        await until(pilot, lambda: "Not evaluated" in text_of(app, "#headline"))
        assert any("is not a folder" in n for n in notifications(app, "error"))


def test_the_workbench_validates_every_change_as_the_loader_does():
    bench = Workbench(source=SOURCE)
    before = bench.revision
    with pytest.raises(ProfileErrors) as told:
        bench.update(evidence_policy={"max_age_days": 0})
    assert [e.message for e in told.value.errors] == ["evidence_policy.max_age_days: should be at least 1"]
    assert bench.revision == before and not bench.modified  # a refused change changes nothing
    bench.add_product("Acme")
    assert bench.revision == before + 1 and bench.modified


async def test_a_key_pressed_while_a_new_profile_opens_keeps_the_focus_it_gives(tui_env, monkeypatch):
    # ctrl+o with no path yet puts the cursor in the path field; pressed while the blank profile
    # is still being read at start, the form's own first focus must not take it back afterwards
    # (what is typed next is the path, not an edit of the profile's name).
    import time

    from buyer.tui import app as app_module

    slow_open = app_module._open

    def _open(path):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return slow_open(path)

    monkeypatch.setattr(app_module, "_open", _open)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        assert app.opening
        await pilot.press("ctrl+o")
        await until(pilot, lambda: not app.opening and catalogue_ready(app))
        await until(pilot, lambda: "path first" in text_of(app, "#message"))
        await until(pilot, lambda: not any(w.is_running for w in app.workers))
        await pilot.pause()
        assert app.focused is app.screen.query_one("#path")
        await pilot.press(*"x.toml")
        assert app.screen.query_one("#path", Input).value == "x.toml"
        assert app.workbench.profile.name == "New requirements"


async def test_saving_an_edited_profile_keeps_its_comments(tui_env):
    path = profile_copy(tui_env)
    note = "# Agreed with the architecture board: keep Citadel on the list until the next round."
    text = f"{note}\n" + path.read_text().replace('name = "Citadel"', 'name = "Citadel"  # asked for a tempest run')
    path.write_text(text)
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        assert not app.workbench.modified  # the comments alone are no change
        box = app.screen.query_one("#buyer", Input)
        box.value = ""
        await focus(pilot, app, "#buyer")
        await pilot.press(*"City of Example")
        await until(pilot, lambda: app.workbench.modified)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.workbench.modified)
    saved = path.read_text()
    assert saved.startswith(note + "\n")
    assert 'name = "Citadel"  # asked for a tempest run' in saved
    assert tomllib.loads(saved)["buyer"] == "City of Example"
    assert app.workbench.file_sha256 == hashlib.sha256(saved.encode()).hexdigest()  # the hash a report quotes


@pytest.mark.parametrize("selector", ["#kinds", "#add-ons", "#extras"])
async def test_selection_lists_mark_what_is_selected_with_a_glyph_not_colour_alone(tui_env, selector):
    """A box is ▐X▌ when its item is selected and ▐ ▌ when not, in text (a monochrome terminal,
    colour-blind eyes, a screen reader); toggling an item changes its glyph."""
    app = app_for(profile=profile_copy(tui_env))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: catalogue_ready(app))
        items = app.screen.query_one(selector, SelectionList)
        await until(pilot, lambda: items.option_count > 0)

        def boxes() -> dict[str, str]:
            return {
                str(items.get_option_at_index(y).value): items.render_line(y).text[:3]
                for y in range(min(items.option_count, items.size.height))
            }

        assert boxes() == {v: "▐X▌" if v in items.selected else "▐ ▌" for v in boxes()}
        assert set(boxes().values()) <= {"▐X▌", "▐ ▌"}
        first = str(items.get_option_at_index(0).value)
        was = first in items.selected
        items.toggle(first)
        await pilot.pause()
        assert boxes()[first] == ("▐ ▌" if was else "▐X▌")


async def test_an_unreadable_evidence_file_is_its_products_problem_and_export_refuses_it(tui_env):
    """One vendor's file gone: the other products are scored, that product is not verified and
    says why (the Vendors screen too), and no report is written (buyer report refuses the profile:
    nobody could make that report again). The command line still refuses it, exit 2."""
    path = profile_copy(tui_env)
    (tui_env / "borealis.txt").unlink()
    report = tui_env / "scorecard.json"
    app = app_for(profile=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await until(pilot, matrix_ready(app, 3), 60)
        card = app.workbench.current_scorecard
        verdicts = {p.name: str(p.verdict) for p in card.products}
        assert verdicts["Acme"] == "pass" and verdicts["Borealis"] == "not-verified"
        borealis = next(p for p in card.products if p.name == "Borealis")
        assert borealis.evidence[0].reason == "could not be read: no such file"
        assert "borealis.txt could not be read: no such file" in borealis.requirements[0].reason
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))
        app.screen.query_one("#shortlist", DataTable).move_cursor(row=1)  # Borealis
        await until(pilot, lambda: "could not be read: no such file" in text_of(app, "#evidence-check"))
        assert "⚠ borealis.txt" in text_of(app, "#evidence-check")  # marked as a warning is
        shortlist = app.screen.query_one("#shortlist", DataTable)
        assert str(shortlist.get_row_at(1)[2]) == "⚠ 1"  # and counted in the Warnings column
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#format"))
        app.screen.query_one("#format", Select).value = "json"
        app.screen.query_one("#output", Input).value = str(report)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: "remove it from Borealis's evidence" in text_of(app, "#result"), 60)
    assert not report.exists()
    args = ["evaluate", "--profile", str(path), "--as-of", "2030-01-05", "--source", SOURCE, "--no-registry"]
    assert cli_main(args) == 2
