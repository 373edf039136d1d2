"""An RFP package: the folder a buyer attaches to a tender, which a vendor answers without buyer.

    requirements.md                       the clauses, M1…, D1… (``rfp.rfp_markdown``)
    tests/<clause>-<guideline>-<program>.txt   per mandatory interop requirement, the scored list:
                                          exactly what ``buyer guidelines tests … --status
                                          required --no-flagged`` prints (``rfp.Clause.lines``)
    responses/<product>.toml              a pre-filled response form per shortlisted product
    HOW-TO-RESPOND.md                     refstack-client or tempest/stestr alone, formats, dates
    SHA256SUMS                            every other file, as ``sha256sum -c`` checks it

A renderer: it returns the files (path -> bytes); writing them is the caller's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from buyer._hashing import sha256_hex
from buyer._text import printable
from buyer.formats.response import FormClause, response_form
from buyer.model.profile import DuplicatesPolicy, Profile
from buyer.model.requirements import CompiledRequirement, ScsPlan
from buyer.model.response import VENDOR_KINDS, ClaimWord
from buyer.model.scorecard import GuidelineUse
from buyer.report.markdown import md
from buyer.report.rfp import Clause, clauses, rfp_markdown

REQUIREMENTS = "requirements.md"
HOW_TO = "HOW-TO-RESPOND.md"
SUMS = "SHA256SUMS"
BLANK_FORM = "responses/response.toml"
_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def rfp_package(
    profile: Profile, plans: Sequence[CompiledRequirement], uses: Sequence[GuidelineUse], scs: ScsPlan | None = None
) -> dict[str, bytes]:
    """Every file of the package, by its path inside the package (``/`` separated)."""
    mandatory, desirable = clauses(profile, plans, scs, uses)
    files: dict[str, str] = {REQUIREMENTS: rfp_markdown(profile, plans, uses, scs, package=True)}
    for c in mandatory:
        if c.list_file:
            # As `buyer guidelines tests` prints it: a control character in a name shown escaped.
            files[c.list_file] = "".join(f"{printable(line)}\n" for line in c.lines)
    forms = form_names([p.name for p in profile.shortlist])
    asked = [FormClause(c.number, c.title, c.list_file) for c in [*mandatory, *desirable]]
    for product in profile.shortlist:
        files[forms[product.name]] = response_form(
            product.name, product.vendor, profile.rfp_reference, profile.name, asked
        )
    if not profile.shortlist:  # an open call: one blank form for any vendor
        forms = {"": BLANK_FORM}
        files[BLANK_FORM] = response_form("", "", profile.rfp_reference, profile.name, asked)
    files[HOW_TO] = how_to_respond(profile, mandatory, desirable, forms)
    out = {path: text.encode("utf-8") for path, text in files.items()}
    out[SUMS] = sha256sums(out)
    return out


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """``<sha256>  <path>`` per file, sorted by path: what ``sha256sum -c`` reads (text mode)."""
    return "".join(f"{sha256_hex(files[path])}  {path}\n" for path in sorted(files)).encode("ascii")


def form_names(products: Sequence[str]) -> dict[str, str]:
    """responses/<product>.toml for each product: a plain file name made from its name, unique."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for n, name in enumerate(products, start=1):
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        stem = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or f"product-{n}"
        candidate, k = stem, 2
        while candidate in taken:
            candidate, k = f"{stem}-{k}", k + 1
        taken.add(candidate)
        out[name] = f"responses/{candidate}.toml"
    return out


def _plugins(c: Clause) -> list[str]:
    """The pip packages a clause's list needs beside tempest: designate_tempest_plugin.… ->
    designate-tempest-plugin."""
    roots = sorted({line.split(".", 1)[0] for line in c.lines if not line.startswith("tempest")})
    return [root.replace("_", "-") for root in roots]


