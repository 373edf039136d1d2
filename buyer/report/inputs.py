"""What every export says about its inputs: report metadata, the report id, the age of the data."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from buyer import __version__
from buyer.model.scorecard import Scorecard


@dataclass(frozen=True)
class ReportMeta:
    """Everything a report shows that is not in the Scorecard. No wall clock by default: the
    generation time comes from the inputs (the evaluation date) unless a flag sets it."""

    generated_at: datetime
    generated_from_inputs: bool = True
    title: str = "OpenStack compliance scorecard"
    prepared_by: str = ""
    buyer_version: str = __version__

    @property
    def generated_label(self) -> str:
        stamp = self.generated_at.astimezone(UTC)
        if self.generated_from_inputs:
            return f"{stamp.date().isoformat()} (the evaluation date)"
        return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")

    @classmethod
    def for_card(cls, card: Scorecard, generated_at: datetime | None = None, **kwargs: str) -> ReportMeta:
        if generated_at is None:
            return cls(datetime(card.as_of.year, card.as_of.month, card.as_of.day, tzinfo=UTC), True, **kwargs)
        stamp = generated_at if generated_at.tzinfo else generated_at.replace(tzinfo=UTC)
        return cls(stamp.astimezone(UTC), False, **kwargs)


def report_id(card: Scorecard, meta: ReportMeta | None = None) -> str:
    """A short hash of everything the report rests on: profile, guidelines, evidence, date."""
    inputs = {
        "profile": card.profile_sha256,
        "as_of": card.as_of.isoformat(),
        "policy": [card.max_age_days, list(card.accepted_kinds)],
        "guidelines": sorted(g.sha256 for g in card.guidelines),
        "evidence": sorted(
            [p.name, u.provenance.sha256, u.provenance.kind.value] for p in card.products for u in p.evidence
        ),
        "products": [p.name for p in card.products],
        "version": meta.buyer_version if meta else __version__,
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return digest[:16]


def describe_age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return "just now"
    if seconds < 7200:
        return f"{seconds // 60} minutes ago"
    if seconds < 172800:
        return f"{seconds // 3600} hours ago"
    return f"{seconds // 86400} days ago"


def data_age_line(card: Scorecard) -> str:
    """How old the data is: the span of evidence dates, in days before the evaluation date."""
    dates = sorted(u.provenance.date.date() for p in card.products for u in p.evidence if u.provenance.date)
    checked = sorted(g.retrieved_at.date() for g in card.guidelines if g.retrieved_at)
    guidelines = f"{len(card.guidelines)} guideline file(s), hashes in the appendix"
    if checked:
        guidelines += f", fetched from upstream and last checked {checked[0].isoformat()}"
    if not dates:
        return f"no dated evidence; {guidelines}"
    oldest, newest = dates[0], dates[-1]
    return (
        f"evidence dated {oldest.isoformat()} to {newest.isoformat()} "
        f"({(card.as_of - newest).days} to {(card.as_of - oldest).days} days before the evaluation date); "
        f"{guidelines}"
    )
