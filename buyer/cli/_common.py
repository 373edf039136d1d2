"""Pieces every command shares, each defined once: exit codes, output formats, the options of
every verb that evaluates (``--program`` among them) and their checks. Light to import: every
command module imports it to register its options (the request they build is ``_request``).

Every option is checked where it is read: a bad value is one line naming the option (the valid
values listed where there are few) and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from buyer._text import printable, token
from buyer.model.evidence import MAX_AGE_DAYS, EvidenceKind
from buyer.model.guideline import CORE_PROGRAM_KEYS, program_key

if TYPE_CHECKING:
    from buyer.model.scorecard import Scorecard
    from buyer.sources.catalogue import Catalogue

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_NOT_VERIFIED = 3


# -- option types: one line, naming the value, for anything argparse would otherwise take ----


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits (\d takes any script's)


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD and nothing else: Python also reads 20261201 and 2026-W48 (a Monday), which a
    user who typed them did not mean as a date, or not that one."""
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {token(text)}") from None


def named(text: str) -> str:
    """A file, folder or URL the user names: an empty one is refused rather than read as the
    working folder ('.') or as "not given" (the default source)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; name a file, a folder or a URL")
    return text


def named_path(text: str) -> Path:
    return Path(named(text))


def parse_timestamp(text: str) -> dt.datetime:
    """An ISO time, in UTC; one that has no UTC form (9999-12-31T23:59:59-12:00) is refused."""
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
        return stamp.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not an ISO time that has a UTC form: {token(text)}") from None


def whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {token(text)}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({low} to {high})")
        return value

    parse.__name__ = "number"
    return parse


def core_program(text: str) -> str:
    key = program_key(text)
    if key not in CORE_PROGRAM_KEYS:
        raise argparse.ArgumentTypeError(f"unknown program {token(text)} (choose {', '.join(CORE_PROGRAM_KEYS)})")
    return key


def any_program(text: str) -> str:
    """A core program or an add-on's name (checked against the guideline when it is opened)."""
    key = program_key(text)
    if not key.replace("_", "").isalpha():
        raise argparse.ArgumentTypeError(f"not a program name: {token(text)}")
    return key


# -- options -------------------------------------------------------------------------------


def add_program(parser: argparse.ArgumentParser, add_ons: bool = False, default: str | None = "platform") -> None:
    """The one ``--program``: core programs (platform, compute, storage; "object" is storage),
    and with ``add_ons`` an add-on name as well (dns, orchestration, ...)."""
    what = f"{', '.join(CORE_PROGRAM_KEYS)}" + (" or an add-on (dns, orchestration, …)" if add_ons else "")
    parser.add_argument(
        "--program",
        type=any_program if add_ons else core_program,
        default=default,
        metavar="NAME",
        help=f"{what} (default: {default or 'platform'})",
    )


def add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        type=named,
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


def add_requirement_options(p: argparse.ArgumentParser) -> None:
    """Options shared with every verb that evaluates (evaluate, report, check)."""
    p.add_argument("--profile", type=named, metavar="FILE", help="requirements profile (TOML)")
    p.add_argument("--guideline", metavar="V", help="guideline version, e.g. 2020.06 (without --profile)")
    add_program(p)
    p.add_argument("--add-on", action="append", default=[], metavar="NAME", help="add-on program: dns, ...")
    p.add_argument("--capability", action="append", default=[], metavar="ID", help="extra capability made mandatory")
    p.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="[PRODUCT=]FILE",
        help=(
            "evidence for a product (repeatable): a file, or refstack:<result id> for a published "
            "RefStack result; without PRODUCT= the file name is the product"
        ),
    )
    p.add_argument(
        "--evidence-kind",
        choices=[k.value for k in EvidenceKind],
        default=EvidenceKind.SELF_REPORTED.value,
        help="what --evidence files are (default: self-reported)",
    )
    p.add_argument(
        "--max-age-days",
        type=whole_number(1, MAX_AGE_DAYS),
        metavar="N",
        help=f"evidence older than N days does not count (1 to {MAX_AGE_DAYS})",
    )
    p.add_argument(
        "--scope",
        type=named,
        metavar="FILE|URL",
        help="an SCS certificate scope (YAML), next to or instead of --guideline",
    )
    p.add_argument(
        "--scope-version",
        default="effective",
        metavar="V",
        help="the scope version required, e.g. v5.1 (default: the one effective on --scope-date)",
    )
    p.add_argument(
        "--scope-date",
        type=parse_date,
        metavar="DATE",
        help="the date 'effective' refers to, e.g. the contract date (default: the evaluation date)",
    )
    p.add_argument("--as-of", type=parse_date, metavar="DATE", help="evaluation date (default: today, UTC)")
    p.add_argument(
        "--registry",
        metavar="FILE",
        type=named_path,
        help="local registry file: claims and vendor evidence for shortlisted products (default: $BUYER_REGISTRY_FILE)",
    )
    p.add_argument("--no-registry", action="store_true", help="do not read the registry")
    p.add_argument(
        "--response",
        type=named,
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "a vendor's response form (TOML, repeatable): its evidence is its product's, its claims are "
            "shown beside the verdicts; a product not on the shortlist is added"
        ),
    )
    p.add_argument(
        "--responses",
        type=named,
        action="append",
        default=[],
        metavar="DIR",
        help="every response form (*.toml) in DIR",
    )
    add_source(p)


def catalogue(args: argparse.Namespace) -> Catalogue:
    """The guideline catalogue, opened when first used."""
    from buyer import actions
    from buyer.sources.catalogue import LazyCatalogue

    return LazyCatalogue(lambda: actions.open_guidelines(args.source, offline=args.offline))  # type: ignore[return-value]


def write_text(text: str) -> None:
    """Text for a person at a terminal whose line breaks are buyer's own (a renderer's, which
    escaped its lines): every other control character shown escaped."""
    sys.stdout.write(printable(text, multiline=True))


def write_lines(lines: Iterable[str]) -> None:
    """Lines for a person at a terminal: each stays one line (a newline from outside data is
    shown as ``\\n``, so no name can forge a line of output), every control character escaped."""
    sys.stdout.write("".join(f"{printable(line)}\n" for line in lines))


def say(line: str = "") -> None:
    """One line to standard output, sanitised (names and reasons come from outside)."""
    write_lines([line])


def warn(line: str) -> None:
    """One warning line on standard error, sanitised."""
    print(f"buyer: warning: {printable(line)}", file=sys.stderr)


def print_json(data: Any) -> None:
    """Indented JSON on standard output (dates as ISO text; parts already encoded kept as they are)."""
    import msgspec

    sys.stdout.write(msgspec.json.format(msgspec.json.encode(data), indent=2).decode("utf-8") + "\n")


def exit_code(card: Scorecard) -> int:
    from buyer.model.scorecard import Verdict  # the scorecard's model: not needed to start the UI

    verdicts = {r.verdict for p in card.products for r in p.requirements}
    if Verdict.FAIL in verdicts:
        return EXIT_FAIL
    if verdicts & {Verdict.NOT_VERIFIED, Verdict.ERROR} or not card.products:
        return EXIT_NOT_VERIFIED
    return EXIT_OK
