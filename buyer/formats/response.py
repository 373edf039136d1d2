"""Read a vendor's response form (TOML, ``buyer.rfp-response``; docs/responses.md), every
problem as FILE:LINE:COL, and write the pre-filled form an RFP package carries.

The form is written as text, not dumped: it carries comments that tell a vendor what to fill
in, and a vendor edits it by hand. Values go through ``tomli_w`` so any name is valid TOML.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import tomli_w

from buyer._text import first_unsafe, invisible, look_alike_key, token
from buyer.errors import InputError, ProfileErrors
from buyer.formats.toml_models import MAX_PROBLEMS, load_toml, more_problems, toml_positions, validate_model
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
        return _position(loc, self._positions)

    @cached_property
    def _positions(self) -> dict[tuple[Any, ...], tuple[int, int]]:
        return toml_positions(self.text)  # once per form, not once per entry asked about


def parse_response(text: str, source: str) -> ParsedResponse:
    """Parse and validate a form on its own (ProfileErrors with every problem and its position)."""
    checked = check_response(text, source)
    raise_all(checked.errors)
    assert checked.parsed is not None  # no problem: it validated
    return checked.parsed


@dataclass(frozen=True)
class CheckedForm:
    """A form read: the response when it validates, what of it could be read, every problem."""

    parsed: ParsedResponse | None
    parts: Parts | None  # None: not even TOML
    errors: list[InputError]


def check_response(
    text: str,
    source: str,
    clauses: Collection[str] | None = None,
    rfp_reference: str | None = None,
    shortlist: Collection[str] = (),
) -> CheckedForm:
    """Every problem of a form at once: not TOML; the text of its fields; its schema; and, with
    ``clauses``, ``rfp_reference`` and ``shortlist``, the RFP it answers."""
    try:
        data = load_toml(text, source)
    except ProfileErrors as exc:
        return CheckedForm(None, None, list(exc.errors))
    found, data = _field_problems(data, shortlist)
    errors = located(source, text, found)
    try:
        parsed: ParsedResponse | None = ParsedResponse(validate_model(data, source, Response, text), source, text)
    except ProfileErrors as exc:
        parsed = None
        errors += exc.errors
    parts = parsed.parts if parsed is not None else Parts.salvage(data)
    errors += response_errors(source, text, parts, clauses, rfp_reference, shortlist)
    return CheckedForm(parsed, parts, errors)


# Fields a person reads in the scorecard, as written by a vendor: a control character in them
# could rewrite a terminal or forge a line of output. A note may run over several lines.
_PLAIN_FIELDS = (("vendor", "company"), ("vendor", "product"), ("vendor", "contact"))


def _field_problems(data: dict[str, Any], shortlist: Collection[str]) -> tuple[list[Problem], dict[str, Any]]:
    """What the schema lets through: control characters in what people read, a version that
    is not the whole number 1 (the schema would take ``true``, ``"1"`` or ``1.0`` for it), a
    product name that looks like a shortlisted one only because of characters that draw nothing.
    Returns the problems and the data to validate (a version told here is not told twice)."""
    out: list[Problem] = []
    version = data.get("version", VERSION)
    if type(version) is not int:
        kind = {bool: "a boolean", str: "a string", float: "a decimal number"}.get(type(version), "not a number")
        out.append((("version",), f"must be the whole number {VERSION}, written without quotes (this is {kind})"))
        data = {**data, "version": VERSION}
    vendor = data.get("vendor")
    for loc in _PLAIN_FIELDS:
        value = vendor.get(loc[1]) if isinstance(vendor, dict) else None
        bad = first_unsafe(value) if isinstance(value, str) else None
        if bad is not None:
            out.append((loc, f"holds a control character ({bad}); write it as plain text on one line"))
    answers = data.get("requirement")
    for i, answer in enumerate(answers if isinstance(answers, list) else []):
        note = answer.get("note") if isinstance(answer, dict) else None
        bad = first_unsafe(note, multiline=True) if isinstance(note, str) else None
        if bad is not None:
            out.append((("requirement", i, "note"), f"holds a control character ({bad}); write plain text"))
    product = vendor.get("product") if isinstance(vendor, dict) else None
    if isinstance(product, str) and first_unsafe(product) is None:
        out += _look_alike(product, shortlist)
    return out, data


def _look_alike(product: str, shortlist: Collection[str]) -> list[Problem]:
    """A name that reads as a shortlisted one but is not: characters that draw nothing (a
    zero-width space) would make a second row look like a real vendor's."""
    hidden = invisible(product)
    if not hidden or product in shortlist:
        return []
    key = look_alike_key(product)
    near = next((name for name in shortlist if look_alike_key(name) == key), None)
    if near is None:
        return []
    return [
        (
            ("vendor", "product"),
            f"holds characters that draw nothing ({', '.join(hidden)}) and otherwise reads as the shortlisted "
            f"{token(near)}; write the name as the shortlist does, or a name of its own",
        )
    ]


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
    """Every problem, in file order; past MAX_PROBLEMS, where the rest begin (a form of 2,000
    entries naming missing files gave 2,000 lines)."""
    if not errors:
        return
    ordered = sorted(errors, key=lambda e: (e.source, e.line or 0, e.column or 0))
    if len(ordered) > MAX_PROBLEMS + 1:  # (the form's own 20 and its "… and N more" are kept)
        rest = ordered[MAX_PROBLEMS]
        more = more_problems(rest.source, len(ordered) - MAX_PROBLEMS, rest.line, rest.column)
        ordered = [*ordered[:MAX_PROBLEMS], more]
    raise ProfileErrors(ordered)


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
