"""Standard output is a file too: a reader that goes away (`| head`) never turns a scorecard into
exit 0 ("every requirement passes"), and a full disk is the same one line, exit 2, as any output
not written. Real processes, real pipes, the real /dev/full."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, SHARED_INTEROP, need_shared
from tests.test_cli import PASSING, ROOT

SOURCE = str(FIXTURES / "interop")
EXAMPLE = ROOT / "requirements_profiles" / "public-cloud-platform-2020.06.toml"


def buyer(*args: str, stdout: int | None) -> tuple[int, str]:
    """Run buyer with stdout given as a file descriptor; returns its exit code and stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "buyer", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BUYER_OFFLINE": "1"},
        timeout=120,
    )
    return done.returncode, done.stderr


def closed_pipe() -> int:
    """The write end of a pipe whose reader is gone: every write fails with EPIPE."""
    read, write = os.pipe()
    os.close(read)
    return write


@pytest.fixture
def passing(tmp_path) -> list[str]:
    """An evaluation whose every requirement passes: exit 0 when its output is read."""
    evidence = tmp_path / "acme.txt"
    evidence.write_text("\n".join(PASSING) + "\n")
    return ["evaluate", "--guideline", "2030.01", "--source", SOURCE, "--as-of", "2030-01-01",
            "--evidence", f"Acme={evidence}"]  # fmt: skip


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_passing_scorecard_whose_reader_went_away_is_not_exit_0(passing, fmt):
    code, err = buyer(*passing, "--format", fmt, stdout=subprocess.DEVNULL)
    assert code == 0, err  # read in full: the verdict
    write = closed_pipe()
    try:
        code, err = buyer(*passing, "--format", fmt, stdout=write)
    finally:
        os.close(write)
    assert code == 141 and err == ""  # no verdict, no traceback, no "Exception ignored"


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--profile", str(EXAMPLE), "--as-of", "2026-12-01"],
        ["evaluate", "--profile", str(EXAMPLE), "--as-of", "2026-12-01", "--format", "json"],
        ["report", "--profile", str(EXAMPLE), "--as-of", "2026-12-01", "-o", "-", "--format", "csv"],
        ["rfp", "--profile", str(EXAMPLE)],
        ["guidelines", "list"],
    ],
    ids=["evaluate", "evaluate-json", "report-csv", "rfp", "guidelines-list"],
)
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(args):
    args = [*args, "--source", str(need_shared(SHARED_INTEROP))]
    with open("/dev/full", "wb") as full:
        code, err = buyer(*args, stdout=full.fileno())
    assert code == 2
    assert err.splitlines()[-1:] == ["buyer: error: -: not written: no space left on device"]
    assert "Traceback" not in err and "Exception ignored" not in err
