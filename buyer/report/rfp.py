"""RFP text from a profile: requirement clauses an architect pastes in, and the vendor response
sheet that says which evidence each vendor must supply. Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from buyer.model.guideline import Status
from buyer.model.profile import Profile
from buyer.model.requirements import Requirement
from buyer.model.scorecard import GuidelineUse, RequirementKind
from buyer.report.markdown import md


def rfp_markdown(profile: Profile, requirements: Sequence[Requirement], uses: Sequence[GuidelineUse]) -> str:
    sha = {u.id: u.sha256 for u in uses}
    title = f"Interoperability requirements: {md(profile.name)}"
    lines = [f"# {title}", ""]
    if profile.rfp_reference:
        lines += [f"RFP reference: {md(profile.rfp_reference)}", ""]
    lines += ["## Mandatory requirements", ""]
    for n, req in enumerate(requirements, start=1):
        g = req.guideline
        plan = req.plan()
        required = [(cap, st) for cap, st, counts in plan if counts]
        tests = len({t.name for cap, _ in required for t in cap.tests if not t.flagged})
        where = f"guideline file `{g.id}.json` (SHA-256 `{sha.get(g.id, 'unknown')}`)"
        if req.kind is RequirementKind.CAPABILITY:
            text = (
                f"The offered cloud SHALL provide the capability `{req.capability}` as defined in {where}: "
                f"every one of its {tests} non-flagged tests passes."
            )
        else:
            prog = g.program(req.program)
            what = f"the {prog.title} add-on" if req.kind is RequirementKind.ADD_ON else prog.title
            text = (
                f"The offered cloud SHALL meet {what} as defined in {where}: every non-flagged test of "
                f"its {len(required)} required capabilities ({tests} tests) passes, scored as RefStack "
                "scored results (name or alias match; flagged tests are optional)."
            )
        lines += [f"**M{n}.** {text}", ""]
    advisory = [
        (req, cap.id)
        for req in requirements
        if req.kind is not RequirementKind.CAPABILITY
        for cap, status, counts in req.plan()
        if status is Status.ADVISORY and cap.id not in (profile.interop.extra_capabilities if profile.interop else [])
    ]
    lines += ["## Desirable requirements", ""]
    if advisory:
        for n, (req, cap_id) in enumerate(advisory, start=1):
            lines += [
                f"**D{n}.** The offered cloud SHOULD provide the advisory capability `{cap_id}` of "
                f"`{req.guideline.id}`, expected to become required in the next guideline.",
                "",
            ]
    else:
        lines += [
            "None beyond the mandatory requirements: the chosen guideline has no advisory capabilities.",
            "",
        ]
    policy = profile.evidence_policy
    age = f"no older than {policy.max_age_days} days on the evaluation date" if policy.max_age_days else "of any age"
    lines += [
        "## Evidence",
        "",
        f"**E1.** Evidence SHALL be {age}, and of one of these kinds: {', '.join(policy.accepted_kinds)}.",
        "",
        "**E2.** The buyer MAY verify any claim with its own live checks on a trial account.",
        "",
        "## Vendor response sheet",
        "",
        "For each mandatory requirement, the vendor supplies the results of a tempest run of the listed",
        "tests against the offered cloud, dated, in one of the accepted formats.",
        "",
        "| # | Requirement | Test list (command) | Guideline file (SHA-256) |",
        "| --- | --- | --- | --- |",
    ]
    for n, req in enumerate(requirements, start=1):
        g = req.guideline
        if req.kind is RequirementKind.CAPABILITY:
            command = f"the tests of `{req.capability}` in `buyer guidelines show {g.id}`"
        else:
            command = f"`buyer guidelines tests {g.id} --program {req.program} --status required --no-flagged`"
        lines.append(f"| M{n} | {md(req.title)} | {command} | `{g.id}.json` (`{sha.get(g.id, 'unknown')[:16]}…`) |")
    lines += [
        "",
        'Accepted formats: refstack-client JSON (`{"cpid", "duration_seconds", "results": [{"name", "uuid"}]}`),',
        "the subunit v2 stream of the run (`stestr last --subunit`), a RefStack result id, or a list of",
        "passed test ids. State the date of the run and the tempest version used.",
        "",
        "| Vendor | Product | Evidence files | Date of run | Contact |",
        "| --- | --- | --- | --- | --- |",
    ]
    for product in profile.shortlist or []:
        lines.append(f"| {md(product.vendor or '')} | {md(product.name)} | | | |")
    if not profile.shortlist:
        lines.append("| | | | | |")
    return "\n".join(lines) + "\n"
