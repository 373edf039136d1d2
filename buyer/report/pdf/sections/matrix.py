"""The matrices: every product against every requirement, then, per requirement, every
capability (or SCS testcase) against every product: the program, each add-on, the extra
capabilities the profile made mandatory, the SCS scope version. Wide shortlists are split into
column groups, each with its products named above it; long ones continue on the next page with
the header repeated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from buyer.model.guideline import Status
from buyer.model.scorecard import (
    CapabilityState,
    ProductScore,
    RequirementKind,
    RequirementResult,
    RequirementSpec,
    Scorecard,
)
from buyer.report.inputs import ReportMeta
from buyer.report.pdf.kit import Anchor, Kit
from buyer.report.pdf.sections.summary import product_key
from buyer.report.pdf.styles import STATE_COLOUR, STATE_TINT, VERDICT_TINT, WIDTH
from buyer.report.phrases import STATE_GLYPH

LABEL = 62 * mm  # the capability column
CELL = 8 * mm  # one product's column
PER_GROUP = int((WIDTH - LABEL) // CELL)  # products side by side
OVERVIEW_LABEL = 52 * mm
OVERVIEW_CELL = 25 * mm
REQUIREMENTS_PER_GROUP = int((WIDTH - OVERVIEW_LABEL) // OVERVIEW_CELL)
SHOWN = (Status.REQUIRED, Status.ADVISORY)  # deprecated and removed capabilities never count


def short_title(title: str) -> str:
    return title.replace("OpenStack Powered ", "").replace("Capability ", "")


def result_for(product: ProductScore, index: int, spec: RequirementSpec) -> RequirementResult:
    """The product's result for the card's ``index``-th requirement (same order, checked)."""
    r = product.requirements[index]
    if r.title == spec.title:
        return r
    return next(x for x in product.requirements if x.title == spec.title)


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    story: list[Any] = [PageBreak(), Anchor("matrices", "Matrices"), kit.para("Matrices", kit.s.h1)]
    legend = "   ".join(f"{kit.state(s)}" for s in CapabilityState)
    story.append(kit.rich(legend, kit.s.small))
    if not card.products or not card.requirements:
        return [*story, kit.para("No products on the shortlist yet." if not card.products else "No requirements.")]
    story += _overview(card, kit)
    extra = [i for i, r in enumerate(card.requirements) if r.kind is RequirementKind.CAPABILITY]
    for i, spec in enumerate(card.requirements):
        if spec.kind is RequirementKind.CAPABILITY:
            if i == extra[0]:
                story += _capability_matrix(card, extra, kit, "Extra capabilities (mandatory)", "matrix-extra")
            continue
        story += _capability_matrix(card, [i], kit, _matrix_title(spec), f"matrix-{i}")
    return story


def _matrix_title(spec: RequirementSpec) -> str:
    if spec.kind is RequirementKind.SCS:
        return f"Testcases of {spec.title}"
    return f"Capabilities of {spec.title}"


def _overview(card: Scorecard, kit: Kit) -> list[Any]:
    story: list[Any] = [
        Anchor("matrix-verdicts", "Verdicts by requirement", 1),
        kit.para("Verdicts by requirement", kit.s.h2),
    ]
    specs = list(enumerate(card.requirements))
    for start in range(0, len(specs), REQUIREMENTS_PER_GROUP):
        group = specs[start : start + REQUIREMENTS_PER_GROUP]
        cell = (WIDTH - OVERVIEW_LABEL) / len(group) if len(specs) <= REQUIREMENTS_PER_GROUP else OVERVIEW_CELL
        rows: list[list[Any]] = [
            [kit.rich("<b>Product</b>", kit.s.head)]
            + [kit.cell(short_title(s.title), cell, kit.s.head) for _, s in group]
        ]
        styles = []
        for row, (index, p) in enumerate(enumerate(card.products, start=1), start=1):
            name = kit.link(f"P{index} · " + kit.esc(p.name, kit.s.cell, OVERVIEW_LABEL - 6), product_key(index))
            cells: list[Any] = [kit.rich(name, kit.s.cell)]
            for col, (i, spec) in enumerate(group, start=1):
                r = result_for(p, i, spec)
                cells.append(kit.rich(kit.verdict(r.verdict), kit.s.cell))
                styles.append(("BACKGROUND", (col, row), (col, row), VERDICT_TINT[r.verdict]))
            rows.append(cells)
        story += [Spacer(1, 2 * mm), kit.table(rows, [OVERVIEW_LABEL] + [cell] * len(group), extra=styles)]
    return story


@dataclass
class _Row:
    label: str
    mark: str  # "", "advisory", "mandatory; advisory in the guideline", ...
    states: list[CapabilityState]


def _rows(card: Scorecard, indices: list[int], kit: Kit) -> list[_Row]:
    """One row per capability (or testcase) of the requirements at ``indices``, a state per product.
    Each product's capabilities are derived once here, and only their states kept."""
    rows: list[_Row] = []
    for i in indices:
        spec = card.requirements[i]
        block: dict[str, _Row] | None = None
        for p in card.products:
            caps = result_for(p, i, spec).capabilities
            if block is None:
                block = {}
                for cap in caps:
                    if spec.kind in (RequirementKind.SCS, RequirementKind.CAPABILITY) or cap.status in SHOWN:
                        block[cap.id] = _Row(cap.id, _mark(spec, cap.status, kit), [])
                rows += block.values()
            found = {cap.id: cap.state for cap in caps}
            for cap_id, row in block.items():
                row.states.append(found.get(cap_id, CapabilityState.NOT_VERIFIED))
    return rows


