"""Glyphs and words for verdicts and states: status never rests on colour alone."""

from __future__ import annotations

from buyer.model.scorecard import CapabilityState, Verdict

VERDICT_GLYPH: dict[Verdict, str] = {
    Verdict.PASS: "✓",
    Verdict.FAIL: "✗",
    Verdict.NOT_VERIFIED: "?",
    Verdict.ERROR: "!",
}

STATE_GLYPH: dict[CapabilityState, str] = {
    CapabilityState.PASS: "✓",
    CapabilityState.FAIL: "✗",
    CapabilityState.FLAGGED_ONLY: "~",
    CapabilityState.NOT_VERIFIED: "?",
    CapabilityState.ERROR: "!",
}

VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.PASS: "meets",
    Verdict.FAIL: "does not meet",
    Verdict.NOT_VERIFIED: "not verified",
    Verdict.ERROR: "check error",
}
