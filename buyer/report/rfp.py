"""RFP text from a profile: numbered requirement clauses an architect pastes into a tender, and
the response sheet that says which evidence each vendor must supply. Markdown.

One number per requirement everywhere: a clause states the count the scorecard uses (RefStack
counts one test per capability and test, flagged tests left out), names the distinct tests too,
and points at exactly the list that is scored (``model.testlist.scored_lines``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from buyer.model.guideline import Status
from buyer.model.profile import Profile
from buyer.model.requirements import CompiledRequirement, ScsPlan
from buyer.model.response import clause_number
from buyer.model.scorecard import GuidelineUse, RequirementKind
from buyer.model.testlist import scored_lines
from buyer.report.markdown import code, document, md

RULE = (
    "A requirement is met when one test run (one piece of evidence the buyer accepts) reports every "
    "listed non-flagged test as passed, by its name or one of its listed older names (aliases), as "
    "RefStack scored results. Tests passed in different runs are not added together, and a test "
    "reported only under another test's idempotent id does not count as passed. Flagged tests may fail."
)


@dataclass(frozen=True)
class Clause:
    number: str  # M1, M2, ... (mandatory), D1, ... (desirable)
    title: str
    text: str
    command: str = ""  # how to print the scored test list
    lines: tuple[str, ...] = ()  # the scored test list, as RefStack prints it
    guideline: str = ""  # the guideline file the clause rests on
    count: int = 0  # required tests as the scorecard counts them
    list_file: str = ""  # where an RFP package keeps ``lines``: tests/<clause>-<guideline>-<program>.txt

    @property
    def plugin_tests(self) -> bool:
        """Whether the list holds tests outside tempest itself (add-on plugins): refstack-client's
        --test-list keeps only lines that start with "tempest" and would drop them."""
        return any(not line.startswith("tempest") for line in self.lines)


def clauses(
    profile: Profile, plans: Sequence[CompiledRequirement], scs: ScsPlan | None, uses: Sequence[GuidelineUse]
) -> tuple[list[Clause], list[Clause]]:
    """(mandatory, desirable) clauses, numbered as the RFP prints them."""
    sha = {u.id: u.sha256 for u in uses}
    mandatory = []
    for n, plan in enumerate(plans, start=1):
        req, g = plan.requirement, plan.requirement.guideline
        pairs, distinct = plan.counted_tests
        lines = tuple(scored_lines(plan))
        where = f"guideline file `{g.id}.json` (SHA-256 `{sha.get(g.id, 'unknown')}`)"
        counted = (
            f"{pairs} required tests, counted as RefStack counts them (one per capability and test, "
            f"flagged tests left out; {distinct} distinct test names)"
        )
        number = clause_number(n - 1)
        if req.kind is RequirementKind.CAPABILITY:
            text = (
                f"The offered cloud SHALL provide the capability {code(req.capability)} as defined in {where}: "
                f"all {counted} pass."
            )
            command = f"buyer guidelines tests {g.id} --capability {req.capability} --no-flagged"
            list_file = f"tests/{number}-{g.id}-{req.capability}.txt"
        else:
            prog = g.program(req.program)
            what = f"the {prog.title} add-on" if req.kind is RequirementKind.ADD_ON else prog.title
            caps = sum(1 for p in plan.caps if p.required)
            text = (
                f"The offered cloud SHALL meet {what} as defined in {where}: {caps} required capabilities, {counted}."
            )
            command = f"buyer guidelines tests {g.id} --program {req.program} --status required --no-flagged"
            list_file = f"tests/{number}-{g.id}-{req.program}.txt"
        mandatory.append(Clause(number, plan.title, text, command, lines, g.id, pairs, list_file))
    if scs is not None:
        version = scs.scope.versions[scs.version]
        when = f"on {scs.on.isoformat()}" if profile.scs and profile.scs.on else "on the evaluation date"
        text = (
            f"The offered cloud SHALL comply with {scs.title} (the version effective {when}): all "
            f"{len(version.mandatory)} mandatory testcases passed with results that have not expired."
        )
        number = clause_number(len(mandatory))
        mandatory.append(Clause(number, scs.title, text, "", version.mandatory, scs.version, len(version.mandatory)))
    extras = set(profile.interop.extra_capabilities if profile.interop else [])
    desirable = []
    for plan in plans:
        if plan.requirement.kind is RequirementKind.CAPABILITY:
            continue
        for planned in plan.caps:
            if planned.status is Status.ADVISORY and planned.capability.id not in extras:
                g = plan.requirement.guideline
                text = (
                    f"The offered cloud SHOULD provide the advisory capability {code(planned.capability.id)} of "
                    f"{code(g.id)}, expected to become required in the next guideline."
                )
                number = clause_number(len(desirable), mandatory=False)
                desirable.append(Clause(number, planned.capability.id, text, guideline=g.id))
    return mandatory, desirable


def rfp_markdown(
    profile: Profile,
    plans: Sequence[CompiledRequirement],
    uses: Sequence[GuidelineUse],
    scs: ScsPlan | None = None,
    package: bool = False,
) -> str:
    """The clauses and the response sheet. ``package``: the sheet points at the package's test
    lists, response forms and HOW-TO-RESPOND.md instead of buyer commands (vendors have no buyer)."""
    mandatory, desirable = clauses(profile, plans, scs, uses)
    lines = [f"# Interoperability requirements: {md(profile.name)}", ""]
    if profile.rfp_reference:
        lines += [f"RFP reference: {md(profile.rfp_reference)}", ""]
    lines += ["## Mandatory requirements", ""]
    for c in mandatory:
        lines += [f"**{c.number}.** {c.text}", ""]
    if plans:
        lines += [RULE, ""]
    lines += ["## Desirable requirements", ""]
    if desirable:
        for c in desirable:
            lines += [f"**{c.number}.** {c.text}", ""]
    else:
        lines += ["None beyond the mandatory requirements: the chosen guidelines have no advisory capabilities.", ""]
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
        "For each mandatory requirement, the vendor supplies the results of one tempest run of its test",
        "list against the offered cloud, dated, in one of the accepted formats. The lists are exactly the",
        "tests that are scored; renamed tests appear under their older names too, which is why a list has",
        "more lines than the requirement has tests.",
        "",
        "| # | Requirement | Tests scored | Test list | Guideline file (SHA-256) |",
        "| --- | --- | --- | --- | --- |",
    ]
    sha = {u.id: u.sha256 for u in uses}
    for c in mandatory:
        if not c.command:
            listing = f"{len(c.lines)} testcases of the scope"
        elif package:
            listing = f"{len(c.lines)} lines: `{c.list_file}`"
        else:
            listing = f"{len(c.lines)} lines: `{c.command}`"
        digest = sha.get(c.guideline, "")
        file = f"`{c.guideline}.json` (`{digest[:16]}…`)" if digest else md(c.guideline)
        lines.append(f"| {c.number} | {md(c.title)} | {c.count} | {listing} | {file} |")
    if package:
        lines += [
            "",
            "Each shortlisted product answers with its form in `responses/` (TOML, filled in by hand),",
            "sent back with the evidence files it names. `HOW-TO-RESPOND.md` says how to produce the",
            "evidence with refstack-client or tempest alone, which formats are accepted, and what to date.",
            "`SHA256SUMS` lists the SHA-256 of every file of this package (`sha256sum -c SHA256SUMS`).",
        ]
        return document(lines)
    lines += [
        "",
        'Accepted formats: refstack-client JSON (`{"cpid", "duration_seconds", "results": [{"name", "uuid"}]}`),',
        "the subunit v2 stream of the run (`stestr last --subunit`), a RefStack result id, a list of",
        "passed test ids, or an SCS compliance report. State the date of the run and the tempest version used.",
        "",
        "| Vendor | Product | Evidence files | Date of run | Contact |",
        "| --- | --- | --- | --- | --- |",
    ]
    for product in profile.shortlist or []:
        lines.append(f"| {md(product.vendor or '')} | {md(product.name)} | | | |")
    if not profile.shortlist:
        lines.append("| | | | | |")
    return document(lines)
