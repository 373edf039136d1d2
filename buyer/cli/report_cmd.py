"""buyer report: write the scorecard as PDF, JSON, CSV or Markdown; buyer rfp: RFP clauses."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from buyer._atomic import STDOUT, write_output
from buyer._hashing import sha256_hex
from buyer._lazy import lazy_import
from buyer._text import printable
from buyer.cli._common import EXIT_OK, add_requirement_options, add_source, catalogue, named, parse_timestamp
from buyer.cli.evaluate_cmd import evaluated
from buyer.errors import UsageError
from buyer.model.scorecard import Scorecard
from buyer.report.export import EXPORTS, export_format, for_suffix
from buyer.sources.files import shown

if TYPE_CHECKING:
    from buyer.report.inputs import ReportMeta

actions = lazy_import("buyer.actions")

DEFAULT_FOLDER = Path("reports")


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
    p.add_argument(
        "-o",
        "--output",
        type=named,
        metavar="FILE",
        help="where to write; - is standard output (default: reports/<profile>-<date>.<ext>)",
    )
    p.add_argument(
        "--format", choices=[e.key for e in EXPORTS], help="default: from the output file's extension, else pdf"
    )
    p.add_argument("--generated-at", type=parse_timestamp, metavar="ISO", help="generation time to print (UTC)")
    p.add_argument("--prepared-by", default="", metavar="NAME", help="name for the sign-off block")
    p.add_argument("--title", default="OpenStack compliance scorecard", help="report title")
    p.set_defaults(handler=cmd_report)

    p = commands.add_parser(
        "rfp",
        help="write RFP clauses and a response sheet (Markdown), or a whole RFP package (--package)",
        description=(
            "Write the RFP clauses of a profile (M1…, D1…) and a vendor response sheet as Markdown. "
            "With --package DIR: a folder to attach to a tender, which vendors answer without buyer: "
            "requirements.md, the scored test list of each mandatory requirement (tests/), a response form "
            "per shortlisted product (responses/), HOW-TO-RESPOND.md and SHA256SUMS. The package is written "
            "atomically; an existing one is replaced only with --force."
        ),
    )
    p.add_argument("--profile", required=True, type=named, metavar="FILE", help="requirements profile (TOML)")
    p.add_argument("-o", "--output", type=named, metavar="FILE", help="write to a file instead of standard output")
    p.add_argument("--package", type=named, metavar="DIR", help="write the RFP package to this folder")
    p.add_argument("--force", action="store_true", help="replace an existing package folder")
    add_source(p)
    p.set_defaults(handler=cmd_rfp)


def cmd_report(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    by_suffix = for_suffix(output.suffix) if output else None
    fmt = export_format(args.format) if args.format else (by_suffix or export_format("pdf"))
    if fmt.key == "pdf" and args.output == STDOUT and sys.stdout.isatty():  # binary: escape codes on screen
        raise UsageError("a PDF is not shown on a terminal: give -o FILE.pdf, or send -o - to a file or a pipe")
    card, inputs = evaluated(args)
    if output is None:
        stem = Path(args.profile).stem if args.profile else f"scorecard-{args.guideline}"
        output = DEFAULT_FOLDER / f"{stem}-{card.as_of.isoformat()}{fmt.suffix}"
    if fmt.key == "pdf":  # the PDF prints the command that renders it again: only the CLI knows its options
        from buyer.report.inputs import ReportMeta

        meta = ReportMeta.for_card(
            card, args.generated_at, reproduce_words(args, card), prepared_by=args.prepared_by, title=args.title
        )
        data = _render_with_progress(card, meta)
    elif fmt.key == "csv" and str(output) == STDOUT:
        from buyer.report.scorecard_csv import scorecard_csv

        # Standard output is read on a terminal: every cell one line, its control characters escaped.
        # A file keeps each value as it is (quoted), for the spreadsheet or script that reads it.
        data = scorecard_csv(card, one_line=True).encode()
    else:
        data = fmt.render(card, args.generated_at, args.prepared_by, args.title)  # whole, before anything is written
    where = write_output(output, data, inputs=inputs)
    if where != STDOUT:
        print(printable(f"wrote {where} ({len(data)} bytes, sha256 {sha256_hex(data)})"), file=sys.stderr)
    return EXIT_OK


_STAGES = {"sections": "PDF: building section", "pages": "PDF: laying out page", "archiving": "PDF: writing PDF/A"}


def _render_with_progress(card: Scorecard, meta: ReportMeta) -> bytes:
    """The PDF, with what it is doing on one updating line of a terminal's stderr (a shortlist of
    thousands of products takes minutes); nothing when stderr is not a terminal."""
    from buyer.cli._progress import Progress
    from buyer.report.pdf import render_pdf

    progress = Progress()
    try:
        return render_pdf(card, meta, lambda stage, done: progress.count(_STAGES.get(stage, stage), done))
    finally:
        progress.clear()


def reproduce_words(args: argparse.Namespace, card: Scorecard) -> tuple[str, ...]:
    """``buyer report`` with the options that decided these bytes; files named as the reports name
    them (never a folder of this machine), a local guideline folder as DATA."""
    from buyer.report.inputs import meta_words, source_words

    words = ["buyer", "report"]
    if args.profile:
        words += ["--profile", shown(args.profile)]
    else:
        words += ["--guideline", args.guideline] if args.guideline else []
        words += ["--program", args.program] if args.guideline else []
        words += [w for a in args.add_on for w in ("--add-on", a)]
        words += [w for c in args.capability for w in ("--capability", c)]
        if args.scope:
            scope = next((i.source for i in card.inputs if i.kind == "scs-scope"), shown(args.scope))
            words += ["--scope", scope, "--scope-version", args.scope_version]
            words += ["--scope-date", args.scope_date.isoformat()] if args.scope_date else []
    words += [w for e in args.evidence for w in ("--evidence", _shown_evidence(e))]
    if args.evidence and args.evidence_kind != "self-reported":
        words += ["--evidence-kind", args.evidence_kind]
    if args.max_age_days is not None:
        words += ["--max-age-days", str(args.max_age_days)]
    words += ["--as-of", card.as_of.isoformat()]
    source = source_words(card)
    if source and args.source and "://" in args.source and not args.source.startswith("file:"):
        source = ["--source", args.source]
    words += source
    registry = next((i for i in card.inputs if i.kind == "registry"), None)
    if args.no_registry:
        words.append("--no-registry")
    elif registry is not None:
        words += ["--registry", registry.source]
    words += meta_words(args.generated_at, args.title, args.prepared_by)
    return tuple(words)


def _shown_evidence(arg: str) -> str:
    product, sep, file = arg.rpartition("=")
    if file.startswith("refstack:"):
        return arg
    return f"{product}{sep}{shown(file)}"


def cmd_rfp(args: argparse.Namespace) -> int:
    if args.package and args.output:
        raise UsageError("give -o FILE (the clauses) or --package DIR (the whole package), not both")
    if args.force and not args.package:
        raise UsageError("--force replaces a package folder: give --package DIR")
    cat = catalogue(args)
    loaded = actions.load_checked_profile(args.profile, cat, args.offline)
    if args.package:
        files = actions.rfp_package_files(loaded.profile, cat, loaded.path.parent, args.offline)
        where = actions.write_rfp_package(files, args.package, force=args.force)
        print(printable(f"wrote {where}/ ({len(files)} files; check with: sha256sum -c SHA256SUMS)"), file=sys.stderr)
        return EXIT_OK
    text = actions.rfp_text(loaded.profile, cat, loaded.path.parent, args.offline)
    where = write_output(args.output or STDOUT, text, inputs=[loaded.path])
    if where != STDOUT:
        print(printable(f"wrote {where}"), file=sys.stderr)
    return EXIT_OK
