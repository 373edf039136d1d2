"""buyer response check: vendors' RFP response forms (docs/responses.md), checked before they are scored."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from buyer._lazy import lazy_import
from buyer.cli._common import EXIT_OK, add_source, catalogue, named, say, warn

actions = lazy_import("buyer.actions")


def register(commands: Any) -> None:
    group = commands.add_parser("response", help="check vendors' RFP response forms")
    sub = group.add_subparsers(dest="response_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "check",
        help="validate response forms; every problem as FILE:LINE:COL",
        description=(
            "Validate vendors' response forms (buyer.rfp-response TOML): the form itself, every evidence "
            "file it names (read and parsed), and with --profile the RFP it answers: its clauses, its "
            "reference, its shortlist. Every problem of every form is printed as FILE:LINE:COL: message "
            "(exit 2); nothing is written."
        ),
    )
    p.add_argument(
        "files", nargs="+", type=named, metavar="FILE|DIR", help="response forms, or folders of them (*.toml)"
    )
    p.add_argument("--profile", type=named, metavar="FILE", help="the requirements profile whose RFP the forms answer")
    add_source(p)
    p.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    files = [f for f in args.files if not Path(f).is_dir()]
    folders = [f for f in args.files if Path(f).is_dir()]
    paths = actions.response_paths(files, folders)
    for line in actions.skipped_forms(folders):
        warn(line)
    clauses, reference, shortlist = None, None, []
    if args.profile:
        cat = catalogue(args)
        loaded = actions.load_checked_profile(args.profile, cat, args.offline)
        profile = loaded.profile
        clauses = actions.rfp_clause_numbers(profile, cat, loaded.path.parent, args.offline)
        reference = profile.rfp_reference
        shortlist = [p.name for p in profile.shortlist]
    for r in actions.read_responses(paths, clauses, reference, shortlist, parse_evidence=True):
        vendor = r.response.vendor
        added = " (not on the shortlist: adds it)" if args.profile and r.product not in shortlist else ""
        answered = [a.clause for a in r.response.requirement]
        if clauses is not None:
            left = [c for c in clauses if c not in answered]
            answers = f"answers {len(answered)} of {len(clauses)} clauses" + (
                f" (not {', '.join(left)})" if left else ""
            )
        else:
            answers = f"answers {len(answered)} clauses"
        files_named = len(r.response.evidence)
        say(
            f"{r.shown}: ok: {vendor.company}, {r.product}{added}; {answers}; "
            f"{files_named} evidence file{'s' if files_named != 1 else ''}"
        )
    return EXIT_OK
