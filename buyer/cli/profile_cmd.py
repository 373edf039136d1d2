"""buyer profile check|new: validate and create requirements profiles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from buyer import actions
from buyer.cli._common import EXIT_OK, EXIT_USAGE
from buyer.errors import UsageError
from buyer.formats.toml_models import ProfileErrors
from buyer.model.profile import InteropRequirement, Profile


def register(commands: Any) -> None:
    group = commands.add_parser("profile", help="check or create a requirements profile")
    sub = group.add_subparsers(dest="profile_command", metavar="ACTION", required=True)

    p = sub.add_parser("check", help="validate a profile; every problem with its line and column")
    p.add_argument("file")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("new", help="write a new profile (atomically)")
    p.add_argument("file")
    p.add_argument("--name", help="profile name (default: the file name)")
    p.add_argument("--guideline", required=True, metavar="V", help="guideline version, e.g. 2020.06")
    p.add_argument("--program", default="platform", help="platform, compute or storage")
    p.add_argument("--add-on", action="append", default=[], metavar="NAME")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(handler=cmd_new)


def cmd_check(args: argparse.Namespace) -> int:
    try:
        loaded = actions.load_profile(args.file)
    except ProfileErrors as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_USAGE
    p = loaded.profile
    products = len(p.shortlist)
    evidence = sum(len(x.evidence) for x in p.shortlist)
    standards = []
    if p.interop:
        add_ons = f" + {', '.join(p.interop.add_ons)}" if p.interop.add_ons else ""
        standards.append(f"interop {p.interop.guideline} {p.interop.program}{add_ons}")
    if p.scs:
        standards.append(f"SCS {p.scs.scope} ({p.scs.version})")
    print(f"{args.file}: ok — {p.name}: {'; '.join(standards)}; {products} products, {evidence} evidence files")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; use --force to replace it")
    profile = Profile(
        name=args.name or path.stem,
        interop=InteropRequirement(guideline=args.guideline, program=args.program, add_ons=args.add_on),
    )
    actions.save_profile(profile, path)
    print(f"wrote {path}")
    return EXIT_OK
