"""Markdown helpers and the Scorecard as Markdown."""

from __future__ import annotations

import re

from buyer._text import printable
from buyer.model.scorecard import CapabilityState, Scorecard
from buyer.report.inputs import data_age_line
from buyer.report.phrases import claim_label, evidence_line, rating_label, response_line, verdict_label

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text: str) -> str:
    """Outside text as literal Markdown: one line, control characters shown escaped (``\\x1b``),
    special characters escaped."""
    return _SPECIAL.sub(r"\\\1", printable(" ".join(text.split())))


def code(text: str) -> str:
    """Outside text as a Markdown code span: one line, control characters shown escaped, fenced
    with more backticks than it holds in a row."""
    shown = printable(" ".join(text.split()))
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def document(lines: list[str]) -> str:
    """A Markdown document from its lines. Each line is also made safe on its own: whatever a
    renderer did not escape (a name inside a code span) reaches no terminal raw and forges no
    line, whether the document is read with ``cat`` or rendered."""
    return "".join(f"{printable(line)}\n" for line in lines)


def scorecard_markdown(card: Scorecard) -> str:
    lines = [f"# OpenStack compliance scorecard: {md(card.profile_name)}", ""]
    if card.buyer or card.rfp_reference:
        lines += [f"Buyer: {md(card.buyer or '—')}  ", f"RFP reference: {md(card.rfp_reference or '—')}  "]
    lines += [
        f"Evaluation date: {card.as_of.isoformat()}  ",
        f"Profile SHA-256: `{card.profile_sha256 or '—'}`  ",
        f"Data used: {md(data_age_line(card))}",
        "",
        "## Summary",
        "",
        "| Product | Verdict | Mandatory met | Top gap |",
        "| --- | --- | --- | --- |",
    ]
    for p in card.products:
        met, total = p.mandatory_met
        gap = p.gaps[0] if p.gaps else (p.exceptions[0] if p.exceptions else "none")
        lines.append(f"| {md(p.name)} | {rating_label(p.rating)} | {met} of {total} | {md(gap)} |")
    answered = any(p.response is not None for p in card.products)
    if answered:
        lines += ["", "## Claims contradicted by the evidence", ""]
        lines += [
            f"- {md(p.name)}, {md(r.vendor_claim.clause if r.vendor_claim else '')} {md(r.title)}: claims comply; "
            f"{verdict_label(r.verdict)}: {md(r.reason)}"
            for p, r in card.contradictions
        ] or ["None: every claim to comply is backed by a pass."]
    lines += ["", "## Requirements", ""]
    for r in card.requirements:
        lines.append(f"- {md(r.title)} (guideline file {r.guideline}, status {r.guideline_status or 'unknown'})")
    policy = f"at most {card.max_age_days} days old" if card.max_age_days else "any age"
    lines += [
        "",
        f"Evidence counts when it is {policy}; accepted kinds: {', '.join(card.accepted_kinds)}.",
        "",
    ]
    for p in card.products:
        lines += [f"## {md(p.name)}", "", f"**{rating_label(p.rating)}**", ""]
        if answered:
            lines += [f"Response: {md(response_line(p, digest_chars=64))}", ""]
            lines += [
                "| Requirement | Verdict | Vendor claim | Non-flagged passed | Reason |",
                "| --- | --- | --- | --- | --- |",
            ]
        else:
            lines += ["| Requirement | Verdict | Non-flagged passed | Reason |", "| --- | --- | --- | --- |"]
        for r in p.requirements:
            t = r.required
            claim = f"{md(claim_label(p, r))} | " if answered else ""
            lines.append(
                f"| {md(r.title)} | {verdict_label(r.verdict)} | {claim}"
                f"{t.non_flagged_passed}/{t.non_flagged_tests} | {md(r.reason)} |"
            )
        notes = [(r, r.vendor_claim.note) for r in p.requirements if r.vendor_claim and r.vendor_claim.note]
        if notes:
            lines += ["", "Vendor's notes:", ""]
            lines += [f"- {md(r.title)}: {md(note)}" for r, note in notes]
        failing = [(r, c) for r in p.requirements for c in r.capabilities if c.state is CapabilityState.FAIL]
        if failing:
            lines += ["", "Failing capabilities:", ""]
            for r, c in failing:
                names = ", ".join(code(t.name) for t in c.failing if t.flag_reason is None)
                lines.append(f"- {md(c.id)} ({md(r.title)}): {names}")
        lines += ["", "Evidence:", ""]
        for u in p.evidence:
            lines.append(f"- {md(evidence_line(u, digest_chars=64))}")
        if not p.evidence:
            lines.append("- none")
        lines.append("")
    lines += ["## Guideline files", ""]
    lines += [f"- {md(g.id)} ({md(g.status)}): {code(g.sha256)} {md(g.source)}" for g in card.guidelines]
    return document(lines)
