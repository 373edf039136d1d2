"""buyer evaluate: score products against a profile (or ad hoc requirements)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from buyer import actions
from buyer.cli._common import add_format, add_source, catalogue, exit_code, parse_date
from buyer.errors import UsageError
from buyer.model.evidence import EvidenceKind
from buyer.model.profile import EvidencePolicy, InteropRequirement, Product, Profile, ScsRequirement
from buyer.report.scorecard_json import scorecard_json
from buyer.report.table import scorecard_table


def register(commands: Any) -> None:
    p = commands.add_parser(
        "evaluate",
        help="score products against requirements and print the scorecard",
        description=(
            "Score products against a requirements profile, or against a guideline and program "
            "given on the command line. Evidence: refstack-client JSON, a RefStack result, "
            "a subunit stream (v1 or v2) or a list of passed tests."
        ),
    )
    add_requirement_options(p)
    add_format(p)
    p.set_defaults(handler=cmd_evaluate)


def add_requirement_options(p: argparse.ArgumentParser) -> None:
    """Options shared with every verb that evaluates (evaluate, report)."""
    p.add_argument("--profile", metavar="FILE", help="requirements profile (TOML)")
    p.add_argument("--guideline", metavar="V", help="guideline version, e.g. 2020.06 (without --profile)")
    p.add_argument("--program", default="platform", help="platform, compute or storage (default: platform)")
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
    p.add_argument("--max-age-days", type=int, metavar="N", help="evidence older than N days does not count")
    p.add_argument(
        "--scope", metavar="FILE|URL", help="an SCS certificate scope (YAML), next to or instead of --guideline"
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
        type=Path,
        help="local registry file: claims and vendor evidence for shortlisted products (default: $BUYER_REGISTRY_FILE)",
    )
    p.add_argument("--no-registry", action="store_true", help="do not read the registry")
    add_source(p)


def build_profile(args: argparse.Namespace) -> tuple[Profile, str, Any, dict[str, list[Any]]]:
    """The profile (from --profile or the ad hoc options), its hash, the catalogue, --evidence."""
    cat = catalogue(args)
    kind = EvidenceKind(args.evidence_kind)
    extra = actions.load_evidence_args(args.evidence, kind, args.offline)
    if args.profile:
        if args.guideline or args.scope:
            raise UsageError("give either --profile or --guideline/--scope, not both")
        loaded = actions.load_profile(args.profile)
        profile = loaded.profile
        if args.max_age_days is not None:
            policy = profile.evidence_policy.model_copy(update={"max_age_days": args.max_age_days})
            profile = profile.model_copy(update={"evidence_policy": policy})
        return (
            profile,
            loaded.sha256,
            cat,
            actions.merge_evidence(actions.profile_evidence(loaded, args.offline), extra),
        )
    if args.guideline or args.scope:
        interop = None
        if args.guideline:
            interop = InteropRequirement(
                guideline=args.guideline, program=args.program, add_ons=args.add_on, extra_capabilities=args.capability
            )
        scs = None
        if args.scope:
            ref = args.scope if args.scope.startswith(("http://", "https://")) else str(Path(args.scope).resolve())
            scs = ScsRequirement(scope=ref, version=args.scope_version, on=args.scope_date)
        parts = [f"{args.guideline} {args.program}" if args.guideline else "", "SCS" if args.scope else ""]
        profile = Profile(
            name="ad hoc: " + " + ".join(p for p in parts if p),
            interop=interop,
            scs=scs,
            evidence_policy=EvidencePolicy(max_age_days=args.max_age_days),
            shortlist=[Product(name=name) for name in extra],
        )
        return profile, "", cat, extra
    raise UsageError("give --profile FILE, or --guideline V and/or --scope FILE (with --program, --add-on, --evidence)")


def build_scorecard(args: argparse.Namespace) -> Any:
    profile, sha, cat, evidence = build_profile(args)
    registry = None
    if not args.no_registry:
        registry = actions.load_registry_for(offline=True, local=args.registry)  # cached data only: fast
        evidence = actions.merge_evidence(evidence, actions.registry_evidence(profile, registry, args.offline))
    base = Path(args.profile).resolve().parent if args.profile else None
    return actions.run_evaluation(profile, cat, evidence, args.as_of or actions.today(), sha, registry, base)


def cmd_evaluate(args: argparse.Namespace) -> int:
    card = build_scorecard(args)
    sys.stdout.write(scorecard_json(card) if args.format == "json" else scorecard_table(card))
    return exit_code(card)
