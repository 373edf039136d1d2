"""The Scorecard as a PDF an RFP can carry (ReportLab platypus).

Page one is for the committee, the appendix for the auditor. Reads only the Scorecard; every
outside string goes through ``FontSet.markup`` (data, never markup). The same Scorecard and
ReportMeta give byte-identical output (ReportLab's invariant mode, no wall clock).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepInFrame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from buyer.model.scorecard import (
    CapabilityState,
    ProductScore,
    Rating,
    RequirementKind,
    Scorecard,
    Verdict,
)
from buyer.report.fonts import FontSet, load_fonts
from buyer.report.inputs import ReportMeta, data_age_line, report_id
from buyer.report.phrases import STATE_GLYPH, VERDICT_GLYPH

PAGE = A4
MARGIN = 16 * mm
WIDTH = PAGE[0] - 2 * MARGIN
PRODUCTS_PER_MATRIX = 10

# Colours chosen to stay apart in greyscale too (the glyph carries the meaning anyway).
VERDICT_COLOUR = {
    Verdict.PASS: colors.HexColor("#1a7f37"),
    Verdict.FAIL: colors.HexColor("#b3261e"),
    Verdict.NOT_VERIFIED: colors.HexColor("#6e7781"),
    Verdict.ERROR: colors.HexColor("#7d3cbd"),
}
VERDICT_TINT = {
    Verdict.PASS: colors.HexColor("#dafbe1"),
    Verdict.FAIL: colors.HexColor("#ffd8d3"),
    Verdict.NOT_VERIFIED: colors.HexColor("#eaeef2"),
    Verdict.ERROR: colors.HexColor("#eddcff"),
}
STATE_VERDICT = {
    CapabilityState.PASS: Verdict.PASS,
    CapabilityState.FAIL: Verdict.FAIL,
    CapabilityState.NOT_VERIFIED: Verdict.NOT_VERIFIED,
    CapabilityState.ERROR: Verdict.ERROR,
}
FLAGGED_TINT = colors.HexColor("#fff1c2")
FLAGGED_COLOUR = colors.HexColor("#8a5a00")
RATING_VERDICT = {
    Rating.MEETS: Verdict.PASS,
    Rating.MEETS_WITH_EXCEPTIONS: Verdict.PASS,
    Rating.DOES_NOT_MEET: Verdict.FAIL,
    Rating.NOT_VERIFIED: Verdict.NOT_VERIFIED,
    Rating.CHECK_ERROR: Verdict.ERROR,
}
GRID = colors.HexColor("#d0d7de")


@dataclass
class _Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    tiny: ParagraphStyle
    code: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    title: ParagraphStyle
    right: ParagraphStyle
    cell: ParagraphStyle
    small_cell: ParagraphStyle
    cell_bold: ParagraphStyle
    digest: ParagraphStyle
    head: ParagraphStyle


def _styles(fonts: FontSet) -> _Styles:
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5)
    return _Styles(
        body=base,
        small=ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        tiny=ParagraphStyle("tiny", parent=base, fontSize=6.5, leading=8),
        # Test names and hashes have no spaces: let them break anywhere instead of overflowing.
        code=ParagraphStyle("code", parent=base, fontSize=7, leading=8.5, wordWrap="CJK"),
        h1=ParagraphStyle("h1", parent=base, fontName=fonts.bold, fontSize=16, leading=20, spaceAfter=8),
        h2=ParagraphStyle("h2", parent=base, fontName=fonts.bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
        h3=ParagraphStyle("h3", parent=base, fontName=fonts.bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2),
        title=ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=24, leading=30),
        right=ParagraphStyle("right", parent=base, fontSize=8, leading=10, alignment=TA_RIGHT),
        # Words wrap at spaces; a word wider than its cell (a 500-character name) is split.
        cell=ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        small_cell=ParagraphStyle("smallcell", parent=base, fontSize=7, leading=8.5),
        cell_bold=ParagraphStyle("cellb", parent=base, fontName=fonts.bold, fontSize=8, leading=10),
        # SHA-256 in two rows of 32 (a monospaced standard PDF font: hex needs no fallback).
        digest=ParagraphStyle("digest", parent=base, fontName="Courier", fontSize=7, leading=8.5),
        head=ParagraphStyle("head", parent=base, fontName=fonts.bold, fontSize=8, leading=10),
    )


class _Writer:
    """Builds the flowables of one report."""

    def __init__(self, card: Scorecard, meta: ReportMeta) -> None:
        self.card = card
        self.meta = meta
        self.fonts = load_fonts()
        self.s = _styles(self.fonts)
        self.id = report_id(card, meta)

    # -- small helpers -----------------------------------------------------------------

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        """A paragraph of outside text (escaped; fallback font where needed)."""
        return Paragraph(self.fonts.markup(text), style or self.s.body)

    def digest(self, sha256: str | None) -> Paragraph:
        if sha256 is None or not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return self.p(sha256 or "—", self.s.code)
        return Paragraph(f"{sha256[:32]}<br/>{sha256[32:]}", self.s.digest)  # hex: no markup to escape

    def rich(self, markup: str, style: ParagraphStyle | None = None) -> Paragraph:
        """A paragraph of buyer's own markup; outside values must be passed through ``esc``."""
        return Paragraph(markup, style or self.s.body)

    def esc(self, text: str) -> str:
        return self.fonts.markup(text)

    def table(
        self, rows: list[list[Any]], widths: list[float], header: bool = True, extra: list[Any] | None = None
    ) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6f8fa")))
        table.setStyle(TableStyle(style + (extra or [])))
        return table

    def verdict_cell(self, verdict: Verdict, words: str | None = None) -> Paragraph:
        colour = VERDICT_COLOUR[verdict].hexval()[2:]
        text = words or str(verdict)
        return self.rich(
            f'<font color="#{colour}"><b>{VERDICT_GLYPH[verdict]}</b></font> {self.esc(text)}', self.s.cell
        )

    # -- sections ------------------------------------------------------------------------

    def build(self) -> list[Any]:
        story: list[Any] = []
        story += self.cover()
        story += self.summary()
        story += self.requirements()
        story += self.matrix()
        for index, product in enumerate(self.card.products, start=1):
            story += self.product_page(index, product)
        story += self.methodology()
        story += self.appendix()
        story += self.glossary_and_sign_off()
        return story

    def cover(self) -> list[Any]:
        c, m = self.card, self.meta
        rows = [
            ("Buyer", c.buyer or "—"),
            ("RFP reference", c.rfp_reference or "—"),
            ("Requirements profile", c.profile_name),
            ("Profile SHA-256", c.profile_sha256 or "— (requirements given on the command line)"),
            ("Evaluation date", c.as_of.isoformat()),
            ("Generated (UTC)", m.generated_label),
            ("Generated by", f"buyer {m.buyer_version}"),
            ("Report id", self.id),
            ("Data used", data_age_line(c)),
        ]
        table = self.table(
            [[self.p(k, self.s.cell_bold), self.p(v, self.s.code if "SHA" in k else self.s.cell)] for k, v in rows],
            [45 * mm, WIDTH - 45 * mm],
            header=False,
        )
        story: list[Any] = [Spacer(1, 30 * mm), self.p(m.title, self.s.title), Spacer(1, 4 * mm)]
        if c.description:
            story += [self.p(c.description), Spacer(1, 6 * mm)]
        story += [Spacer(1, 10 * mm), table, Spacer(1, 12 * mm)]
        story.append(
            self.p(
                "This report states, per shortlisted product, whether the evidence supplied meets the "
                "requirements fixed in the profile above. Page 2 summarises; the following pages give "
                "the matrix, each product in detail, the method, and every input with its hash.",
                self.s.small,
            )
        )
        return [*story, PageBreak()]

    def summary(self) -> list[Any]:
        c = self.card
        many = len(c.products) > 10
        cell = self.s.small_cell if many else self.s.cell
        heads = ("Product", "Verdict", "Mandatory met", "Required capabilities met", "Freshest evidence", "Top gaps")
        rows: list[list[Any]] = [[self.p(h, self.s.head) for h in heads]]
        for product in c.products:
            met, total = product.mandatory_met
            fresh = product.freshest_evidence
            age = f"{fresh.date().isoformat()} ({(c.as_of - fresh.date()).days} days)" if fresh else "none accepted"
            gaps = product.gaps or product.exceptions or ("none",)
            # Long shortlists: one gap per product, shortened; each product's page has them all.
            shown = [_shorten(gaps[0], 110)] if many else [_shorten(g, 160) for g in gaps[:3]]
            rows.append(
                [
                    self.p(_shorten(product.name, 70) if many else product.name, self.s.cell_bold),
                    self.verdict_cell(RATING_VERDICT[product.rating], str(product.rating)),
                    self.p(f"{met} of {total}", cell),
                    self.capability_bar(*product.required_capabilities_met),
                    self.p(age, cell),
                    self.rich("<br/>".join(self.esc(g) for g in shown), cell),
                ]
            )
        if not c.products:
            rows.append([self.p("No products on the shortlist yet.", self.s.cell), "", "", "", "", ""])
        widths = [33 * mm, 25 * mm, 20 * mm, 27 * mm, 23 * mm]
        table = self.table(rows, [*widths, WIDTH - sum(widths)])
        content: list[Any] = [self.p("Executive summary", self.s.h1), table, Spacer(1, 4 * mm)]
        content.append(
            self.p(
                "meets: every mandatory requirement passed. meets with exceptions: passed, with flagged "
                "tests left open or tests matched only by id. does not meet: a mandatory requirement failed. "
                "not verified: no evidence the profile accepts (missing, too old, or not covering the "
                "requirement). check error: the check behind the evidence could not run. Required "
                "capabilities met: the share of required capabilities with every non-flagged test passed.",
                self.s.tiny,
            )
        )
        # One page whatever the shortlist's length: shrink to fit rather than spill over.
        return [KeepInFrame(WIDTH, PAGE[1] - 2 * MARGIN - 10 * mm, content, mode="shrink"), PageBreak()]

    def capability_bar(self, met: int, total: int) -> Drawing:
        """A small bar chart in a table cell: the share of required capabilities met."""
        share = met / total if total else 0.0
        height = 3.2 * mm
        drawing = Drawing(25 * mm, height + 1)
        drawing.add(Rect(0, 1, 14 * mm, height, fillColor=colors.HexColor("#eaeef2"), strokeColor=None))
        if share:
            drawing.add(Rect(0, 1, 14 * mm * share, height, fillColor=colors.HexColor("#57606a"), strokeColor=None))
        label = f"{round(100 * share)}%" if total else "n/a"
        drawing.add(String(15 * mm, 1.6, label, fontName=self.fonts.regular, fontSize=7))
        return drawing

    def requirements(self) -> list[Any]:
        c = self.card
        story: list[Any] = [self.p("Requirements", self.s.h1)]
        story.append(
            self.p(
                "Fixed in the requirements profile before any product was evaluated. Guideline files "
                "are identified by their SHA-256 in the appendix.",
                self.s.small,
            )
        )
        rows: list[list[Any]] = [
            [self.p(h, self.s.head) for h in ("Requirement", "Kind", "Guideline file", "Status", "Releases")]
        ]
        for r in c.requirements:
            kind = {
                "program": "program",
                "add-on": "add-on",
                "capability": "extra capability (mandatory)",
                "scs": "SCS scope version",
            }[r.kind]
            rows.append(
                [
                    self.p(r.title, self.s.cell),
                    self.p(kind, self.s.cell),
                    self.p(r.guideline, self.s.cell),
                    self.p(f"{r.guideline_status or 'unknown'}", self.s.cell),
                    self.p(", ".join(r.releases) or "—", self.s.cell),
                ]
            )
        story.append(self.table(rows, [62 * mm, 32 * mm, 28 * mm, 22 * mm, WIDTH - 144 * mm]))
        policy = (
            f"evidence counts when it is at most {c.max_age_days} days old on {c.as_of.isoformat()}"
            if c.max_age_days
            else "evidence of any age counts"
        )
        story += [
            self.p("Evidence policy", self.s.h3),
            self.p(f"{policy}; accepted kinds: {', '.join(c.accepted_kinds)}.", self.s.body),
            self.p("Status of the program", self.s.h3),
            self.p(
                "The OpenStack interoperability program (OpenStack Powered) was retired by the OpenInfra "
                "Foundation in 2025; its last guideline is 2022.11. Guidelines keep the status their file "
                "states (approved or superseded); vendors can no longer be newly listed, so this report "
                "relies on test evidence, not on a current trademark listing.",
                self.s.small,
            ),
        ]
        return story

    def matrix(self) -> list[Any]:
        c = self.card
        story: list[Any] = [PageBreak(), self.p("Matrix", self.s.h1)]
        story.append(
            self.p(
                "✓ pass   ✗ fail   ~ only flagged tests failed (allowed)   ? not verified   ! check error",
                self.s.small,
            )
        )
        if not c.products:
            return [*story, self.p("No products on the shortlist yet.")]
        short = [_short_title(r.title) for r in c.requirements]
        req_width = (WIDTH - 55 * mm) / max(1, len(short))
        rows: list[list[Any]] = [[self.p("Product", self.s.cell_bold)] + [self.p(t, self.s.cell_bold) for t in short]]
        extra = []
        for row, product in enumerate(c.products, start=1):
            cells: list[Any] = [self.p(product.name, self.s.cell)]
            for col, r in enumerate(product.requirements, start=1):
                cells.append(self.verdict_cell(r.verdict))
                extra.append(("BACKGROUND", (col, row), (col, row), VERDICT_TINT[r.verdict]))
            rows.append(cells)
        story += [Spacer(1, 2 * mm), self.table(rows, [55 * mm] + [req_width] * len(short), extra=extra)]
        story += self.capability_matrix()
        return story

    def capability_matrix(self) -> list[Any]:
        c = self.card
        program = next((r for r in c.requirements if r.kind is RequirementKind.PROGRAM), None)
        if program is None:
            return []
        story: list[Any] = [
            CondPageBreak(60 * mm),
            self.p(f"Capabilities of {program.title}", self.s.h2),
            self.p("Products are numbered as in this legend:", self.s.small),
        ]
        legend = [[self.p(f"P{i}", self.s.cell_bold), self.p(p.name, self.s.cell)] for i, p in enumerate(c.products, 1)]
        story.append(self.table(legend, [12 * mm, WIDTH - 12 * mm], header=False))
        results = [next(r for r in p.requirements if r.kind is RequirementKind.PROGRAM) for p in c.products]
        caps = [cap for cap in results[0].capabilities if cap.status.value in ("required", "advisory")]
        for start in range(0, len(c.products), PRODUCTS_PER_MATRIX):
            chunk = range(start, min(start + PRODUCTS_PER_MATRIX, len(c.products)))
            header = [self.p("Capability", self.s.cell_bold)] + [self.p(f"P{i + 1}", self.s.cell_bold) for i in chunk]
            rows: list[list[Any]] = [header]
            extra = []
            for row, cap in enumerate(caps, start=1):
                label = cap.id + ("" if cap.status.value == "required" else " (advisory)")
                cells: list[Any] = [self.p(label, self.s.code)]
                for col, index in enumerate(chunk, start=1):
                    state = next(x for x in results[index].capabilities if x.id == cap.id).state
                    glyph = STATE_GLYPH[state]
                    if state is CapabilityState.FLAGGED_ONLY:
                        colour, tint = FLAGGED_COLOUR, FLAGGED_TINT
                    else:
                        colour, tint = (
                            VERDICT_COLOUR[STATE_VERDICT[state]],
                            VERDICT_TINT[STATE_VERDICT[state]],
                        )
                    cells.append(self.rich(f'<font color="#{colour.hexval()[2:]}"><b>{glyph}</b></font>', self.s.cell))
                    extra.append(("BACKGROUND", (col, row), (col, row), tint))
                rows.append(cells)
            cell_width = 11 * mm
            extra.append(("ALIGN", (1, 0), (-1, -1), "CENTER"))
            story += [
                Spacer(1, 3 * mm),
                self.table(rows, [WIDTH - cell_width * len(chunk)] + [cell_width] * len(chunk), extra=extra),
            ]
        return story

    def product_page(self, index: int, product: ProductScore) -> list[Any]:
        story: list[Any] = [PageBreak(), self.p(f"P{index}. {product.name}", self.s.h1)]
        if product.vendor:
            story.append(self.p(f"Vendor: {product.vendor}", self.s.body))
        met, total = product.mandatory_met
        story.append(
            self.rich(
                f"Verdict: {self.verdict_cell(RATING_VERDICT[product.rating], str(product.rating)).text} — "
                f"{met} of {total} mandatory requirements met.",
                self.s.body,
            )
        )
        story += [self.p("What it claims", self.s.h2)]
        if product.claims:
            rows = [[self.p(h, self.s.head) for h in ("Claim", "Source", "Read")]]
            for claim in product.claims:
                read = claim.retrieved_at.date().isoformat() if claim.retrieved_at else "local file"
                rows.append(
                    [
                        self.p(claim.describe(), self.s.cell),
                        self.p(claim.source, self.s.cell),
                        self.p(read, self.s.cell),
                    ]
                )
            story.append(self.table(rows, [WIDTH - 60 * mm, 30 * mm, 30 * mm]))
            story.append(self.p("Claims are shown as listed; the verdict rests on the evidence below.", self.s.small))
        else:
            story.append(
                self.p(
                    "No registry listing was found for this product; the verdict rests on the evidence below.",
                    self.s.small,
                )
            )
        story += [self.p("Evidence", self.s.h2)]
        rows: list[list[Any]] = [
            [self.p(h, self.s.head) for h in ("#", "Source", "Kind / format", "Date", "Counts?", "SHA-256")]
        ]
        for i, use in enumerate(product.evidence):
            p = use.provenance
            when = f"{p.date.date().isoformat()} ({p.date_basis})" if p.date else "undated"
            trust = f"{p.kind}{', verified' if p.verified else ''} / {p.format}"
            counts = "yes" if use.eligible else f"no: {use.reason}"
            if use.error:
                counts += f"; check error: {use.error}"
            rows.append(
                [
                    self.p(str(i), self.s.cell),
                    self.p(p.source, self.s.code),
                    self.p(trust, self.s.cell),
                    self.p(when, self.s.cell),
                    self.p(counts, self.s.cell),
                    self.p(p.sha256[:16] + "…", self.s.code),
                ]
            )
        if not product.evidence:
            rows.append([self.p("—", self.s.cell), self.p("no evidence supplied", self.s.cell), "", "", "", ""])
        story.append(self.table(rows, [7 * mm, 52 * mm, 32 * mm, 30 * mm, WIDTH - 151 * mm, 30 * mm]))
        live = [u for u in product.evidence if u.provenance.kind.value.startswith("live")]
        story += [self.p("Live checks", self.s.h3)]
        story.append(
            self.p(
                f"{len(live)} live check(s) by the buyer are among the evidence above."
                if live
                else "None: no live check by the buyer is part of this evaluation.",
                self.s.small,
            )
        )
        story += [self.p("Requirements", self.s.h2)]
        for r in product.requirements:
            story.append(
                self.rich(
                    f"{self.verdict_cell(r.verdict).text} <b>{self.esc(r.title)}</b>: {self.esc(r.reason)}",
                    self.s.body,
                )
            )
            failing = [cap for cap in r.capabilities if cap.state is CapabilityState.FAIL]
            if failing:
                rows = [[self.p(h, self.s.head) for h in ("Failing capability", "Tests not passed")]]
                for cap in failing:
                    names = "<br/>".join(self.esc(t.name) for t in cap.failing if t.flag_reason is None)
                    rows.append(
                        [
                            self.p(f"{cap.id} ({cap.passed}/{cap.tests})", self.s.cell),
                            self.rich(names, self.s.code),
                        ]
                    )
                story.append(self.table(rows, [55 * mm, WIDTH - 55 * mm]))
            flagged = [
                (cap.id, t) for cap in r.capabilities for t in cap.results if t.flag_reason is not None and not t.passed
            ]
            if flagged and r.verdict in (Verdict.PASS, Verdict.FAIL):
                rows = [[self.p(h, self.s.head) for h in ("Flagged test not passed (allowed)", "Reason")]]
                rows += [
                    [self.p(f"{t.name} [{cap}]", self.s.code), self.p(t.flag_reason or "", self.s.cell)]
                    for cap, t in flagged
                ]
                story.append(self.table(rows, [WIDTH * 0.6, WIDTH * 0.4]))
            if r.id_only_matches:
                story.append(self.p("Matched only by idempotent id: " + ", ".join(r.id_only_matches), self.s.code))
            if r.advisory.capabilities and r.verdict in (Verdict.PASS, Verdict.FAIL):
                a = r.advisory
                story.append(
                    self.p(
                        f"Readiness for the next guideline: {a.ready} of {a.capabilities} advisory capabilities "
                        f"ready ({a.passed} of {a.tests} tests passed).",
                        self.s.small,
                    )
                )
            story.append(Spacer(1, 2 * mm))
        if product.exceptions:
            story += [self.p("Exceptions", self.s.h3)] + [self.p(e, self.s.small) for e in product.exceptions]
        return story

    def methodology(self) -> list[Any]:
        paragraphs = [
            (
                "How a verdict is computed",
                "Each requirement is scored as RefStack, the OpenStack interoperability program's own service, "
                "scored results: a test passes when its name or one of its aliases is among the passed tests "
                "of accepted evidence; counting is per capability and test, so a test listed under two "
                "capabilities counts twice; a requirement passes when every non-flagged test of every "
                "required capability passed. Add-on programs are scored against their own guideline file. "
                "Extra capabilities named in the profile are mandatory requirements of their own.",
            ),
            (
                "Flags, aliases and identifiers",
                "A flagged test (for example D401: a bug in the test) may fail without failing the verdict; "
                "flagged tests left open are listed per product. Aliases are the older names of renamed tests. "
                "Evidence that carries idempotent ids (refstack-client files, subunit streams) also matches by "
                "id; such matches are listed, and RefStack's own name-only numbers are kept in the data export.",
            ),
            (
                "Sovereign Cloud Stack scopes",
                "An SCS certificate scope version passes when every testcase of its mandatory ('main') target "
                "passed and the result is still current: results expire by their testcase's lifetime (a week "
                "by default). Precedence follows SCS: any failure fails; otherwise a missing or expired result "
                "leaves it not verified; otherwise a testcase that did not finish (ABORT) is a check error. "
                "'effective' means the version the scope's timeline makes effective on the stated date.",
            ),
            (
                "Advisory capabilities",
                "Advisory capabilities are expected to become required in the next guideline. They never "
                "affect a verdict and are reported as readiness.",
            ),
            (
                "Stale and untrusted evidence",
                "Evidence older than the profile's limit on the evaluation date, dated after it, or of a kind "
                "the profile does not accept does not count; a requirement with no evidence that counts, or "
                "whose evidence has no result for any of its tests, is 'not verified', never 'fails'.",
            ),
            (
                "What a live check can and cannot prove",
                "A live check run by the buyer shows how the cloud behaved for the buyer's account, region and "
                "time; it cannot prove behaviour under other accounts, at scale, or later. Self-reported files "
                "are as trustworthy as the vendor that produced them; published results are public but were "
                "run by the vendor.",
            ),
            (
                "Limits",
                "Designated sections (which code must be upstream OpenStack) are not checked, as RefStack did "
                "not check them. Passing tests prove API behaviour, not performance, security or support.",
            ),
        ]
        story: list[Any] = [PageBreak(), self.p("Methodology and limits", self.s.h1)]
        for title, text in paragraphs:
            story += [self.p(title, self.s.h3), self.p(text, self.s.body)]
        return story

    def appendix(self) -> list[Any]:
        c = self.card
        rows: list[list[Any]] = [[self.p(h, self.s.head) for h in ("Input", "Source", "Date", "SHA-256")]]
        rows.append(
            [
                self.p("requirements profile", self.s.cell),
                self.p(c.profile_name, self.s.cell),
                self.p(c.as_of.isoformat() + " (evaluation)", self.s.cell),
                self.digest(c.profile_sha256),
            ]
        )
        for g in c.guidelines:
            commit = f"; commit {g.commit}" if g.commit else ""
            checked = f"{_utc(g.retrieved_at)} (last checked)" if g.retrieved_at else "local copy"
            rows.append(
                [
                    self.p(f"guideline {g.id} ({g.status}, schema {g.schema}{commit})", self.s.cell),
                    self.p(g.source, self.s.code),
                    self.p(checked, self.s.cell),
                    self.digest(g.sha256),
                ]
            )
        seen: set[tuple[str, str]] = set()
        for product in c.products:
            for use in product.evidence:
                p = use.provenance
                if (p.source, p.sha256) in seen:
                    continue
                seen.add((p.source, p.sha256))
                ref = f"; ref {p.reference}" if p.reference else ""
                rows.append(
                    [
                        self.p(f"evidence ({p.kind}, {p.format}{ref})", self.s.cell),
                        self.p(p.source, self.s.code),
                        self.p(_utc(p.date) if p.date else "undated", self.s.cell),
                        self.digest(p.sha256),
                    ]
                )
        return [
            PageBreak(),
            self.p("Evidence appendix", self.s.h1),
            self.p(
                "Every input this report used, with its SHA-256. The report id in each footer is a "
                "hash of these inputs and the evaluation date.",
                self.s.small,
            ),
            Spacer(1, 2 * mm),
            self.table(rows, [42 * mm, 55 * mm, 28 * mm, WIDTH - 125 * mm]),
            Spacer(1, 4 * mm),
        ]

    def glossary_and_sign_off(self) -> list[Any]:
        terms = [
            (
                "Guideline",
                "A dated list of capabilities and the tempest tests that prove them (e.g. 2020.06).",
            ),
            (
                "Program",
                "OpenStack Powered Platform, Compute or Storage: a set of components in a guideline.",
            ),
            (
                "Add-on",
                "An extra program with its own guideline file: DNS, Orchestration, Shared File System.",
            ),
            (
                "Capability",
                "A unit of API behaviour (e.g. compute-servers-create), proven by one or more tests.",
            ),
            (
                "Flagged test",
                "A test the guideline lets fail (a bug, or a feature not widely deployed), with a reason code.",
            ),
            ("Advisory", "A capability expected to become required in a later guideline."),
            (
                "Evidence kinds",
                "self-reported: a file the vendor sent; published: a result on a public service; "
                "live-run / live-discovery: a check the buyer ran.",
            ),
            ("Verified", "A published RefStack result the Foundation marked as reviewed."),
        ]
        rows = [[self.p(t, self.s.cell_bold), self.p(d, self.s.cell)] for t, d in terms]
        sign = [
            [
                self.p("Prepared by", self.s.cell_bold),
                self.p(self.meta.prepared_by or "", self.s.cell),
                self.p("Date", self.s.cell_bold),
                "",
            ],
            [self.p("Reviewed by", self.s.cell_bold), "", self.p("Date", self.s.cell_bold), ""],
            [self.p("Approved by", self.s.cell_bold), "", self.p("Date", self.s.cell_bold), ""],
        ]
        sign_table = Table(sign, colWidths=[30 * mm, WIDTH - 85 * mm, 15 * mm, 40 * mm], rowHeights=[14 * mm] * 3)
        sign_table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                    ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ]
            )
        )
        return [
            CondPageBreak(120 * mm),
            self.p("Glossary", self.s.h1),
            self.table(rows, [35 * mm, WIDTH - 35 * mm], header=False),
            Spacer(1, 8 * mm),
            self.p("Sign-off", self.s.h1),
            self.p(f"Report id {self.id}. Record the SHA-256 of this PDF file with the signatures.", self.s.small),
            Spacer(1, 4 * mm),
            sign_table,
        ]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_title(title: str) -> str:
    return title.replace("OpenStack Powered ", "").replace("Capability ", "")


