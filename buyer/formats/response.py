"""Read a vendor's response form (TOML, ``buyer.rfp-response``; docs/responses.md), every
problem as FILE:LINE:COL, and write the pre-filled form an RFP package carries.

The form is written as text, not dumped: it carries comments that tell a vendor what to fill
in, and a vendor edits it by hand. Values go through ``tomli_w`` so any name is valid TOML.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tomli
import tomli_w

from buyer.errors import InputError, ProfileErrors
from buyer.formats.toml_models import parse_toml_model, toml_positions
from buyer.model.response import FORMAT, VERSION, ClaimWord, Parts, Problem, Response, problems


@dataclass(frozen=True)
class ParsedResponse:
    response: Response
    source: str
    text: str

    @property
    def parts(self) -> Parts:
        return Parts.of(self.response)

    def position(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """The line and column where the form writes the field ``loc``."""
        return _position(loc, toml_positions(self.text))


def parse_response(text: str, source: str) -> ParsedResponse:
    """Parse and validate a form on its own (ProfileErrors with every problem and its position)."""
    return ParsedResponse(parse_toml_model(text, source, Response), source, text)


def response_errors(
    source: str,
    text: str,
    parts: Parts,
    clauses: Collection[str] | None = None,
    rfp_reference: str | None = None,
    shortlist: Collection[str] = (),
) -> list[InputError]:
    """What the form's schema cannot see, checked against the RFP it answers when given."""
    return located(source, text, problems(parts, clauses, rfp_reference, shortlist))


def salvage(text: str) -> Parts | None:
    """The valid pieces of a form that does not validate as a whole (None: not even TOML)."""
    try:
        return Parts.salvage(tomli.loads(text))
    except tomli.TOMLDecodeError:
        return None


def located(source: str, text: str, found: Sequence[Problem]) -> list[InputError]:
    """Problems about fields as FILE:LINE:COL errors that name the field, as schema errors do."""
    positions = toml_positions(text)
    out = []
    for loc, message in found:
        line, column = _position(loc, positions)
        out.append(InputError(source, f"{_dotted(loc)}: {message}", line=line, column=column))
    return out


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _position(loc: tuple[str | int, ...], positions: Mapping[tuple[Any, ...], tuple[int, int]]) -> tuple[int, int]:
    for end in range(len(loc), 0, -1):
        found = positions.get(loc[:end])
        if found:
            return found
    return 1, 1


def raise_all(errors: list[InputError]) -> None:
    if errors:
        raise ProfileErrors(sorted(errors, key=lambda e: (e.source, e.line or 0, e.column or 0)))


# -- the pre-filled form ---------------------------------------------------------------------


@dataclass(frozen=True)
class FormClause:
    """A clause as the form asks about it."""

    number: str
    title: str
    test_list: str = ""  # the package's test list for it, if any


_PRODUCT_NAMED = "as the RFP's shortlist names it; another name offers another product"


def _value(value: str) -> str:
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")


def response_form(
    product: str,
    company: str,
    rfp_reference: str,
    rfp_name: str,
    clauses: Sequence[FormClause],
) -> str:
    """The form one shortlisted product answers with, filled in with what the profile knows."""
    words = " | ".join(ClaimWord)
    what = f"RFP {rfp_reference}" if rfp_reference else "the RFP"
    lines = [
        f"# Response to {what}: {_one_line(rfp_name)}",
        "# Fill this file in with any text editor and send it back with your evidence files.",
        "# HOW-TO-RESPOND.md, at the top of the package this form came in, says how to produce",
        "# the evidence. Keep `format`, `version` and `rfp_reference` as they are.",
        f"format = {_value(FORMAT)}",
        f"version = {VERSION}",
        f"rfp_reference = {_value(rfp_reference)}",
        "",
        "[vendor]",
        f"company = {_value(company)}",
        f"product = {_value(product)}   # {_PRODUCT_NAMED if product else 'the product you offer'}",
        'contact = ""   # who answers questions about this response (e-mail)',
        "",
        "# One [[evidence]] table per file you send, each file beside this one. For example:",
        "#",
        "# [[evidence]]",
        '# file = "acme-2020.06.json"   # relative to this file: refstack-client JSON, a subunit stream, …',
        '# kind = "self-reported"       # or "published" for a RefStack result (file = "refstack:<result id>")',
        "# date = 2026-09-14            # when the tests ran, if the file itself carries no date",
        "",
        f"# One [[requirement]] table per clause: claim is {words}.",
    ]
    for clause in clauses:
        listing = f"; test list {clause.test_list}" if clause.test_list else ""
        lines += [
            "",
            f"# {clause.number}: {_one_line(clause.title)}{listing}",
            "[[requirement]]",
            f"clause = {_value(clause.number)}",
            f'claim = ""   # {words}',
            'note = ""',
        ]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Outside text inside a TOML comment: one line, no control characters."""
    return "".join(ch if ch.isprintable() else " " for ch in " ".join(text.split()))
