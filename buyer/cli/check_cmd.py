"""buyer check discovery|tempest: verify a vendor's cloud with the buyer's own trial account."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from buyer._atomic import write_output
from buyer._lazy import lazy_import
from buyer.cli._common import (
    add_format,
    add_requirement_options,
    exit_code,
    print_json,
    say,
    whole_number,
    write_text,
)
from buyer.report.scorecard_json import scorecard_dict
from buyer.report.table import scorecard_table

actions = lazy_import("buyer.actions")
_request = lazy_import("buyer.cli._request")


def register(commands: Any) -> None:
    group = commands.add_parser("check", help="live checks of a cloud with your own account (buyer[live])")
    sub = group.add_subparsers(dest="check_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "discovery",
        help="read-only: authenticate, read the catalog and each service's version document",
        description=(
            "Authenticate with the cloud (clouds.yaml, OS_* variables, secret from the keyring), read "
            "its service catalog and fetch each service's version document, then map what is there "
            "to the requirements: a missing service fails its capabilities, a present one is 'present, "
            "not yet tested'. Sends no write request. Exit codes are those of evaluate."
        ),
    )
    _cloud_options(p)
    add_requirement_options(p)
    add_format(p)
    p.set_defaults(handler=cmd_discovery)

    p = sub.add_parser(
        "tempest",
        help="run the guideline's tests with tempest and score the run (buyer[tempest])",
        description=(
            "Build the test list of the requirements (required, non-flagged, with aliases), map it "
            "to this tempest's test ids by idempotent id, run tempest with live progress, and score "
            "the subunit stream. The run is saved as subunit and as refstack-client JSON in the "
            "workspace. Ctrl-C stops tempest and every worker. Exit codes are those of evaluate."
        ),
    )
    _cloud_options(p)
    p.add_argument("--workspace", metavar="DIR", type=Path, help="tempest workspace (default: a folder in the cache)")
    p.add_argument(
        "--concurrency", type=whole_number(1, 64), default=2, metavar="N", help="tempest workers (1 to 64, default 2)"
    )
    p.add_argument(
        "--run-capability",
        action="append",
        default=[],
        metavar="ID",
        help="run only the tests of these capabilities (repeatable); the rest stays not verified",
    )
    p.add_argument(
        "--test-list",
        metavar="FILE",
        type=Path,
        help="run this list instead (one test id per line, e.g. SCS's scs-0128 tempest-tests-non-admin.lst)",
    )
    add_requirement_options(p)
    add_format(p)
    p.set_defaults(handler=cmd_tempest)


def _cloud_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--os-cloud", metavar="NAME", help="the cloud's name in clouds.yaml (default: $OS_CLOUD)")
    p.add_argument("--allow-admin", action="store_true", help="accept a token with the admin role")
    p.add_argument("--save", metavar="FILE", type=Path, help="also write the check's evidence to FILE (JSON)")


def cmd_discovery(args: argparse.Namespace) -> int:
    from buyer.live.clouds import open_cloud
    from buyer.live.discovery import discover

    access = open_cloud(args.os_cloud)
    report = discover(access, allow_admin=args.allow_admin)
    evidence = report.evidence()
    if args.save:
        write_output(args.save, json.dumps({"format": "buyer.discovery", **report.as_dict()}, indent=2) + "\n")
    card, requirements = _score_cloud(_request.build_request(args), report.cloud, evidence)
    product = next(p for p in card.products if p.name == report.cloud)
    if args.format == "json":
        services = [
            {
                "type": s.type,
                "name": s.name,
                "endpoint": s.endpoint,
                "status": s.status,
                "detail": s.detail,
                "versions": [v.id for v in s.versions],
                "microversions": [
                    {"id": v.id, "min": v.min_version, "max": v.max_version} for v in s.versions if v.max_version
                ],
                "extensions": list(s.extensions),
            }
            for s in report.services
        ]
        print_json(
            {
                "cloud": report.cloud,
                "auth_url": report.auth_url,
                "region": report.region,
                "checked_at": report.checked_at.isoformat(),
                "requests": report.requests,
                "services": services,
                "verdict": str(product.verdict),
                "requirements": requirements,
            }
        )
    else:
        say(
            f"Cloud {report.cloud} ({report.auth_url}), checked {report.checked_at:%Y-%m-%d %H:%M} UTC, "
            f"{report.requests} requests"
        )
        for s in report.services:
            versions = ", ".join(v.id for v in s.versions) or "-"
            say(f"  {s.type:<20} {s.status:<12} {versions:<16} {s.endpoint}  {s.detail}")
        write_text(scorecard_table(card))
    return exit_code(card)


def cmd_tempest(args: argparse.Namespace) -> int:
    from buyer.cli._progress import Progress
    from buyer.live.clouds import open_cloud
    from buyer.live.tempest import TempestRunner
    from buyer.locations import tempest_workspace
    from buyer.model.requirements import resolve_requirements
    from buyer.model.testlist import run_list

    access = open_cloud(args.os_cloud)
    built = _request.build_request(args)
    request, cat = built
    lines = (
        _read_list(args.test_list)
        if args.test_list
        else run_list(resolve_requirements(request.profile.interop, cat), args.run_capability)
    )
    workspace = args.workspace or tempest_workspace(access.name)
    runner = TempestRunner(access, workspace, allow_admin=args.allow_admin, concurrency=args.concurrency)
    progress = Progress()

    def show(state: Any) -> None:
        progress.update("tempest", state.done, state.total)

    try:
        run = runner.run(lines, show)
    except KeyboardInterrupt:
        runner.cancel()
        raise
    progress.finish(
        "tempest",
        f"{run.evidence.passed_count} passed; {run.resolved} of {run.planned} listed tests "
        f"found in this tempest; subunit {run.subunit}; refstack-client JSON {run.refstack_json}",
    )
    name = access.name
    card, requirements = _score_cloud(built, name, run.evidence)
    if args.format == "json":
        verdict = next(p.verdict for p in card.products if p.name == name)
        print_json(
            {
                "cloud": name,
                "subunit": str(run.subunit),
                "refstack_json": str(run.refstack_json),
                "planned": run.planned,
                "resolved": run.resolved,
                "unresolved": run.unresolved,
                "verdict": str(verdict),
                "requirements": requirements,
            }
        )
    else:
        write_text(scorecard_table(card))
    return exit_code(card)


def _score_cloud(
    built: tuple[actions.EvaluationRequest, Any], cloud: str, evidence: Any
) -> tuple[Any, list[dict[str, Any]]]:
    """Score a checked cloud as a product of the requirements (with any other --evidence):
    the scorecard, and that product's requirements as the JSON contract writes them."""
    request, cat = built
    request = request.with_product(cloud)
    request.loaded.setdefault(cloud, []).append(evidence)
    card = actions.evaluate(request, cat)
    product = next(p for p in scorecard_dict(card)["products"] if p["name"] == cloud)
    return card, product["requirements"]


def _read_list(path: Path) -> list[str]:
    from buyer.errors import InputError
    from buyer.sources.files import read_text

    text = read_text(path)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise InputError(str(path), "the test list is empty")
    return lines
