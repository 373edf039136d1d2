"""Vendors: the registry as a filterable, sortable table; the shortlist; each product's vendor
company and evidence (list, add, remove one, change its kind and date); vendors' response forms
read from a folder; each piece of evidence as the last check saw it, with its warnings.

The product the evidence keys act on is the one selected in the shortlist, and the selection
follows what the user just did: a product added is selected, evidence added is selected, a
removal selects the neighbour and ctrl+z brings the removed back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Input, Label, Static
from textual.worker import Worker, WorkerState

from buyer._text import printable
from buyer.errors import BuyerError
from buyer.model.evidence import EvidenceFormat
from buyer.model.registry import RegistryProduct
from buyer.model.scorecard import EvidenceUse
from buyer.report.phrases import evidence_line
from buyer.tui import keys
from buyer.tui.dialogs import EvidenceDialog, NewProduct, ResponsesDialog
from buyer.tui.screens.base import BuyerScreen, Done, attempt, refused
from buyer.tui.text import cell, joined, lines, plain, styled
from buyer.tui.widgets import FittingFooter

if TYPE_CHECKING:
    from buyer.actions import LoadedResponse
    from buyer.model.scorecard import ProductScore

WARNED = "⚠ "  # evidence with a plausibility warning: a glyph and the word, never colour alone

# Footer keys, most needed first (the rest stay in F1 help and the palette).
FOOTER = (
    "vendors.new-product",
    "vendors.add-evidence",
    "vendors.add",
    "vendors.load-responses",
    "vendors.check",
    "quit",
    "requirements.save",
    "vendors.remove",
    "vendors.undo",
    "vendors.remove-evidence",
    "vendors.change-evidence",
    "vendors.filter",
    "vendors.sort",
)
COLUMNS = ("Name", "Vendor", "Type", "Claimed program", "Add-ons", "Expires", "Source", "Data age")


class VendorsScreen(BuyerScreen):
    TITLE = keys.MODES["vendors"].title
    AUTO_FOCUS = "#registry"
    BINDINGS = list(keys.VENDORS)
    sort_column = 0

    def __init__(self) -> None:
        super().__init__()
        self.selected: str | None = None  # the shortlist product the evidence keys act on

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="registry-pane"):
                yield Label("Registry: Marketplace, RefStack, SCS monitor, local file", id="registry-label")
                yield Input(compact=True, placeholder="filter: name, vendor, type, claim (escape clears)", id="filter")
                yield DataTable(id="registry", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="shortlist-pane"):
                yield Label("Shortlist")
                yield DataTable(id="shortlist", cursor_type="row")
                yield Label("Vendor company", id="vendor-label")
                yield Input(compact=True, id="vendor", placeholder="the company behind the product")
                yield Label("Evidence", id="evidence-label")
                yield DataTable(id="evidence", cursor_type="row")
                yield Static(id="evidence-file")
                yield Static(id="evidence-note")
                yield Static(id="product-response")
                yield Static(id="evidence-check")
                yield Label("Vendors' responses", id="responses-label")
                yield Static(id="responses")
        yield FittingFooter(own=FOOTER, here="go.vendors")

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one("#registry", DataTable).add_columns(*COLUMNS)
        self.query_one("#shortlist", DataTable).add_columns("Product", "Evidence", "Warnings", "Vendor")
        # The file last: at 80 columns the kind and date stay in view, and the whole name is under
        # the table (#evidence-file), however long.
        self.query_one("#evidence", DataTable).add_columns("Kind", "Date", "File")
        self.buyer.evaluated_signal.subscribe(self, lambda _: self.refresh_shortlist())
        self.refresh_shortlist()
        registry = self.bench.loaded_registry
        if registry is None:
            self.query_one("#registry-label", Label).update("Registry: reading…")
            self.run_worker(partial(attempt, self.bench.registry), thread=True, name="registry", exclusive=True)
        else:
            self.fill_registry()

    def bench_changed(self) -> None:
        self.refresh_shortlist()

    # -- the registry -------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "registry" or event.state is not WorkerState.SUCCESS:
            return
        outcome = event.worker.result
        if not isinstance(outcome, Done):
            self.query_one("#registry-label", Label).update("Registry: not read")
            self.notify(outcome.message, severity="error", title="Registry")
            return
        registry = outcome.value
        for problem in registry.problems:
            self.notify(printable(problem), severity="warning", title="Registry")
        self.fill_registry()

    def fill_registry(self) -> None:
        registry = self.bench.loaded_registry
        if registry is None:
            return
        label = "Registry: Marketplace, RefStack, SCS monitor, local file"
        if registry.unsynced:
            label = (
                f"Registry: {len(registry.products)} products; {len(registry.unsynced)} sources not synced (buyer sync)"
            )
        self.query_one("#registry-label", Label).update(plain(label))
        table = self.query_one("#registry", DataTable)
        table.clear()
        needle = self.query_one("#filter", Input).value.strip().casefold()
        now = datetime.now(UTC)
        rows = [_row(p, now) for p in registry.products]
        rows = [r for r in rows if not needle or any(needle in c.casefold() for c in r)]
        rows.sort(key=lambda r: r[self.sort_column].casefold())
        for row in rows:
            table.add_row(*(cell(c) for c in row), key=row[0])

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.query_one("#registry", DataTable).focus()

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self.fill_registry()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = bool(box.value)  # a filter that filters stays in view
        self.query_one("#registry", DataTable).focus()

    def action_sort(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(COLUMNS)
        self.notify(f"sorted by {COLUMNS[self.sort_column].lower()}", title="Vendors")
        self.fill_registry()

    @on(DataTable.HeaderSelected, "#registry")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_column = event.column_index
        self.fill_registry()

    # -- the shortlist ---------------------------------------------------------------------------

    def answered_only(self) -> list[LoadedResponse]:
        """Responses for products the profile does not list: evaluated as added products."""
        listed = {p.name for p in self.bench.profile.shortlist}
        return [r for r in self.bench.responses if r.product not in listed]

    def response_of(self, name: str) -> LoadedResponse | None:
        return next((r for r in self.bench.responses if r.product == name), None)

    def checked(self, name: str) -> ProductScore | None:
        """The product as the last evaluation saw it (None: not evaluated since it was added)."""
        card = self.bench.last_scorecard
        return next((p for p in card.products if p.name == name), None) if card is not None else None

    def refresh_shortlist(self) -> None:
        table = self.query_one("#shortlist", DataTable)
        products = self.bench.profile.shortlist
        answered = self.answered_only()
        names = [p.name for p in products] + [r.product for r in answered]
        if self.selected not in names:
            self.selected = names[min(table.cursor_row, len(names) - 1)] if names else None
        table.clear()
        live = self.bench.live
        for p in products:
            response = self.response_of(p.name)
            count = len(p.evidence) + len(live.get(p.name, ())) + (len(response.sources) if response else 0)
            evidence = str(count) if count else "none"
            table.add_row(cell(p.name), evidence, self._warnings(p.name), cell(p.vendor or "-"), key=p.name)
        for r in answered:  # evaluated as added, said so beside its name; evidence and vendor are the form's
            table.add_row(
                cell(r.product).append(" (response)", "dim"),
                str(len(r.sources)),
                self._warnings(r.product),
                cell(r.response.vendor.company),
                key=r.product,
            )
        if self.selected is not None:
            table.move_cursor(row=names.index(self.selected))
        self.refresh_product()
        self.refresh_responses()

    def _warnings(self, name: str) -> str:
        checked = self.checked(name)
        if checked is None:
            return "-"
        count = sum(len(u.warnings) + _unreadable(u) for u in checked.evidence)
        return f"{WARNED}{count}" if count else "none"

    @on(DataTable.RowHighlighted, "#evidence")
    def _evidence_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_evidence_file()

    def _show_evidence_file(self) -> None:
        table = self.query_one("#evidence", DataTable)
        shown = ""
        if table.row_count and 0 <= table.cursor_row < table.row_count:
            shown = str(table.get_row_at(table.cursor_row)[2])
        self.query_one("#evidence-file", Static).update(plain(shown))

    @on(DataTable.RowHighlighted, "#shortlist")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        name = event.row_key.value if event.row_key is not None else None
        if name != self.selected:
            self.selected = name
            self.refresh_product()

    def refresh_product(self, evidence_row: int | None = None) -> None:
        """The selected product's vendor company, evidence, response and checked evidence."""
        name = self.selected
        product = self.bench.product(name) if name else None
        response = self.response_of(name) if name else None
        vendor = self.query_one("#vendor", Input)
        table = self.query_one("#evidence", DataTable)
        keep = table.cursor_row if evidence_row is None else evidence_row
        table.clear()
        self.query_one("#vendor-label", Label).update(
            joined("Vendor company of ", plain(name)) if name else "Vendor company"
        )
        self.query_one("#evidence-label", Label).update(joined("Evidence of ", plain(name)) if name else "Evidence")
        with self.prevent(Input.Changed):
            if product is not None:
                vendor.value = product.vendor
            else:
                vendor.value = response.response.vendor.company if response else ""
        vendor.disabled = product is None
        self.query_one("#product-response", Static).update(
            joined(styled("Response: ", "bold"), plain(response.shown)) if response else ""
        )
        if product is None and response is None:
            self.query_one("#evidence-note", Static).update(
                "n adds a product listed nowhere; a shortlists the product highlighted in the registry"
            )
            self.query_one("#evidence-check", Static).update("")
            self._show_evidence_file()
            return
        for i, ref in enumerate(product.evidence if product else ()):
            when = ref.date.isoformat() if ref.date else "file's own"
            table.add_row(str(ref.kind), when, cell(ref.file), key=i)
        for i, ev in enumerate(self.bench.live.get(name or "", ())):
            p = ev.provenance
            when = p.date.date().isoformat() if p.date else "undated"
            table.add_row(str(p.kind), when, cell(p.source), key=f"live-{i}")
        for i, source in enumerate(response.sources if response else ()):
            ref = source.ref
            when = ref.date.isoformat() if ref.date else "file's own"
            table.add_row(str(ref.kind), when, cell(f"{ref.file} (response)"), key=f"response-{i}")
        if table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1))
        self._show_evidence_file()  # (a move to the row it is on already is no highlight)
        if product is None:
            note = "from its response form: change the form and load the folder again (r)"
        elif table.row_count:
            note = "e adds evidence, c changes its kind and date, x removes it"
        else:
            note = "no evidence yet: e adds a file"
        self.query_one("#evidence-note", Static).update(note)
        self.query_one("#evidence-check", Static).update(self._check_lines(name or ""))

    def _check_lines(self, name: str):  # type: ignore[no-untyped-def]
        """Each piece of the product's evidence as the last evaluation saw it (phrases.evidence_line:
        whether it counts, and every warning), marked when it warns."""
        if self.buyer.evaluating:
            return "checking the evidence…"
        checked = self.checked(name)
        check = self.buyer.keys_for("vendors.check", "v")
        if checked is None:
            return f"not checked yet: {check} evaluates and shows each file's warnings"
        stale = self.bench.current_scorecard is None
        head = f"Checked (before the latest change; {check} checks again):" if stale else "Checked:"
        rows = [styled(head, "bold")]
        for use in checked.evidence:
            line = evidence_line(use)
            warned = use.warnings or _unreadable(use)
            rows.append(styled(WARNED + line, "bold $warning") if warned else plain(line))
        if not checked.evidence:
            rows.append(plain("no evidence"))
        return lines(*rows)

    def refresh_responses(self) -> None:
        bench = self.bench
        box = self.query_one("#responses", Static)
        load = self.buyer.keys_for("vendors.load-responses", "r")
        if not bench.responses:
            box.update(f"none loaded: {load} reads every response form (*.toml) of a folder")
            return
        listed = {p.name for p in bench.profile.shortlist}
        rows = [plain(f"{len(bench.responses)} from {bench.responses_from or '-'}")]
        for r in bench.responses:
            vendor = r.response.vendor
            added = "" if r.product in listed else " (not in the profile: evaluated from its form)"
            answers = len(r.response.requirement)
            rows.append(plain(f"{r.path.name}: {vendor.company} — {r.product}, {answers} answers{added}"))
        box.update(lines(*rows))

    @on(Input.Changed, "#vendor")
    def _vendor(self, event: Input.Changed) -> None:
        if self.selected is None or event.value != event.input.value:
            return
        try:
            self.bench.set_vendor(self.selected, event.value.strip())
        except BuyerError as exc:
            self.notify(refused(exc), severity="error", title="Vendors")

    def _select(self, name: str) -> None:
        self.selected = name
        self.refresh_shortlist()

    def action_add_selected(self) -> None:
        table = self.query_one("#registry", DataTable)
        registry = self.bench.loaded_registry
        if table.row_count == 0 or registry is None:
            self.notify("the registry is empty: n adds a product listed nowhere", severity="warning")
            return
        name = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        found = registry.find(name)
        try:
            self.bench.add_product(name, found.vendor if found else "")
        except BuyerError as exc:
            self.notify(refused(exc), severity="warning", title="Not added")
            return
        self._select(name)
        self.notify(printable(f"{name} is on the shortlist"), title="Vendors")

    def action_new_product(self) -> None:
        def added(name: str | None) -> None:
            if name:
                self._select(name)
                self.query_one("#shortlist", DataTable).focus()
                self.notify(printable(f"{name} is on the shortlist: e adds its evidence"), title="Vendors")

        self.app.push_screen(NewProduct(), added)

    def _away_from_shortlist(self, what: str) -> bool:
        """Remove takes the shortlist's selected product; from anywhere but the shortlist table the
        user looks at something else (a registry row, the scrolled pane) and another product went.
        It says where to go instead."""
        if self.focused is self.query_one("#shortlist"):
            return False
        self.notify(f"{what} acts on the shortlist: tab to it and select the product first", severity="warning")
        return True

    def action_remove(self) -> None:
        if self._away_from_shortlist("Remove"):
            return
        name = self._product_or_say()
        if name is None:
            return
        row = self.query_one("#shortlist", DataTable).cursor_row
        self.bench.remove_product(name)
        names = [p.name for p in self.bench.profile.shortlist]
        self.selected = names[min(row, len(names) - 1)] if names else None
        self.refresh_shortlist()
        undo = self.buyer.keys_for("vendors.undo", "ctrl+z")
        self.notify(printable(f"removed {name} from the shortlist ({undo} brings it back)"), title="Vendors")

    def action_undo(self) -> None:
        before = {p.name for p in self.bench.profile.shortlist}
        what = self.bench.undo()
        if not what:
            self.notify("nothing to undo", severity="warning")
            return
        back = [p.name for p in self.bench.profile.shortlist if p.name not in before]
        if back:
            self._select(back[0])
        self.notify(printable(f"{what} is back"), title="Vendors")

    # -- vendors' responses and the check ----------------------------------------------------------

    def action_load_responses(self) -> None:
        def loaded(done: bool | None) -> None:
            if done:
                bench = self.bench
                count = len(bench.responses)
                self.notify(f"{count} response form{'s' if count != 1 else ''} read from {bench.responses_from}")
                self.refresh_shortlist()
                self.buyer.evaluate()  # claims and warnings come with the evaluation

        self.app.push_screen(ResponsesDialog(), loaded)

    def action_forget_responses(self) -> None:
        if not self.bench.responses:
            self.notify("no responses are loaded", severity="warning")
            return
        self.bench.take_responses((), None)
        self.notify("the responses are forgotten; the next evaluation goes without them", title="Vendors")

    def action_check(self) -> None:
        self.buyer.evaluate()
        self.refresh_product()

    # -- evidence ---------------------------------------------------------------------------------

    def _product_or_say(self) -> str | None:
        if self.selected is None:
            self.notify("put a product on the shortlist first (n or a)", severity="warning")
        elif self.bench.product(self.selected) is None:
            response = self.response_of(self.selected)
            form = response.path.name if response else "its response form"
            self.notify(
                f"{self.selected} comes from {form}: change the form and load the folder again, or n adds it",
                severity="warning",
            )
            return None
        return self.selected

    def action_add_evidence(self) -> None:
        product = self._product_or_say()
        if product is None:
            return
        count = len(self.bench.product(product).evidence)  # type: ignore[union-attr]

        def added(done: bool | None) -> None:
            if done:
                self.refresh_product(evidence_row=count)
                self.notify(printable(f"evidence added to {product}"), title="Vendors")

        self.app.push_screen(EvidenceDialog(product), added)

    def _evidence_index(self) -> int | None:
        table = self.query_one("#evidence", DataTable)
        if self._product_or_say() is None:
            return None
        if table.row_count == 0:
            self.notify("no evidence selected", severity="warning")
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if isinstance(key, str) and key.startswith("response-"):
            self.notify("evidence named by a response form stays with the form; change the form", severity="warning")
            return None
        if not isinstance(key, int):
            self.notify("a live check's result stays with the session; it has no file to change", severity="warning")
            return None
        return key

    def action_change_evidence(self) -> None:
        index = self._evidence_index()
        if index is None or self.selected is None:
            return
        self.app.push_screen(EvidenceDialog(self.selected, index), lambda _: self.refresh_product(index))

    @on(DataTable.RowSelected, "#evidence")
    def _evidence_selected(self) -> None:
        self.action_change_evidence()

    def action_remove_evidence(self) -> None:
        index = self._evidence_index()
        product = self.selected
        if index is None or product is None:
            return
        ref = self.bench.product(product).evidence[index]  # type: ignore[union-attr]
        self.bench.remove_evidence(product, index)
        self.refresh_product(evidence_row=index)
        undo = self.buyer.keys_for("vendors.undo", "ctrl+z")
        self.notify(f"removed {ref.file} from {product} ({undo} brings it back)", title="Vendors")


def _row(p: RegistryProduct, now: datetime) -> tuple[str, ...]:
    from buyer.report.inputs import describe_age

    claim = next((c for c in p.claims if c.standard == "OpenStack Powered"), p.claims[0] if p.claims else None)
    if claim is None:
        return (p.name, p.vendor, p.category, "-", "-", "-", "local", "-")
    program = f"{claim.program} {claim.version}".strip() or claim.status
    age = describe_age(now - claim.retrieved_at) if claim.retrieved_at else "local file"
    sources = ", ".join(sorted({c.source for c in p.claims}))
    return (
        p.name,
        p.vendor,
        p.category,
        f"{program} ({claim.status})",
        ", ".join(claim.add_ons) or "-",
        claim.expires.isoformat() if claim.expires else "-",
        sources,
        age,
    )


def _unreadable(use: EvidenceUse) -> bool:
    """A file that could not be read is told as a warning too: it never counts."""
    return use.provenance.format == EvidenceFormat.UNREADABLE
