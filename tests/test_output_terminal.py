"""Outside text never reaches a terminal raw: names, notes and test names from profiles, guideline
files and vendors' forms are shown escaped, one line each, in the table, `response check`, `rfp`
and `report -o -`; a vendor's form with control characters in what people read is refused."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from buyer.cli import main
from tests.conftest import FIXTURES, dated
from tests.test_cli import PASSING

SOURCE = FIXTURES / "interop"
# What may not reach a terminal from data: C0 controls but newline, DEL, C1 controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
ESC_NAME = "Bore\x1bc\x07lis\nCloud: ✓ meets"  # a reset, a bell, and a forged line
EVIL = "tempest.\x1bc\x07EVIL"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def evidence(tmp_path) -> Path:
    path = tmp_path / "acme.txt"
    path.write_text("\n".join(PASSING) + "\n")
    return dated(path)


@pytest.fixture
def profile(tmp_path, evidence) -> Path:
    """A profile whose product name carries an escape, a bell and a newline (TOML escapes)."""
    path = tmp_path / "profile.toml"
    name = json.dumps(ESC_NAME, ensure_ascii=False)  # a JSON string is a TOML basic string
    path.write_text(
        'name = "Regional\\u001bc\\u009b2J cloud"\n[interop]\nguideline = "2030.01"\n'
        f'[[shortlist]]\nname = {name}\nvendor = "Borealis\\u0008\\u0008Oy"\n'
        f'evidence = [{{ file = "{evidence}", kind = "self-reported", date = 2029-12-01 }}]\n'
    )
    return path


def test_every_character_the_sanitiser_escapes_is_one_its_shortcut_sees():
    """printable returns text as it is when str.isprintable says every character is printable:
    that shortcut is sound only while every character the patterns escape is unprintable."""
    from buyer._text import _UNSAFE, _UNSAFE_ONE_LINE, printable

    for pattern in (_UNSAFE, _UNSAFE_ONE_LINE):
        escaped = [c for c in map(chr, range(0x110000)) if pattern.match(c)]
        assert len(escaped) > 60
        assert not [c for c in escaped if c.isprintable()]
    assert printable("a\u202eb\tc") == "a\\u202eb\\x09c"
    assert printable("a\u2066b\nc\td", multiline=True) == "a\\u2066b\nc\td"
    assert printable("plain – ✓ text") == "plain – ✓ text"


def test_the_table_shows_a_name_with_a_newline_on_one_line(profile, capsys):
    code, out, err = run(capsys, "evaluate", "--profile", str(profile), "--source", str(SOURCE),
                         "--as-of", "2030-01-01")  # fmt: skip
    assert code == 0, err
    assert not RAW.search(out)
    assert any(line.startswith("Bore\\x1bc\\x07lis\\x0aCloud: ✓ meets: ✓ meets") for line in out.splitlines())
    assert not any(line.startswith("Cloud:") for line in out.splitlines())  # no forged line


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_report_to_stdout_escapes_control_characters(profile, capsys, fmt):
    code, out, err = run(capsys, "report", "--profile", str(profile), "--source", str(SOURCE),
                         "--as-of", "2030-01-01", "-o", "-", "--format", fmt)  # fmt: skip
    assert code == 0, err
    assert not RAW.search(out)
    assert "Bore\\x1bc\\x07lis" in out.replace("\\\\", "\\")  # Markdown doubles the backslash
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(out.splitlines()) == len(rows) == 2  # the header and one row: one line each
        assert rows[1][0] == "Bore\\x1bc\\x07lis\\x0aCloud: ✓ meets"


def test_report_files_markdown_escaped_csv_as_the_value_is(profile, tmp_path, capsys):
    """Markdown is a document for people: control characters have no meaning in it, so it is
    escaped wherever it goes. A CSV file is data for a spreadsheet or a script: the value as it
    is, quoted (the newline stays inside its cell)."""
    args = ["report", "--profile", str(profile), "--source", str(SOURCE), "--as-of", "2030-01-01"]
    assert run(capsys, *args, "-o", str(tmp_path / "card.md"))[0] == 0
    assert not RAW.search((tmp_path / "card.md").read_text())
    assert run(capsys, *args, "-o", str(tmp_path / "card.csv"))[0] == 0
    with open(tmp_path / "card.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][0] == ESC_NAME


def test_rfp_to_stdout_escapes_control_characters(profile, capsys):
    code, out, err = run(capsys, "rfp", "--profile", str(profile), "--source", str(SOURCE))
    assert code == 0, err
    assert not RAW.search(out)
    assert "# Interoperability requirements: Regional\\\\x1bc\\\\x9b2J cloud" in out
    assert "| Borealis\\\\x08\\\\x08Oy | Bore\\\\x1bc\\\\x07lis Cloud: ✓ meets |" in out


@pytest.fixture
def evil_source(tmp_path) -> Path:
    """The fixture guidelines with an escape sequence in a test name."""
    source = tmp_path / "interop"
    shutil.copytree(SOURCE, source)
    file = source / "guidelines" / "2030.01.json"
    text = file.read_text()
    file.write_text(
        text.replace('"tempest.api.compute.servers.test_list.ListTest.test_list"', '"tempest.\\u001bc\\u0007EVIL"')
    )
    return source


def test_a_test_name_from_a_guideline_file_is_escaped_everywhere(evil_source, evidence, tmp_path, capsys):
    args = ["--source", str(evil_source)]
    code, out, _ = run(capsys, "report", "--guideline", "2030.01", "--as-of", "2030-01-01",
                       "--evidence", f"X={evidence}", "-o", "-", "--format", "md", *args)  # fmt: skip
    assert code == 0 and not RAW.search(out)
    assert "`tempest.\\x1bc\\x07EVIL`" in out  # inside a code span, shown as written
    code, printed, _ = run(capsys, "guidelines", "tests", "2030.01", "--status", "required", "--no-flagged", *args)
    assert code == 0 and not RAW.search(printed) and "tempest.\\x1bc\\x07EVIL[id-" in printed
    profile = tmp_path / "p.toml"
    profile.write_text('name = "P"\n[interop]\nguideline = "2030.01"\n[[shortlist]]\nname = "A"\n')
    code, _, err = run(capsys, "rfp", "--profile", str(profile), "--package", str(tmp_path / "pkg"), *args)
    assert code == 0, err
    listed = (tmp_path / "pkg" / "tests" / "M1-2030.01-platform.txt").read_text()
    assert listed == printed  # the package's list is what `guidelines tests` prints
