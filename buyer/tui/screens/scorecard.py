"""Scorecard: products × requirements; enter drills down to capabilities (failures first), then
to tests. Evaluating runs in a worker (escape cancels); the screen shows the workbench's current
scorecard and evaluates again when the profile or the evidence changed."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState

from buyer._text import printable
from buyer.model.scorecard import (
    CapabilityResult,
    CapabilityState,
    ProductScore,
    RequirementResult,
    Scorecard,
    TestResult,
    Verdict,
)
from buyer.report.phrases import VERDICT_GLYPH, rating_label, state_label, verdict_label
from buyer.tui.screens.base import BuyerScreen, Done, attempt
from buyer.tui.widgets import FittingFooter

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


def column_label(title: str) -> str:
    """A requirement's title on two lines, so that three fit beside the products at 80 columns."""
    label = title.replace("OpenStack Powered ", "")
    head, _, tail = label.rpartition(" ")
    return f"{head}\n{tail}" if head else label


class ScorecardScreen(BuyerScreen):
    TITLE = "Scorecard"
    AUTO_FOCUS = "#matrix"
    BINDINGS = [
        Binding(
            "enter", "drill", "Capabilities", tooltip="Show the capabilities of the selected cell", id="scorecard.drill"
        ),
        Binding("r", "evaluate", "Re-evaluate", tooltip="Evaluate the shortlist again", id="scorecard.evaluate"),
        Binding("escape", "cancel", "Cancel", tooltip="Cancel the evaluation", id="scorecard.cancel"),
    ]
    evaluating: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Press r to evaluate the profile.", id="headline")
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True, header_height=2)
        yield Static(id="reason")
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS], here="go.scorecard")

    def on_mount(self) -> None:
        self.show_current()

    def on_screen_resume(self) -> None:
        self.show_current()

    def bench_changed(self) -> None:
        if self.is_current:
            self.show_current()

    def show_current(self) -> None:
        card = self.bench.current_scorecard
        if card is not None:
            self.show(card)
        elif not self.evaluating:
            self.action_evaluate()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.evaluating
        return True

    def watch_evaluating(self, evaluating: bool) -> None:
        self.query_one("#matrix", DataTable).loading = evaluating
        self.refresh_bindings()

    def action_evaluate(self) -> None:
        bench = self.bench
        evaluation = bench.evaluation()
        count = len(bench.profile.shortlist)
        cancel = self.buyer.keys_for("scorecard.cancel", "escape")
        self.query_one("#headline", Static).update(
            f"Evaluating {count} product{'s' if count != 1 else ''}… ({cancel} cancels)"
        )
        self.evaluating = True
        self.run_worker(
            partial(attempt, partial(bench.run, evaluation)),
            thread=True,
            name="evaluate",
            group="evaluate",
            exclusive=True,
        )

    def action_cancel(self) -> None:
        if self.evaluating:
            self.workers.cancel_group(self, "evaluate")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "evaluate":
            return
        if event.state is WorkerState.CANCELLED:
            self.evaluating = False
            keys = self.buyer.keys_for("scorecard.evaluate", "r")
            self.query_one("#headline", Static).update(f"Evaluation cancelled; {keys} evaluates again.")
        elif event.state is WorkerState.SUCCESS:
            self.evaluating = False
            outcome = event.worker.result
            if not isinstance(outcome, Done):
                self.query_one("#headline", Static).update(f"Not evaluated: {outcome.message}")
                self.notify(outcome.message, severity="error", title="Scorecard")
                return
            card = self.bench.keep(outcome.value)
            if card is None:  # the profile changed while it ran
                self.action_evaluate()
            else:
                self.show(card)

    def show(self, card: Scorecard) -> None:
        table = self.query_one("#matrix", DataTable)
        table.clear(columns=True)
        labels = [column_label(spec.title) for spec in card.requirements]
        cell = len(verdict_label(Verdict.NOT_VERIFIED))
        widths = [max(cell, *(len(x) for x in label.split("\n"))) for label in labels]
        room = (self.size.width or self.app.size.width) - sum(w + 2 for w in widths) - 4
        longest = max([len("Product"), *(len(p.name) for p in card.products)])
        table.add_column("Product", key="product", width=max(12, min(longest, room, 40)))
        for spec, label, width in zip(card.requirements, labels, widths, strict=True):
            table.add_column(label, key=spec.title, width=width)
        for product in card.products:
            table.add_row(
                Text(printable(product.name), style="bold"),
                *[verdict_text(self, r.verdict) for r in product.requirements],
                key=product.name,
            )
        counts = {v: sum(p.verdict is v for p in card.products) for v in Verdict}
        summary = ", ".join(f"{VERDICT_GLYPH[v]} {n}" for v, n in counts.items() if n)
        self.query_one("#headline", Static).update(
            printable(f"{card.profile_name}: {len(card.products)} products, {card.as_of} — {summary or 'none'}")
            + ". Enter on a cell: its capabilities."
        )
        if not card.products:
            self.query_one("#reason", Static).update("Add products and evidence on the Vendors screen (F3).")
        else:
            self._highlight()

    def _selected(self) -> tuple[ProductScore, RequirementResult] | None:
        card = self.bench.current_scorecard
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
            self.query_one("#reason", Static).update(
                printable(f"{product.name} ({rating_label(product.rating)}) — {req.title}: {req.reason}")
            )

    @on(DataTable.CellSelected, "#matrix")
    def _select(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        selected = self._selected()
        if selected:
            self.app.push_screen(CapabilitiesScreen(*selected))


class CapabilitiesScreen(BuyerScreen):
    AUTO_FOCUS = "#capabilities"
    BINDINGS = [
        Binding("enter", "drill", "Tests", tooltip="Of the selected capability", id="capabilities.drill"),
        Binding("escape", "app.pop_screen", "Back", id="capabilities.back"),
    ]

    def __init__(self, product: ProductScore, requirement: RequirementResult) -> None:
        super().__init__()
        self.product, self.requirement = product, requirement
        self.capabilities = ordered_capabilities(requirement.capabilities)
        self.title = printable(f"{product.name} · {requirement.title}")

    def compose(self) -> ComposeResult:
        yield Header()
        r = self.requirement
        yield Static(Text.assemble(verdict_text(self, r.verdict), f"  {printable(r.reason)}"), id="headline")
        yield DataTable(id="capabilities", cursor_type="row", zebra_stripes=True)
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS])

    def on_mount(self) -> None:
        table = self.query_one("#capabilities", DataTable)
        table.add_columns("State", "Capability", "Status", "Passed", "Flagged", "Note")
        for cap in self.capabilities:
            table.add_row(
                state_text(self, cap.state),
                printable(cap.id),
                str(cap.status),
                f"{cap.passed}/{cap.tests}",
                str(cap.flagged),
                printable(cap.note),
                key=cap.id,
            )

    @on(DataTable.RowSelected, "#capabilities")
    def _select(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        table = self.query_one("#capabilities", DataTable)
        if table.row_count:
            self.app.push_screen(CapabilityTestsScreen(self.product, self.capabilities[table.cursor_row]))


class CapabilityTestsScreen(BuyerScreen):
    AUTO_FOCUS = "#tests"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="tests.back")]

    def __init__(self, product: ProductScore, capability: CapabilityResult) -> None:
        super().__init__()
        self.product, self.capability = product, capability
        self.title = printable(f"{product.name} · {capability.id}")

    def compose(self) -> ComposeResult:
        yield Header()
        cap = self.capability
        yield Static(
            Text.assemble(state_text(self, cap.state), f" — {cap.passed} of {cap.tests} tests passed"), id="headline"
        )
        yield DataTable(id="tests", cursor_type="row", zebra_stripes=True)
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS])

    def on_mount(self) -> None:
        styles = _styles(self)
        table = self.query_one("#tests", DataTable)
        table.add_columns("Result", "Test", "Matched by", "Flag reason", "Evidence")
        evidence = self.product.evidence
        for t in ordered_tests(self.capability.results):
            if t.passed:
                result = Text("✓ passed", style=styles["pass"])
            elif t.flag_reason is not None:
                result = Text("~ flagged", style=styles["flagged-only"])
            else:
                result = Text("✗ failed", style=styles["fail"])
            source = evidence[t.evidence].provenance.source if t.evidence is not None else "-"
            matched = str(t.matched_by or "-") + (f" ({t.stand_in})" if t.stand_in else "")
            texts = (t.name, matched, t.flag_reason or "", source)
            table.add_row(result, *(printable(x) for x in texts))
