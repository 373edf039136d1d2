"""buyer tui: open the terminal UI (what `buyer` alone does at a terminal)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from buyer.cli._common import EXIT_OK
from buyer.errors import UsageError


def register(commands: Any) -> None:
    p = commands.add_parser("tui", help="open the terminal UI")
    p.add_argument("--profile", metavar="FILE", type=Path, help="open this profile")
    p.add_argument("--source", metavar="DIR|URL", help="guideline source (default: $BUYER_INTEROP_URL or upstream)")
    p.set_defaults(handler=cmd_tui)


def cmd_tui(args: argparse.Namespace) -> int:
    try:
        from buyer.tui.app import run
    except ImportError:
        raise UsageError("the terminal UI needs textual: pip install textual") from None
    run(args.profile, args.source)
    return EXIT_OK
