"""A vendor's answer to an RFP (``buyer.rfp-response``, version 1; docs/responses.md): who answers,
for which product, the evidence files sent, and a claim per clause. Pure data and rules.

Clauses are numbered once, here: ``M1…`` are the mandatory requirements in the order the
scorecard lists them (interop, then SCS), ``D1…`` the desirable ones. The RFP, the package's
test lists and the scorecard's ``vendor_claim`` all use ``clause_number``.

``problems()`` says what the form's own schema cannot: a clause answered twice, a clause the
RFP does not have, an answer to another RFP. Each with its field; the faces add FILE:LINE:COL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from buyer._text import token
from buyer.model.evidence import REFSTACK_PREFIX, EvidenceKind, refstack_id_problem
from buyer.model.profile import Line, Note, PathText

FORMAT = "buyer.rfp-response"
VERSION = 1
_CLAUSE = re.compile(r"^[MD][1-9][0-9]{0,3}$")

Problem = tuple[tuple[str | int, ...], str]


def clause_number(index: int, mandatory: bool = True) -> str:
    """The clause of the ``index``-th (0-based) mandatory or desirable requirement: M1, D1, …"""
    return f"{'M' if mandatory else 'D'}{index + 1}"


class ClaimWord(StrEnum):
    COMPLY = "comply"
    PARTIAL = "partial"
    NO = "no"


# What a vendor may say its own evidence is: live runs and discoveries are the buyer's checks.
VENDOR_KINDS = (EvidenceKind.SELF_REPORTED, EvidenceKind.PUBLISHED)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _named(value: Any, what: str) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"name the {what}")
    return value


class Vendor(_Strict):
    company: Line
    product: Line = Field(description="a shortlisted product's name; another name adds the product")
    contact: Line = ""

    @field_validator("company", mode="before")
    @classmethod
    def _company(cls, value: Any) -> Any:
        return _named(value, "company that answers")

    @field_validator("product", mode="before")
    @classmethod
    def _product(cls, value: Any) -> Any:
        return _named(value, "product offered (as the RFP's shortlist names it)")


class ResponseEvidence(_Strict):
    """One file the vendor sends, relative to the response file (or ``refstack:<result id>``)."""

    file: PathText
    kind: EvidenceKind = EvidenceKind.SELF_REPORTED
    date: dt.date | None = Field(None, description="when the tests ran, where the file carries no date")

    @field_validator("file")
    @classmethod
    def _inside(cls, value: str) -> str:
        if value.startswith(REFSTACK_PREFIX):
            problem = refstack_id_problem(value.removeprefix(REFSTACK_PREFIX))
            if problem:
                raise ValueError(problem)
            return value
        # Read on the buyer's machine: only files beside the form (or below it) are read.
        for path in (PurePosixPath(value), PureWindowsPath(value)):
            if path.is_absolute() or path.anchor or ".." in path.parts:
                raise ValueError("must be a path relative to the response file, inside its folder")
        return value

    @field_validator("kind")
    @classmethod
    def _vendor_kind(cls, value: EvidenceKind) -> EvidenceKind:
        if value not in VENDOR_KINDS:
            raise ValueError(f"a vendor's evidence is {' or '.join(VENDOR_KINDS)}; {value} is the buyer's own check")
        return value


class Answer(_Strict):
    clause: str
    claim: ClaimWord
    note: Note = ""

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, value: Any) -> Any:
        if isinstance(value, str) and not _CLAUSE.match(value.strip()):
            raise ValueError("must be a clause number of the RFP, such as M1 or D2")
        return value.strip() if isinstance(value, str) else value

    @field_validator("claim", mode="before")
    @classmethod
    def _claim(cls, value: Any) -> Any:
        if value not in tuple(ClaimWord):
            words = ", ".join(ClaimWord)
            if value == "":
                raise ValueError(f"answer {words}")
            raise ValueError(f"must be one of {words}")
        return value


class Response(_Strict):
    format: str
    version: int
    rfp_reference: str = ""
    vendor: Vendor
    evidence: list[ResponseEvidence] = Field(default_factory=list)
    requirement: list[Answer] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value != FORMAT:
            raise ValueError(f"must be '{FORMAT}' (is this an RFP response form?)")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != VERSION:
            raise ValueError(f"this buyer reads version {VERSION} of the response format, not {value}")
        return value

    def answer(self, clause: str) -> Answer | None:
        return next((a for a in self.requirement if a.clause == clause), None)


@dataclass(frozen=True)
class Parts:
    """What of a form could be read, each entry with its index in the file: all of a valid form,
    the valid pieces of a broken one (so that every problem is told at once)."""

    product: str | None = None
    rfp_reference: str | None = None
    clauses: tuple[tuple[int, str], ...] = ()  # the clause numbers answered (well formed ones)
    evidence: tuple[tuple[int, ResponseEvidence], ...] = ()

    @classmethod
    def of(cls, response: Response) -> Parts:
        return cls(
            response.vendor.product,
            response.rfp_reference,
            tuple((i, a.clause) for i, a in enumerate(response.requirement)),
            tuple(enumerate(response.evidence)),
        )

    @classmethod
    def salvage(cls, data: Mapping[str, Any]) -> Parts:
        """The pieces of a form that does not validate as a whole that do on their own."""
        vendor = data.get("vendor")
        product = vendor.get("product") if isinstance(vendor, Mapping) else None
        reference = data.get("rfp_reference", "")
        answers = data.get("requirement")
        clauses = [
            (i, item["clause"].strip())
            for i, item in enumerate(answers if isinstance(answers, list) else [])
            if isinstance(item, Mapping)
            and isinstance(item.get("clause"), str)
            and _CLAUSE.match(item["clause"].strip())
        ]
        return cls(
            product if isinstance(product, str) and product.strip() else None,
            reference if isinstance(reference, str) else None,
            tuple(clauses),
            tuple(_valid(ResponseEvidence, data.get("evidence"))),
        )


T = TypeVar("T", bound=BaseModel)


def _valid(model: type[T], items: Any) -> Iterator[tuple[int, T]]:
    for i, item in enumerate(items if isinstance(items, list) else []):
        try:
            yield i, model.model_validate(item)
        except ValidationError:
            continue


def problems(
    parts: Parts,
    clauses: Collection[str] | None = None,
    rfp_reference: str | None = None,
    shortlist: Collection[str] = (),
) -> list[Problem]:
    """What the schema cannot see. ``clauses``: the RFP's clause numbers (None: not checked);
    ``rfp_reference``: the RFP's reference (None: not checked); ``shortlist``: its products'
    names (a name that differs from one only in case or spacing is a slip, not a new product)."""
    out: list[Problem] = []
    product = parts.product
    if product is not None and product not in shortlist:
        key = _loose(product)
        near = next((name for name in shortlist if _loose(name) == key), None)
        if near is not None:
            out.append(
                (
                    ("vendor", "product"),
                    f"not on the shortlist; did you mean {token(near)}? (another name offers another product)",
                )
            )
    theirs = parts.rfp_reference
    if rfp_reference is not None and theirs is not None and theirs.strip() != rfp_reference.strip():
        said = token(theirs) if theirs else "none"
        ours = token(rfp_reference) if rfp_reference else "none"
        out.append((("rfp_reference",), f"answers RFP {said}, not this RFP ({ours})"))
    seen: set[str] = set()
    for i, clause in parts.clauses:
        if clause in seen:
            out.append((("requirement", i, "clause"), f"{clause} is answered twice"))
        seen.add(clause)
        if clauses is not None and clause not in clauses:
            have = ", ".join(clauses) or "none"
            out.append((("requirement", i, "clause"), f"the RFP has no clause {clause} (it has {have})"))
    return out


def _loose(name: str) -> str:
    return " ".join(name.casefold().split())
