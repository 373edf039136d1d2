"""buyer results list|show: published RefStack results; buyer sync: refresh the cache.

Result ids, product names and reasons come from servers: lines for a person go through ``say``,
progress through ``Progress`` (both sanitise); JSON keeps its own escaping."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from buyer._lazy import lazy_import
from buyer._text import printable
from buyer.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    add_format,
    add_offline,
    add_program,
    add_source,
    exit_code,
    parse_date,
    print_json,
    say,
    whole_number,
    write_text,
)
from buyer.cli._progress import Progress
from buyer.config import settings
from buyer.errors import BuyerError
from buyer.model.guideline import CORE_PROGRAM_KEYS, program_key
from buyer.model.scorecard import RequirementKind
from buyer.report.table import scorecard_table
from buyer.sources.budget import in_context

actions = lazy_import("buyer.actions")
_request = lazy_import("buyer.cli._request")

STAGES = ("guidelines", "results", "registry")


def register(commands: Any) -> None:
    group = commands.add_parser("results", help="list and show published RefStack results")
    sub = group.add_subparsers(dest="results_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "list",
        help="results on the RefStack server ($BUYER_REFSTACK_URL), newest first",
        description="List published results on the RefStack server ($BUYER_REFSTACK_URL), newest first.",
    )
    _filters(p)
    p.add_argument(
        "--max-pages",
        type=whole_number(1, 10000),
        default=5,
        metavar="N",
        help="pages of 20 to read (default 5; BUYER_MAX_PAGES, default 200, caps it)",
    )
    add_offline(p)
    add_format(p)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser(
        "show",
        help="one result, scored against its guideline (or --guideline/--program)",
        description=(
            "Score one published RefStack result against the guideline and target its owner set "
            "(an add-on result against the add-on alone), or against --guideline/--program."
        ),
    )
    p.add_argument("result_id", help="the result's id, as `results list` prints it")
    p.add_argument("--guideline", metavar="V", help="score against this guideline (default: the result's meta)")
    add_program(p, add_ons=True, default=None)
    add_source(p)
    add_format(p)
    p.set_defaults(handler=cmd_show)

    p = commands.add_parser(
        "sync",
        help="fetch guidelines, RefStack results and the registry into the cache",
        description=(
            "Refresh the cache from every source (conditional requests where a copy is cached), "
            "so that everything works offline afterwards. Exits 2 if any source failed."
        ),
    )
    p.add_argument("--only", choices=STAGES, action="append", help="sync only this (repeatable)")
    p.add_argument("--source", metavar="DIR|URL", help="guideline source (default: $BUYER_INTEROP_URL or upstream)")
    p.add_argument("--since", type=parse_date, metavar="DATE", help="results created on or after DATE")
    p.add_argument(
        "--max-pages",
        type=whole_number(1, 10000),
        default=50,
        metavar="N",
        help="result pages to read (default 50; BUYER_MAX_PAGES, default 200, caps it)",
    )
    p.set_defaults(handler=cmd_sync)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", type=parse_date, metavar="DATE", help="created on or after DATE")
    p.add_argument("--until", type=parse_date, metavar="DATE", help="created on or before DATE")
    p.add_argument("--cpid", help="the cloud's provider id")
    p.add_argument("--product-id", help="a RefStack product id")
    p.add_argument("--verified", action="store_true", help="only results the Foundation verified")


def _filter_values(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "start_date": f"{args.since} 00:00:00" if getattr(args, "since", None) else None,
        "end_date": f"{args.until} 23:59:59" if getattr(args, "until", None) else None,
        "cpid": getattr(args, "cpid", None),
        "product_id": getattr(args, "product_id", None),
        "verification_status": 1 if getattr(args, "verified", False) else None,
    }


def cmd_list(args: argparse.Namespace) -> int:
    client = actions.refstack_client(args.offline)
    results = client.list_results(max_pages=args.max_pages, refresh=not args.offline, **_filter_values(args))
    if args.format == "json":
        print_json({"source": client.base, "results": [dataclasses.asdict(r) for r in results]})
        return EXIT_OK
    say(f"{'RESULT ID':<36}  {'CREATED (UTC)':<19}  {'VERIFIED':<8}  {'GUIDELINE':<12}  {'TARGET':<13}  PRODUCT")
    for r in results:
        product = printable(f"{r.product} {r.product_version}".strip()) or "-"
        verified = "yes" if r.verification_status else "no"
        guideline = printable(r.guideline.removesuffix(".json")) or "-"
        cells = (printable(r.id), printable(r.created_at), verified, guideline, printable(r.target) or "-")
        say(
            "  ".join(f"{cell:<{width}}" for cell, width in zip(cells, (36, 19, 8, 12, 13), strict=True))
            + f"  {product}"
        )
    if not results:
        say("no results")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    client = actions.refstack_client(args.offline)
    evidence = client.result(args.result_id)
    meta = _meta(evidence.provenance.source, client)
    guideline = args.guideline or meta.get("guideline", "").removesuffix(".json")
    program = program_key(args.program or meta.get("target", "") or "platform")
    if not guideline:
        say(
            f"result {printable(args.result_id)}: {evidence.passed_count} passed tests; its owner set no guideline, "
            "so give --guideline V (and --program) to score it"
        )
        return EXIT_OK
    # RefStack reads an add-on's file (dns.2020.06.json) from add-ons/ and scores the result against
    # the add-on alone; so does buyer, whether the guideline or the target names the add-on.
    family, _, version = guideline.partition(".")
    if family.isalpha() and version and family != "next":
        guideline, program = version, family
    add_ons = [] if program in CORE_PROGRAM_KEYS else [f"{program}.{guideline}"]
    cat = actions.open_guidelines(args.source, offline=args.offline)
    data = {
        "name": f"RefStack result {args.result_id}",
        "interop": {"guideline": guideline, "program": "platform" if add_ons else program, "add_ons": add_ons},
        "evidence_policy": {"max_age_days": None},
        "shortlist": [{"name": args.result_id}],
    }
    profile = _request.profile_from_options(data, cat)
    request = actions.EvaluationRequest(profile, actions.today(), loaded={args.result_id: [evidence]})
    card = actions.evaluate(request, cat)
    if add_ons:  # the core program was only the add-on's carrier
        card = card.restricted({RequirementKind.ADD_ON})
    if args.format == "json":
        from buyer.report.scorecard_json import scorecard_json

        sys.stdout.write(scorecard_json(card))
    else:
        write_text(scorecard_table(card))
    return exit_code(card)


def _meta(url: str, client: Any) -> dict[str, str]:
    """The result's own guideline and target (``meta``), where its owner set them."""
    from buyer.formats._json import load_json

    doc = client.fetcher.get(url, client.SOURCE, refresh=False)
    body = load_json(doc.body, url)
    meta = body.get("meta") if isinstance(body, dict) else None
    return {k: v for k, v in meta.items() if isinstance(v, str)} if isinstance(meta, dict) else {}


