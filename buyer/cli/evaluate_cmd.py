"""buyer evaluate: score products against a profile (or ad hoc requirements)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from buyer._lazy import lazy_import
from buyer.cli._common import add_format, add_requirement_options, exit_code, write_text
from buyer.model.scorecard import Scorecard

actions = lazy_import("buyer.actions")
_request = lazy_import("buyer.cli._request")


def register(commands: Any) -> None:
    p = commands.add_parser(
        "evaluate",
        help="score products against requirements and print the scorecard",
        description=(
            "Score products against a requirements profile, or against a guideline and program "
            "given on the command line. Evidence: refstack-client JSON, a RefStack result, "
            "a subunit stream (v1 or v2), a list of passed tests or an SCS report. "
            "JSON goes out one product at a time: compact, or indented with --indent (and at a terminal)."
        ),
    )
    add_requirement_options(p)
    add_format(p)
    p.add_argument("--indent", action="store_true", help="indent the JSON (the default at a terminal)")
    p.set_defaults(handler=cmd_evaluate)


def build_scorecard(args: argparse.Namespace) -> Scorecard:
    return evaluated(args)[0]


def evaluated(args: argparse.Namespace) -> tuple[Scorecard, list[Path]]:
    """The scorecard, and the local files it was made from (never written over)."""
    request, cat = _request.build_request(args)
    return actions.evaluate(request, cat), actions.request_files(request)


def cmd_evaluate(args: argparse.Namespace) -> int:
    card = build_scorecard(args)
    if args.format == "json":
        from buyer.report.scorecard_json import write_scorecard_json

        indent = args.indent or sys.stdout.isatty()
        write_scorecard_json(card, sys.stdout, indent=indent)
    else:
        from buyer.report.table import scorecard_table

        write_text(scorecard_table(card))
    return exit_code(card)
