"""The appendix: every input any line of the report rests on, with its SHA-256; the command that
renders the same bytes again; the lists of flagged tests too long for a product page."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from buyer.model.scorecard import InputUse, Scorecard
from buyer.report.inputs import LOCAL_SOURCE, ReportMeta, reproduce_command
from buyer.report.pdf.kit import DIGEST_WIDTH as DIGEST
from buyer.report.pdf.kit import Anchor, Kit
from buyer.report.pdf.sections.product import flagged_table
from buyer.report.pdf.styles import WIDTH

COLUMNS = (32 * mm, 44 * mm, 22 * mm)  # kind, source, date; then the products, then the SHA-256


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    story: list[Any] = [PageBreak(), Anchor("appendix", "Appendix"), kit.para("Appendix", kit.s.h1)]
    story += _inputs(card, kit)
    story += _reproduce(card, meta, kit)
    story += _flagged(kit)
    return story


def _inputs(card: Scorecard, kit: Kit) -> list[Any]:
    widths = [*COLUMNS, WIDTH - sum(COLUMNS) - DIGEST, DIGEST]
    rows: list[list[Any]] = [kit.heads(("Input", "Source", "Date", "Used for", "SHA-256"), widths)]
    for i in declared(card):
        what = f"{i.kind}: {i.name}"
        when = _utc(i.date) if i.date else ("local file" if i.kind != "profile" else f"evaluated {card.as_of}")
        used = {
            "profile": "every requirement, the policy, the shortlist",
            "guideline": "the capabilities and tests of a requirement",
            "scs-scope": "the testcases of the SCS requirement",
            "registry": "claims and evidence of listed products",
        }.get(i.kind, "")
        if i.detail:
            used = f"{used}; {'commit ' if i.kind == 'guideline' else ''}{i.detail}" if used else i.detail
        rows.append(
            [
                kit.cell(what, widths[0]),
                kit.cell(i.source or "—", widths[1]),
                kit.cell(when, widths[2]),
                kit.cell(used, widths[3]),
                kit.digest(i.sha256),
            ]
        )
    evidence: dict[tuple[str, str], tuple[Any, list[int]]] = {}
    for n, p in enumerate(card.products, start=1):
        for use in p.evidence:
            item = evidence.setdefault((use.provenance.source, use.provenance.sha256), (use.provenance, []))
            item[1].append(n)
    for pr, products in evidence.values():
        ref = f", ref {pr.reference}" if pr.reference else ""
        rows.append(
            [
                kit.cell(f"evidence: {pr.kind}, {pr.format}{ref}", widths[0]),
                kit.cell(pr.source, widths[1]),
                kit.cell(_utc(pr.date) if pr.date else "undated", widths[2]),
                kit.cell("evidence of " + ", ".join(f"P{n}" for n in products), widths[3]),
                kit.digest(pr.sha256),
            ]
        )
    return [
        Anchor("appendix-inputs", "Inputs", 1),
        kit.para("Inputs", kit.s.h2),
        kit.para(
            "Every input a line of this report rests on, with its SHA-256. Files are named as the profile names "
            "them (relative to its folder) or by their path inside the guideline source; URLs as fetched. The "
            f"report id {kit.rid} is a hash of all of them, the evaluation date and the evidence policy.",
            kit.s.small,
        ),
        Spacer(1, 2 * mm),
        kit.table(rows, widths),
    ]


def declared(card: Scorecard) -> list[InputUse]:
    """The Scorecard's inputs, and any guideline file or profile it used that they do not list
    (a Scorecard evaluated without its inputs recorded still names what it rests on)."""
    out = list(card.inputs)
    hashes = {i.sha256 for i in out}
    if card.profile_sha256 and card.profile_sha256 not in hashes:
        out.insert(0, InputUse("profile", card.profile_name, "", card.profile_sha256))
    for g in card.guidelines:
        if g.sha256 not in hashes:
            kind = "scs-scope" if g.status == "SCS certificate scope" else "guideline"
            out.append(InputUse(kind, g.id, g.source, g.sha256, g.retrieved_at, g.commit))
    return out


def _reproduce(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    words = reproduce_command(card, meta)
    line = shlex.join(words)
    notes = [
        "Run from the folder the profile is named relative to, with the files above in place (their SHA-256 "
        "must match). The same inputs give the same bytes."
    ]
    if LOCAL_SOURCE in words:
        notes.append(
            f"{LOCAL_SOURCE} stands for a folder in the interop repository's layout holding the guideline files "
            "with the SHA-256 listed above (paths as shown, inside that folder)."
        )
    return [
        Spacer(1, 4 * mm),
        Anchor("appendix-reproduce", "Reproduce", 1),
        kit.para("Reproduce", kit.s.h2),
        kit.para(line, kit.s.command),
        Spacer(1, 1 * mm),
        *(kit.para(n, kit.s.small) for n in notes),
    ]


def _flagged(kit: Kit) -> list[Any]:
    if not kit.deferred:
        return []
    story: list[Any] = [
        Spacer(1, 4 * mm),
        Anchor("appendix-flagged", "Flagged tests not passed", 1),
        kit.para("Flagged tests not passed (allowed)", kit.s.h2),
    ]
    for item in kit.deferred:
        story += [
            Anchor(item.key, item.title, 2),
            kit.para(f"{item.title}: {len(item.rows)} flagged tests", kit.s.h3),
            flagged_table(item.rows, kit),
        ]
    return story


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
