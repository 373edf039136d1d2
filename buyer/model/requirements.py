"""What a profile requires, resolved against the guideline catalogue, and compiled once for
scoring: every test of a requirement gets an index, every name and alias a look-up entry.

``problems()`` says everything that keeps a profile from being evaluated, each with the
profile field it is about; the faces turn the field into FILE:LINE:COL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from buyer._text import token
from buyer.errors import CatalogueError, RequirementError
from buyer.model.guideline import CORE_PROGRAM_KEYS, STATUS_RANK, Capability, Guideline, Status, Test, program_key
from buyer.model.scorecard import RequirementKind
from buyer.model.scs import Scope

if TYPE_CHECKING:  # annotations only: looking a guideline up needs no pydantic
    from buyer.model.profile import InteropRequirement, Profile, ScsRequirement


@dataclass(frozen=True)
class Requirement:
    """One line of what a product must show, resolved against the catalogue."""

    kind: RequirementKind
    guideline: Guideline
    program: str
    capability: str | None = None

    @property
    def title(self) -> str:
        g = self.guideline
        if self.kind is RequirementKind.CAPABILITY:
            return f"Capability {self.capability} ({g.id})"
        prog = g.program(self.program)
        if self.kind is RequirementKind.ADD_ON:
            return f"{prog.title} add-on {g.version}"
        return f"{prog.title} {g.id}"

    def plan(self) -> list[PlannedCapability]:
        """Capabilities with their status and whether they count as required, in display order."""
        if self.kind is RequirementKind.CAPABILITY:
            assert self.capability is not None
            cap = self.guideline.find_capability(self.capability)
            return [PlannedCapability(cap, self._own_status(cap.id), True)]
        statuses = self.guideline.capability_status(self.program)
        order = sorted(statuses.items(), key=lambda item: (STATUS_RANK[item[1]], item[0]))
        return [PlannedCapability(self.guideline.capability(cid), st, st is Status.REQUIRED) for cid, st in order]

    def _own_status(self, cap_id: str) -> Status:
        for prog in self.guideline.programs.values():
            status = self.guideline.capability_status(prog.key).get(cap_id)
            if status is not None:
                return status
        return Status.ADVISORY


class PlannedCapability(NamedTuple):
    capability: Capability
    status: Status  # as the guideline gives it for this program
    required: bool  # counts towards the verdict


@dataclass(frozen=True)
class CompiledRequirement:
    """A requirement ready for scoring many products: built once, shared by every result.

    Tests are indexed by name (a test listed under two capabilities has one index and is
    counted once per capability, as RefStack counts (capability, test) pairs)."""

    requirement: Requirement
    caps: tuple[PlannedCapability, ...]
    tests: tuple[Test, ...]
    cap_tests: tuple[tuple[int, ...], ...]  # per capability: its tests' indices, in file order
    lookup: dict[str, tuple[int, ...]]  # a test name or alias -> the tests it names
    by_id: dict[str, tuple[int, ...]]  # idempotent id -> tests
    names: frozenset[str] = field(init=False)
    all_indices: frozenset[int] = field(init=False)
    ids: frozenset[str] = field(init=False)
    required_pairs: tuple[int, ...] = field(init=False)  # a test index per required (capability, test) pair
    flagged_pairs: tuple[int, ...] = field(init=False)  # the same, flagged tests only
    unflagged_pairs: tuple[int, ...] = field(init=False)  # the same, non-flagged tests only
    primary: dict[str, tuple[int, ...]] = field(init=False)  # a test's own name -> its entries
    primary_names: frozenset[str] = field(init=False)
    aliased: frozenset[int] = field(init=False)  # tests that have aliases
    pair_counts: dict[int, int] = field(init=False)  # test -> required (capability, test) pairs it is in
    advisory: tuple[tuple[frozenset[int], int], ...] = field(init=False)  # advisory caps: (tests, count)
    test_caps: dict[int, tuple[int, ...]] = field(init=False)  # test -> the required capabilities holding it

    def __post_init__(self) -> None:
        req, flagged, unflagged = [], [], []
        counts: dict[int, int] = {}
        holders: dict[int, list[int]] = {}
        advisory = []
        for position, (planned, indices) in enumerate(zip(self.caps, self.cap_tests, strict=True)):
            if not planned.required:
                if planned.status is Status.ADVISORY:
                    advisory.append((frozenset(indices), len(indices)))
                continue
            for i in indices:
                req.append(i)
                counts[i] = counts.get(i, 0) + 1
                holders.setdefault(i, []).append(position)
                (flagged if self.tests[i].flagged else unflagged).append(i)
        primary: dict[str, tuple[int, ...]] = {}
        for i, t in enumerate(self.tests):
            primary[t.name] = (*primary.get(t.name, ()), i)
        object.__setattr__(self, "primary", primary)
        object.__setattr__(self, "primary_names", frozenset(primary))
        object.__setattr__(self, "aliased", frozenset(i for i, t in enumerate(self.tests) if t.aliases))
        object.__setattr__(self, "pair_counts", counts)
        object.__setattr__(self, "test_caps", {i: tuple(dict.fromkeys(v)) for i, v in holders.items()})
        object.__setattr__(self, "advisory", tuple(advisory))
        object.__setattr__(self, "names", frozenset(self.lookup))
        object.__setattr__(self, "all_indices", frozenset(range(len(self.tests))))
        object.__setattr__(self, "ids", frozenset(self.by_id))
        object.__setattr__(self, "required_pairs", tuple(req))
        object.__setattr__(self, "flagged_pairs", tuple(flagged))
        object.__setattr__(self, "unflagged_pairs", tuple(unflagged))

    @cached_property
    def title(self) -> str:
        return self.requirement.title

    def required_test_names(self) -> list[str]:
        """Distinct names of the non-flagged tests that decide the verdict."""
        return sorted({self.tests[i].name for i in self.unflagged_pairs})

    @property
    def counted_tests(self) -> tuple[int, int]:
        """(required tests as RefStack counts them: one per capability and non-flagged test,
        distinct test names among them). Every face quotes these two, never a count of its own."""
        return len(self.unflagged_pairs), len({self.tests[i].name for i in self.unflagged_pairs})


def compile_requirement(req: Requirement) -> CompiledRequirement:
    caps = tuple(req.plan())
    # One index per distinct test entry: the same name under two capabilities is one test when
    # the entries agree, two when they differ (their own aliases or flag), as RefStack reads each.
    index: dict[Test, int] = {}
    tests: list[Test] = []
    cap_tests = []
    for planned in caps:
        indices = []
        for test in planned.capability.tests:
            at = index.get(test)
            if at is None:
                at = index[test] = len(tests)
                tests.append(test)
            indices.append(at)
        cap_tests.append(tuple(indices))
    lookup: dict[str, list[int]] = {}
    by_id: dict[str, list[int]] = {}
    for i, test in enumerate(tests):
        for name in dict.fromkeys((test.name, *test.aliases)):
            lookup.setdefault(name, []).append(i)
        if test.idempotent_id:
            by_id.setdefault(test.idempotent_id, []).append(i)
    return CompiledRequirement(
        req,
        caps,
        tuple(tests),
        tuple(cap_tests),
        {k: tuple(v) for k, v in lookup.items()},
        {k: tuple(v) for k, v in by_id.items()},
    )


# -- resolving a profile -------------------------------------------------------------------


def add_ons_for(guidelines: Mapping[str, Guideline], core: Guideline, program: str) -> list[Guideline]:
    """The add-on guidelines of ``core``'s date that ``program`` can carry (their required
    platform components are all in the program): what a form offers and a profile may name."""
    components = set(core.program(program).components)
    out = []
    for gid in guidelines:
        g = guidelines[gid]
        if not g.is_add_on or g.version != core.version or not g.programs:
            continue
        prog = next(iter(g.programs.values()))
        if set(prog.required_platform_components) <= components:
            out.append(g)
    return out


def resolve_requirements(req: InteropRequirement | None, guidelines: Mapping[str, Guideline]) -> list[Requirement]:
    """Turn a profile's interop section into requirements; the first problem raises, in one line."""
    if req is None:
        return []
    problems = list(_interop_problems(req, guidelines))
    if problems:
        raise problems[0][1]
    core = guidelines[req.guideline]
    program = core.program(req.program)
    out = [Requirement(RequirementKind.PROGRAM, core, program.key)]
    for name in req.add_ons:
        add_on = lookup_add_on(guidelines, name, core.version)
        out.append(Requirement(RequirementKind.ADD_ON, add_on, next(iter(add_on.programs.values())).key))
    searched = [r.guideline for r in out]
    for cap_id in req.extra_capabilities:
        owner = next(g for g in searched if cap_id in g.capabilities)
        prog = req.program if owner is core else next(iter(owner.programs))
        out.append(Requirement(RequirementKind.CAPABILITY, owner, prog, cap_id))
    return out


