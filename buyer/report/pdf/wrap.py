"""Line breaks for words wider than their column: test names, capability ids, hashes, a name of
5,000 characters without a space. ReportLab would split such a word anywhere (``volu|mes``);
here it breaks after a separator (``.``, ``-``, ``_``, ``/``, ``:``, ``,``), and a piece still too
wide is split with a visible hyphen. Nothing is cut or dropped: joined again, the pieces are the word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

# A break may follow one of these (the separator stays at the end of the line, visible).
_AFTER = re.compile(r"(?<=[-./_:,;)\]|+=@\\])")
HYPHEN = "-"


class Piece(NamedTuple):
    text: str  # a part of the word; the parts joined are the word
    mark: str = ""  # printed after it: a hyphen where a part without separators was split

    def __str__(self) -> str:
        return self.text + self.mark


def pieces(word: str, width: float, measure: Callable[[str], float]) -> list[Piece]:
    """``word`` as lines that each fit ``width`` (with their mark): greedy, breaking after separators first."""
    if measure(word) <= width:
        return [Piece(word)]
    lines: list[Piece] = []
    line = ""
    for part in (p for p in _AFTER.split(word) if p):
        if measure(line + part) <= width:
            line += part
            continue
        if line:
            lines.append(Piece(line))
            line = ""
        if measure(part) <= width:
            line = part
            continue
        head, line = _hard(part, width, measure)
        lines += head
    if line:
        lines.append(Piece(line))
    return lines


def _hard(part: str, width: float, measure: Callable[[str], float]) -> tuple[list[Piece], str]:
    """A piece with no separator, wider than the line: split it, a hyphen marking each break
    (none between ideographs, which break anywhere in print)."""
    lines: list[Piece] = []
    line = ""
    for ch in part:
        if line and measure(line + ch + HYPHEN) > width:
            lines.append(Piece(line, "" if _wide(line[-1]) or _wide(ch) else HYPHEN))
            line = ""
        line += ch
    return lines, line


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")