def _mark(spec: RequirementSpec, status: Status, kit: Kit) -> str:
    if spec.kind is RequirementKind.CAPABILITY:
        return f"{kit.term('mandatory')}; {status} in {spec.guideline}"
    if spec.kind is not RequirementKind.SCS and status is Status.ADVISORY:
        return kit.term("advisory")
    return ""


def _capability_matrix(card: Scorecard, indices: list[int], kit: Kit, title: str, key: str) -> list[Any]:
    rows = _rows(card, indices, kit)
    spec = card.requirements[indices[0]]
    noun = "Testcase" if spec.kind is RequirementKind.SCS else "Capability"
    if spec.kind is RequirementKind.SCS:
        kit.term("mandatory testcase")
        kit.term("testcase")
    elif spec.kind is not RequirementKind.CAPABILITY:
        kit.term("required capability")
    story: list[Any] = [CondPageBreak(60 * mm), Anchor(key, title, 1), kit.para(title, kit.s.h2)]
    if spec.kind in (RequirementKind.PROGRAM, RequirementKind.ADD_ON):
        story.append(
            kit.para(
                "Required capabilities decide the verdict; advisory ones (marked) never do. Deprecated and removed "
                "capabilities are not shown: they never count.",
                kit.s.tiny,
            )
        )
    if not rows:
        return [*story, kit.para("Nothing to show: the requirement lists no capabilities.", kit.s.small)]
    products = list(enumerate(card.products, start=1))
    for start in range(0, len(products), PER_GROUP):
        group = products[start : start + PER_GROUP]
        story.append(Spacer(1, 2 * mm))
        if len(products) > PER_GROUP:
            story.append(kit.para(f"Products P{group[0][0]} to P{group[-1][0]}", kit.s.h3))
        names = " · ".join(
            kit.link(f"<b>P{index}</b>", product_key(index)) + " " + kit.esc(p.name, kit.s.tiny) for index, p in group
        )
        story.append(kit.rich(names, kit.s.tiny))
        story.append(Spacer(1, 1.5 * mm))
        story.append(_group_table(rows, group, start, noun, kit))
    return story


def _group_table(rows: list[_Row], group: list[tuple[int, ProductScore]], start: int, noun: str, kit: Kit) -> Any:
    label = WIDTH - CELL * len(group) if len(group) < PER_GROUP else LABEL
    head: list[Any] = [kit.rich(f"<b>{noun}</b>", kit.s.head)]
    head += [kit.rich(kit.link(f"<b>P{index}</b>", product_key(index)), kit.s.glyph) for index, _ in group]
    data: list[list[Any]] = [head]
    style: list[Any] = [
        ("FONTNAME", (1, 1), (-1, -1), kit.fonts.bold),
        ("FONTSIZE", (1, 1), (-1, -1), 7.5),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (1, 0), (-1, -1), 1),
        ("RIGHTPADDING", (1, 0), (-1, -1), 1),
        # Most cells pass: that is the default, and only the others get a style of their own.
        ("BACKGROUND", (1, 1), (-1, -1), STATE_TINT[CapabilityState.PASS]),
        ("TEXTCOLOR", (1, 1), (-1, -1), STATE_COLOUR[CapabilityState.PASS]),
    ]
    seen: set[CapabilityState] = set()
    for r, row in enumerate(rows, start=1):
        text = kit.esc(row.label, kit.s.code, label - 6)
        if row.mark:
            text += f' <font name="{kit.fonts.regular}" size="6.5">({kit.fonts.markup(row.mark)})</font>'
        cells: list[Any] = [kit.rich(text, kit.s.code)]
        for c, (index, _) in enumerate(group, start=1):
            state = row.states[index - 1]
            seen.add(state)
            cells.append(STATE_GLYPH[state])
            if state is not CapabilityState.PASS:
                style.append(("BACKGROUND", (c, r), (c, r), STATE_TINT[state]))
                style.append(("TEXTCOLOR", (c, r), (c, r), STATE_COLOUR[state]))
        data.append(cells)
    for state in seen:
        kit.state(state)  # the words of the glyphs shown go to the glossary
    return kit.table(data, [label] + [CELL] * len(group), extra=style)
