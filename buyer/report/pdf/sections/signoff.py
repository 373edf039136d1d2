"""The sign-off: per signer a decision, name, role, date and signature, and the integrity note."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table, TableStyle

from buyer.model.scorecard import Scorecard
from buyer.report.inputs import ReportMeta
from buyer.report.pdf.kit import Anchor, Kit
from buyer.report.pdf.styles import WIDTH

SIGNERS = ("Prepared by", "Reviewed by", "Approved by")
FIELDS = ("Decision", "Name", "Role", "Date", "Signature")
LABEL = 24 * mm


def build(card: Scorecard, meta: ReportMeta, kit: Kit) -> list[Any]:
    story: list[Any] = [
        CondPageBreak(120 * mm),
        Anchor("signoff", "Sign-off"),
        kit.para("Sign-off", kit.s.h1),
        kit.para(
            f"Report id {kit.rid}. Record the SHA-256 of this PDF file with the signatures. Decision: for example "
            "'accept the ratings', 'accept with the reservations noted', or 'reject'.",
            kit.s.small,
        ),
        Spacer(1, 3 * mm),
    ]
    for signer in SIGNERS:
        story.append(KeepTogether([kit.para(signer, kit.s.h3), _block(signer, meta, kit), Spacer(1, 3 * mm)]))
    return story


def _block(signer: str, meta: ReportMeta, kit: Kit) -> Table:
    rows = []
    for field in FIELDS:
        value = meta.prepared_by if signer == "Prepared by" and field == "Name" else ""
        rows.append([kit.cell(field, LABEL, kit.s.cell_bold), kit.cell(value, WIDTH - LABEL) if value else ""])
    heights = [9 * mm, 8 * mm, 8 * mm, 8 * mm, 14 * mm]
    table = Table(rows, colWidths=[LABEL, WIDTH - LABEL], rowHeights=heights, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), kit.fonts.regular),
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
