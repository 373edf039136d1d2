"""The bounds scan before tomli: its two flavours (possessive groups, atomic groups where an early
Python 3.11 gets possessive groups wrong) read every document the same way, and the atomic one,
which CI's Python does not pick, still reads profiles and refuses what it cannot bound."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomli

from buyer.formats import toml_bounds

ROOT = Path(__file__).resolve().parent.parent

# Corners of the grammar the scan skips or counts: strings with brackets, escapes and quotes,
# multi-line strings, dotted and quoted keys, arrays of tables, unterminated strings.
TRICKY = [
    "a = \"x[y]{z}\"\nb = '['\n[t]\nc = 1\n",
    'a = """one "two" ""three\\"""\n[[x]]\n"quoted.key" . plain = [1, [2, [3]]]\n',
    "s = '''it's ''a'' [not] {a} table'''\n[ 'a' . \"b\" . c ]\nk = {x = {y = [{}]}}\n",
    'a = "unterminated [\n[t]\n',
    'a = \'unterminated\n[[t]]\nb = "\\"["\n',
    "# [comment]\n  [[ a.b ]]\n\tx.y.z = 1 # ]\n",
    'k = """\n[not a table]\n"""\n[real]\n',
    "[a]\n[[a.b]]\n[[a.b]]\nc = [\n  1,\n  [2,\n   3],\n]\n",
]


def _corpus() -> list[str]:
    files = sorted((ROOT / "requirements_profiles").glob("*.toml")) + sorted((ROOT / "tests").rglob("*.toml"))
    return [f.read_text(encoding="utf-8") for f in files] + TRICKY


def _tokens(possessive: bool, text: str) -> list[tuple[str | None, int, int, str | None]]:
    token_source, header_source, _ = toml_bounds._sources(possessive)
    token, header = re.compile(token_source, re.S), re.compile(header_source)
    out = []
    for found in token.finditer(text):
        kind = found.lastgroup
        at = found.start(kind) if kind else found.start()
        head = header.match(text, at) if kind in ("top", "first") else None
        out.append((kind, at, found.end(), head.group("key") if head else None))
    return out


@pytest.mark.parametrize("text", _corpus(), ids=lambda t: t[:30].replace("\n", "|"))
def test_both_flavours_read_a_document_alike(text: str) -> None:
    # (On an interpreter with the bug, the possessive flavour is the one that is wrong: compare
    # where it works.)
    if not toml_bounds.POSSESSIVE_GROUPS_WORK:
        pytest.skip("this Python gets possessive groups wrong; the atomic flavour is the one in use")
    assert _tokens(True, text) == _tokens(False, text)


def test_the_probe_tells_the_truth() -> None:
    wrong = re.match(r"(?:\([^)]*+\))?+\Z", "(") is not None
    assert toml_bounds.POSSESSIVE_GROUPS_WORK is not wrong
    # The atomic flavour is right on every interpreter.
    assert re.match(r"(?>(?:\([^)]*+\))?)\Z", "(") is None


@pytest.fixture
def atomic(monkeypatch: pytest.MonkeyPatch):
    """The scan as a Python with the bug runs it."""
    monkeypatch.setattr(toml_bounds, "POSSESSIVE_GROUPS_WORK", False)
    toml_bounds._patterns.cache_clear()
    yield
    toml_bounds._patterns.cache_clear()


@pytest.mark.usefixtures("atomic")
def test_atomic_flavour_reads_profiles_and_keeps_the_bounds() -> None:
    for text in _corpus()[: -len(TRICKY)]:
        assert toml_bounds.loads(text) == tomli.loads(text)
    deep = "a" + ".b" * (toml_bounds.MAX_TOML_DEPTH + 1) + " = 1\n"
    with pytest.raises(tomli.TOMLDecodeError, match="nested deeper than"):
        toml_bounds.loads(deep)
    # A document with more pieces than the atomic flavour keeps state for: one line, no scan.
    many = 'd = """' + 'x"\\\n' * (toml_bounds.MAX_ATOMIC_PIECES // 3 + 1) + '"""\n'
    with pytest.raises(tomli.TOMLDecodeError, match=r"more than 1,000,000 quotes, escapes, commas and lines"):
        toml_bounds.loads(many)
    # Under the cap it is read.
    fewer = 'd = """' + 'x"\\\n' * 1000 + '"""\n'
    assert toml_bounds.loads(fewer) == tomli.loads(fewer)
