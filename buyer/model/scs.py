"""Sovereign Cloud Stack certificate scopes: versions, a timeline of their validity, modules,
testcases and targets (``main`` is mandatory); and the results that prove them (scs.md §1, §6)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from buyer.errors import RequirementError


class VersionState(StrEnum):
    EFFECTIVE = "effective"  # can be certified against
    WARN = "warn"  # can be certified against, about to expire
    DRAFT = "draft"  # can be tested, not certified
    DEPRECATED = "deprecated"  # any version a timeline entry does not name


CERTIFIABLE = (VersionState.EFFECTIVE, VersionState.WARN)
LIFETIMES = ("day", "week", "month", "quarter", "year")


@dataclass(frozen=True, slots=True)
class Testcase:
    id: str
    description: str = ""
    url: str = ""
    lifetime: str = "week"
    section: str = ""
    manual: bool = False  # listed for results to be recorded; no script runs it


@dataclass(frozen=True, slots=True)
class ScopeVersion:
    name: str
    stabilized_at: dt.date | None = None
    modules: tuple[str, ...] = ()
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target -> testcase ids

    @property
    def mandatory(self) -> tuple[str, ...]:
        return self.targets.get("main", ())


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: dt.date
    versions: dict[str, VersionState]


@dataclass(frozen=True)
class Scope:
    uuid: str
    name: str
    url: str
    testcases: dict[str, Testcase]
    versions: dict[str, ScopeVersion]  # in file order: newest first
    timeline: tuple[TimelineEntry, ...]
    format: str = "current"  # current | tags (2024-2025) | legacy (2023)

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def entry_on(self, day: dt.date) -> TimelineEntry | None:
        """The timeline entry in force on ``day``: the latest one dated on or before it."""
        due = [e for e in self.timeline if e.date <= day]
        return max(due, key=lambda e: e.date) if due else None

    def state_on(self, version: str, day: dt.date) -> VersionState:
        entry = self.entry_on(day)
        if entry is None:
            return VersionState.DEPRECATED
        return entry.versions.get(version, VersionState.DEPRECATED)

    def resolve(self, version: str, day: dt.date) -> str:
        """``v5.1`` names a version; ``effective`` is the newest version certifiable on ``day``."""
        if version != "effective":
            if version not in self.versions:
                raise RequirementError(f"{self.name} has no version '{version}' (it has: {', '.join(self.versions)})")
            return version
        for state in CERTIFIABLE:  # prefer effective over warn
            for name in self.versions:
                if self.state_on(name, day) is state:
                    return name
        raise RequirementError(f"no version of {self.name} is effective on {day.isoformat()}")

    def lifetime(self, testcase: str) -> str:
        found = self.testcases.get(testcase)
        return found.lifetime if found else "week"


@dataclass(frozen=True, slots=True)
class ScsResult:
    """One testcase result for one subject, as a report or the monitor records it."""

    subject: str
    scope: str  # scope uuid
    testcase: str
    result: int  # 1 PASS, 0 ABORT (did not finish), -1 FAIL
    checked_at: dt.datetime
    report: str = ""  # the report's run uuid


def expires_at(checked_at: dt.datetime, lifetime: str) -> dt.datetime:
    """When a result stops counting (scs.md §6.1): the monitor's ``add_period``."""
    tz = checked_at.tzinfo or dt.UTC
    try:
        end = _end(checked_at.date(), lifetime)
    except (OverflowError, ValueError):  # after 9999-12-31: later than any evaluation date can be
        return dt.datetime.max.replace(tzinfo=tz)
    return dt.datetime.combine(end, dt.time(), tzinfo=tz)


def _end(day: dt.date, lifetime: str) -> dt.date:
    if lifetime == "day":
        end = day + dt.timedelta(days=2)
    elif lifetime == "month":
        end = _first_of_month(day, 2)
    elif lifetime == "quarter":
        first_month_of_quarter = 3 * ((day.month - 1) // 3) + 1
        end = _first_of_month(day.replace(month=first_month_of_quarter, day=1), 6)
    elif lifetime == "year":
        start = _first_of_month(day, 2)
        end = start.replace(year=start.year + 1)
    else:  # week, the default: midnight starting the Monday after next
        end = day + dt.timedelta(days=14 - day.weekday())
    return end


def _first_of_month(day: dt.date, months_ahead: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months_ahead
    return dt.date(index // 12, index % 12 + 1, 1)
