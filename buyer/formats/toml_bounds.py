"""TOML read within bounds: ``loads`` is ``tomli.loads`` after one linear scan of the text that
refuses what would make the parser recurse too deep or take far more memory than the file.

Kept apart from the models (no pydantic): the TUI reads ``tui.toml`` through it at start-up.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import typing
from typing import Any

import tomli


def loads(text: str) -> dict[str, Any]:
    """``tomli.loads`` with buyer's bounds checked first. What breaks one is a TOMLDecodeError
    with its position, as a syntax error is: tomli itself raises RecursionError on a key of
    1,000 parts, and takes gigabytes for a 16 MiB file of table headers."""
    _check_bounds(text)
    return tomli.loads(text)


def _possessive_groups_work() -> bool:
    r"""Early CPython 3.11 releases (3.11.2, Debian 12's, for one) give wrong answers for a
    possessive group whose last round fails partway (``(?:\([^)]*+\))?+\Z`` matches ``(``):
    there the same groups are atomic instead."""
    return re.match(r"(?:\([^)]*+\))?+\Z", "(") is None


POSSESSIVE_GROUPS_WORK = _possessive_groups_work()


# Where possessive groups are wrong: the most pieces a document may have (~200 MB of state).
MAX_ATOMIC_PIECES = 1_000_000
_PIECES = ('"', "'", "\\", "\n", ",")


# Profiles, forms and registries nest four levels at most (a table, an array of inline tables,
# their keys). tomli recurses once per level and stops at 1,000 key parts with a RecursionError,
# and what it builds costs up to 1 KB per table: a 16 MiB file of headers took 1.5 GB.
MAX_TOML_DEPTH = 32
# Key parts, header parts and brackets: a 5,000-product shortlist has about 65,000 (tomli takes up
# to 1 KB for each, and the scan a microsecond).
MAX_TOML_NAMES = 250_000


# Quantifiers are possessive, so the scan keeps no backtracking state: a 15 MB string costs no
# more than itself (``(?:a|b)*`` keeps a frame per character: 1.9 GB for it).
def _sources(possessive: bool) -> tuple[str, str, str]:
    """The token, header and key-part patterns. A group repeated and never given back is
    possessive where the interpreter gets that right, else atomic: the same matches, but on
    those interpreters a long run of one group keeps state until it ends."""

    def rep(body: str, quantifier: str) -> str:
        return f"(?:{body}){quantifier}+" if possessive else f"(?>(?:{body}){quantifier})"

    basic = '"' + rep(r'[^"\\\n]++|\\[^\n]', "*")  # a basic string, up to its closing quote
    part = rf"""(?:[A-Za-z0-9_-]++|{basic}"|'[^'\n]*+')"""
    key_run = part + rep(rf"[ \t]*+\.[ \t]*+{part}", "*")
    ml_basic = '"""' + rep(r'[^"\\]++|\\.|"(?!"")', "*") + '"""'
    ml_literal = "'''" + rep(r"[^']++|'(?!'')", "*") + "'''"
    # Skipped inside the regex, as they cannot change the nesting: strings (a bracket in one is
    # not one), comments, values, and every other character but a line break before a ``[``; and
    # an unterminated string, tomli's to report.
    skip = rep(
        rf"""{ml_basic}|{ml_literal}|{key_run}(?![ \t]*+=)|#[^\n]*+|[^\[\]{{}}"'#\nA-Za-z0-9_-]++"""
        rf"""|\n(?![ \t]*+\[)|{basic}(?!")|'[^'\n]*+(?!')""",
        "*",
    )
    token = (
        r"\A[ \t]*+(?P<top>\[\[?+)"
        rf"|{skip}(?:(?P<key>{key_run})|\n[ \t]*+(?P<first>\[\[?+)|(?P<open>[\[{{])|(?P<close>[\]}}])|(?P<end>\Z)|.)"
    )
    header = rf"\[(?P<array>\[)?[ \t]*+(?P<key>{key_run})[ \t]*+\](?(array)\])"
    return token, header, part


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The token, header and key-part patterns, compiled on first use (10 ms: not at start-up)."""
    token, header, part = _sources(POSSESSIVE_GROUPS_WORK)
    return re.compile(token, re.S), re.compile(header), re.compile(part)


def _check_bounds(text: str) -> None:
    """Refuse data nested deeper than MAX_TOML_DEPTH levels (each part of a dotted key or a table
    header is a level, as is each array and inline table), or with more than MAX_TOML_NAMES keys,
    headers and brackets. One linear pass; a TOMLDecodeError at the place that breaks the bound."""
    if not POSSESSIVE_GROUPS_WORK:
        # Atomic groups keep ~200 bytes of state per round until they end: the pieces of text a
        # round can end at (quotes, escapes, line breaks, commas) are bounded first, in C.
        pieces = sum(map(text.count, _PIECES))
        if pieces > MAX_ATOMIC_PIECES:
            why = (
                f"more than {MAX_ATOMIC_PIECES:,} quotes, escapes, commas and lines: more than buyer checks "
                f"on Python {sys.version.split()[0]} (a newer Python reads it)"
            )
            raise tomli.TOMLDecodeError(why, text, 0)
    stack = [0]  # the level of each open array or inline table; [0]: of the last header's table
    pending: int | None = None  # the level of the value a key was just given
    names = 0
    tokens, headers, _ = _patterns()
    for found in tokens.finditer(text):
        kind = found.lastgroup
        level = None
        if kind == "key":
            parts = _parts(found.group("key"))
            names += parts
            level = pending = stack[-1] + parts
        elif kind == "close":
            names += 1
            if len(stack) > 1:
                stack.pop()
            pending = None
        elif kind == "open" and (pending is not None or len(stack) > 1 or found.group(kind) == "{"):
            names += 1
            level = pending if pending is not None else stack[-1] + 1
            stack.append(level)
            pending = None
        elif kind is not None and kind != "end":  # a "[" or "[[" that starts a line (or the file)
            brackets = found.group(kind)
            header = headers.match(text, found.start(kind)) if len(stack) == 1 else None
            if header is not None:  # (tomli reports a malformed one)
                parts = _parts(header.group("key"))
                names += parts
                level = parts + len(brackets) - 1
                stack, pending = [level], None
            else:  # arrays in an array
                names += len(brackets)
                level = stack[-1] + len(brackets)
                stack += range(stack[-1] + 1, level + 1)
        if level is not None and level > MAX_TOML_DEPTH:
            _refuse(text, found, f"keys, arrays or tables nested deeper than {MAX_TOML_DEPTH} levels")
        if names > MAX_TOML_NAMES:
            _refuse(text, found, f"more than {MAX_TOML_NAMES:,} keys, tables and arrays (buyer's files have far fewer)")


def _parts(key: str) -> int:
    """The parts of a dotted key, counted no further than one past the limit."""
    if '"' not in key and "'" not in key:  # the usual key: no part is quoted
        return key.count(".") + 1
    return sum(1 for _ in itertools.islice(_patterns()[2].finditer(key), MAX_TOML_DEPTH + 1))


def _refuse(text: str, found: re.Match[str], why: str) -> typing.NoReturn:
    raise tomli.TOMLDecodeError(why, text, found.start(found.lastgroup or 0))
