"""buyer tui: open the terminal UI (what `buyer` alone does at a terminal).

Light to import (``_common`` is): the UI draws its first screen before it reads the profile's
model or the catalogue, so this path imports neither (nor the other verbs' dependencies)."""

from __future__ import annotations

import argparse
from typing import Any

from buyer.cli._common import EXIT_OK, named, named_path, parse_date
from buyer.errors import UsageError


def register(commands: Any) -> None:
    p = commands.add_parser(
        "tui",
        help="open the terminal UI",
        description=(
            "Open the terminal UI (what `buyer` alone does at a terminal): requirements, evidence, the "
            "scorecard and the exports, with the same functions as the command line."
        ),
    )
    p.add_argument("--profile", metavar="FILE", type=named_path, help="open this profile")
    p.add_argument(
        "--source", metavar="DIR|URL", type=named, help="guideline source (default: $BUYER_INTEROP_URL or upstream)"
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        type=parse_date,
        help="evaluate as on this date (YYYY-MM-DD; evidence ages and expiries count from it; default: today, UTC)",
    )
    p.set_defaults(handler=cmd_tui)


def cmd_tui(args: argparse.Namespace) -> int:
    try:
        from buyer.tui.app import run
    except ImportError:
        raise UsageError("the terminal UI needs textual: pip install textual") from None
    run(args.profile, args.source, getattr(args, "as_of", None))
    return EXIT_OK
