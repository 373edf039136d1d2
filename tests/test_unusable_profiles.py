"""Profiles and options that cannot be evaluated are refused before anything runs: exit 2, every
problem at once, profile problems as FILE:LINE:COL, option problems naming the option, never a
traceback, and `profile new` refuses what `profile check` refuses."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess

import pytest

from buyer.cli import main
from tests.conftest import SHARED, SHARED_INTEROP, need_shared

SCOPE = SHARED / "scs" / "scopes" / "scs-compatible-iaas.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """buyer's main() in this process (a traceback would fail the test as an exception), output captured."""
    os.environ["BUYER_INTEROP_URL"] = str(need_shared(SHARED_INTEROP))  # restored by conftest's monkeypatch
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def refused(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stderr.strip().splitlines()


PROFILES = [
    # (what is wrong, the [interop]/[scs]/[evidence_policy] lines, the message, the line it is on)
    ("unknown guideline", 'guideline = "2099.01"', "unknown guideline version '2099.01'", 3),
    ("draft guideline", 'guideline = "next"', "is a draft", 3),
    ("add-on guideline as core", 'guideline = "dns.2020.06"', "is an add-on guideline", 3),
    ("unknown add-on", 'guideline = "2020.06"\nadd_ons = ["dnz"]', "no dnz add-on guideline for 2020.06", 4),
    ("add-on the program cannot carry", 'guideline = "2020.06"\nprogram = "storage"\nadd_ons = ["dns"]',
     "needs platform component os_powered_compute, which program storage does not include", 5),
    ("undefined extra capability", 'guideline = "2020.06"\nextra_capabilities = ["compute-warp-drive"]',
     "capability 'compute-warp-drive' is not defined", 4),
    ("unknown program", 'guideline = "2020.06"\nprogram = "computer"', "must be one of platform, compute, storage", 4),
    ("zero age", 'guideline = "2020.06"\n[evidence_policy]\nmax_age_days = 0', "should be at least 1", 5),
    ("negative age", 'guideline = "2020.06"\n[evidence_policy]\nmax_age_days = -100', "should be at least 1", 5),
    ("absurd age", 'guideline = "2020.06"\n[evidence_policy]\nmax_age_days = 99999999999', "should be at most 36500", 5),
    # a typo of type: lax pydantic read true as 1 day (every verdict "not verified"), 30.0 and "30" as 30
    *((f"age {value}", f'guideline = "2020.06"\n[evidence_policy]\nmax_age_days = {value}',
       "evidence_policy.max_age_days: should be a whole number", 5)
      for value in ("true", "false", "30.0", '"30"', "1e3")),
    ("evidence date a number", 'guideline = "2020.06"\n[[shortlist]]\nname = "A"\n'
     'evidence = [{ file = "a.json", date = 1789257600 }]',
     "shortlist[0].evidence[0].date: should be a date (YYYY-MM-DD), not a number", 6),
    ("evidence date a boolean", 'guideline = "2020.06"\n[[shortlist]]\nname = "A"\n'
     'evidence = [{ file = "a.json", date = true }]', "should be a date (YYYY-MM-DD), not a number", 6),
    ("scs date a number", 'guideline = "2020.06"\n[scs]\nscope = "s.yaml"\non = 1789257600',
     "scs.on: should be a date (YYYY-MM-DD), not a number", 6),
]  # fmt: skip


@pytest.mark.shared
@pytest.mark.parametrize(("label", "body", "message", "line"), PROFILES, ids=[p[0] for p in PROFILES])
def test_a_profile_that_cannot_be_evaluated_is_refused_with_its_line(tmp_path, label, body, message, line):
    profile = tmp_path / "rfp.toml"
    profile.write_text(f'name = "rfp"\n[interop]\n{body}\n')
    for verb in (["profile", "check", str(profile)], ["evaluate", "--profile", str(profile)]):
        (shown,) = refused(run(*verb))
        assert re.match(rf"{re.escape(str(profile))}:{line}:\d+: ", shown), shown
        assert message in shown, shown


@pytest.mark.shared
def test_every_problem_is_told_at_once_in_file_order(tmp_path):
    profile = tmp_path / "rfp.toml"
    profile.write_text(
        'name = "rfp"\n'
        "[interop]\n"
        'guideline = "2020.06"\n'
        'program = "compute"\n'
        'add_ons = ["dnz", "dns"]\n'
        'extra_capabilities = ["compute-warp-drive"]\n'
        "[evidence_policy]\n"
        "max_age_days = 0\n"
    )
    lines = refused(run("profile", "check", str(profile)))
    assert [int(line.split(":")[1]) for line in lines] == [5, 6, 8]
    assert "dnz" in lines[0] and "compute-warp-drive" in lines[1] and "max_age_days" in lines[2]


@pytest.mark.shared
def test_a_scope_version_the_scope_file_lacks(tmp_path):
    profile = tmp_path / "scs.toml"
    profile.write_text(f'name = "scs"\n[scs]\nscope = "{SCOPE}"\nversion = "v99"\n')
    (shown,) = refused(run("profile", "check", str(profile)))
    assert shown.startswith(f"{profile}:4:1: ") and "has no version 'v99'" in shown and "v5.1" in shown
    (shown,) = refused(run("evaluate", "--scope", str(SCOPE), "--scope-version", "v99"))
    assert shown.startswith("buyer: error: --scope-version: ") and "has no version 'v99'" in shown


OPTIONS = [
    (["--guideline", "2020.06", "--program", "computer"], "--program", "choose platform, compute, storage"),
    (["--guideline", "2020.06", "--max-age-days", "0"], "--max-age-days", "out of range (1 to 36500)"),
    (["--guideline", "2020.06", "--max-age-days", "-100"], "--max-age-days", "out of range"),
    (["--guideline", "2020.06", "--max-age-days", "99999999999"], "--max-age-days", "out of range"),
    (["--guideline", "2020.06", "--max-age-days", "ten"], "--max-age-days", "not a whole number"),
    (["--guideline", "2099.01"], "--guideline", "unknown guideline version '2099.01'"),
    (["--guideline", "next"], "--guideline", "is a draft"),
    (["--guideline", "2020.06", "--add-on", "dnz"], "--add-on", "no dnz add-on guideline"),
    (["--guideline", "2020.06", "--program", "storage", "--add-on", "dns"], "--add-on", "programs that can carry it"),
    (["--guideline", "2020.06", "--capability", "compute-warp-drive"], "--capability", "is not defined"),
    (["--guideline", "2020.06", "--as-of", "2026-13-01"], "--as-of", "not a date"),
    (["--scope", "x.yaml", "--scope-date", "tomorrow"], "--scope-date", "not a date"),
    (["--guideline", "2020.06", "--evidence-kind", "rumour"], "--evidence-kind", "invalid choice"),
    (["--guideline", "2020.06", "--evidence", "."], "--evidence", "give PRODUCT=FILE"),
    (["--guideline", "2020.06", "--evidence", "Acme="], "--evidence", "give PRODUCT=FILE"),
]


@pytest.mark.shared
@pytest.mark.parametrize(("args", "option", "message"), OPTIONS, ids=[" ".join(o[0]) for o in OPTIONS])
def test_a_bad_option_is_one_line_naming_it(args, option, message):
    lines = refused(run("evaluate", *args))
    (line,) = lines
    assert option in line and message in line, line


@pytest.mark.shared
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--guideline", "2099.01"], "unknown guideline version '2099.01'"),
        (["--guideline", "2020.06", "--add-on", "dnz"], "no dnz add-on guideline"),
        (["--guideline", "2020.06", "--program", "storage", "--add-on", "dns"], "does not include"),
        (["--guideline", "next"], "is a draft"),
        (["--guideline", "2020.06", "--capability", "compute-warp-drive"], "is not defined"),
    ],
)
def test_profile_new_refuses_what_check_would_refuse(tmp_path, args, message):
    target = tmp_path / "new.toml"
    (shown,) = refused(run("profile", "new", str(target), *args))
    assert message in shown
    assert not target.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.shared
def test_profile_new_writes_what_check_accepts(tmp_path):
    target = tmp_path / "new.toml"
    done = run("profile", "new", str(target), "--guideline", "2020.06", "--program", "compute", "--add-on", "dns")
    assert done.returncode == 0, done.stderr
    checked = run("profile", "check", str(target))
    assert checked.returncode == 0 and "interop 2020.06 compute + dns" in checked.stdout