def how_to_respond(
    profile: Profile, mandatory: Sequence[Clause], desirable: Sequence[Clause], forms: Mapping[str, str]
) -> str:
    """Plain words for a vendor: what to send, how to run each list, formats, dates, integrity."""
    ref = f" {profile.rfp_reference}" if profile.rfp_reference else ""
    listed = [c for c in mandatory if c.list_file]
    plain = [c for c in listed if not c.plugin_tests]
    plugin = [c for c in listed if c.plugin_tests]
    scs = [c for c in mandatory if not c.list_file]
    policy = profile.evidence_policy
    words = ", ".join(f"`{w}`" for w in ClaimWord)
    lines = [
        f"# How to respond to RFP{ref}",
        "",
        f"{md(profile.name)}.",
        "",
        "This folder is the buyer's request. You can answer it with a text editor and the tools you",
        "already use to test an OpenStack cloud: tempest, and refstack-client if you like. No other",
        "software is needed.",
        "",
        "## What to send back",
        "",
        "For each product you offer: its response form from `responses/`, filled in, and every evidence",
        "file the form names, all in one folder (the form names its files relative to itself).",
        "",
    ]
    if list(forms) == [""]:
        lines += [f"The form is `{BLANK_FORM}`: copy it for each product you offer and name the product in it.", ""]
    elif forms:
        lines += ["| Product | Form |", "| --- | --- |"]
        lines += [f"| {md(name)} | `{path}` |" for name, path in forms.items()]
        lines += [""]
    lines += [
        "In the form:",
        "",
        "- `[vendor]`: `company` (required), `product` (required: the product's name as the shortlist",
        "  writes it; another name offers another product), `contact` (who answers questions).",
        "- One `[[evidence]]` table per file: `file` (relative to the form, inside its folder), `kind`",
        f"  ({' or '.join(f'`{k}`' for k in VENDOR_KINDS)}) and `date` (the day the tests ran, when the file",
        "  does not carry it; see *Dates*).",
        f"- One `[[requirement]]` table per clause of `{REQUIREMENTS}`: `claim` is one of {words};",
        "  `note` says anything the buyer should know (which tests fail and why, when they will pass).",
        "  Delete the table of a clause you do not answer.",
        "",
        "Keep `format`, `version` and `rfp_reference` as they are. The buyer scores the evidence, not",
        "the claims: a clause claimed `comply` that the evidence does not show passing is reported as",
        "contradicted.",
        "",
        "## The test lists",
        "",
    ]
    if listed:
        lines += ["| Clause | Requirement | Test list | Lines | Run it with |", "| --- | --- | --- | --- | --- |"]
        for c in listed:
            how = "refstack-client or tempest" if not c.plugin_tests else f"tempest with {', '.join(_plugins(c))}"
            lines.append(f"| {c.number} | {md(c.title)} | `{c.list_file}` | {len(c.lines)} | {how} |")
        lines += [
            "",
            "Each list holds one test per line, as RefStack's test-list endpoint serves it: the test's",
            "name and, in brackets, its idempotent id (`name[id-<uuid>]`; add-on lists write `name[<uuid>]`).",
            "A test that tempest renamed appears under its older names too, with the same id: it passes",
            "when any of its names passed. Flagged tests are left out: you need not pass them. Do not edit",
            "the lists.",
            "",
            "A clause is met by **one run**: every listed test passed in the same run. Tests passed in",
            "different runs are not added together. One run may cover several clauses (run their lists",
            "together); send each run once and name it under `[[evidence]]`.",
            "",
        ]
    else:
        lines += ["This RFP has no tempest test lists.", ""]
    if plain:
        first = plain[0]
        lines += [
            "## With refstack-client",
            "",
            "In refstack-client's folder, with a `tempest.conf` for the offered cloud (a member account,",
            "not an admin: the buyer wants what a customer can do):",
            "",
            "```sh",
            f"PACKAGE=/path/to/this/folder   # where {REQUIREMENTS} is",
            f'refstack-client test -c etc/tempest.conf -v --test-list "$PACKAGE/{first.list_file}"',
            "```",
            "",
            "refstack-client writes the passed tests as JSON in `.tempest/.stestr/<n>.json`: send that",
            "file as it is, and give the day of the run as `date` in the form. Clauses it can run: "
            + ", ".join(c.number for c in plain)
            + ".",
        ]
        if plugin:
            lines += [
                "",
                "refstack-client keeps only the lines of a list that start with `tempest` and drops the rest",
                "without a word, so it cannot run the lists of "
                + ", ".join(c.number for c in plugin)
                + " (tests of tempest plugins): use tempest as below.",
            ]
        lines += [""]
    if listed:
        example = (plugin or listed)[0]
        plugins = sorted({p for c in listed for p in _plugins(c)})
        install = f", with {' and '.join(f'`{p}`' for p in plugins)} installed beside tempest" if plugins else ""
        n = example.number
        lines += [
            "## With tempest and stestr alone",
            "",
            f"In a tempest workspace for the offered cloud (`tempest init`, `etc/tempest.conf`){install}.",
            f"First pick tempest's own ids of the listed tests, for each clause (here {n}):",
            "",
            "```sh",
            f"PACKAGE=/path/to/this/folder   # where {REQUIREMENTS} is",
            "tempest run --list-tests > all-tests.txt",
            f"grep -oE '{_UUID}' \\",
            f'    "$PACKAGE/{example.list_file}" | sort -u > {n}.ids',
            f"grep -iF -f {n}.ids all-tests.txt > {n}.load-list",
            f'while read -r id; do grep -qiF "$id" all-tests.txt || echo "not in this tempest: $id"; done < {n}.ids',
            "```",
            "",
            "Why the detour through the ids: `--load-list` takes tempest's own full test ids (with every",
            "attribute, such as `[id-…,smoke]`) and skips without a word the lines it does not know.",
            "Every test carries its idempotent id, so picking tempest's tests by the list's ids runs",
            "the listed tests under whatever name your tempest gives them (and the few tests that share",
            "an id with one of them). An id that is not in your tempest is a test it does not have: an",
            "older or newer tempest may. Then run them and keep the stream:",
            "",
            "```sh",
            f"tempest run --load-list {n}.load-list",
            f"stestr last --subunit > {n}.subunit",
            "```",
            "",
            f"Send `{n}.subunit`: the stream itself, with its outcomes and timestamps (it dates itself).",
            "`stestr last --subunit` writes subunit v2; a v1 stream is accepted too.",
            "",
        ]
    if scs:
        for c in scs:
            lines += [
                f"## {c.number}: {md(c.title)}",
                "",
                "Run the Sovereign Cloud Stack compliance check for this scope against the offered cloud and",
                "send its YAML report (`scs-compliance-check.py -s <subject> -a os_cloud=<cloud>",
                f"-V {c.guideline} -o report.yaml <scope.yaml>`), or the report the SCS compliance monitor",
                "publishes for the cloud.",
                f"The {len(c.lines)} mandatory testcases: {', '.join(f'`{t}`' for t in c.lines)}.",
                "",
            ]
    age = (
        f"no older than {policy.max_age_days} days on the day the buyer evaluates the answers"
        if policy.max_age_days
        else "of any age"
    )
    lines += [
        "## Formats accepted",
        "",
        '- refstack-client JSON (`{"cpid", "duration_seconds", "results": [{"name", "uuid"}]}`), as written;',
        "- a subunit stream of the run (`stestr last --subunit`: v2; v1 too);",
        '- a result published on RefStack: `file = "refstack:<result id>"`, `kind = "published"`;',
        "- a list of the tests that passed, one per line (the weakest: it shows neither failures nor a date);",
        "- for an SCS clause, the compliance check's YAML report.",
        "",
        _kinds_line(age, [k for k in policy.accepted_kinds if k in VENDOR_KINDS]),
        "",
        "## Dates",
        "",
        "A subunit stream, a RefStack result and an SCS report carry the date of the run. refstack-client",
        "JSON and a list of passed tests do not: give the day of the run as `date` in the form's",
        "`[[evidence]]` table (for example `date = 2026-09-14`). Without it the file's modification time",
        "is used, which copying a file changes. A date after the day of evaluation does not count.",
        "",
        "## Integrity and signatures",
        "",
        f"`sha256sum -c {SUMS}` in this folder checks that the package arrived as the buyer sent it.",
        "",
        "The buyer records the SHA-256 of your form and of every evidence file, and prints them in the",
        "scorecard. Sign them as your tender rules require, for example: list them with",
        "`sha256sum <form> <evidence files> > RESPONSE-SHA256SUMS` and sign that file with your electronic",
        "signature. A result you upload to RefStack is signed with your key (`refstack-client upload",
        "<file> -i <private key>`); name it as `refstack:<result id>`.",
        "",
        "## What the buyer checks",
        "",
        "- every listed test of a clause, in one run, by the test's name or one of its older names;",
        "- the age and kind of each piece of evidence;",
        "- plausibility: the same file, or a run of the same cloud (the same cpid or RefStack result),",
        "  given for two products; a date after the day of evaluation; a run whose tests all took zero",
        "  seconds. These are shown to the evaluation committee beside your answers"
        + (", and evidence given for two products does not count." if _rejects(profile) else "."),
        "",
    ]
    if desirable:
        lines += [
            f"Desirable clauses ({', '.join(c.number for c in desirable)}) have no test list: answer them with",
            "a claim and a note.",
            "",
        ]
    return "\n".join(printable(line) for line in lines)  # each line safe on its own, as ``document``


def _kinds_line(age: str, kinds: Sequence[str]) -> str:
    if not kinds:
        return (
            "This RFP counts only the buyer's own live checks: the evidence you send is shown beside them "
            "but does not decide a requirement."
        )
    return f"Evidence counts when it is {age}, and {' or '.join(kinds)}."


def _rejects(profile: Profile) -> bool:
    return profile.evidence_policy.duplicates is DuplicatesPolicy.REJECT
