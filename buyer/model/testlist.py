"""Test lists, line for line as RefStack's ``GET /v1/guidelines/<version>/tests`` endpoint builds
them (interop-formats.md §2.3), and the list a requirement is scored on.

The scored list of a requirement (``scored_lines``) is exactly what ``buyer guidelines tests V
--program P --status required --no-flagged`` prints (``--capability ID`` for an extra capability):
what an RFP tells vendors to run, what a tempest check runs, what the scorecard counts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from buyer.model.guideline import Guideline, Status, Test
from buyer.model.requirements import CompiledRequirement, Requirement, compile_requirement


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


def capability_test_lines(guideline: Guideline, cap_id: str, aliases: bool = True, flagged: bool = True) -> list[str]:
    """The tests of one capability, in the same form (an extra capability's list)."""
    guideline.find_capability(cap_id)
    return _lines(guideline, {cap_id}, aliases, flagged)


def scored_lines(plan: CompiledRequirement, only: Collection[str] = ()) -> list[str]:
    """What a requirement is scored on: every non-flagged test of its required capabilities, with
    aliases, as RefStack's test list prints them. ``only`` keeps just these capabilities."""
    g = plan.requirement.guideline
    bare = g.schema == "1.2"
    lines: list[str] = []
    for planned, indices in zip(plan.caps, plan.cap_tests, strict=True):
        if not planned.required or (only and planned.capability.id not in only):
            continue
        for i in indices:
            test = plan.tests[i]
            if not test.flagged:
                lines += _test_lines(test, bare, aliases=True)
    lines.sort()
    return lines


def run_list(requirements: Iterable[Requirement], only: Collection[str] = ()) -> list[str]:
    """What a tempest check runs for these requirements: each one's scored list."""
    return [line for req in requirements for line in scored_lines(compile_requirement(req), only)]


def _lines(guideline: Guideline, cap_ids: set[str], aliases: bool, flagged: bool) -> list[str]:
    bare = guideline.schema == "1.2"
    lines: list[str] = []
    for cap_id, cap in guideline.capabilities.items():
        if cap_id not in cap_ids:
            continue
        for test in cap.tests:
            if test.flagged and not flagged:
                continue
            lines += _test_lines(test, bare, aliases)
    lines.sort()
    return lines


def _test_lines(test: Test, bare: bool, aliases: bool) -> list[str]:
    if bare:
        return [test.name]
    out = [f"{test.name}[{test.id_token}]"]
    if aliases:
        out += [f"{alias}[{test.id_token}]" for alias in test.aliases]
    return out
