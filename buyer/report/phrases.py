"""The words every face uses for verdicts, states and evidence: one vocabulary, so the table,
the Markdown, the PDF and the TUI say the same thing (the JSON keeps its contract's tokens,
``not-verified`` among them). Status never rests on colour alone: each word has a glyph.
"""

from __future__ import annotations

from buyer.model.scorecard import CapabilityState, EvidenceUse, ProductScore, Rating, RequirementResult, Verdict

VERDICT_GLYPH: dict[Verdict, str] = {
    Verdict.PASS: "✓",
    Verdict.FAIL: "✗",
    Verdict.NOT_VERIFIED: "?",
    Verdict.ERROR: "!",
}

# A requirement's verdict in words (the JSON token is str(verdict)).
VERDICT_WORD: dict[Verdict, str] = {
    Verdict.PASS: "pass",
    Verdict.FAIL: "fail",
    Verdict.NOT_VERIFIED: "not verified",
    Verdict.ERROR: "error",
}

STATE_GLYPH: dict[CapabilityState, str] = {
    CapabilityState.PASS: "✓",
    CapabilityState.FAIL: "✗",
    CapabilityState.FLAGGED_ONLY: "~",
    CapabilityState.NOT_VERIFIED: "?",
    CapabilityState.ERROR: "!",
}

STATE_WORD: dict[CapabilityState, str] = {
    CapabilityState.PASS: "pass",
    CapabilityState.FAIL: "fail",
    CapabilityState.FLAGGED_ONLY: "flagged only",
    CapabilityState.NOT_VERIFIED: "not verified",
    CapabilityState.ERROR: "error",
}

RATING_GLYPH: dict[Rating, str] = {
    Rating.MEETS: "✓",
    Rating.MEETS_WITH_EXCEPTIONS: "✓",
    Rating.DOES_NOT_MEET: "✗",
    Rating.NOT_VERIFIED: "?",
    Rating.CHECK_ERROR: "!",
}

# What each word means, for glossaries and legends (generated from what a report uses).
DEFINITIONS: dict[str, str] = {
    "pass": "every non-flagged test of every required capability passed in one piece of accepted evidence, "
    "by RefStack's rule (a test's name or one of its aliases reported passed)",
    "fail": "a required, non-flagged test did not pass in the evidence that covers the requirement",
    "not verified": "no accepted evidence covers the requirement (none, too old, of a kind the profile does not "
    "accept), or it needs review: tests passed only under another test's idempotent id",
    "error": "the check behind the evidence could not run",
    "flagged only": "only flagged tests did not pass; the guideline allows it",
    "meets": "every mandatory requirement passed",
    "meets with exceptions": "every mandatory requirement passed, with flagged tests left open",
    "does not meet": "a mandatory requirement failed",
    "check error": "a check behind the evidence could not run, and nothing failed",
    "needs review": "a test was not reported passed, but another test with the same idempotent id was; "
    "RefStack counts it as not passed",
    # Terms of the standards, defined where a report uses them.
    "mandatory": "part of a requirement the profile fixed: it decides the verdict",
    "required capability": "a capability the guideline lists as required for the program; every non-flagged test "
    "of it must pass",
    "advisory": "a capability expected to become required in a later guideline; it never affects a verdict and "
    "is reported as readiness",
    "flagged test": "a test the guideline lets fail without failing the capability, with a reason code",
    "extra capability": "a capability the profile makes mandatory on its own, whatever its status in the guideline",
    "add-on": "an OpenStack Powered add-on program (DNS, Orchestration) scored against its own guideline file",
    "scope": "an SCS certificate scope (e.g. SCS-compatible IaaS): versions, each listing the testcases it needs",
    "scope version": "one version of an SCS certificate scope (e.g. v5.1); the profile names one, or 'effective' "
    "on a date",
    "testcase": "an SCS check with its own lifetime; a result older than the lifetime has expired",
    "mandatory testcase": "a testcase of the scope version's 'main' target: every one must pass with a current result",
    "contradicted": "the vendor's response claims to comply with the requirement, and the evidence does not show "
    "it passing",
}

# Flag reason codes of the interop guidelines (interop HACKING.rst), for glossaries.
FLAG_CODES: dict[str, str] = {
    "D400": "flagged because the test fails the scoring criteria",
    "D401": "flagged because of a bug in the test",
    "D402": "flagged because of a bug in the project's code",
    "D403": "flagged because the test needs capabilities that are not required",
    "D404": "flagged because the test is a placeholder or no test fits the capability",
    "D405": "flagged because the test depends on an implementation choice that is not widely deployed",
    "D406": "flagged because the test was removed from the test suite",
}


def verdict_label(verdict: Verdict) -> str:
    return f"{VERDICT_GLYPH[verdict]} {VERDICT_WORD[verdict]}"


def state_label(state: CapabilityState) -> str:
    return f"{STATE_GLYPH[state]} {STATE_WORD[state]}"


def rating_label(rating: Rating) -> str:
    return f"{RATING_GLYPH[rating]} {rating}"


def evidence_date(use: EvidenceUse) -> str:
    """When the evidence was produced, as a date, or "undated"."""
    when = use.provenance.date
    return when.date().isoformat() if when else "undated"


def evidence_status(use: EvidenceUse) -> str:
    """Whether the evidence counts, and if not, why: the same words in every face."""
    if not use.eligible:
        text = f"does not count: {use.reason}"
    elif not use.used:
        text = f"accepted, used by no requirement: {use.unused_reason}"
    else:
        text = "counts"
    if use.error:
        text += f"; the check could not run: {use.error}"
    return text


def evidence_line(use: EvidenceUse, digest_chars: int = 12) -> str:
    """One line about a piece of evidence: source, kind, format, date, digest, whether it counts."""
    p = use.provenance
    digest = p.sha256 if digest_chars >= 64 else p.sha256[:digest_chars] + "…"
    hashed = f", sha256 {digest}" if p.sha256 else ""  # (none for a file that could not be read)
    line = f"{p.source} ({p.kind}, {p.format}, {evidence_date(use)}{hashed}): {evidence_status(use)}"
    for warning in use.warnings:
        line += f"; warning: {warning}"
    return line


def claim_label(product: ProductScore, r: RequirementResult) -> str:
    """What the vendor's response says about a requirement, beside its verdict: "claims comply",
    "claims comply, contradicted", "no claim" (a response that skips it), "no response"."""
    if product.response is None:
        return "no response"
    if r.vendor_claim is None:
        return "no claim"
    text = f"claims {r.vendor_claim.claim}"
    return text + ", contradicted" if r.claim_contradicted else text


def response_line(product: ProductScore, digest_chars: int = 12) -> str:
    """One line about a product's response form: file, who answered, digest, contradictions."""
    r = product.response
    if r is None:
        return "none"
    digest = r.sha256 if digest_chars >= 64 else r.sha256[:digest_chars] + "…"
    who = ", ".join(x for x in (r.company, r.contact) if x)
    n = len(product.contradictions)
    told = f"; {n} claim{'s' if n != 1 else ''} contradicted by the evidence" if n else ""
    return f"{r.file} ({who}, sha256 {digest}){told}"
