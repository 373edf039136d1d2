"""Pieces every command shares: exit codes, output formats, the guideline source option."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from buyer import actions
from buyer.model.scorecard import Scorecard, Verdict
from buyer.sources.catalogue import Catalogue, LazyCatalogue

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_NOT_VERIFIED = 3


def add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        metavar="DIR|URL",
        help=(
            "guideline source: a folder in upstream's layout, a file:// URL, or the interop "
            "repository's Gitea API base (default: $BUYER_INTEROP_URL, else upstream at the pinned commit)"
        ),
    )
    add_offline(parser)


def add_offline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline", action="store_true", help="use only what `buyer sync` cached (also: BUYER_OFFLINE=1)"
    )


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format")


def catalogue(args: argparse.Namespace) -> Catalogue:
    """The guideline catalogue, opened when first used."""
    return LazyCatalogue(lambda: actions.open_guidelines(args.source, offline=args.offline))  # type: ignore[return-value]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_json_value) + "\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): '{text}'") from None


def exit_code(card: Scorecard) -> int:
    verdicts = {r.verdict for p in card.products for r in p.requirements}
    if Verdict.FAIL in verdicts:
        return EXIT_FAIL
    if verdicts & {Verdict.NOT_VERIFIED, Verdict.ERROR} or not card.products:
        return EXIT_NOT_VERIFIED
    return EXIT_OK
