"""One normalised model for every interop guideline schema (1.2 to 2.0) and add-on guideline.

guideline -> programs -> components -> capabilities (by status) -> tests.
Parsers in ``buyer.formats`` fill it; nothing here knows where a file came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from buyer.errors import CatalogueError


class Status(StrEnum):
    REQUIRED = "required"
    ADVISORY = "advisory"
    DEPRECATED = "deprecated"
    REMOVED = "removed"


# RefStack ranks statuses this way when a capability sits in several components (best wins).
STATUS_RANK: dict[Status, int] = {
    Status.REQUIRED: 1,
    Status.ADVISORY: 2,
    Status.DEPRECATED: 3,
    Status.REMOVED: 4,
}

CORE_PROGRAM_KEYS = ("platform", "compute", "storage")
CORE_PROGRAMS: dict[str, str] = {
    "platform": "OpenStack Powered Platform",
    "compute": "OpenStack Powered Compute",
    "storage": "OpenStack Powered Storage",
}

# RefStack and refstack-client say "object" where the Marketplace says "Storage".
PROGRAM_ALIASES: dict[str, str] = {"object": "storage"}


def program_key(name: str) -> str:
    """Normalise a program name a user typed (``Object``, ``shared-file-system``) to its key."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return PROGRAM_ALIASES.get(key, key)


@dataclass(frozen=True, slots=True)
class Flag:
    """A flagged test: optional to pass. ``reason`` usually starts with a code such as D401."""

    reason: str = ""
    action: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class Test:
    name: str
    # Bare lower-case UUID (no ``id-`` prefix); None in schema 1.2.
    idempotent_id: str | None = None
    # The id exactly as the file writes it (``id-<uuid>`` in core files, bare in add-ons);
    # RefStack's test-list endpoint prints this token.
    id_token: str = ""
    aliases: tuple[str, ...] = ()
    flag: Flag | None = None

    @property
    def flagged(self) -> bool:
        return self.flag is not None


@dataclass(frozen=True, slots=True)
class Capability:
    id: str
    tests: tuple[Test, ...] = ()
    project: str = ""
    description: str = ""
    admin: bool = False
    required_since: str = ""
    # False for a capability a component names but the file never defines (counts as 0 tests).
    defined: bool = True


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    # (status, capability ids) in the order the file lists them.
    capabilities: tuple[tuple[Status, tuple[str, ...]], ...] = ()


class ProgramKind(StrEnum):
    CORE = "core"
    ADD_ON = "add-on"


@dataclass(frozen=True, slots=True)
class Program:
    key: str  # platform, compute, storage, dns, orchestration, shared_file_system, ...
    title: str  # "OpenStack Powered Platform", "DNS", ...
    kind: ProgramKind
    components: tuple[str, ...]
    description: str = ""
    # Add-ons only: the platform components a product must also have (e.g. os_powered_compute).
    required_platform_components: tuple[str, ...] = ()
    # RefStack takes the best status across components, except for 1.x compute/object
    # targets, where it reads one component and the last status written wins.
    last_status_wins: bool = False


@dataclass(frozen=True)
class Guideline:
    id: str  # "2020.06", "dns.2020.06", "next"
    schema: str
    status: str  # draft | advisory | approved | superseded (as the file says)
    programs: dict[str, Program]
    components: dict[str, Component]
    capabilities: dict[str, Capability]
    releases: tuple[str, ...] = ()
    replaces: str = ""
    target_approval: str = ""
    source: str = ""
    cutoff_score: int | None = None
    test_repositories: dict[str, str] = field(default_factory=dict)
    # The id the file declares when it differs from its file name (orchestration.2018.02
    # declares "orchestration.next"); the file name is what RefStack and buyer key on.
    declared_id: str = ""

    @property
    def family(self) -> str:
        """``powered`` for core guidelines, the add-on name (``dns``) for add-ons."""
        head, _, rest = self.id.partition(".")
        return head if rest and not head[:1].isdigit() else "powered"

    @property
    def version(self) -> str:
        """The date part of the id: ``2020.06`` for both ``2020.06`` and ``dns.2020.06``."""
        return self.id if self.family == "powered" else self.id.split(".", 1)[1]

    @property
    def is_add_on(self) -> bool:
        return self.family != "powered"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft" or self.version == "next"

    @property
    def schema_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.schema.split(".") if p.isdigit())

    def program(self, key: str) -> Program:
        found = self.programs.get(program_key(key))
        if found is None:
            have = ", ".join(self.programs) or "none"
            raise CatalogueError(f"guideline {self.id} has no program '{key}' (it has: {have})")
        return found

    def capability(self, cap_id: str) -> Capability:
        """A capability by id; a dangling reference is an empty, undefined capability."""
        return self.capabilities.get(cap_id) or Capability(id=cap_id, defined=False)

    def _entries(self, program: str) -> Iterator[tuple[Program, Status, str]]:
        """(program, status, capability id) for every listing in the program's components."""
        prog = self.program(program)
        for comp_name in prog.components:
            comp = self.components.get(comp_name)
            if comp is None:
                continue
            for status, cap_ids in comp.capabilities:
                for cap_id in cap_ids:
                    yield prog, status, cap_id

    def capability_status(self, program: str) -> dict[str, Status]:
        """Each capability of a program with its status, as RefStack's report resolves it."""
        result: dict[str, Status] = {}
        for prog, status, cap_id in self._entries(program):
            old = result.get(cap_id)
            if prog.last_status_wins or old is None or STATUS_RANK[status] < STATUS_RANK[old]:
                result[cap_id] = status
        return result

    def program_capability_ids(self, program: str, statuses: Iterable[Status] | None = None) -> set[str]:
        """Capability ids in any of ``statuses`` in any of the program's components.

        This is the union RefStack's test-list endpoint takes (not the best-status map).
        """
        wanted = set(statuses) if statuses is not None else set(Status)
        return {cap_id for _, status, cap_id in self._entries(program) if status in wanted}

    def find_capability(self, cap_id: str) -> Capability:
        cap = self.capabilities.get(cap_id)
        if cap is None:
            raise CatalogueError(f"guideline {self.id} defines no capability '{cap_id}'")
        return cap
