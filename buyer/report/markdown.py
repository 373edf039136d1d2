"""Markdown helpers and the Scorecard as Markdown."""

from __future__ import annotations

import re

from buyer.model.scorecard import CapabilityState, Scorecard
from buyer.report.inputs import data_age_line
from buyer.report.phrases import evidence_line, rating_label, verdict_label

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text: str) -> str:
    """Outside text as literal Markdown: special characters escaped, one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


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
        lines += ["| Requirement | Verdict | Non-flagged passed | Reason |", "| --- | --- | --- | --- |"]
        for r in p.requirements:
            t = r.required
            lines.append(
                f"| {md(r.title)} | {verdict_label(r.verdict)} | "
                f"{t.non_flagged_passed}/{t.non_flagged_tests} | {md(r.reason)} |"
            )
        failing = [(r, c) for r in p.requirements for c in r.capabilities if c.state is CapabilityState.FAIL]
        if failing:
            lines += ["", "Failing capabilities:", ""]
            for r, c in failing:
                names = ", ".join(f"`{t.name}`" for t in c.failing if t.flag_reason is None)
                lines.append(f"- {md(c.id)} ({md(r.title)}): {names}")
        lines += ["", "Evidence:", ""]
        for u in p.evidence:
            lines.append(f"- {md(evidence_line(u, digest_chars=64))}")
        if not p.evidence:
            lines.append("- none")
        lines.append("")
    lines += ["## Guideline files", ""]
    lines += [f"- {g.id} ({g.status}): `{g.sha256}` {md(g.source)}" for g in card.guidelines]
    return "\n".join(lines) + "\n"
