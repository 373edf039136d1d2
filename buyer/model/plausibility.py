"""Evidence a reviewer would call suspicious, each finding one line. Pure; no I/O.

A finding is a warning: it never changes a verdict by itself. Only duplicates (the same
evidence given for two products) can be rejected, when the profile says
``[evidence_policy] duplicates = "reject"``; the reason then says why it does not count.

- the same bytes (SHA-256) given for another product;
- the same cpid (refstack-client JSON: the cloud's identity service id) or the same RefStack
  result as evidence given for another product: a run of one cloud offered for two;
- a date after the evaluation date;
- a run that lists passed tests and whose timed tests all took zero seconds (subunit timestamps):
  tempest never runs a test in no time, so the stream was written, not recorded;
- JSON results whose test names keep tempest's ``[id-…,smoke]`` block: RefStack compares names
  as written, so they match no guideline test (refstack-client strips the block when it writes);
- a test list that is byte for byte one buyer wrote for vendors to run (the RFP package's
  ``tests/`` files, ``guidelines tests``), sent back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from buyer._text import token
from buyer.model.evidence import Evidence, EvidenceFormat, Provenance

REJECTED = "the profile rejects evidence given for more than one product"


@dataclass(frozen=True, slots=True)
class Finding:
    text: str
    duplicate: bool = False  # the profile's duplicates policy applies to it


# Formats whose test names RefStack stores and compares as they are written.
_AS_WRITTEN = frozenset({EvidenceFormat.REFSTACK_CLIENT_JSON, EvidenceFormat.REFSTACK_API_RESULT})


def own_findings(evidence: Evidence, as_of: date) -> tuple[Finding, ...]:
    """What one piece of evidence says about itself."""
    out = []
    when = evidence.provenance.date
    if when is not None and when.date() > as_of:
        out.append(Finding(f"dated {when.date().isoformat()}, after the evaluation date {as_of.isoformat()}"))
    if evidence.provenance.format in _AS_WRITTEN and "[" in "".join(evidence.passed):
        kept = sum("[" in n for n in evidence.passed)
        out.append(
            Finding(
                f"{kept} test names keep tempest's [attributes] block; RefStack compares names as written, "
                "so these match no guideline test"
            )
        )
    timing = evidence.timing
    if timing is not None and evidence.passed_count and timing.longest <= 0:
        out.append(
            Finding(
                f"lists {evidence.passed_count} passed tests, and none of the {timing.timed} timed ones ran "
                "longer than zero seconds (subunit timestamps)"
            )
        )
    return tuple(out)


def sent_list_findings(evidence: Evidence, sent: Mapping[str, str]) -> tuple[Finding, ...]:
    """A test list that is, byte for byte, one buyer wrote for vendors to run. ``sent``: the
    SHA-256 of each such list -> the requirement it is for."""
    title = sent.get(evidence.provenance.sha256)
    if title is None or evidence.provenance.format != EvidenceFormat.TEST_LIST:
        return ()
    return (
        Finding(
            f"is the test list of {title} as buyer writes it for vendors to run (an RFP package's tests/ "
            "file), returned unchanged: a list of tests to run, not a record of a run"
        ),
    )


def _identity(p: Provenance) -> tuple[str, str] | None:
    """What names the run itself, beyond its bytes: refstack-client's cpid, a RefStack result id."""
    if not p.reference:
        return None
    if p.format == EvidenceFormat.REFSTACK_CLIENT_JSON:
        return ("cpid", p.reference)
    if p.format == EvidenceFormat.REFSTACK_API_RESULT:
        return ("RefStack result", p.reference)
    return None


def shared_findings(products: Sequence[tuple[str, Sequence[Provenance]]]) -> dict[tuple[int, int], list[Finding]]:
    """Evidence also given for another product: (product index, evidence index) -> findings.

    Identical files are told as such (not again as the same cpid); a product that lists one
    file twice is not a duplicate of itself."""
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for pi, (_, provenances) in enumerate(products):
        for ei, p in enumerate(provenances):
            if p.sha256:  # (a file that could not be read has none)
                groups.setdefault(("bytes", p.sha256), []).append((pi, ei))
            ident = _identity(p)
            if ident is not None:
                groups.setdefault(ident, []).append((pi, ei))
    out: dict[tuple[int, int], list[Finding]] = {}
    for (what, value), places in groups.items():
        if len(places) < 2:
            continue
        for pi, ei in places:
            digest = products[pi][1][ei].sha256
            others = [
                (qi, qe) for qi, qe in places if qi != pi and (what == "bytes" or products[qi][1][qe].sha256 != digest)
            ]
            if not others:
                continue
            if what == "bytes":
                text = f"the same file (sha256 {value[:12]}…) was given for {_names(products, others)}"
            else:
                text = f"the same {what} ({token(value)}) as evidence given for {_names(products, others)}"
            out.setdefault((pi, ei), []).append(Finding(text, duplicate=True))
    return out


def _names(products: Sequence[tuple[str, Sequence[Provenance]]], places: list[tuple[int, int]]) -> str:
    """The products at ``places``, each once, with its file: "B (b.json) and C (c.json)"."""
    names: dict[int, str] = {}
    for pi, ei in places:
        name, provenances = products[pi]
        names.setdefault(pi, f"{name} ({provenances[ei].source})")
    shown = list(names.values())
    if len(shown) > 3:
        return ", ".join(shown[:3]) + f" and {len(shown) - 3} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
