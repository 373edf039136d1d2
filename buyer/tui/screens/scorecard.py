"""Scorecard: products × requirements; enter drills down to capabilities (failures first), then
to tests. Evaluating runs in a worker (escape cancels); the screen shows the workbench's current
scorecard and evaluates again when the profile or the evidence changed."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Static

from buyer._text import printable
from buyer.model.scorecard import (
    CapabilityResult,
    CapabilityState,
    ProductScore,
    RequirementResult,
    Scorecard,
    TestResult,
    Verdict,
    short_test_name,
)
from buyer.report.phrases import (
    DEFINITIONS,
    claim_label,
    rating_label,
    response_line,
    state_label,
    verdict_label,
)
from buyer.tui import keys
from buyer.tui.screens.base import BuyerScreen
from buyer.tui.text import cell as text_cell
from buyer.tui.text import joined, lines, plain, styled
from buyer.tui.widgets import FittingFooter

# A claim the evidence contradicts: a glyph and the word, never colour alone.
CONTRADICTED = "⚠ "

# Drill-down order: what needs attention first, each group alphabetical.
STATE_ORDER = {
    CapabilityState.FAIL: 0,
    CapabilityState.ERROR: 1,
    CapabilityState.NOT_VERIFIED: 2,
    CapabilityState.FLAGGED_ONLY: 3,
    CapabilityState.PASS: 4,
}


def ordered_capabilities(caps: tuple[CapabilityResult, ...]) -> list[CapabilityResult]:
    return sorted(caps, key=lambda c: (STATE_ORDER[c.state], c.id))


def ordered_tests(tests: tuple[TestResult, ...]) -> list[TestResult]:
    """Not passed first (flagged ones after), then passed; each alphabetical."""
    return sorted(tests, key=lambda t: (t.passed, t.flag_reason is not None, t.name))


def _styles(screen: BuyerScreen) -> dict[str, str]:
    """Colours from the theme; the glyph and the word carry the meaning without them."""
    v = screen.app.theme_variables
    return {
        "pass": f"bold {v.get('success', 'green')}",
        "fail": f"bold {v.get('error', 'red')}",
        "flagged-only": f"bold {v.get('warning', 'yellow')}",
        "not-verified": "dim",
        "error": f"bold {v.get('accent', 'magenta')}",
    }


def verdict_text(screen: BuyerScreen, verdict: Verdict) -> Text:
    return Text(verdict_label(verdict), style=_styles(screen)[str(verdict)])


def state_text(screen: BuyerScreen, state: CapabilityState) -> Text:
    return Text(state_label(state), style=_styles(screen)[str(state)])


def claim_text(screen: BuyerScreen, product: ProductScore, r: RequirementResult) -> Text:
    """What the vendor's response claims for a requirement (phrases.claim_label), a contradiction
    marked with a glyph and in bold as well as in the theme's warning colour."""
    label = claim_label(product, r)
    if r.claim_contradicted:
        return Text(CONTRADICTED + label, style=f"bold {screen.app.theme_variables.get('warning', 'yellow')}")
    return Text(label, style="dim")


# A word of a column label longer than this is cut (with an ellipsis): the line under the table
# gives the full title of the cell under the cursor.
LABEL_WORD = 26
# The product column: as wide as the longest name, up to this share of the terminal and this cap.
PRODUCT_SHARE, PRODUCT_CAP = 3, 40


