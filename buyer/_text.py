"""Outside text made safe to show on a terminal: one sanitiser for every face.

A leaf module (imports nothing of buyer). Profile and product names, test names, server error
bodies and guideline fields come from files and servers nobody here controls; an escape
sequence among them could retitle the terminal, clear it or worse. Every string from outside
that reaches a terminal (a table, a message, a TUI widget, a log line) goes through
``printable``; JSON keeps its own escaping and the PDF draws text literally.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except newline and tab, DEL, C1 controls, and the Unicode line/paragraph
# separators and bidi overrides that can disguise what a line says.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control character shown escaped (``\\x1b``); newlines and tabs kept
    only when ``multiline``."""
    # The usual text has nothing to escape: str.isprintable, one pass in C, says so for every
    # character the patterns name (controls, separators and bidi overrides are all unprintable),
    # and a scorecard's table of a thousand products is not matched character by character.
    if multiline:
        if text.replace("\n", "").replace("\t", "").isprintable():
            return text
        return _UNSAFE.sub(_escape, text)
    if text.isprintable():
        return text
    return _UNSAFE_ONE_LINE.sub(_escape, text)


def first_unsafe(text: str, *, multiline: bool = False) -> str | None:
    """The first character ``printable`` would escape, shown escaped (``\\x1b``); None when none."""
    found = (_UNSAFE if multiline else _UNSAFE_ONE_LINE).search(text)
    return _escape(found) if found else None


# Characters that take no room on screen beside format controls (category Cf: zero-width space,
# joiners, word joiner, BOM, soft hyphen…): Hangul fillers, the grapheme joiner, variation selectors
# (and their supplement), the blank Braille pattern.
_INVISIBLE_OTHER = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\uffa0\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)


def invisible(text: str) -> list[str]:
    """The characters of ``text`` that draw nothing, each as ``U+XXXX`` (in order, once each)."""
    found = [ch for ch in text if unicodedata.category(ch) == "Cf" or _INVISIBLE_OTHER.match(ch)]
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(found)]


def look_alike_key(text: str) -> str:
    """What a name looks like at a glance: compatibility forms folded (NFKC), case aside, and
    neither spaces nor characters that draw nothing counted (a zero-width space can stand in
    for a space). Two names with one key are easily taken for each other."""
    if text.isascii():  # the usual name: NFKC leaves it as it is, and no ASCII character is invisible
        return "".join(text.lower().split())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not invisible(ch))


def token(value: object, limit: int = 40) -> str:
    """A short, safe rendering of an outside value for an error message: never the whole
    content of a file or an answer, never a control character."""
    text = printable(str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"
