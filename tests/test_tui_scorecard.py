"""The scorecard with more requirements than fit (extra capabilities and an SCS scope) at 80×24
and 120×40: the product column stays when the requirements scroll, a name is never cut without an
ellipsis (the full one is under the table), the screen says which requirements are out of view,
and the cursor keeps its cell across a drill-down. Driven with textual's Pilot over the README's
example profile and the real guidelines and SCS scope."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable

from buyer.tui.app import BuyerApp
from buyer.tui.screens.scorecard import CapabilitiesScreen, ScorecardScreen
from buyer.tui.workbench import Workbench
from tests.conftest import SHARED, SHARED_INTEROP, need_shared
from tests.helpers.tui import (
    SIZE,
    SMALL,
    opened,
    text_of,
    tui_env_fixture,  # noqa: F401  (the tui_env fixture)
    until,
)

pytestmark = pytest.mark.usefixtures("tui_env")
SIZES = pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])

EXAMPLES = Path(__file__).resolve().parent.parent / "requirements_profiles"
AS_OF = dt.date(2026, 12, 1)
LONG = "Borealis Cloud Nordics, region Stockholm-2 (sovereign)"  # 55 characters


@pytest.fixture
def wide(tui_env) -> Path:
    """The example profile with two extra capabilities, an SCS scope and a long product name."""
    work = tui_env / "rfp"
    shutil.copytree(EXAMPLES, work)
    scope = need_shared(SHARED / "scs" / "scopes" / "scs-compatible-iaas.yaml")
    path = work / "public-cloud-platform-2020.06.toml"
    text = path.read_text()
    text = text.replace(
        'add_ons = ["dns", "orchestration"]',
        'add_ons = ["dns", "orchestration"]\nextra_capabilities = ["objectstore-account-list", "images-v2-import"]',
    )
    text = text.replace(
        "\n[evidence_policy]", f'\n[scs]\nscope = "{scope}"\nversion = "effective"\n\n[evidence_policy]'
    )
    text = text.replace('name = "Borealis Cloud"', f'name = "{LONG}"')
    assert "extra_capabilities" in text and "[scs]" in text and LONG in text
    path.write_text(text)
    return path


def app_on(profile: Path) -> BuyerApp:
    return BuyerApp(Workbench(source=str(need_shared(SHARED_INTEROP)), as_of=AS_OF), profile=profile)


async def matrix(pilot, app: BuyerApp) -> DataTable:
    await opened(pilot, app)
    await pilot.press("f4")
    await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
    table = app.screen.query_one("#matrix", DataTable)
    await until(pilot, lambda: table.row_count == 3 and len(table.columns) == 7, 90, "the matrix")
    await pilot.pause(0.2)
    return table


def screen_rows(table: DataTable) -> list[str]:
    """The table's lines as the terminal shows them (scrolled as it is)."""
    return [table.render_line(y).text for y in range(table.size.height)]


@SIZES
async def test_the_product_column_stays_and_the_screen_says_what_is_out_of_view(wide, size):
    app = app_on(wide)
    async with app.run_test(size=size) as pilot:
        table = await matrix(pilot, app)
        assert table.cursor_coordinate.column == 1  # on the first requirement, not on a name
        note = app.screen.query_one("#columns")
        assert note.display and "of 6 in view; → for the others" in text_of(app, "#columns")
        for _ in range(6):
            await pilot.press("right")
        await until(pilot, lambda: table.scroll_x > 0)
        await pilot.pause(0.2)
        assert "6 of 6 in view; ← for the others" in text_of(app, "#columns")
        shown = "\n".join(screen_rows(table))
        assert "SCS-compatible" in shown
        for name in ("Acme Public Cloud", "Citadel Compute"):
            assert name in shown, shown  # the products still name their rows


@SIZES
async def test_a_long_product_name_is_cut_with_an_ellipsis_and_shown_in_full_below(wide, size):
    app = app_on(wide)
    async with app.run_test(size=size) as pilot:
        table = await matrix(pilot, app)
        shown = "\n".join(screen_rows(table))
        cut = next(line for line in screen_rows(table) if "Borealis" in line).split("  ")[0].strip()
        assert cut.endswith("…") and LONG.startswith(cut[:-1]) and len(cut) >= 12, shown
        await pilot.press("down")
        await until(pilot, lambda: LONG in text_of(app, "#reason"))


async def test_escape_from_a_drill_down_returns_to_the_cell_drilled_into(wide):
    app = app_on(wide)
    async with app.run_test(size=SMALL) as pilot:
        table = await matrix(pilot, app)
        await pilot.press("down", "down", "right", "right", "right")
        drilled = table.cursor_coordinate
        assert drilled.column == 4 and drilled.row == 2
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
        title = app.screen.requirement.title
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.pause(0.2)
        assert table.cursor_coordinate == drilled
        assert title in text_of(app, "#reason")
        await pilot.press("enter")  # the same cell again, not the first product's first requirement
        await until(pilot, lambda: isinstance(app.screen, CapabilitiesScreen))
        assert app.screen.requirement.title == title


async def test_the_reason_line_says_what_the_products_rating_means(wide):
    """A product's rating ("meets with exceptions", "does not meet" beside a cell that passed) is
    told in words under the reason, as the reports' glossary defines it."""
    from buyer.report.phrases import DEFINITIONS

    app = app_on(wide)
    async with app.run_test(size=SMALL) as pilot:
        await matrix(pilot, app)
        card = app.workbench.current_scorecard
        for row, product in enumerate(card.products[:3]):
            app.screen.query_one("#matrix").move_cursor(row=row, column=1)
            rating = str(product.rating)
            await until(pilot, lambda rating=rating: f"{rating}: {DEFINITIONS[rating]}" in text_of(app, "#reason"))