def fitted(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis, never silently."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def column_label(title: str, least: int) -> list[str]:
    """A requirement's title wrapped over a few short lines (at least ``least`` wide), so that
    several fit beside the products at 80 columns: "Capability objectstore-account-list
    (2019.06)" is three lines, not one of 45 cells."""
    words = [fitted(w, LABEL_WORD) for w in title.replace("OpenStack Powered ", "").split()]
    width = max([least, *(len(w) for w in words)])
    lines = textwrap.wrap(" ".join(words), width, break_long_words=False, break_on_hyphens=False)
    return lines or [""]


class Matrix(DataTable[Text]):
    """The scorecard's table; tells its screen when it has its size (what is in view depends on it)."""

    class Resized(Message):
        pass

    def on_resize(self, _: events.Resize) -> None:
        self.post_message(self.Resized())


class ScorecardScreen(BuyerScreen):
    TITLE = keys.MODES["scorecard"].title
    AUTO_FOCUS = "#matrix"
    BINDINGS = list(keys.SCORECARD)
    evaluating: reactive[bool] = reactive(False)
    shown: Scorecard | None = None  # the scorecard the table holds

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Press r to evaluate the profile.", id="headline")
        yield Static(id="columns")
        # The product column stays when the requirements scroll (there may be more than fit).
        yield Matrix(id="matrix", cursor_type="cell", zebra_stripes=True, header_height=2, fixed_columns=1)
        yield Static(id="reason")
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS], here="go.scorecard")

    def on_mount(self) -> None:
        self.buyer.evaluated_signal.subscribe(self, lambda _: self.evaluation_changed())
        table = self.query_one("#matrix", DataTable)
        # Measured once the table has laid out its columns, and again as it scrolls.
        for attribute in ("scroll_x", "virtual_size"):
            self.watch(table, attribute, lambda _: self._columns_in_view(), init=False)
        self.query_one("#columns", Static).display = False
        self.show_current()

    def on_resize(self) -> None:
        if self.shown is not None:
            self.show(self.shown, again=True)  # the product column's share of the new width

    def on_screen_resume(self) -> None:
        self.show_current()

    def bench_changed(self) -> None:
        if self.is_current:
            self.show_current()

    def show_current(self) -> None:
        card = self.bench.current_scorecard
        if card is not None:
            self.evaluating = False
            self.show(card)
        elif self.buyer.evaluating:
            self.evaluation_changed()
        else:
            self.action_evaluate()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.evaluating
        return True

    def watch_evaluating(self, evaluating: bool) -> None:
        self.query_one("#matrix", DataTable).loading = evaluating
        self.refresh_bindings()

    def action_evaluate(self) -> None:
        self.buyer.evaluate()

    def action_cancel(self) -> None:
        if self.evaluating:
            self.buyer.cancel_evaluation()

    def evaluation_changed(self) -> None:
        """An evaluation started or ended (asked here or on another screen)."""
        buyer = self.buyer
        headline = self.query_one("#headline", Static)
        self.evaluating = buyer.evaluating
        if buyer.evaluating:
            count = buyer.evaluating_products
            cancel = buyer.keys_for("scorecard.cancel", "escape")
            headline.update(f"Evaluating {count} product{'s' if count != 1 else ''}… ({cancel} cancels)")
        elif buyer.evaluation_message == "cancelled":
            keys_ = buyer.keys_for("scorecard.evaluate", "r")
            headline.update(f"Evaluation cancelled; {keys_} evaluates again.")
        elif buyer.evaluation_message:
            headline.update(plain(f"Not evaluated: {buyer.evaluation_message}", multiline=True))
        elif self.bench.current_scorecard is not None:
            self.show(self.bench.current_scorecard)
        elif self.is_current:  # the profile changed while it ran, and nobody asked again yet
            self.action_evaluate()

    def show(self, card: Scorecard, again: bool = False) -> None:
        """The matrix of ``card``; the cursor stays on the cell it was on (by product and
        requirement), so coming back from a drill-down or a new evaluation keeps the place."""
        table = self.query_one("#matrix", DataTable)
        if card is self.shown and not again:
            return
        at = self._cursor_keys()
        self.shown = card
        table.clear(columns=True)
        answered = any(p.response is not None for p in card.products)
        cell = len(verdict_label(Verdict.NOT_VERIFIED))
        if answered:  # room for the claim under the verdict ("⚠ claims comply," / "contradicted")
            cell = max(cell, len(CONTRADICTED + "claims comply,"))
        labels = [column_label(spec.title, cell) for spec in card.requirements]
        table.header_height = max([2, *(len(lines) for lines in labels)])
        longest = max([len("Product"), *(len(printable(p.name)) for p in card.products)])
        width = self.size.width or self.app.size.width
        name_width = max(12, min(longest, width // PRODUCT_SHARE, PRODUCT_CAP))
        table.add_column("Product", key="product", width=name_width)
        for spec, label in zip(card.requirements, labels, strict=True):
            width = max([cell, *map(len, label)])
            table.add_column(text_cell("\n".join(label), multiline=True), key=spec.title, width=width)
        for product in card.products:
            cells = [self.cell(product, r, answered) for r in product.requirements]
            name = text_cell(fitted(printable(product.name), name_width), "bold")
            table.add_row(name, *cells, key=product.name, height=None if answered else 1)
        counts = {v: sum(p.verdict is v for p in card.products) for v in Verdict}
        summary = ", ".join(f"{n} {verdict_label(v)}" for v, n in counts.items() if n)  # words beside the glyphs
        contradicted = sum(len(p.contradictions) for p in card.products)
        told = (
            f"; {CONTRADICTED}{contradicted} claim{'s' if contradicted != 1 else ''} contradicted"
            if contradicted
            else ""
        )
        self.query_one("#headline", Static).update(
            joined(
                plain(f"{card.profile_name}: {len(card.products)} products, {card.as_of} — {summary or 'none'}{told}"),
                ". Enter on a cell: its capabilities.",
            )
        )
        if not card.products:
            self.query_one("#reason", Static).update("Add products and evidence on the Vendors screen (F3).")
        else:
            self._restore_cursor(card, at)
            self._highlight()
        self.call_after_refresh(self._columns_in_view)

    @on(Matrix.Resized)
    def _resized(self) -> None:
        self._columns_in_view()

    def _cursor_keys(self) -> tuple[str, str] | None:
        """The product and requirement under the cursor, to find them again in a new table."""
        selected = self._selected(self.shown)
        return (selected[0].name, selected[1].title) if selected else None

    def _restore_cursor(self, card: Scorecard, at: tuple[str, str] | None) -> None:
        names = [p.name for p in card.products]
        titles = [spec.title for spec in card.requirements]
        row = names.index(at[0]) if at and at[0] in names else 0
        column = titles.index(at[1]) + 1 if at and at[1] in titles else 1
        table = self.query_one("#matrix", DataTable)
        table.move_cursor(row=row, column=min(column, len(titles)), animate=False)

    def _columns_in_view(self) -> None:
        """Say when requirements are out of view (the table scrolls sideways under the fixed
        product column), and which way they are."""
        table = self.query_one("#matrix", DataTable)
        columns = table.ordered_columns[1:]
        note = self.query_one("#columns", Static)
        if not columns or not table.is_attached:
            note.display = False
            return
        fixed = table.ordered_columns[0].get_render_width(table)
        view = table.scrollable_content_region.width - fixed
        if view <= 0:  # not laid out yet: told when it is (Matrix.Resized)
            return
        left = table.scroll_x
        right = left + view
        seen, x = [], 0
        for number, column in enumerate(columns, start=1):
            width = column.get_render_width(table)
            if x >= left and x + width <= right:
                seen.append(number)
            x += width
        total = len(columns)
        if not seen or len(seen) == total:
            note.display = not seen
            note.update(f"{total} requirements; ← → scroll to them")
            return
        ways = " and ".join(w for w, more in (("←", seen[0] > 1), ("→", seen[-1] < total)) if more)
        note.update(f"Requirements {seen[0]}–{seen[-1]} of {total} in view; {ways} for the others")
        note.display = True

    def cell(self, product: ProductScore, r: RequirementResult, answered: bool) -> Text:
        """The verdict, and under it what the vendor claims when responses were read."""
        verdict = verdict_text(self, r.verdict)
        if not answered:
            return verdict
        return Text.assemble(verdict, "\n", claim_text(self, product, r))

    def _selected(self, card: Scorecard | None = None) -> tuple[ProductScore, RequirementResult] | None:
        card = card or self.bench.current_scorecard
        table = self.query_one("#matrix", DataTable)
        if card is None or not card.products or not card.requirements or table.row_count == 0:
            return None
        row, column = table.cursor_coordinate
        product = card.products[min(row, len(card.products) - 1)]
        return product, product.requirements[min(max(0, column - 1), len(product.requirements) - 1)]

    @on(DataTable.CellHighlighted, "#matrix")
    def _highlight(self) -> None:
        table = self.query_one("#matrix", DataTable)
        if table.cursor_column == 0 and len(table.columns) > 1:
            # The product column names the row; its cells are no requirement to drill into.
            table.move_cursor(column=1, animate=False)
            return
        selected = self._selected()
        if selected:
            product, req = selected
            claim = f" · {claim_label(product, req)}" if product.response is not None else ""
            meaning = DEFINITIONS.get(str(product.rating), "")
            self.query_one("#reason", Static).update(
                lines(
                    plain(f"{product.name} ({rating_label(product.rating)}) — {req.title}: {req.reason}{claim}"),
                    styled(f"{product.rating}: {meaning}", "dim") if meaning else "",
                )
            )

    @on(DataTable.CellSelected, "#matrix")
    def _select(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        selected = self._selected()
        if selected:
            self.app.push_screen(CapabilitiesScreen(*selected))


class CapabilitiesScreen(BuyerScreen):
    """A requirement of a product: its verdict and reason, what the vendor claims (and notes) for
    it, then its capabilities, failures first."""

    AUTO_FOCUS = "#capabilities"
    BINDINGS = list(keys.CAPABILITIES)

    def __init__(self, product: ProductScore, requirement: RequirementResult) -> None:
        super().__init__()
        self.product, self.requirement = product, requirement
        self.capabilities = ordered_capabilities(requirement.capabilities)
        self.title = printable(f"{product.name} · {requirement.title}")

    def compose(self) -> ComposeResult:
        yield Header()
        r = self.requirement
        yield Static(Text.assemble(verdict_text(self, r.verdict), f"  {printable(r.reason)}"), id="headline")
        if self.product.response is not None:
            yield Static(self.claim(), id="claim")
        yield DataTable(id="capabilities", cursor_type="row", zebra_stripes=True)
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS])

    def claim(self) -> Text:
        """The vendor's claim for this requirement, their note, the form it came from."""
        product, r = self.product, self.requirement
        out = Text.assemble(claim_text(self, product, r))
        if r.vendor_claim is not None:
            out.append(printable(f" (clause {r.vendor_claim.clause})"))
            if r.vendor_claim.note:
                out.append("\nvendor's note: ", style="bold")
                out.append(printable(r.vendor_claim.note))
        out.append("\nresponse: ", style="bold")
        out.append(printable(response_line(product)))
        return out

    def on_mount(self) -> None:
        table = self.query_one("#capabilities", DataTable)
        table.add_columns("State", "Capability", "Status", "Passed", "Flagged", "Note")
        scored = self.requirement.scored  # else its counts say nothing: never "0 of N"
        for cap in self.capabilities:
            table.add_row(
                state_text(self, cap.state),
                text_cell(cap.id),
                str(cap.status),
                f"{cap.passed}/{cap.tests}" if scored else "not scored",
                str(cap.flagged),
                text_cell(cap.note),
                key=cap.id,
            )

    @on(DataTable.RowSelected, "#capabilities")
    def _select(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        table = self.query_one("#capabilities", DataTable)
        if table.row_count:
            cap = self.capabilities[table.cursor_row]
            self.app.push_screen(CapabilityTestsScreen(self.product, cap, self.requirement.scored))


class CapabilityTestsScreen(BuyerScreen):
    """A capability's tests. The table names each by its class and method (what tells them apart
    when most share a module); the whole name, and all that is known of the highlighted test, is
    on the lines under the table, wrapped to any width."""

    AUTO_FOCUS = "#tests"
    BINDINGS = list(keys.TESTS)

    def __init__(self, product: ProductScore, capability: CapabilityResult, scored: bool = True) -> None:
        super().__init__()
        self.product, self.capability = product, capability
        # False: no accepted evidence had results for the requirement; its tests did not fail,
        # nothing was scored (e.g. the only evidence is too old, though it passed them)
        self.scored = scored
        self.tests = ordered_tests(capability.results)
        self.title = printable(f"{product.name} · {capability.id}")

    def compose(self) -> ComposeResult:
        yield Header()
        cap = self.capability
        counts = (
            f" — {cap.passed} of {cap.tests} tests passed"
            if self.scored
            else f" — {cap.tests} test{'s' if cap.tests != 1 else ''}, not scored: "
            "no evidence the profile accepts has results for them"
        )
        yield Static(Text.assemble(state_text(self, cap.state), counts), id="headline")
        yield DataTable(id="tests", cursor_type="row", zebra_stripes=True)
        yield Static(id="test-detail")
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS])

    def on_mount(self) -> None:
        styles = _styles(self)
        table = self.query_one("#tests", DataTable)
        table.add_columns("Result", "Test", "Matched by", "Flag reason", "Evidence")
        for t in self.tests:
            if not self.scored:
                result = Text("? not scored", style=styles["not-verified"])
            elif t.passed:
                result = Text("✓ passed", style=styles["pass"])
            elif t.flag_reason is not None:
                result = Text("~ flagged", style=styles["flagged-only"])
            else:
                result = Text("✗ failed", style=styles["fail"])
            texts = (short_test_name(t.name), self._matched(t), t.flag_reason or "", self._source(t))
            table.add_row(result, *(text_cell(x) for x in texts))

    def _source(self, t: TestResult) -> str:
        return self.product.evidence[t.evidence].provenance.source if t.evidence is not None else "-"

    @staticmethod
    def _matched(t: TestResult) -> str:
        return str(t.matched_by or "-") + (f" ({t.stand_in})" if t.stand_in else "")

    @on(DataTable.RowHighlighted, "#tests")
    def _highlight(self, event: DataTable.RowHighlighted) -> None:
        if not 0 <= event.cursor_row < len(self.tests):
            return
        t = self.tests[event.cursor_row]
        facts = [
            f"id {t.idempotent_id}" if t.idempotent_id else "",
            f"matched by {self._matched(t)}" if t.matched_by else "",
            f"flagged: {t.flag_reason}" if t.flag_reason is not None else "",
            f"evidence {self._source(t)}" if t.evidence is not None else "",
        ]
        self.query_one("#test-detail", Static).update(
            plain(t.name + "\n" + " · ".join(f for f in facts if f), multiline=True)
        )
