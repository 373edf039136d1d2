"""The local registry file (TOML), where a buyer records products listed nowhere and the evidence
vendors sent: validated like a profile, every problem with its line and column."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from buyer.model.guideline import program_key
from buyer.model.profile import EvidenceRef
from buyer.model.registry import Claim, RegistryProduct


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