def _canvas_class(writer: _Writer) -> type[Canvas]:
    fonts, meta, rid = writer.fonts, writer.meta, writer.id

    class NumberedCanvas(Canvas):
        """Draws header and footer after layout, when the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = PAGE
            self.saveState()
            self.setStrokeColor(GRID)
            self.setFillColor(colors.HexColor("#57606a"))
            if number > 1:
                self.setFont(fonts.regular, 7.5)
                self.drawString(MARGIN, height - 10 * mm, _shorten(meta.title, 90))
                self.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
            self.setFont(fonts.regular, 7.5)
            self.line(MARGIN, 11.5 * mm, width - MARGIN, 11.5 * mm)
            self.drawString(MARGIN, 8 * mm, f"report id {rid}")
            self.drawRightString(width - MARGIN, 8 * mm, f"page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def render_pdf(card: Scorecard, meta: ReportMeta) -> bytes:
    """Render the whole report into memory; the caller writes it (atomically)."""
    writer = _Writer(card, meta)
    story = writer.build()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=meta.title,
        author=card.buyer or "buyer",
        subject=f"{card.profile_name} — report {writer.id}",
        creator=f"buyer {meta.buyer_version}",
        invariant=1,
    )
    frame = Frame(MARGIN, MARGIN, WIDTH, PAGE[1] - 2 * MARGIN, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_canvas_class(writer))
    return buffer.getvalue()


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
