"""buyer profile check|new: validate and create requirements profiles."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from buyer._atomic import STDOUT
from buyer._lazy import lazy_import
from buyer._text import printable
from buyer.cli._common import EXIT_OK, add_program, add_source, catalogue, named
from buyer.errors import ProfileErrors, UsageError

actions = lazy_import("buyer.actions")
_request = lazy_import("buyer.cli._request")


def register(commands: Any) -> None:
    group = commands.add_parser("profile", help="check or create a requirements profile")
    sub = group.add_subparsers(dest="profile_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "check",
        help="validate a profile against the catalogue; every problem as FILE:LINE:COL",
        description=(
            "Check a profile as evaluate will use it: the file's keys and values, and against the "
            "guideline catalogue (the guideline exists and is approved, the add-ons exist and fit the "
            "program, the extra capabilities are defined), the SCS scope (the version exists) and each "
            "evidence file (there, a regular file buyer can read, within the size cap; not parsed). "
            "Every problem on its own line, all at once; exit 2 when there is any."
        ),
    )
    p.add_argument("file", type=named, help="the profile (TOML)")
    add_source(p)
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser(
        "new",
        help="write a new profile (atomically); refuses what check would refuse",
        description=(
            "Write a requirements profile for a guideline, a program, its add-ons and extra capabilities, "
            "checked against the catalogue first. An existing file is replaced only with --force."
        ),
    )
    p.add_argument("file", type=named, help="where to write it (- is standard output)")
    p.add_argument("--name", help="profile name (default: the file name)")
    p.add_argument("--guideline", required=True, metavar="V", help="guideline version, e.g. 2020.06")
    add_program(p)
    p.add_argument("--add-on", action="append", default=[], metavar="NAME", help="add-on program: dns, ...")
    p.add_argument("--capability", action="append", default=[], metavar="ID", help="extra capability made mandatory")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    add_source(p)
    p.set_defaults(handler=cmd_new)


def cmd_check(args: argparse.Namespace) -> int:
    cat = catalogue(args)
    loaded = actions.load_checked_profile(args.file, cat, args.offline)
    problems = actions.evidence_file_problems(loaded)
    if problems:
        raise ProfileErrors(problems)
    p = loaded.profile
    products = len(p.shortlist)
    evidence = sum(len(x.evidence) for x in p.shortlist)
    standards = []
    if p.interop:
        add_ons = f" + {', '.join(p.interop.add_ons)}" if p.interop.add_ons else ""
        extras = f" + {len(p.interop.extra_capabilities)} extra capabilities" if p.interop.extra_capabilities else ""
        standards.append(f"interop {p.interop.guideline} {p.interop.program}{add_ons}{extras}")
    if p.scs:
        standards.append(f"SCS {p.scs.scope} ({p.scs.version})")
    summary = f"{args.file}: ok — {p.name}: {'; '.join(standards)}; {products} products, {evidence} evidence files"
    print(printable(summary))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.is_dir():
        raise UsageError(f"{printable(args.file)} is a folder; name the profile's file")
    if path.exists() and not args.force:
        raise UsageError(f"{printable(args.file)} exists; use --force to replace it")
    name = args.name or (path.stem if args.file != STDOUT else "")
    if not name.strip():
        raise UsageError(f"--name: give the profile a name ({printable(args.file)} gives none)")
    data = {
        "name": name,
        "interop": {
            "guideline": args.guideline,
            "program": args.program,
            "add_ons": args.add_on,
            "extra_capabilities": args.capability,
        },
    }
    profile = _request.profile_from_options(data, catalogue(args))
    where = actions.save_profile(profile, path)
    print(printable(f"wrote {where}"))
    return EXIT_OK
