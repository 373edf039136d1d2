"""A long `buyer report` says what it is doing on a terminal's stderr (one updating line, taken
away before its last word), and nothing more when stderr is a file or a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.conftest import FIXTURES
from tests.test_cli import PASSING


def test_report_shows_its_progress_on_a_terminal_only(tmp_path):
    evidence = tmp_path / "acme.txt"
    evidence.write_text("\n".join(PASSING) + "\n")
    args = [sys.executable, "-m", "buyer", "report", "--guideline", "2030.01", "--evidence", f"Acme={evidence}",
            "--source", str(FIXTURES / "interop"), "--as-of", "2030-01-01", "-o"]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUYER_PDF")}
    piped = subprocess.run([*args, str(tmp_path / "a.pdf")], capture_output=True, text=True, env=env, timeout=120)
    assert piped.returncode == 0 and piped.stderr.startswith("wrote ") and len(piped.stderr.splitlines()) == 1
    main, terminal = pty.openpty()
    with subprocess.Popen([*args, str(tmp_path / "b.pdf")], stdout=subprocess.DEVNULL, stderr=terminal, env=env) as run:
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            seen += chunk
        assert run.wait(timeout=120) == 0
    os.close(main)
    shown = seen.decode()
    assert "\r\x1b[KPDF: building section 1" in shown and "\r\x1b[KPDF: laying out page 1" in shown
    assert shown.split("\r\x1b[K")[-1].startswith("wrote ")  # the progress line is gone before it
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()  # progress changes no byte


def test_a_pdf_is_never_written_to_a_terminal(tmp_path):
    """`-o -` sends the PDF to standard output: to a file or a pipe it goes; to a terminal it
    would be binary on screen (escape sequences among it), so it is refused, exit 2."""
    evidence = tmp_path / "acme.txt"
    evidence.write_text("\n".join(PASSING) + "\n")
    args = [sys.executable, "-m", "buyer", "report", "--guideline", "2030.01", "--evidence", f"Acme={evidence}",
            "--source", str(FIXTURES / "interop"), "--as-of", "2030-01-01", "-o", "-"]  # fmt: skip
    piped = subprocess.run(args, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF-")
    main, terminal = pty.openpty()
    with subprocess.Popen(args, stdout=terminal, stderr=subprocess.PIPE) as run:
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        err = run.stderr.read().decode() if run.stderr else ""
        assert run.wait(timeout=120) == 2
    os.close(main)
    assert b"%PDF" not in seen and b"\x1b" not in seen
    assert err.startswith("buyer: error: a PDF is not shown on a terminal") and len(err.splitlines()) == 1
