"""buyer's command line: the scriptable twin of the terminal UI (same verbs, same functions).

Exit codes: 0 every requirement passes; 1 some requirement fails; 2 bad usage or bad input;
3 nothing fails but something is not verified (or its check could not run); 141 standard output
was closed before all of it was written (no verdict).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from buyer import __version__
from buyer._text import printable
from buyer.cli import tui_cmd
from buyer.cli._common import EXIT_USAGE
from buyer.cli._stdout import EXIT_CLOSED, StdoutClosed, closed_stdout, guarded_stdout, silence
from buyer.errors import BuyerError, OutputError, ProfileErrors
from buyer.sources.budget import command

EPILOG = """With no COMMAND at a terminal, buyer opens its terminal UI (also: buyer tui).

exit codes:
  0  every requirement passes      1  some requirement fails
  2  bad usage or bad input        3  nothing fails, but something is not verified
  141  standard output was closed before all of it was written (e.g. | head): no verdict

Guidelines are read from --source DIR or $BUYER_INTEROP_URL (a folder in upstream's layout)."""


# Each verb and the module that registers it, in the order `buyer --help` lists them. A run
# imports only the module of the verb it names (the terminal UI starts without the others).
VERBS = {
    "guidelines": "guidelines_cmd",
    "evaluate": "evaluate_cmd",
    "profile": "profile_cmd",
    "report": "report_cmd",
    "rfp": "report_cmd",
    "response": "response_cmd",
    "results": "results_cmd",
    "sync": "results_cmd",
    "registry": "registry_cmd",
    "check": "check_cmd",
    "credentials": "credentials_cmd",
    "tui": "tui_cmd",
}


class Parser(argparse.ArgumentParser):
    """argparse, with its complaints on one line (the usage is one --help away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {bounded(printable(message))} (see {self.prog} --help)\n")


class _Unused:
    """Stands in for the parser of a verb this run does not use: every call is accepted and does
    nothing (``buyer evaluate`` need not build the options of twelve other verbs)."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self


class _Verbs:
    """The verbs' subparsers, building in full only the verb this run names (every one for help)."""

    def __init__(self, commands: Any, wanted: str | None) -> None:
        self.commands, self.wanted = commands, wanted

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self.wanted is None or name == self.wanted:
            return self.commands.add_parser(name, **kwargs)
        self.commands.add_parser(name, help=kwargs.get("help"))  # still listed by `buyer --help`
        return _Unused()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the verb it names is built in full."""
    words = list(sys.argv[1:] if argv is None else argv)
    helping = "-h" in words or "--help" in words
    # None: every verb in full (help); "": none (--version, or no verb: the UI or the help)
    wanted = None if helping else next((w for w in words if not w.startswith("-")), "")
    parser = Parser(
        prog="buyer",
        description="Procurement compliance assistant for OpenStack clouds.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"buyer {__version__}")
    commands: Any = _Verbs(parser.add_subparsers(dest="command", metavar="COMMAND"), wanted)
    # A verb this run names: its module alone. Help, or a word that is no verb: all of them, so
    # argparse lists every choice. No verb: none.
    if wanted == "":
        modules = []
    elif wanted in VERBS:
        modules = [VERBS[wanted]]
    else:
        modules = list(dict.fromkeys(VERBS.values()))
    for module in modules:
        importlib.import_module(f"buyer.cli.{module}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if sys.stderr is None:  # closed (2>&-): errors go nowhere, as asked, rather than to stdout
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115  (for the life of the process)
    if sys.stdout is None:  # closed (>&-): what a command would print is refused in one line
        sys.stdout = closed_stdout()
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except OutputError as exc:  # --help or --version, and nowhere to write them
        print(f"buyer: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not getattr(args, "handler", None):
        # No verb: the terminal UI for a person at a terminal, the help for a script.
        if argv is None and sys.stdin.isatty() and sys.stdout.isatty():
            return tui_cmd.cmd_tui(argparse.Namespace(profile=None, source=None, as_of=None))
        build_parser(["--help"]).print_help()  # every verb listed
        return 0
    try:
        # A command: each source gets one deadline and is asked no more once it failed. The UI
        # lives longer than one deadline; each of its requests has its own.
        if args.handler is tui_cmd.cmd_tui:
            return int(args.handler(args))
        with command(), guarded_stdout():
            return int(args.handler(args))
    except ProfileErrors as exc:  # FILE:LINE:COL: message, one problem a line, as linters print them
        for line in exc.lines():
            print(bounded(printable(line)), file=sys.stderr)
        return EXIT_USAGE
    except BuyerError as exc:
        for line in exc.lines():
            print(f"buyer: error: {bounded(printable(line))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("buyer: interrupted", file=sys.stderr)
        return 130
    except StdoutClosed:
        # The reader went away (`| head`): what it did not read was not judged by it, so this is
        # no verdict, and never 0 ("every requirement passes").
        return EXIT_CLOSED
    except BrokenPipeError:  # stderr's reader went away (`2>&1 | head`)
        silence(sys.stderr.fileno())
        return EXIT_CLOSED


MAX_ERROR_LINE = 600  # characters: a message quotes values from the input, never a whole one


def bounded(line: str) -> str:
    """An error line of readable length: where it quotes a long value from the input (a 200 KB
    guideline name, an option's value), the middle is left out; the start (file, line, field)
    and the end (what was expected) stay."""
    if len(line) <= MAX_ERROR_LINE:
        return line
    head, tail = line[:400], line[-150:]
    return f"{head} … ({len(line) - len(head) - len(tail):,} characters left out) … {tail}"


def settle_memory() -> None:
    """One process, one command: what start-up built lives until the end, so the collector need not
    walk it again (gc.freeze), and a scorecard makes many small objects and few cycles, so young
    collections may wait longer. Measured: a quarter of `buyer evaluate`'s time at 200 products
    went to collections walking objects that could not be garbage."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def run() -> None:
    settle_memory()
    sys.exit(main())