Problem = tuple[tuple[str | int, ...], Exception]  # (profile field path, what is wrong)


def problems(profile: Profile, guidelines: Mapping[str, Guideline] | None) -> list[Problem]:
    """Everything in the profile's interop section that the catalogue cannot evaluate, each with
    its field. ``guidelines`` None: the catalogue is not needed (an SCS-only profile)."""
    if profile.interop is None or guidelines is None:
        return []
    return [(("interop", *loc), exc) for loc, exc in _interop_problems(profile.interop, guidelines)]


def _interop_problems(req: InteropRequirement, guidelines: Mapping[str, Guideline]) -> Iterator[Problem]:
    try:
        core = lookup_guideline(guidelines, req.guideline)
    except CatalogueError as exc:
        yield ("guideline",), exc
        return
    if core.is_add_on:
        yield (
            ("guideline",),
            RequirementError(
                f"{core.id} is an add-on guideline; name the core guideline ({core.version}) and add "
                f"'{core.family}' to add_ons"
            ),
        )
        return
    if core.is_draft:
        yield (
            ("guideline",),
            RequirementError(
                f"guideline {core.id} is a draft (status {core.status or 'draft'}); "
                "procurement needs an approved guideline"
            ),
        )
        return
    if req.program not in core.programs:
        yield (
            ("program",),
            CatalogueError(
                f"guideline {core.id} has no program '{req.program}' (it has: {', '.join(core.programs) or 'none'})"
            ),
        )
        return
    program = core.program(req.program)
    searched = [core]
    for i, name in enumerate(req.add_ons):
        try:
            add_on = lookup_add_on(guidelines, name, core.version)
        except CatalogueError as exc:
            yield ("add_ons", i), exc
            continue
        if add_on.is_draft:
            yield (
                ("add_ons", i),
                RequirementError(
                    f"add-on guideline {add_on.id} is a draft (status {add_on.status or 'draft'}); "
                    "procurement needs an approved guideline"
                ),
            )
            continue
        add_on_program = next(iter(add_on.programs.values()))
        missing = [c for c in add_on_program.required_platform_components if c not in program.components]
        if missing:
            carriers = [p for p in CORE_PROGRAM_KEYS if p in core.programs and _carries(core, p, add_on)]
            yield (
                ("add_ons", i),
                RequirementError(
                    f"add-on {add_on_program.key} needs platform component {', '.join(missing)}, which program "
                    f"{program.key} does not include (programs that can carry it: {', '.join(carriers) or 'none'})"
                ),
            )
            continue
        searched.append(add_on)
    for i, cap_id in enumerate(req.extra_capabilities):
        owner = next((g for g in searched if cap_id in g.capabilities), None)
        if owner is None:
            names = ", ".join(g.id for g in searched)
            yield ("extra_capabilities", i), CatalogueError(f"capability '{cap_id}' is not defined in {names}")
            continue
        tests = owner.capabilities[cap_id].tests
        if not any(not t.flagged for t in tests):
            # Every test excused (or none listed): nothing could show the capability, and a
            # mandatory clause would read "all 0 required tests pass".
            why = f"every one of its {len(tests)} tests is flagged" if tests else "it lists no tests"
            yield (
                ("extra_capabilities", i),
                RequirementError(f"capability '{cap_id}' cannot be made mandatory: in {owner.id} {why}"),
            )


