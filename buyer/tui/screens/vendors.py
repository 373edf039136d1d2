"""Vendors: the registry as a filterable, sortable table; the shortlist; evidence files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select

from buyer.errors import BuyerError
from buyer.model.evidence import EvidenceKind
from buyer.model.registry import RegistryProduct
from buyer.report.inputs import describe_age
from buyer.tui.workbench import Workbench

COLUMNS = ("Name", "Vendor", "Type", "Claimed program", "Add-ons", "Expires", "Source", "Data age")


class VendorsScreen(Screen[None]):
    TITLE = "Vendors"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="vendors.filter"),
        Binding("a", "add_selected", "Add to shortlist", id="vendors.add"),
        Binding("n", "new_product", "New product", id="vendors.new-product"),
        Binding("e", "add_evidence", "Add evidence", id="vendors.add-evidence"),
        Binding("delete", "remove", "Remove from shortlist", id="vendors.remove"),
        Binding("s", "sort", "Sort", id="vendors.sort"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="vendors.clear-filter"),
    ]
    sort_column = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="filter the registry (name, vendor, type, claim)", id="filter")
        with Horizontal():
            with Vertical(id="registry-pane"):
                yield Label("Registry: Marketplace, RefStack, SCS monitor, local file", id="registry-label")
                yield DataTable(id="registry", cursor_type="row", zebra_stripes=True)
            with Vertical(id="shortlist-pane"):
                yield Label("Shortlist")
                yield DataTable(id="shortlist", cursor_type="row")
                yield Label("Product not in the registry")
                with Horizontal(classes="row"):
                    yield Input(placeholder="product name", id="product-name")
                    yield Button("Add", id="add-product")
                yield Label("Evidence file for the selected shortlist product")
                yield Input(placeholder="path to a result file, or refstack:<result id>", id="evidence-file")
                with Horizontal(classes="row"):
                    yield Select[str](
                        [(k.value, k.value) for k in EvidenceKind],
                        value="self-reported",
                        allow_blank=False,
                        id="evidence-kind",
                    )
                    yield Button("Add evidence", id="add-evidence", variant="primary")
        yield Footer()

    @property
    def bench(self) -> Workbench:
        return self.app.workbench  # type: ignore[attr-defined,no-any-return]

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        table = self.query_one("#registry", DataTable)
        table.add_columns(*COLUMNS)
        shortlist = self.query_one("#shortlist", DataTable)
        shortlist.add_columns("Product", "Evidence")
        self.refresh_shortlist()
        self.load_registry()

    def on_screen_resume(self) -> None:
        self.refresh_shortlist()

    @work(thread=True, exclusive=True, group="registry")
    def load_registry(self) -> None:
        try:
            registry = self.bench.registry()
        except BuyerError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", title="Registry")
            return
        for problem in registry.problems:
            self.app.call_from_thread(self.notify, problem, severity="warning", title="Registry")
        if registry.unsynced:
            note = f"Registry (not synced yet: {', '.join(registry.unsynced)}; run buyer sync)"
            self.app.call_from_thread(self.query_one("#registry-label", Label).update, note)
        self.app.call_from_thread(self.fill_registry)

    def rows(self) -> list[tuple[str, ...]]:
        now = datetime.now(UTC)
        out = []
        for p in self.bench.registry().products:
            out.append(_row(p, now))
        return out

    def fill_registry(self) -> None:
        table = self.query_one("#registry", DataTable)
        table.clear()
        needle = self.query_one("#filter", Input).value.strip().casefold()
        rows = [r for r in self.rows() if not needle or any(needle in c.casefold() for c in r)]
        rows.sort(key=lambda r: r[self.sort_column].casefold())
        for row in rows:
            table.add_row(*row, key=row[0])

    def refresh_shortlist(self) -> None:
        table = self.query_one("#shortlist", DataTable)
        table.clear()
        live = self.bench.live_evidence
        for p in self.bench.profile.shortlist:
            count = len(p.evidence) + len(live.get(p.name, []))
            table.add_row(p.name, f"{count} file(s)" if count else "none", key=p.name)

    # -- actions ----------------------------------------------------------------------------

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

    def action_sort(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(COLUMNS)
        self.notify(f"sorted by {COLUMNS[self.sort_column].lower()}", title="Vendors")
        self.fill_registry()

    @on(DataTable.HeaderSelected, "#registry")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_column = event.column_index
        self.fill_registry()

    def action_add_selected(self) -> None:
        table = self.query_one("#registry", DataTable)
        if table.row_count == 0:
            self.notify("the registry is empty: add a product by name", severity="warning")
            return
        name = str(table.get_row_at(table.cursor_row)[0])
        found = self.bench.registry().find(name)
        self._add(name, found.vendor if found else "")

    def action_new_product(self) -> None:
        self.query_one("#product-name", Input).focus()

    @on(Button.Pressed, "#add-product")
    @on(Input.Submitted, "#product-name")
    def _add_typed(self) -> None:
        box = self.query_one("#product-name", Input)
        if box.value.strip():
            self._add(box.value.strip(), "")
            box.value = ""

    def _add(self, name: str, vendor: str) -> None:
        try:
            self.bench.add_product(name, vendor)
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.refresh_shortlist()
        self.notify(f"{name} is on the shortlist", title="Vendors")

    def action_add_evidence(self) -> None:
        self.query_one("#evidence-file", Input).focus()

    @on(Button.Pressed, "#add-evidence")
    @on(Input.Submitted, "#evidence-file")
    def _add_evidence(self) -> None:
        shortlist = self.query_one("#shortlist", DataTable)
        if shortlist.row_count == 0:
            self.notify("put a product on the shortlist first", severity="warning")
            return
        product = str(shortlist.get_row_at(shortlist.cursor_row)[0])
        box = self.query_one("#evidence-file", Input)
        file = box.value.strip()
        if not file:
            self.notify("give an evidence file's path", severity="warning")
            return
        kind = EvidenceKind(str(self.query_one("#evidence-kind", Select).value))
        ref = file if file.startswith("refstack:") else str(Path(file).expanduser().resolve())
        try:
            self.bench.add_evidence(product, ref, kind)
        except BuyerError as exc:
            self.notify(str(exc), severity="error", title="Evidence not added")
            return
        box.value = ""
        self.refresh_shortlist()
        self.notify(f"evidence added to {product}", title="Vendors")

    def action_remove(self) -> None:
        shortlist = self.query_one("#shortlist", DataTable)
        if shortlist.row_count:
            name = str(shortlist.get_row_at(shortlist.cursor_row)[0])
            self.bench.remove_product(name)
            self.refresh_shortlist()


def _row(p: RegistryProduct, now: datetime) -> tuple[str, ...]:
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
