"""The evaluation the options of an evaluating verb (evaluate, report, check) describe: a profile
checked against the catalogue, or requirements given as options, with the --evidence files, the
responses and the registry. Imported by the verbs when they run, not when they register."""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import ValidationError

from buyer import actions
from buyer.cli._common import catalogue, warn
from buyer.errors import UsageError
from buyer.model.evidence import EvidenceKind
from buyer.model.profile import Profile
from buyer.sources.catalogue import Catalogue

# Which option sets which profile field (for messages about a profile built from options).
OPTION_FOR: dict[tuple[str, ...], str] = {
    ("interop", "guideline"): "--guideline",
    ("interop", "program"): "--program",
    ("interop", "add_ons"): "--add-on",
    ("interop", "extra_capabilities"): "--capability",
    ("evidence_policy", "max_age_days"): "--max-age-days",
    ("scs", "scope"): "--scope",
    ("scs", "version"): "--scope-version",
    ("scs", "on"): "--scope-date",
}


def option_for(loc: tuple[str | int, ...]) -> str:
    names = tuple(str(part) for part in loc if not isinstance(part, int))
    for end in range(len(names), 0, -1):
        if names[:end] in OPTION_FOR:
            return OPTION_FOR[names[:end]]
    return "the options"


def profile_from_options(data: dict[str, Any], cat: Catalogue | None) -> Profile:
    """A profile from command-line options, checked as a file would be; problems name options."""
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        lines = [f"{option_for(tuple(e['loc']))}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise UsageError("; ".join(dict.fromkeys(lines))) from None
    found = actions.problem_list(profile, cat, None)
    if found:
        raise UsageError("; ".join(f"{option_for(loc)}: {message}" for loc, message in found))
    return profile


def build_request(args: argparse.Namespace) -> tuple[actions.EvaluationRequest, Catalogue]:
    """The evaluation the options describe: a profile (checked against the catalogue, every
    problem with its line and column) or requirements given as options (every problem naming
    its option), the --evidence files, the registry, and vendors' response forms (every problem
    of every form as FILE:LINE:COL, before anything is evaluated or written)."""
    request, cat = _request(args)
    files, folders = getattr(args, "response", []), getattr(args, "responses", [])
    if not (files or folders):
        return request, cat
    profile = request.profile
    for line in actions.skipped_forms(folders):
        warn(line)
    loaded = actions.read_responses(
        actions.response_paths(files, folders),
        actions.rfp_clause_numbers(profile, cat, request.base, args.offline),
        profile.rfp_reference if args.profile else None,
        [p.name for p in profile.shortlist],
    )
    return request.with_responses(loaded), cat


def _request(args: argparse.Namespace) -> tuple[actions.EvaluationRequest, Catalogue]:
    cat = catalogue(args)
    kind = EvidenceKind(args.evidence_kind)
    extra = actions.evidence_args(args.evidence, kind)
    as_of = args.as_of or actions.today()
    registry = None if args.no_registry else actions.load_registry_for(offline=True, local=args.registry)
    if args.profile:
        if args.guideline or args.scope:
            raise UsageError("give either --profile or --guideline/--scope, not both")
        loaded = actions.load_checked_profile(args.profile, cat, args.offline)
        profile = loaded.profile
        if args.max_age_days is not None:
            policy = {**profile.evidence_policy.model_dump(), "max_age_days": args.max_age_days}
            profile = profile.model_validate({**profile.model_dump(), "evidence_policy": policy})
        request = actions.EvaluationRequest(
            profile,
            as_of,
            loaded.sha256,
            args.profile,
            loaded.path.parent,
            [*actions.profile_sources(loaded, profile), *extra],
            registry=registry,
            offline=args.offline,
        )
        return request, cat
    if not (args.guideline or args.scope):
        raise UsageError(
            "give --profile FILE, or --guideline V and/or --scope FILE (with --program, --add-on, --evidence)"
        )
    parts = [f"{args.guideline} {args.program}" if args.guideline else "", "SCS" if args.scope else ""]
    data: dict[str, Any] = {
        "name": "ad hoc: " + " + ".join(p for p in parts if p),
        "evidence_policy": {"max_age_days": args.max_age_days},
        "shortlist": [{"name": name} for name in dict.fromkeys(s.product for s in extra)],
    }
    if args.guideline:
        data["interop"] = {
            "guideline": args.guideline,
            "program": args.program,
            "add_ons": args.add_on,
            "extra_capabilities": args.capability,
        }
    if args.scope:
        data["scs"] = {"scope": args.scope, "version": args.scope_version, "on": args.scope_date}
    profile = profile_from_options(data, cat if args.guideline else None)
    return actions.EvaluationRequest(profile, as_of, evidence=extra, registry=registry, offline=args.offline), cat