def _carries(core: Guideline, program: str, add_on: Guideline) -> bool:
    prog = next(iter(add_on.programs.values()))
    return set(prog.required_platform_components) <= set(core.program(program).components)


def core_ids(guidelines: Mapping[str, Guideline]) -> list[str]:
    """Core guideline ids by their file names alone (dated, not an add-on, not 'next'), newest
    first: what a form can offer before any guideline file is read."""
    return sorted((g for g in guidelines if not g.split(".")[0].isalpha()), reverse=True)


def approved_versions(guidelines: Mapping[str, Guideline]) -> list[str]:
    """Core guideline versions a profile may name: not add-ons, not drafts; newest first."""
    return sorted((g for g in guidelines if not guidelines[g].is_add_on and not guidelines[g].is_draft), reverse=True)


def lookup_guideline(guidelines: Mapping[str, Guideline], gid: str) -> Guideline:
    try:
        found = guidelines.get(gid)
    except CatalogueError:
        raise
    if found is None:
        core = sorted(core_ids(guidelines))
        have = ", ".join(core) if core else "none"
        raise CatalogueError(f"unknown guideline version '{gid}' (the catalogue has: {have})")
    return found


def lookup_add_on(guidelines: Mapping[str, Guideline], name: str, core_version: str) -> Guideline:
    """``dns`` -> ``dns.<core version>``; ``dns.2019.11`` names a file directly."""
    family, _, version = name.partition(".")
    family = program_key(family)
    if not _ADD_ON_NAME.fullmatch(name.strip()):
        raise CatalogueError(f"{token(name)} is not an add-on name (such as dns or dns.2020.06){_families(guidelines)}")
    gid = f"{family}.{version or core_version}"
    found = guidelines.get(gid) if gid in guidelines else None
    if found is None or not found.is_add_on:
        have = sorted(g for g in guidelines if g.split(".")[0] == family)
        hint = f" (available: {', '.join(have)})" if have else _families(guidelines)
        raise CatalogueError(f"no {family} add-on guideline for {version or core_version}{hint}")
    return found


# A family, and the version of its file when pinned: anything else (a path, a stray dot) is no add-on.
_ADD_ON_NAME = re.compile(r"[A-Za-z][A-Za-z _-]*(\.[0-9]{4}\.[0-9]{2}|\.next)?")


def _families(guidelines: Mapping[str, Guideline]) -> str:
    families = sorted({g.split(".")[0] for g in guidelines if g.split(".")[0].isalpha() and g != "next"})
    families = [f for f in families if not f[:1].isdigit()]
    return f" (add-ons in the catalogue: {', '.join(families)})" if families else " (the catalogue has no add-ons)"


# -- SCS -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScsPlan:
    """An SCS requirement resolved against its scope: which version, judged on which date."""

    scope: Scope
    version: str
    on: date

    @property
    def title(self) -> str:
        return f"{self.scope.name} {self.version}"


def resolve_scs(req: ScsRequirement | None, scopes: Mapping[str, Scope], as_of: date) -> ScsPlan | None:
    if req is None:
        return None
    scope = scopes.get(req.scope)
    if scope is None:
        raise CatalogueError(f"the SCS scope {req.scope} was not loaded")
    on = req.on or as_of
    return ScsPlan(scope, scope.resolve(req.version, on), on)
