"""buyer guidelines list|show|tests|diff: the guideline catalogue.

Everything printed for a person goes through ``say``/``write_lines`` (guideline files are outside
text: ids, releases, capability names); JSON keeps its own escaping."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from buyer._text import printable
from buyer.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    add_format,
    add_program,
    add_source,
    catalogue,
    print_json,
    say,
    warn,
    write_lines,
)
from buyer.errors import UsageError
from buyer.model.diff import diff_guidelines
from buyer.model.guideline import CORE_PROGRAMS, Guideline, Status, program_key
from buyer.model.requirements import lookup_add_on, lookup_guideline
from buyer.model.testlist import capability_test_lines, refstack_test_lines
from buyer.sources.catalogue import Catalogue


def register(commands: Any) -> None:
    group = commands.add_parser("guidelines", help="list, show, diff guidelines and print their test lists")
    sub = group.add_subparsers(dest="guidelines_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "list",
        help="guideline versions with status, schema, programs and add-ons",
        description=(
            "List the guideline versions of the source: each one's status (approved, draft, superseded), "
            "its schema, its programs and the add-ons published for it. A file that cannot be read is "
            "left out with a warning."
        ),
    )
    add_source(p)
    add_format(p)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser(
        "show",
        help="the capabilities of a program, by status",
        description=(
            "Show a program of a guideline: its releases and components, then its capabilities by status "
            "(required, advisory, deprecated, removed), each with its number of tests and flagged tests."
        ),
    )
    p.add_argument("version", help="guideline id: 2020.06, or an add-on file id such as dns.2020.06")
    add_program(p, add_ons=True, default=None)
    add_source(p)
    add_format(p)
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser(
        "tests",
        help="one test per line, as RefStack's /v1/guidelines/<v>/tests gives them",
        description=(
            "Print a program's test list exactly as RefStack's tests endpoint does: sorted, "
            "not de-duplicated, name[idempotent_id]. Defaults follow RefStack (every status, "
            "aliases and flagged tests included); the list a vendor must pass is "
            "--status required --no-flagged (with --capability ID: the tests of an extra capability)."
        ),
    )
    p.add_argument("version", help="guideline id: 2020.06, or an add-on file id such as dns.2020.06")
    add_program(p, add_ons=True, default=None)
    p.add_argument("--capability", metavar="ID", help="only this capability's tests (an extra capability)")
    p.add_argument(
        "--status",
        default=",".join(Status),
        help="comma list of required,advisory,deprecated,removed (default: all)",
    )
    p.add_argument("--no-flagged", action="store_true", help="leave out flagged tests")
    p.add_argument("--no-aliases", action="store_true", help="leave out alias (old) test names")
    add_source(p)
    p.set_defaults(handler=cmd_tests)

    p = sub.add_parser(
        "diff",
        help="what changes between two guidelines for a program",
        description=(
            "Compare a program in two guidelines: capabilities added, removed or changed in status, tests "
            "added or removed, tests newly flagged and no longer flagged."
        ),
    )
    p.add_argument("old", help="the older guideline id, e.g. 2019.11")
    p.add_argument("new", help="the newer guideline id, e.g. 2020.06")
    add_program(p, add_ons=True, default=None)
    add_source(p)
    add_format(p)
    p.set_defaults(handler=cmd_diff)


def resolve(cat: Catalogue, version: str, program: str | None) -> tuple[Guideline, str]:
    """A guideline and program key; ``2020.06 --program dns`` means the dns.2020.06 file."""
    guideline = lookup_guideline(cat, version)
    if guideline.is_add_on:
        key = program_key(program) if program else next(iter(guideline.programs))
        return guideline, guideline.program(key).key
    key = program_key(program or "platform")
    if key in guideline.programs:
        return guideline, key
    if key in CORE_PROGRAMS:
        guideline.program(key)  # raises: this guideline lacks that core program
    add_on = lookup_add_on(cat, key, guideline.version)
    return add_on, add_on.program(key).key


def cmd_list(args: argparse.Namespace) -> int:
    cat = catalogue(args)
    broken = cat.survey()  # a file that cannot be read is named and left out; the others are listed
    if broken and not len(cat):
        for problem in broken:
            print(f"buyer: error: {printable(str(problem))}", file=sys.stderr)
        return EXIT_USAGE
    for problem in broken:
        warn(f"{problem} (left out)")
    guidelines = {gid: cat[gid] for gid in cat}
    rows = []
    for gid, g in guidelines.items():
        if g.is_add_on:
            continue
        add_ons = [a for a in guidelines.values() if a.is_add_on and a.version == g.version]
        rows.append(
            {
                "id": gid,
                "status": g.status,
                "schema": g.schema,
                "programs": list(g.programs),
                "add_ons": [{"id": a.id, "program": next(iter(a.programs)), "status": a.status} for a in add_ons],
                "releases": list(g.releases),
            }
        )
    if args.format == "json":
        print_json({"source": cat.label, "guidelines": rows, "problems": [str(p) for p in broken]})
        return EXIT_OK
    say(f"{'ID':<9} {'STATUS':<11} {'SCHEMA':<6} {'PROGRAMS':<27} {'ADD-ONS':<22} RELEASES")
    for r in rows:
        add_ons = ", ".join(a["program"] for a in r["add_ons"]) or "-"
        say(
            f"{r['id']:<9} {r['status']:<11} {r['schema']:<6} {', '.join(r['programs']):<27} "
            f"{add_ons:<22} {', '.join(r['releases'])}"
        )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    cat = catalogue(args)
    g, key = resolve(cat, args.version, args.program)
    statuses = g.capability_status(key)
    prog = g.program(key)
    by_status: dict[str, list[dict[str, Any]]] = {s.value: [] for s in Status}
    for cap_id, status in sorted(statuses.items()):
        cap = g.capability(cap_id)
        by_status[status.value].append(
            {
                "id": cap_id,
                "project": cap.project,
                "tests": len(cap.tests),
                "flagged": sum(t.flagged for t in cap.tests),
                "defined": cap.defined,
                "description": cap.description,
            }
        )
    if args.format == "json":
        print_json(
            {
                "id": g.id,
                "status": g.status,
                "schema": g.schema,
                "program": key,
                "title": prog.title,
                "releases": list(g.releases),
                "replaces": g.replaces,
                "components": list(prog.components),
                "capabilities": by_status,
            }
        )
        return EXIT_OK
    say(f"{prog.title} {g.id}  (status {g.status or '-'}, schema {g.schema})")
    if g.releases:
        say(f"releases: {', '.join(g.releases)}")
    if g.declared_id:
        say(f"note: the file declares id '{g.declared_id}'")
    say(f"components: {', '.join(prog.components)}")
    for status, caps in by_status.items():
        if not caps:
            continue
        tests = sum(c["tests"] for c in caps)
        say()
        say(f"{status} ({len(caps)} capabilities, {tests} tests)")
        for c in caps:
            flagged = f", {c['flagged']} flagged" if c["flagged"] else ""
            undefined = "  (not defined in the file)" if not c["defined"] else ""
            say(f"  {c['id']:<48} {c['tests']:>3} tests{flagged}{undefined}")
    return EXIT_OK


def cmd_tests(args: argparse.Namespace) -> int:
    cat = catalogue(args)
    g, key = resolve(cat, args.version, args.program)
    statuses = []
    for word in filter(None, (s.strip() for s in args.status.split(","))):
        try:
            statuses.append(Status(word))
        except ValueError:
            raise UsageError(f"--status: unknown status '{word}' (use {', '.join(Status)})") from None
    if args.capability:
        lines = capability_test_lines(g, args.capability, aliases=not args.no_aliases, flagged=not args.no_flagged)
    else:
        lines = refstack_test_lines(g, key, statuses, aliases=not args.no_aliases, flagged=not args.no_flagged)
    write_lines(lines)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    cat = catalogue(args)
    old, key = resolve(cat, args.old, args.program)
    new, _ = resolve(cat, args.new, args.program)
    d = diff_guidelines(old, new, key)
    if args.format == "json":
        print_json(
            {
                "old": d.old,
                "new": d.new,
                "program": d.program,
                "capabilities_added": [{"id": c, "status": s} for c, s in d.added],
                "capabilities_removed": [{"id": c, "status": s} for c, s in d.removed],
                "status_changed": [{"id": c, "old": a, "new": b} for c, a, b in d.status_changed],
                "tests_added": [{"capability": c, "test": t} for c, t in d.tests_added],
                "tests_removed": [{"capability": c, "test": t} for c, t in d.tests_removed],
                "newly_flagged": [{"capability": c, "test": t, "reason": r} for c, t, r in d.newly_flagged],
                "unflagged": [{"capability": c, "test": t} for c, t in d.unflagged],
            }
        )
        return EXIT_OK
    say(f"{d.program}: {d.old} -> {d.new}")
    if d.empty:
        say("no changes")
    sections: list[tuple[str, list[str]]] = [
        ("capabilities added", [f"{c} ({s})" for c, s in d.added]),
        ("capabilities removed", [f"{c} (was {s})" for c, s in d.removed]),
        ("status changed", [f"{c}: {a} -> {b}" for c, a, b in d.status_changed]),
        ("tests added", [f"{t}  [{c}]" for c, t in d.tests_added]),
        ("tests removed", [f"{t}  [{c}]" for c, t in d.tests_removed]),
        ("newly flagged", [f"{t}  [{c}]: {r}" for c, t, r in d.newly_flagged]),
        ("no longer flagged", [f"{t}  [{c}]" for c, t in d.unflagged]),
    ]
    for title, items in sections:
        if items:
            say()
            say(f"{title} ({len(items)}):")
            for item in items:
                say(f"  {item}")
    return EXIT_OK
