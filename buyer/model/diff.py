"""What changes for a program between two guidelines: capabilities and tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from buyer.model.guideline import Guideline, Status


@dataclass(frozen=True)
class GuidelineDiff:
    old: str
    new: str
    program: str
    added: list[tuple[str, Status]] = field(default_factory=list)  # capability, status in new
    removed: list[tuple[str, Status]] = field(default_factory=list)  # capability, status in old
    status_changed: list[tuple[str, Status, Status]] = field(default_factory=list)
    tests_added: list[tuple[str, str]] = field(default_factory=list)  # capability, test
    tests_removed: list[tuple[str, str]] = field(default_factory=list)
    newly_flagged: list[tuple[str, str, str]] = field(default_factory=list)  # capability, test, reason
    unflagged: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.status_changed,
                self.tests_added,
                self.tests_removed,
                self.newly_flagged,
                self.unflagged,
            )
        )


def diff_guidelines(old: Guideline, new: Guideline, program: str) -> GuidelineDiff:
    before = old.capability_status(program)
    after = new.capability_status(program)
    result = GuidelineDiff(old.id, new.id, new.program(program).key)
    for cap_id in sorted(after.keys() - before.keys()):
        result.added.append((cap_id, after[cap_id]))
    for cap_id in sorted(before.keys() - after.keys()):
        result.removed.append((cap_id, before[cap_id]))
    for cap_id in sorted(before.keys() & after.keys()):
        if before[cap_id] != after[cap_id]:
            result.status_changed.append((cap_id, before[cap_id], after[cap_id]))
        old_tests = {t.name: t for t in old.capability(cap_id).tests}
        new_tests = {t.name: t for t in new.capability(cap_id).tests}
        result.tests_added.extend((cap_id, n) for n in sorted(new_tests.keys() - old_tests.keys()))
        result.tests_removed.extend((cap_id, n) for n in sorted(old_tests.keys() - new_tests.keys()))
        for name in sorted(old_tests.keys() & new_tests.keys()):
            was, now = old_tests[name].flag, new_tests[name].flag
            if now is not None and was is None:
                result.newly_flagged.append((cap_id, name, now.reason))
            elif was is not None and now is None:
                result.unflagged.append((cap_id, name))
    return result
