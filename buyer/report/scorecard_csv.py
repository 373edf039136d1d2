"""The Scorecard as CSV: one row per product and requirement, for spreadsheets."""

from __future__ import annotations

import csv
import io

from buyer._text import printable
from buyer.model.scorecard import Scorecard

COLUMNS = (
    "product",
    "vendor",
    "product_verdict",
    "rating",
    "requirement_kind",
    "guideline",
    "program",
    "capability",
    "requirement",
    "verdict",
    "vendor_claim",
    "claim_contradicted",
    "claim_note",
    "reason",
    "required_tests",
    "required_passed",
    "flagged",
    "non_flagged_tests",
    "non_flagged_passed",
    "refstack_compliant",
    "id_only_matches",
    "advisory_ready",
    "advisory_capabilities",
    "as_of",
    "profile",
)


def _cell(value: object, one_line: bool = False) -> str:
    text = "" if value is None else str(value)
    # A cell that starts like a formula is data, not a spreadsheet instruction.
    text = "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
    return printable(text) if one_line else text


def scorecard_csv(card: Scorecard, one_line: bool = False) -> str:
    """The CSV. ``one_line``: for a terminal, each cell on one line with its control characters
    (a newline too) shown escaped; otherwise each value as it is, quoted where CSV needs it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in card.products:
        for r in p.requirements:
            t = r.required
            row = (
                p.name,
                p.vendor,
                p.verdict,
                p.rating,
                r.kind,
                r.guideline,
                r.program,
                r.capability,
                r.title,
                r.verdict,
                r.vendor_claim.claim if r.vendor_claim else "",
                str(r.claim_contradicted).lower(),
                r.vendor_claim.note if r.vendor_claim else "",
                r.reason,
                t.tests,
                t.passed,
                t.flagged,
                t.non_flagged_tests,
                t.non_flagged_passed,
                str(r.refstack.compliant).lower(),
                len(r.id_only_matches),
                r.advisory.ready,
                r.advisory.capabilities,
                card.as_of.isoformat(),
                card.profile_name,
            )
            writer.writerow([_cell(v, one_line) for v in row])
    return out.getvalue()
