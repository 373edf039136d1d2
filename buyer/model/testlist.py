"""The test list of a guideline program, line for line as RefStack's
``GET /v1/guidelines/<version>/tests`` endpoint builds it (interop-formats.md §2.3)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from buyer.model.guideline import Guideline, Status
from buyer.model.requirements import Requirement
from buyer.model.scorecard import RequirementKind


def refstack_test_lines(
    guideline: Guideline,
    program: str,
    statuses: Iterable[Status] | None = None,
    aliases: bool = True,
    flagged: bool = True,
) -> list[str]:
    """Sorted, not de-duplicated: a test under two capabilities appears twice, as upstream.

    Schema 1.2 lines are bare names; later schemas print ``name[<idempotent_id as written>]``
    and, with ``aliases``, one more line per alias carrying the same id.
    """
    return _lines(guideline, guideline.program_capability_ids(program, statuses), aliases, flagged)


def run_list(requirements: Iterable[Requirement], only: Collection[str] = ()) -> list[str]:
    """What a tempest check runs for these requirements: each one's required, non-flagged tests
    with aliases, as `buyer guidelines tests` lists them; ``only`` keeps just these capabilities."""
    lines: list[str] = []
    for req in requirements:
        g = req.guideline
        if req.kind is RequirementKind.CAPABILITY:
            cap_ids = {req.capability or ""}
        else:
            cap_ids = g.program_capability_ids(req.program, [Status.REQUIRED])
        if only:
            cap_ids &= set(only)
        lines += _lines(g, cap_ids, aliases=True, flagged=False)
    return lines


def _lines(guideline: Guideline, cap_ids: set[str], aliases: bool, flagged: bool) -> list[str]:
    bare = guideline.schema == "1.2"
    lines: list[str] = []
    for cap_id, cap in guideline.capabilities.items():
        if cap_id not in cap_ids:
            continue
        for test in cap.tests:
            if test.flagged and not flagged:
                continue
            if bare:
                lines.append(test.name)
                continue
            lines.append(f"{test.name}[{test.id_token}]")
            if aliases:
                lines.extend(f"{alias}[{test.id_token}]" for alias in test.aliases)
    lines.sort()
    return lines