def cmd_sync(args: argparse.Namespace) -> int:
    stages = [stage for stage in STAGES if stage in (args.only or STAGES)]
    progress = Progress()
    fetcher = actions.make_fetcher()
    # The stages read different sources, so they run side by side: sources that do not answer cost
    # one deadline in all, not one per stage. Each stage is told in order, as soon as it is done.
    pool = ThreadPoolExecutor(len(stages))
    try:
        futures = [pool.submit(in_context(_stage), stage, args, fetcher, progress) for stage in stages]
        outcomes = []
        for stage, future in zip(stages, futures, strict=True):
            ok, summary = future.result()
            progress.finish(stage, summary)
            outcomes.append(ok)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: do not start what was not started
    return EXIT_OK if all(outcomes) else EXIT_USAGE


def _stage(stage: str, args: argparse.Namespace, fetcher: Any, progress: Progress) -> tuple[bool, str]:
    """(succeeded, what to say) for one stage of a sync."""
    try:
        return True, SYNCS[stage](args, fetcher, progress)
    except PartlyFailed as exc:
        return False, str(exc)  # says itself which parts failed
    except BuyerError as exc:
        return False, f"failed: {exc}"


def _sync_guidelines(args: argparse.Namespace, fetcher: Any, progress: Progress) -> str:
    source = args.source or settings().interop_url
    if not source.startswith(("http://", "https://")):
        return f"{source} is a local folder; nothing to fetch"
    from buyer.sources.catalogue import open_catalogue

    cat = open_catalogue(source, fetcher, refresh=True)
    broken = cat.survey(lambda d, t: progress.update("guidelines", d, t))
    problems = [*cat.notes, *(str(exc) for exc in broken)]
    unchanged = 0
    for gid in cat:
        loaded = cat.loaded(gid)
        if loaded.stale_reason:
            problems.append(f"{gid}: {loaded.stale_reason}; the cached copy is kept")
        else:
            unchanged += loaded.from_cache
    summary = f"{len(cat)} files from {cat.label} ({unchanged} unchanged)"
    if problems:
        raise PartlyFailed(f"{summary}; failed: {'; '.join(problems)}")
    return summary


def _sync_results(args: argparse.Namespace, fetcher: Any, progress: Progress) -> str:
    client = actions.refstack_client(fetcher=fetcher)
    since = f"{args.since} 00:00:00" if args.since else None
    before = fetcher.http.requests
    summaries = client.list_results(
        max_pages=args.max_pages,
        refresh=True,
        start_date=since,
        progress=lambda d, t: progress.update("results: pages", d, t),
    )
    client.results_with_details(summaries, progress=lambda d, t: progress.update("results: details", d, t))
    pages = (
        f"; the listing has {client.claimed_pages} pages, the newest {args.max_pages} were read"
        if (client.claimed_pages > args.max_pages)
        else ""
    )
    requests = fetcher.http.requests - before
    return f"{len(summaries)} results with details from {client.base} ({requests} requests){pages}"


class PartlyFailed(BuyerError):
    """A stage that ran every part; its message says what each part read and which failed."""


def _sync_registry(args: argparse.Namespace, fetcher: Any, progress: Progress) -> str:
    from buyer.sources.registry import sync_registry

    report = sync_registry(fetcher, lambda d, t: progress.update("registry", d, t))
    if report.failed:
        raise PartlyFailed(str(report))
    return str(report)


SYNCS = {"guidelines": _sync_guidelines, "results": _sync_results, "registry": _sync_registry}
