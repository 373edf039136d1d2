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
    # The command that gives the same bytes again, as words (the CLI knows its options); empty: the
    # command is told from the Scorecard's inputs (``reproduce_command``).
    command: tuple[str, ...] = ()

    @property
    def generated_label(self) -> str:
        stamp = self.generated_at.astimezone(UTC)
        if self.generated_from_inputs:
            return f"{stamp.date().isoformat()} (the evaluation date)"
        return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")

    @classmethod
    def for_card(
        cls, card: Scorecard, generated_at: datetime | None = None, command: tuple[str, ...] = (), **kwargs: str
    ) -> ReportMeta:
        if generated_at is None:
            stamp = datetime(card.as_of.year, card.as_of.month, card.as_of.day, tzinfo=UTC)
            return cls(stamp, True, command=command, **kwargs)
        stamp = generated_at if generated_at.tzinfo else generated_at.replace(tzinfo=UTC)
        return cls(stamp.astimezone(UTC), False, command=command, **kwargs)


def report_id(card: Scorecard, meta: ReportMeta | None = None) -> str:
    """A short hash of everything the report rests on: every input the Scorecard lists (profile,
    guideline files, SCS scope, local registry, ...), every piece of evidence of every product
    (kind and SHA-256), the evaluation date, the evidence policy, the shortlist and buyer's version.
    Changing any input file changes it."""
    inputs = {
        "inputs": sorted([i.kind, i.name, i.source, i.sha256, i.detail] for i in card.inputs),
        "profile": card.profile_sha256,
        "as_of": card.as_of.isoformat(),
        "policy": [card.max_age_days, list(card.accepted_kinds)],
        "guidelines": sorted([g.id, g.sha256, g.commit] for g in card.guidelines),
        "evidence": sorted(
            [p.name, u.provenance.source, u.provenance.sha256, u.provenance.kind.value]
            for p in card.products
            for u in p.evidence
        ),
        "products": [p.name for p in card.products],
        "version": meta.buyer_version if meta else __version__,
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return digest[:16]


# How a reproduce line names a local guideline folder: never by its path on this machine.
LOCAL_SOURCE = "DATA"


def reproduce_command(card: Scorecard, meta: ReportMeta) -> tuple[str, ...]:
    """``buyer report ...`` that renders these bytes again from the same inputs, as words. The
    CLI gives its own options (``meta.command``); otherwise they are told from the Scorecard's
    inputs: the profile as the user named it, the evaluation date, the guideline source (a URL
    with its commit, or DATA for a local folder whose files have the SHA-256 listed), the registry."""
    if meta.command:
        return meta.command
    words = ["buyer", "report"]
    profile = next((i for i in card.inputs if i.kind == "profile"), None)
    words += ["--profile", profile.source if profile and profile.source else "PROFILE.toml"]
    words += ["--as-of", card.as_of.isoformat()]
    words += source_words(card)
    registry = next((i for i in card.inputs if i.kind == "registry"), None)
    words += ["--registry", registry.source] if registry else ["--no-registry"]
    stamp = None if meta.generated_from_inputs else meta.generated_at
    return (*words, *meta_words(stamp, meta.title, meta.prepared_by))


def source_words(card: Scorecard) -> list[str]:
    """The guideline source option of a reproduce line (none for an SCS-only profile)."""
    interop = [g for g in card.guidelines if g.status != "SCS certificate scope"]
    if not interop:
        return []
    first = interop[0]
    if "://" in first.source:
        base = first.source.split("/raw/", 1)[0].split("/contents/", 1)[0]
        return ["--source", base] if not first.commit else [f"BUYER_INTEROP_REF={first.commit}", "--source", base]
    return ["--source", LOCAL_SOURCE]


def meta_words(generated_at: datetime | None, title: str, prepared_by: str) -> list[str]:
    """The options that change what the PDF prints besides the Scorecard."""
    words = []
    if generated_at is not None:
        words += ["--generated-at", generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    if title != ReportMeta.title:
        words += ["--title", title]
    if prepared_by:
        words += ["--prepared-by", prepared_by]
    return words


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
