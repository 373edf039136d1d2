"""buyer registry list|show: products and what they claim, from every source.

Names, vendors, claims and problems come from servers and files nobody here controls: every
line for a person goes through ``say`` (stdout) or ``_tell`` (stderr); JSON keeps its escaping."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from buyer._lazy import lazy_import
from buyer._text import printable, token
from buyer.cli._common import EXIT_OK, EXIT_USAGE, add_format, add_offline, named_path, print_json, say, warn
from buyer.errors import UsageError
from buyer.report.inputs import describe_age

if TYPE_CHECKING:
    from buyer.sources.registry import Registry

actions = lazy_import("buyer.actions")
sources_registry = lazy_import("buyer.sources.registry")


def register(commands: Any) -> None:
    group = commands.add_parser("registry", help="products and their claims (Marketplace, RefStack, SCS, local)")
    sub = group.add_subparsers(dest="registry_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "list",
        help="every product, filterable",
        description=(
            "List every product the registry knows, from the Marketplace, RefStack's products, the SCS "
            "compliance monitor (as last synced) and the local registry file, with their claims. A source "
            "that cannot be read is a warning; when none can, exit 2."
        ),
    )
    p.add_argument("--search", metavar="TEXT", help="only names or vendors containing TEXT")
    p.add_argument(
        "--source", choices=["marketplace", "refstack", "scs-monitor", "local"], help="only from this source"
    )
    _common(p)
    p.set_defaults(handler=cmd_list)
    p = sub.add_parser(
        "show",
        help="one product's claims, with their sources and dates",
        description="Show one product: its vendor, category and notes, each claim with its source and age, "
        "and the evidence the local registry keeps for it.",
    )
    p.add_argument("name", help="the product's name (case and spacing aside)")
    _common(p)
    p.set_defaults(handler=cmd_show)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--registry", metavar="FILE", type=named_path, help="local registry file (default: $BUYER_REGISTRY_FILE)"
    )
    add_offline(p)
    add_format(p)


def _registry(args: argparse.Namespace) -> Registry | None:
    """The registry, its problems said on stderr; None when no source could be read at all."""
    registry = sources_registry.load_registry(actions.make_fetcher(args.offline), args.registry)
    if registry.unreachable:
        # Nothing to list is not an answer: one line per source, and exit 2.
        for problem in registry.problems:
            _tell(f"buyer: error: {problem}")
        return None
    for problem in registry.problems:
        warn(problem)
    if registry.unsynced:
        _tell(f"buyer: note: not synced yet: {', '.join(registry.unsynced)} (run `buyer sync --only registry`)")
    return registry


def _tell(line: str) -> None:
    print(printable(line), file=sys.stderr)


def _cell(text: str, width: int) -> str:
    """Outside text in a column: escaped first, then cut, so the escapes cannot widen it."""
    return f"{printable(text)[:width]:<{width}}"


def _age(claim: Any) -> str:
    if claim.retrieved_at is None:
        return claim.source
    return f"{claim.source}, checked {describe_age(datetime.now(UTC) - claim.retrieved_at)}"


def cmd_list(args: argparse.Namespace) -> int:
    registry = _registry(args)
    if registry is None:
        return EXIT_USAGE
    products = registry.products
    if args.search:
        needle = args.search.casefold()
        products = [p for p in products if needle in p.name.casefold() or needle in p.vendor.casefold()]
    if args.source:
        products = [p for p in products if any(c.source == args.source for c in p.claims)]
    if args.format == "json":
        print_json(
            {
                "products": [
                    dataclasses.asdict(p) | {"evidence": [e.model_dump(mode="json") for e in p.evidence]}
                    for p in products
                ],
                "problems": registry.problems,
            }
        )
        return EXIT_OK
    say(f"{'NAME':<32} {'VENDOR':<26} {'CATEGORY':<22} CLAIMS")
    for p in products:
        claims = "; ".join(f"{c.describe()} [{_age(c)}]" for c in p.claims) or "-"
        say(f"{_cell(p.name, 32)} {_cell(p.vendor, 26)} {_cell(p.category, 22)} {printable(claims)}")
    if not products:
        say("no products (run `buyer sync --only registry`, or add them to the local registry file)")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    registry = _registry(args)
    if registry is None:
        return EXIT_USAGE
    product = registry.find(args.name)
    if product is None:
        raise UsageError(f"no product named {token(args.name, 80)} in the registry")
    if args.format == "json":
        print_json(dataclasses.asdict(product) | {"evidence": [e.model_dump(mode="json") for e in product.evidence]})
        return EXIT_OK
    say(printable(product.name))
    for label, value in (("vendor", product.vendor), ("category", product.category), ("notes", product.notes)):
        if value:
            say(f"  {label}: {printable(value)}")
    for c in product.claims:
        say(f"  claim: {printable(c.describe())}  [{_age(c)}]  {printable(c.url)}")
    for e in product.evidence:
        say(f"  evidence: {printable(e.file)} ({e.kind}{', ' + e.date.isoformat() if e.date else ''})")
    return EXIT_OK
