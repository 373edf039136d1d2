"""What the screens share: the profile being built, its file, evidence added on the way, the
latest scorecard. It holds no rule; it calls the same functions as the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from buyer import actions
from buyer.model.evidence import Evidence, EvidenceKind
from buyer.model.profile import EvidenceRef, InteropRequirement, Product, Profile
from buyer.model.scorecard import Scorecard
from buyer.sources.catalogue import Catalogue
from buyer.sources.registry import Registry


def blank_profile(guideline: str = "2020.06") -> Profile:
    return Profile(name="New requirements", interop=InteropRequirement(guideline=guideline))


@dataclass
class Workbench:
    source: str | None = None
    profile: Profile = field(default_factory=blank_profile)
    path: Path | None = None
    sha256: str = ""
    live_evidence: dict[str, list[Evidence]] = field(default_factory=dict)  # from live checks
    scorecard: Scorecard | None = None
    as_of: dt.date | None = None  # the evaluation date; None: today (UTC)
    _catalogue: Catalogue | None = None
    _registry: Registry | None = None

    # -- data ---------------------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = actions.open_guidelines(self.source)
        return self._catalogue

    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = actions.load_registry_for(offline=True)
        return self._registry

    def core_versions(self) -> list[str]:
        """Guideline versions a profile may name: core, not drafts; newest first."""
        cat = self.catalogue()
        return sorted((g for g in cat if not cat[g].is_add_on and not cat[g].is_draft), reverse=True)

    # -- the profile ----------------------------------------------------------------------

    def update(self, **changes: object) -> None:
        self.profile = self.profile.model_copy(update=changes)
        self.scorecard = None

    def update_interop(self, **changes: object) -> None:
        # An SCS-only profile gains an interop section when the form is first edited.
        base = self.profile.interop or InteropRequirement(guideline=str(changes.get("guideline") or "2020.06"))
        self.update(interop=base.model_copy(update=changes))

    @property
    def interop(self) -> InteropRequirement:
        """The interop section as the form shows it (a default for an SCS-only profile)."""
        return self.profile.interop or InteropRequirement(guideline=self.core_versions()[0])

    def load(self, path: Path) -> None:
        loaded = actions.load_profile(path)
        self.profile, self.path, self.sha256 = loaded.profile, loaded.path, loaded.sha256
        self.scorecard = None

    def save(self, path: Path) -> None:
        # Validate the whole profile as a file would be, then write it atomically.
        Profile.model_validate(self.profile.model_dump())
        actions.save_profile(self.profile, path)
        self.path = path
        self.sha256 = actions.load_profile(path).sha256

    def add_product(self, name: str, vendor: str = "") -> None:
        if any(p.name == name for p in self.profile.shortlist):
            raise ValueError(f"{name} is already on the shortlist")
        self.update(shortlist=[*self.profile.shortlist, Product(name=name, vendor=vendor)])

    def remove_product(self, name: str) -> None:
        self.update(shortlist=[p for p in self.profile.shortlist if p.name != name])

    def add_evidence(self, product: str, file: str, kind: EvidenceKind, date: dt.date | None = None) -> None:
        """Record a file (or refstack:<id>) for a product; it is read now so a bad file says so."""
        ref = EvidenceRef(file=file, kind=kind, date=date)
        actions.load_evidence(actions.EvidenceSource(product, ref, self.base_dir))
        shortlist = [
            p.model_copy(update={"evidence": [*p.evidence, ref]}) if p.name == product else p
            for p in self.profile.shortlist
        ]
        self.update(shortlist=shortlist)

    def add_live_evidence(self, product: str, evidence: Evidence) -> None:
        if not any(p.name == product for p in self.profile.shortlist):
            self.add_product(product)
        self.live_evidence.setdefault(product, []).append(evidence)
        self.scorecard = None

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    # -- evaluation -----------------------------------------------------------------------

    def evaluate(self) -> Scorecard:
        sources = [
            actions.EvidenceSource(p.name, ref, self.base_dir) for p in self.profile.shortlist for ref in p.evidence
        ]
        request = actions.EvaluationRequest(
            self.profile,
            self.as_of or actions.today(),
            self.sha256,
            str(self.path or ""),
            self.base_dir,
            sources,
            {k: list(v) for k, v in self.live_evidence.items()},
            self.registry(),
        )
        self.scorecard = actions.evaluate(request, self.catalogue())
        return self.scorecard
