"""buyer report: write the scorecard as PDF, JSON, CSV or Markdown; buyer rfp: RFP clauses."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from buyer import actions
from buyer._atomic import atomic_write
from buyer.cli._common import EXIT_OK, add_source, catalogue
from buyer.cli.evaluate_cmd import add_requirement_options, build_scorecard
from buyer.formats.evidence import sha256_hex
from buyer.report.export import render

DEFAULT_FOLDER = Path("reports")
EXTENSIONS = {"pdf": ".pdf", "json": ".json", "csv": ".csv", "md": ".md"}


def register(commands: Any) -> None:
    p = commands.add_parser(
        "report",
        help="write the scorecard as a PDF (or JSON, CSV, Markdown)",
        description=(
            "Evaluate as `buyer evaluate` does and write the scorecard to a file, atomically. "
            "The same inputs give a byte-identical PDF; the generation time printed in it is the "
            "evaluation date unless --generated-at says otherwise. Exits 0 when the report is written."
        ),
    )
    add_requirement_options(p)
    p.add_argument("-o", "--output", metavar="FILE", help="where to write (default: reports/<profile>-<date>.<ext>)")
    p.add_argument("--format", choices=list(EXTENSIONS), help="default: from the output file's extension, else pdf")
    p.add_argument("--generated-at", type=_timestamp, metavar="ISO", help="generation time to print (UTC)")
    p.add_argument("--prepared-by", default="", metavar="NAME", help="name for the sign-off block")
    p.add_argument("--title", default="OpenStack compliance scorecard", help="report title")
    p.set_defaults(handler=cmd_report)

    p = commands.add_parser("rfp", help="write RFP requirement clauses and a vendor response sheet (Markdown)")
    p.add_argument("--profile", required=True, metavar="FILE")
    p.add_argument("-o", "--output", metavar="FILE", help="write to a file instead of standard output")
    add_source(p)
    p.set_defaults(handler=cmd_rfp)


def _timestamp(text: str) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: '{text}'") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def cmd_report(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    fmt = args.format or (output.suffix.lstrip(".") if output and output.suffix.lstrip(".") in EXTENSIONS else "pdf")
    card = build_scorecard(args)
    if output is None:
        stem = Path(args.profile).stem if args.profile else f"scorecard-{args.guideline}"
        output = DEFAULT_FOLDER / f"{stem}-{card.as_of.isoformat()}{EXTENSIONS[fmt]}"
    data = render(card, fmt, args.generated_at, args.prepared_by, args.title)  # whole, before anything is written
    atomic_write(output, data)
    print(f"wrote {output} ({len(data)} bytes, sha256 {sha256_hex(data)})")
    return EXIT_OK


def cmd_rfp(args: argparse.Namespace) -> int:
    text = actions.rfp_text(actions.load_profile(args.profile).profile, catalogue(args))
    if args.output:
        atomic_write(args.output, text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
