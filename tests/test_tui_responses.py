"""The terminal UI with vendors' responses (issue: the TUI shows what the CLI does): forms read
from a folder, each claim beside its verdict, warnings on evidence, the RFP package exported, and
outside text never taken for markup. Driven with textual's Pilot on the README's example profile,
its evidence and its two response forms, over the real 2020.06 guidelines."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select

from buyer.tui.app import BuyerApp
from buyer.tui.dialogs import NewProduct, ResponsesDialog
from buyer.tui.screens.scorecard import ScorecardScreen
from buyer.tui.screens.vendors import VendorsScreen
from buyer.tui.workbench import Workbench
from tests.conftest import SHARED_INTEROP, need_shared
from tests.helpers.tui import (
    SIZE,
    SMALL,
    notifications,
    opened,
    text_of,
    tui_env_fixture,  # noqa: F401  (the tui_env fixture)
    until,
)

pytestmark = pytest.mark.usefixtures("tui_env")

EXAMPLES = Path(__file__).resolve().parent.parent / "requirements_profiles"
AS_OF = dt.date(2026, 12, 1)  # the README's date: the example evidence is within a year of it


@pytest.fixture
def rfp(tui_env):
    """The example profile with its evidence and responses, copied (saving must not touch them)."""
    work = tui_env / "rfp"
    shutil.copytree(EXAMPLES, work)
    return work


def app_on(profile) -> BuyerApp:
    bench = Workbench(source=str(need_shared(SHARED_INTEROP)), as_of=AS_OF)
    return BuyerApp(bench, profile=profile)


def row(table: DataTable, key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


async def vendors(pilot, app: BuyerApp) -> VendorsScreen:
    await opened(pilot, app)
    await pilot.press("f3")
    await until(pilot, lambda: isinstance(app.screen, VendorsScreen), what="Vendors")
    return app.screen  # type: ignore[return-value]


async def load_responses(pilot, app: BuyerApp, folder: str | None = None) -> ResponsesDialog:
    await pilot.press("r")
    await until(pilot, lambda: isinstance(app.screen, ResponsesDialog), what="the responses dialog")
    dialog = app.screen
    if folder is not None:
        dialog.query_one("#responses-folder", Input).value = folder
    return dialog  # type: ignore[return-value]


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
async def test_responses_read_from_a_folder_put_each_claim_beside_its_verdict(rfp, size):
    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=size) as pilot:
        await vendors(pilot, app)
        dialog = await load_responses(pilot, app)
        # the folder beside the profile is offered
        assert dialog.query_one("#responses-folder", Input).value.endswith("responses")
        await pilot.press("enter")
        await until(pilot, lambda: len(app.workbench.responses) == 2, 60, "two forms read")
        assert any("2 response forms read" in n for n in notifications(app))
        # every form is listed with its vendor; the selected product shows its own
        await until(pilot, lambda: "Acme Hosting GmbH" in text_of(app, "#responses"))
        assert "Delta Networks AB" in text_of(app, "#responses")
        # Delta is in no profile's shortlist: listed with the shortlist as its form's, and said so
        assert "Delta Cloud, 3 answers (not in the profile: evaluated from its form)" in text_of(app, "#responses")
        listed = app.screen.query_one("#shortlist", DataTable)
        assert row(listed, "Delta Cloud")[0] == "Delta Cloud (response)"
        assert row(listed, "Acme Public Cloud")[0] == "Acme Public Cloud"
        await until(pilot, lambda: app.workbench.current_scorecard is not None, 60, "evaluated")
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        matrix = app.screen.query_one("#matrix", DataTable)
        await until(pilot, lambda: matrix.row_count == 4, 60, "the matrix")
        acme = row(matrix, "Acme Public Cloud")
        delta = row(matrix, "Delta Cloud")
        borealis = row(matrix, "Borealis Cloud")
        # Acme claims to comply with Orchestration, which failed: the contradiction is marked
        # with a glyph and the word, beside the failing verdict
        assert "fail" in acme[3] and "contradicted" in acme[3] and "⚠" in acme[3]
        assert "pass" in acme[1] and "claims comply" in acme[1] and "contradicted" not in acme[1]
        assert "claims partial" in delta[3]
        assert all("no response" in cell for cell in borealis[1:])
        headline = text_of(app, "#headline")
        assert "2 claims contradicted" in headline


async def test_a_broken_response_form_loads_nothing_and_names_the_file_and_line(rfp):
    broken = rfp / "responses" / "delta-cloud.toml"
    lines = broken.read_text().splitlines()
    lines.insert(3, "this is = = not toml")
    broken.write_text("\n".join(lines) + "\n")
    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=SIZE) as pilot:
        await vendors(pilot, app)
        dialog = await load_responses(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: "Nothing was loaded" in text_of(app, "#dialog-message"), 60)
        assert isinstance(app.screen, ResponsesDialog) and app.screen is dialog  # still open: fix, retry
        assert "delta-cloud.toml:4:" in text_of(app, "#dialog-message")
        assert any("delta-cloud.toml:4:" in n for n in notifications(app, "error"))
        assert app.workbench.responses == ()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, VendorsScreen))


async def test_a_folder_that_is_not_there_is_told_and_nothing_is_loaded(rfp):
    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=SIZE) as pilot:
        await vendors(pilot, app)
        await load_responses(pilot, app, str(rfp / "no-such-folder"))
        await pilot.press("enter")
        await until(pilot, lambda: "Nothing was loaded" in text_of(app, "#dialog-message"), 60)
        assert "no-such-folder" in text_of(app, "#dialog-message")
        assert app.workbench.responses == ()


async def test_checking_the_evidence_shows_each_warning_beside_the_product(rfp):
    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await vendors(pilot, app)
        shortlist = screen.query_one("#shortlist", DataTable)
        await until(pilot, lambda: shortlist.row_count == 3)
        assert row(shortlist, "Borealis Cloud")[2] == "-"  # not checked yet
        await pilot.press("v")
        await until(pilot, lambda: row(shortlist, "Borealis Cloud")[2] != "-", 60, "checked")
        assert row(shortlist, "Borealis Cloud")[2] == "none"
        # Delta's response form brings the very same file Borealis was given: each is warned
        await load_responses(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: shortlist.row_count == 4, 60, "Delta, from its response")
        await until(pilot, lambda: "⚠" in row(shortlist, "Borealis Cloud")[2], 60, "warned")
        assert "1" in row(shortlist, "Borealis Cloud")[2] and "⚠" in row(shortlist, "Delta Cloud")[2]
        assert row(shortlist, "Acme Public Cloud")[2] == "none"
        shortlist.focus()
        shortlist.move_cursor(row=shortlist.get_row_index("Borealis Cloud"))
        await until(pilot, lambda: "same file" in text_of(app, "#evidence-check"))
        assert "⚠" in text_of(app, "#evidence-check") and "Delta Cloud" in text_of(app, "#evidence-check")


async def test_the_rfp_package_is_exported_as_a_folder_with_its_checksums(rfp):
    target = rfp / "out" / "tender"
    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.query("#format"))
        app.screen.query_one("#format", Select).value = "rfp-package"
        await pilot.pause()
        app.screen.query_one("#output", Input).value = str(target)
        await pilot.click("#export-button")
        await until(pilot, lambda: (target / "SHA256SUMS").exists(), 60, "the package")
        await until(pilot, lambda: "SHA-256" in text_of(app, "#result"))
    sums = (target / "SHA256SUMS").read_text().splitlines()
    assert sums, "an empty SHA256SUMS"
    for line in sums:  # every file listed is there, with the hash listed
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((target / name.lstrip("*")).read_bytes()).hexdigest() == digest
    names = {line.split(maxsplit=1)[1].lstrip("*") for line in sums}
    assert "requirements.md" in names and any(n.startswith("responses/") for n in names)


async def test_a_product_name_with_markup_is_shown_as_typed(rfp):
    name = "[bold red]Evil[/] Cloud [link=http://x]"
    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await vendors(pilot, app)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewProduct))
        app.screen.query_one(Input).value = name
        await pilot.press("enter")
        await until(pilot, lambda: any(p.name == name for p in app.workbench.profile.shortlist))
        shortlist = screen.query_one("#shortlist", DataTable)
        await until(pilot, lambda: shortlist.row_count == 4)
        assert row(shortlist, name)[0] == name
        assert any(name in n for n in notifications(app))  # the toast says it literally too


async def test_the_requirements_summary_counts_tests_as_the_scorecard_does(rfp):
    # one requirement, one number: the form's summary, the scorecard's denominator (RefStack's
    # count, one per capability and test) and the RFP's clause all say the same
    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await until(pilot, lambda: "required tests" in text_of(app, "#summary"), 60, "the summary")
        summary = " ".join(text_of(app, "#summary").split())
        await pilot.press("f4")
        await until(pilot, lambda: app.workbench.current_scorecard is not None, 60, "evaluated")
        card = app.workbench.current_scorecard
        acme = next(p for p in card.products if p.name == "Acme Public Cloud")
        denominator = acme.requirements[0].required.non_flagged_tests
        assert denominator == 275 and f"{denominator} required tests as RefStack counts them" in summary


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
async def test_a_drill_down_longer_than_the_terminal_keeps_its_headline_in_view(rfp, size):
    # A real program has more capabilities than the terminal has rows: the table scrolls within
    # the screen, and the verdict line under the header stays (the screen itself once scrolled).
    from buyer.tui.screens.scorecard import CapabilitiesScreen

    app = app_on(rfp / "public-cloud-platform-2020.06.toml")
    async with app.run_test(size=size) as pilot:
        await opened(pilot, app)
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        matrix = app.screen.query_one("#matrix", DataTable)
        await until(pilot, lambda: matrix.row_count >= 3, 60, "the matrix")
        await pilot.press("enter")  # the first product's platform requirement (where the cursor starts)
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen), what="the capabilities")
        await pilot.pause()
        screen = app.screen
        assert len(screen.capabilities) > size[1]
        assert screen.max_scroll_y == 0
        headline = screen.query_one("#headline")
        assert headline.region.y == 1 and "non-flagged" in text_of(app, "#headline")


async def test_ticking_an_extra_capability_keeps_the_highlight_on_its_row(rfp):
    # Ticking rebuilds the list (its labels change); the highlight stays on the row ticked
    # instead of jumping back to the top (and the next tick going to the wrong row).
    from textual.widgets import SelectionList

    app = app_on(rfp / "hosted-private-compute-2018.11.toml")  # compute: object storage's are extras
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        extras = app.screen.query_one("#extras", SelectionList)
        await until(pilot, lambda: extras.option_count > 8, 60, "the extra capabilities")
        extras.focus()
        await pilot.press("down", "down", "down", "down", "down")
        wanted = extras.get_option_at_index(extras.highlighted).value
        assert extras.highlighted > 0
        await pilot.press("space")
        await until(pilot, lambda: wanted in app.workbench.interop.extra_capabilities, what="the tick taken")
        await until(pilot, lambda: wanted in extras.selected, what="the list rebuilt")
        await pilot.pause()
        assert extras.get_option_at_index(extras.highlighted).value == wanted
