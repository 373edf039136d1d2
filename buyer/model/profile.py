"""A buyer's requirements profile: what is required, how good the evidence must be, who is shortlisted."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from buyer._text import invisible, look_alike_key, token
from buyer.model.evidence import MAX_AGE_DAYS, REFSTACK_PREFIX, EvidenceKind, refstack_id_problem
from buyer.model.guideline import CORE_PROGRAM_KEYS, program_key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _not_a_number(value: object) -> object:
    """Pydantic reads a number as seconds since 1970; in a profile it is a slip for a date."""
    if isinstance(value, int | float):  # bool too
        raise ValueError("should be a date (YYYY-MM-DD), not a number")
    return value


# A date as TOML writes it (2026-09-14); the TUI's text (a string) too, but never a number.
Date = Annotated[dt.date, BeforeValidator(_not_a_number)]
# A whole number as written: lax mode would take true as 1, 30.0 as 30 and "30" as 30.
WholeNumber = Annotated[int, Strict()]


def _no_nul(value: str) -> str:
    if "\x00" in value:  # TOML may write one (\u0000); the operating system refuses such a path
        raise ValueError("holds a NUL character, which no file name can hold")
    return value


# Text a report prints, bounded: a report lays out every line of it (a 1.2 MB description took
# the PDF's line breaking over ten minutes). Far above what an RFP writes: a name of 6,000
# characters still gives a report (tested), a description is pages, a note a few paragraphs.
Line = Annotated[str, Field(max_length=10_000)]
Paragraphs = Annotated[str, Field(max_length=20_000)]
Note = Annotated[str, Field(max_length=10_000)]

# A file (or URL) a user names: never empty, never with a NUL.
PathText = Annotated[str, Field(min_length=1), AfterValidator(_no_nul)]


class InteropRequirement(_Strict):
    """OpenStack interop (DefCore) requirements: one guideline, one program, add-ons, extras."""

    guideline: Annotated[str, Field(min_length=1, description="guideline version, e.g. 2020.06")]
    program: str = Field("platform", description="platform, compute or storage")
    add_ons: list[str] = Field(default_factory=list, description="add-on programs: dns, orchestration, ...")
    extra_capabilities: list[str] = Field(
        default_factory=list, description="capability ids promoted to mandatory (e.g. advisory ones)"
    )

    @field_validator("program")
    @classmethod
    def _known_program(cls, value: str) -> str:
        key = program_key(value)
        if key not in CORE_PROGRAM_KEYS:
            raise ValueError(f"must be one of {', '.join(CORE_PROGRAM_KEYS)}, not '{value}'")
        return key

    @field_validator("add_ons")
    @classmethod
    def _add_on_keys(cls, value: list[str]) -> list[str]:
        keys = [program_key(v) for v in value]
        if len(set(keys)) != len(keys):
            raise ValueError("lists an add-on twice")
        return keys


class DuplicatesPolicy(StrEnum):
    """What to do with evidence another product was also given (same bytes, same cpid or RefStack result)."""

    WARN = "warn"  # it counts, and every output shows the warning
    REJECT = "reject"  # it does not count, and the reason says why


# "No age limit", as a profile file writes it (TOML has no null).
ANY_AGE = "any"


def _any_age(value: object) -> object:
    if isinstance(value, str):
        if value == ANY_AGE:
            return None
        raise ValueError(f'should be a whole number of days, or "{ANY_AGE}" for no limit')
    return value


class EvidencePolicy(_Strict):
    max_age_days: Annotated[WholeNumber | None, BeforeValidator(_any_age)] = Field(
        365,
        ge=1,
        le=MAX_AGE_DAYS,
        description=f'evidence older than this many days does not count ("{ANY_AGE}": no limit)',
    )
    accepted_kinds: list[EvidenceKind] = Field(
        default_factory=lambda: list(EvidenceKind), description="which kinds of evidence count"
    )
    duplicates: DuplicatesPolicy = Field(
        DuplicatesPolicy.WARN,
        description="evidence also given for another product (same bytes, same cpid): warn, or reject it",
    )

    @field_validator("accepted_kinds")
    @classmethod
    def _not_empty(cls, value: list[EvidenceKind]) -> list[EvidenceKind]:
        if not value:
            raise ValueError("must accept at least one kind of evidence")
        return value


class EvidenceRef(_Strict):
    """A piece of evidence named in a profile: a file (relative to the profile's folder) or
    ``refstack:<result id>`` for a published RefStack result."""

    file: PathText
    kind: EvidenceKind = EvidenceKind.SELF_REPORTED
    date: Date | None = Field(None, description="when the tests ran, if the file does not say")

    @field_validator("file")
    @classmethod
    def _result_id(cls, value: str) -> str:
        if value.startswith(REFSTACK_PREFIX):
            problem = refstack_id_problem(value.removeprefix(REFSTACK_PREFIX).strip())
            if problem:
                raise ValueError(problem)
        return value


class ScsRequirement(_Strict):
    """Sovereign Cloud Stack: a certificate scope and the version required."""

    scope: Annotated[PathText, Field(description="scope YAML: a path (relative to the profile) or URL")]
    version: str = Field("effective", description="a version such as v5.1, or 'effective'")
    on: Date | None = Field(None, description="the date 'effective' refers to (e.g. the contract date)")


class Product(_Strict):
    name: Annotated[Line, Field(min_length=1)]
    vendor: Line = ""
    notes: Note = ""
    scs_subject: str = Field("", description="the product's subject name in SCS reports (default: its name)")
    evidence: list[EvidenceRef] = Field(default_factory=list)


class Profile(_Strict):
    name: Annotated[Line, Field(min_length=1)]
    description: Paragraphs = ""
    buyer: Line = ""
    rfp_reference: Line = ""
    interop: InteropRequirement | None = None
    scs: ScsRequirement | None = None
    evidence_policy: EvidencePolicy = Field(default_factory=EvidencePolicy)
    shortlist: list[Product] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some_standard(self) -> Profile:
        if self.interop is None and self.scs is None:
            raise ValueError("name at least one standard: an [interop] or an [scs] section")
        return self

    @field_validator("shortlist")
    @classmethod
    def _unique_products(cls, value: list[Product]) -> list[Product]:
        seen: dict[str, int] = {}  # what a name looks like -> the first product that looks so
        for at, product in enumerate(value):
            first = seen.setdefault(look_alike_key(product.name), at)
            if first == at:
                continue
            other = value[first].name
            if other == product.name:
                raise ValueError(f"names product '{product.name}' twice")
            hidden = invisible(other) + invisible(product.name)
            unseen = f": {', '.join(dict.fromkeys(hidden))} draws nothing" if hidden else ""
            raise ValueError(
                f"names products {token(other)} and {token(product.name)}, which look alike "
                f"(they differ in case, spaces or characters that draw nothing{unseen}); name them apart"
            )
        return value
