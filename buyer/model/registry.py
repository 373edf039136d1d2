"""The registry: products and what they claim, from every place that lists them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from buyer.model.guideline import program_key
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


# -- the local registry file (TOML), where a buyer records what is listed nowhere ---------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalClaim(_Strict):
    program: str = "platform"
    guideline: str = ""
    add_ons: list[str] = Field(default_factory=list)
    expires: dt.date | None = None
    status: str = "claimed"
    standard: str = "OpenStack Powered"

    @field_validator("program")
    @classmethod
    def _program(cls, value: str) -> str:
        return program_key(value)


class LocalProduct(_Strict):
    name: Annotated[str, Field(min_length=1)]
    vendor: str = ""
    category: str = ""
    notes: str = ""
    claim: list[LocalClaim] = Field(default_factory=list)
    evidence: list[EvidenceRef] = Field(default_factory=list)


class LocalRegistry(_Strict):
    product: list[LocalProduct] = Field(default_factory=list)

    def products(self, url: str, base: str = "") -> list[RegistryProduct]:
        return [
            RegistryProduct(
                name=p.name,
                vendor=p.vendor,
                category=p.category,
                notes=p.notes,
                evidence=tuple(p.evidence),
                evidence_base=base,
                claims=tuple(
                    Claim("local", c.standard, c.status, c.program, c.guideline, tuple(c.add_ons), c.expires, url)
                    for c in p.claim
                ),
            )
            for p in self.product
        ]
