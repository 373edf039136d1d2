"""One number per requirement: the RFP clause, the response sheet, the scorecard and the test list
the sheet names all agree, and the list is exactly what is scored."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from buyer.cli import main
from tests.conftest import SHARED_INTEROP, need_shared


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


@pytest.mark.shared
@pytest.mark.parametrize(
    ("guideline", "program", "extra", "pairs", "distinct"),
    [("2020.06", "platform", [], 275, 273), ("2018.02", "compute", ["--add-on", "dns"], 265, 215)],
)
def test_the_rfp_states_the_count_the_scorecard_uses(tmp_path, guideline, program, extra, pairs, distinct):
    src = str(need_shared(SHARED_INTEROP))
    profile = tmp_path / "rfp.toml"
    assert (
        main(["profile", "new", str(profile), "--guideline", guideline, "--program", program, *extra, "--source", src])
        == 0
    )
    code, text = run("rfp", "--profile", str(profile), "--source", src)
    assert code == 0
    m1 = next(line for line in text.splitlines() if line.startswith("**M1.**"))
    assert f"{pairs} required tests" in m1 and f"{distinct} distinct test names" in m1
    rows = [line for line in text.splitlines() if re.match(r"\| M\d ", line)]
    code, card = run("evaluate", "--profile", str(profile), "--source", src, "--format", "json", "--no-registry")
    spec = {r["title"]: r["required_tests"] for r in json.loads(card)["requirements"]}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        title, scored, listing = cells[1], int(cells[2]), cells[3]
        assert spec[title] == scored  # the scorecard's count is the clause's count
        lines, command = re.match(r"(\d+) lines: `buyer (.*)`", listing).groups()
        code, printed = run(*command.split(), "--source", src)
        assert code == 0 and len(printed.splitlines()) == int(lines)  # the sheet's list is the list it names


@pytest.mark.shared
def test_an_extra_capability_clause_names_its_own_list(tmp_path):
    src = str(need_shared(SHARED_INTEROP))
    profile = tmp_path / "rfp.toml"
    args = ["--guideline", "2020.06", "--capability", "compute-servers-create", "--source", src]
    assert main(["profile", "new", str(profile), *args]) == 0
    code, text = run("rfp", "--profile", str(profile), "--source", src)
    row = next(line for line in text.splitlines() if line.startswith("| M2 "))
    assert "--capability compute-servers-create --no-flagged" in row
    lines = int(re.search(r"\| (\d+) lines:", row).group(1))
    code, printed = run(
        "guidelines", "tests", "2020.06", "--capability", "compute-servers-create", "--no-flagged", "--source", src
    )
    assert code == 0 and len(printed.splitlines()) == lines
