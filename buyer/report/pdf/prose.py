"""The prose of the report, as data: the method, the status of the program, and the glossary's
terms that are not verdict words (those are in ``buyer.report.phrases``)."""

from __future__ import annotations

PROGRAM_STATUS = (
    "The OpenStack interoperability program (OpenStack Powered) was retired by the OpenInfra Foundation in "
    "2025; its last guideline is 2022.11. Guidelines keep the status their file states (approved or "
    "superseded); vendors can no longer be newly listed, so this report relies on test evidence, not on a "
    "current trademark listing."
)

# (heading, text, shown when): "interop", "scs" or "" (always).
METHOD: tuple[tuple[str, str, str], ...] = (
    (
        "How a verdict is computed",
        "Each interop requirement is scored as RefStack, the OpenStack interoperability program's own service, "
        "scored results: a test passes when its name or one of its aliases is among the passed tests of accepted "
        "evidence; counting is per capability and test, so a test listed under two capabilities counts twice; a "
        "requirement passes when every non-flagged test of every required capability passed in one piece of "
        "accepted evidence. Add-on programs are scored against their own guideline file. Extra capabilities named "
        "in the profile are mandatory requirements of their own. A product meets the profile when every mandatory "
        "requirement passed.",
        "interop",
    ),
    (
        "Flags, aliases and identifiers",
        "A flagged test may fail without failing the verdict; the flagged tests a product did not pass are listed "
        "on its page with their reasons. Aliases are the older names of renamed tests. A test that was not "
        "reported passed while another test with the same idempotent id was is not a pass, as in RefStack: the "
        "requirement needs review and is not verified.",
        "interop",
    ),
    (
        "Sovereign Cloud Stack scopes",
        "An SCS certificate scope version passes when every testcase of its mandatory ('main') target passed and "
        "the result is still current: results expire by their testcase's lifetime (a week by default). "
        "Precedence follows SCS: any failure fails; otherwise a missing or expired result leaves it not verified; "
        "otherwise a testcase that did not finish (ABORT) is a check error. 'effective' means the version the "
        "scope's timeline makes effective on the stated date.",
        "scs",
    ),
    (
        "Advisory capabilities",
        "Advisory capabilities are expected to become required in the next guideline. They never affect a verdict "
        "and are reported as readiness.",
        "interop",
    ),
    (
        "Stale and untrusted evidence",
        "Evidence older than the profile's limit on the evaluation date, dated after it, or of a kind the profile "
        "does not accept does not count; a requirement with no evidence that counts, or whose evidence has no "
        "result for any of its tests, is 'not verified', never 'fails'.",
        "",
    ),
    (
        "What a live check can and cannot prove",
        "A live check run by the buyer shows how the cloud behaved for the buyer's account, region and time; it "
        "cannot prove behaviour under other accounts, at scale, or later. Self-reported files are as trustworthy "
        "as the vendor that produced them; published results are public but were run by the vendor.",
        "",
    ),
    (
        "Reproducing this report",
        "The appendix lists every input with its SHA-256 and the command that renders this report again. The "
        "same inputs give a byte-identical file; the report id in every footer is a hash of the inputs.",
        "",
    ),
    (
        "Limits",
        "Designated sections (which code must be upstream OpenStack) are not checked, as RefStack did not check "
        "them. Passing tests prove API behaviour, not performance, security or support.",
        "",
    ),
)

# Terms a reader of any report with interop requirements needs (name, definition).
INTEROP_TERMS: tuple[tuple[str, str], ...] = (
    ("guideline", "a dated list of capabilities and the tempest tests that prove them (e.g. 2020.06)"),
    ("program", "OpenStack Powered Platform, Compute or Storage: a set of components in a guideline"),
    ("capability", "a unit of API behaviour (e.g. compute-servers-create), proven by one or more tests"),
)
EVIDENCE_TERMS: tuple[tuple[str, str], ...] = (
    (
        "evidence kinds",
        "self-reported: a file the vendor sent; published: a result on a public service; live-run / "
        "live-discovery: a check the buyer ran",
    ),
    ("verified", "a published RefStack result the Foundation marked as reviewed"),
    ("report id", "a hash of every input of the report (listed in the appendix), the evaluation date and policy"),
)
