"""The registry: products and what they claim, from every place that lists them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic stays out of the import of every scorecard
    from buyer.model.profile import EvidenceRef


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement about a product, with where and when it was read."""

    source: str  # marketplace | refstack | scs-monitor | local
    standard: str  # "OpenStack Powered", or an SCS scope name such as "SCS-compatible IaaS"
    status: str  # powered, expired, tested, listed, pass, fail, missing, ...
    program: str = ""  # platform | compute | storage (interop), or "" where the source does not say
    version: str = ""  # guideline id (2020.11) or the SCS versions passed (v5.1)
    add_ons: tuple[str, ...] = ()
    expires: dt.date | None = None
    url: str = ""
    retrieved_at: dt.datetime | None = None

    def describe(self) -> str:
        parts = [self.standard]
        if self.program:
            parts.append(self.program.capitalize())
        if self.version:
            parts.append(self.version)
        if self.add_ons:
            parts.append("with " + ", ".join(self.add_ons))
        text = " ".join(parts) + f": {self.status}"
        if self.expires:
            text += f", expires {self.expires.isoformat()}"
        return text


@dataclass(frozen=True, slots=True)
class RegistryProduct:
    name: str
    vendor: str = ""
    category: str = ""  # public cloud, hosted private cloud, distribution, appliance, ...
    claims: tuple[Claim, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()  # local registry only: files a vendor sent
    notes: str = ""
    evidence_base: str = ""  # the folder those files are named relative to (the registry file's)

    @property
    def key(self) -> str:
        return registry_key(self.name)


def registry_key(name: str) -> str:
    """Products are matched across sources by name, case and spacing aside."""
    return " ".join(name.casefold().split())


def merge_products(products: list[RegistryProduct]) -> list[RegistryProduct]:
    """One entry per product name, claims and evidence from every source kept side by side."""
    merged: dict[str, RegistryProduct] = {}
    for p in products:
        old = merged.get(p.key)
        if old is None:
            merged[p.key] = p
            continue
        merged[p.key] = RegistryProduct(
            name=old.name,
            vendor=old.vendor or p.vendor,
            category=old.category or p.category,
            claims=old.claims + p.claims,
            evidence=old.evidence + p.evidence,
            notes=old.notes or p.notes,
            evidence_base=old.evidence_base or p.evidence_base,
        )
    return sorted(merged.values(), key=lambda p: p.key)
