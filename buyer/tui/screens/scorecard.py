"""Scorecard: products × requirements; enter drills down to capabilities, then to tests."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from buyer.errors import BuyerError
from buyer.model.scorecard import CapabilityResult, CapabilityState, ProductScore, RequirementResult, Verdict
from buyer.report.phrases import STATE_GLYPH, VERDICT_GLYPH
from buyer.tui.workbench import Workbench

# Colour adds to the glyph and the word; it never carries the meaning alone.
VERDICT_STYLE = {
    Verdict.PASS: "bold green",
    Verdict.FAIL: "bold red",
    Verdict.NOT_VERIFIED: "dim",
    Verdict.ERROR: "bold magenta",
}
STATE_STYLE = {
    CapabilityState.PASS: "bold green",
    CapabilityState.FAIL: "bold red",
    CapabilityState.FLAGGED_ONLY: "bold yellow",
    CapabilityState.NOT_VERIFIED: "dim",
    CapabilityState.ERROR: "bold magenta",
}


def verdict_text(verdict: Verdict) -> Text:
    return Text(f"{VERDICT_GLYPH[verdict]} {verdict}", style=VERDICT_STYLE[verdict])


class ScorecardScreen(Screen[None]):
    TITLE = "Scorecard"
    BINDINGS = [
        Binding("r", "evaluate", "Re-evaluate", id="scorecard.evaluate"),
        Binding("enter", "drill", "Capabilities", id="scorecard.drill"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Press r to evaluate the profile.", id="headline")
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True)
        yield Static(id="reason")
        yield Footer()

    @property
    def bench(self) -> Workbench:
        return self.app.workbench  # type: ignore[attr-defined,no-any-return]

    def on_mount(self) -> None:
        self.action_evaluate()

    def on_screen_resume(self) -> None:
        if self.bench.scorecard is None:
            self.action_evaluate()

    def action_evaluate(self) -> None:
        self.query_one("#headline", Static).update("Evaluating…")
        self.evaluate()

    @work(thread=True, exclusive=True, group="evaluate")
    def evaluate(self) -> None:
        try:
            self.bench.evaluate()
        except BuyerError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.show)

    def failed(self, message: str) -> None:
        self.query_one("#headline", Static).update(f"Not evaluated: {message}")
        self.notify(message, severity="error", title="Scorecard")

    def show(self) -> None:
        card = self.bench.scorecard
        if card is None:
            return
        table = self.query_one("#matrix", DataTable)
        table.clear(columns=True)
        # Widths from the content, set once: auto-width grows as rows arrive and can clip a name.
        name_width = min(40, max([len("Product"), *(len(p.name) for p in card.products)]))
        table.add_column("Product", key="product", width=name_width)
        for spec in card.requirements:
            label = spec.title.replace("OpenStack Powered ", "")
            table.add_column(label, key=spec.title, width=max(len(label), len("? not-verified")))
        for product in card.products:
            table.add_row(
                Text(product.name, style="bold"),
                *[verdict_text(r.verdict) for r in product.requirements],
                key=product.name,
            )
        counts = {v: sum(p.verdict is v for p in card.products) for v in Verdict}
        summary = ", ".join(f"{VERDICT_GLYPH[v]} {n} {v}" for v, n in counts.items() if n)
        self.query_one("#headline", Static).update(
            f"{card.profile_name}: {len(card.products)} products as of {card.as_of} — {summary or 'no products'}. "
            "Enter on a cell: its capabilities."
        )
        if not card.products:
            self.query_one("#reason", Static).update("Add products and evidence on the Vendors screen (F3).")
        else:
            self._highlight()  # the line under the matrix is complete with the rows, not an event later

    def _selected(self) -> tuple[ProductScore, RequirementResult] | None:
        card = self.bench.scorecard
        table = self.query_one("#matrix", DataTable)
        if card is None or not card.products or table.row_count == 0:
            return None
        row, column = table.cursor_coordinate
        product = card.products[row]
        return product, product.requirements[max(0, column - 1)]

    @on(DataTable.CellHighlighted, "#matrix")
    def _highlight(self) -> None:
        selected = self._selected()
        if selected:
            product, req = selected
            self.query_one("#reason", Static).update(f"{product.name} — {req.title}: {req.reason}")

    @on(DataTable.CellSelected, "#matrix")
    def _select(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        selected = self._selected()
        if selected:
            self.app.push_screen(CapabilitiesScreen(*selected))


class CapabilitiesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="capabilities.back"),
        Binding("enter", "drill", "Tests", id="capabilities.drill"),
    ]

    def __init__(self, product: ProductScore, requirement: RequirementResult) -> None:
        super().__init__()
        self.product, self.requirement = product, requirement
        self.title = f"{product.name} · {requirement.title}"

    def compose(self) -> ComposeResult:
        yield Header()
        r = self.requirement
        yield Static(Text.assemble(verdict_text(r.verdict), f"  {r.reason}"), id="headline")
        yield DataTable(id="capabilities", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#capabilities", DataTable)
        table.add_columns("State", "Capability", "Status", "Passed", "Flagged", "Note")
        for cap in self.requirement.capabilities:
            table.add_row(
                Text(f"{STATE_GLYPH[cap.state]} {cap.state}", style=STATE_STYLE[cap.state]),
                cap.id,
                str(cap.status),
                f"{cap.passed}/{cap.tests}",
                str(cap.flagged),
                cap.note,
                key=cap.id,
            )
        table.focus()

    @on(DataTable.RowSelected, "#capabilities")
    def _select(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        table = self.query_one("#capabilities", DataTable)
        if table.row_count:
            cap = self.requirement.capabilities[table.cursor_row]
            self.app.push_screen(CapabilityTestsScreen(self.product, cap))


class CapabilityTestsScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="tests.back")]

    def __init__(self, product: ProductScore, capability: CapabilityResult) -> None:
        super().__init__()
        self.product, self.capability = product, capability
        self.title = f"{product.name} · {capability.id}"

    def compose(self) -> ComposeResult:
        yield Header()
        cap = self.capability
        yield Static(
            Text(
                f"{STATE_GLYPH[cap.state]} {cap.state} — {cap.passed} of {cap.tests} tests passed",
                style=STATE_STYLE[cap.state],
            ),
            id="headline",
        )
        yield DataTable(id="tests", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#tests", DataTable)
        table.add_columns("Result", "Test", "Matched by", "Flag reason", "Evidence")
        evidence = self.product.evidence
        for t in self.capability.results:
            if t.passed:
                result = Text("✓ passed", style="bold green")
            elif t.flag_reason is not None:
                result = Text("~ flagged", style="bold yellow")
            else:
                result = Text("✗ failed", style="bold red")
            source = evidence[t.evidence].provenance.source if t.evidence is not None else "-"
            table.add_row(result, t.name, str(t.matched_by or "-"), t.flag_reason or "", source)
        table.focus()
