"""End to end in a real terminal: tmux runs `buyer tui`, keys drive it, the pane is read back."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import SHARED_INTEROP, need_shared

ROOT = Path(__file__).parent.parent
PROFILE = ROOT / "requirements_profiles" / "public-cloud-platform-2020.06.toml"


# A tmux server of our own: its own socket, no tmux.conf.
SOCKET = f"buyer-e2e-{os.getpid()}"
SIZE = (120, 40)


def tmux_command(*args: str) -> list[str]:
    return ["tmux", "-L", SOCKET, "-f", "/dev/null", *args]


def server_environment() -> dict[str, str]:
    # pytest imports readline, and GNU readline exports COLUMNS=80 and LINES=24 into the C
    # environment (not os.environ). A tmux server started with it hands them to the pane,
    # and textual believes them over the pane's real size.
    return {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


@pytest.fixture
def tmux():
    if not shutil.which("tmux"):
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: .ci/run installs it")
        pytest.skip("tmux is not installed")
    yield "e2e"
    subprocess.run(tmux_command("kill-server"), capture_output=True)


def pane(session: str, history: bool = False) -> str:
    """The screen as it is; with ``history``, everything scrolled off it too (a traceback's top)."""
    start = ["-S", "-"] if history else []
    return subprocess.run(
        tmux_command("capture-pane", "-p", *start, "-t", session), capture_output=True, text=True
    ).stdout


def pane_size(session: str) -> tuple[int, int]:
    out = subprocess.run(
        tmux_command("display", "-p", "-t", session, "#{window_width} #{window_height}"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    width, height = out.split()
    return int(width), int(height)


def wait_for(session: str, pattern: str, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        screen = pane(session)
        if re.search(pattern, screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"never saw {pattern!r}; the {pane_size(session)} pane shows:\n{pane(session, history=True)}")


def keys(session: str, *names: str) -> None:
    for name in names:
        subprocess.run(tmux_command("send-keys", "-t", session, name), check=True)
        time.sleep(0.15)


def type_text(session: str, text: str) -> None:
    subprocess.run(tmux_command("send-keys", "-t", session, "-l", text), check=True)
    time.sleep(0.15)


def start_buyer(session: str, folder: Path, size: tuple[int, int]) -> None:
    env = {
        "BUYER_INTEROP_URL": str(need_shared(SHARED_INTEROP)),
        "BUYER_CACHE_DIR": str(folder / "cache"),
        "BUYER_CONFIG_DIR": str(folder / "config"),
        "BUYER_REGISTRY_FILE": str(folder / "registry.toml"),
        "TERM": "xterm-256color",
    }
    command = " ".join(
        [
            "env",
            *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
            shlex.quote(str(Path(sys.executable).parent / "buyer")),
        ]
    )
    width, height = (str(n) for n in size)
    # remain-on-exit: if buyer dies, its last screen (a traceback, say) stays to be read.
    subprocess.run(
        tmux_command(
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            width,
            "-y",
            height,
            "-c",
            str(folder),
            command,
            ";",
            "set-option",
            "-t",
            session,
            "remain-on-exit",
            "on",
        ),
        check=True,
        env=server_environment(),
    )
    assert pane_size(session) == size


def running(session: str) -> bool:
    """buyer still runs in the pane (the pane itself stays after it exits: remain-on-exit)."""
    out = subprocess.run(
        tmux_command("display", "-p", "-t", session, "#{pane_dead}"), capture_output=True, text=True
    ).stdout
    return out.strip() == "0"


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x40", "80x24"])
def test_a_buyer_edits_exports_adds_a_vendor_and_is_asked_before_losing_work(tmux, tmp_path, size):
    # The example profile and its evidence, copied: saving must not touch the repository's files.
    work = tmp_path / "rfp"
    shutil.copytree(PROFILE.parent, work)
    profile = work / PROFILE.name
    start_buyer(tmux, tmp_path, size)
    wait_for(tmux, r"New requirements")
    keys(tmux, "C-o")  # no path yet: buyer says so and puts the cursor in the path field
    wait_for(tmux, r"give the profile file's path first")
    type_text(tmux, str(profile))
    keys(tmux, "C-o")
    wait_for(tmux, r"Regional public cloud IaaS")
    # an edit: after loading, the name field has the focus; the header says it is not saved
    type_text(tmux, " v2")
    wait_for(tmux, r"unsaved")
    keys(tmux, "F4")
    screen = wait_for(tmux, r"Citadel Compute", 60)
    assert "Acme Public Cloud" in screen and "Borealis Cloud" in screen
    assert re.search(r"[✓✗?] (pass|fail|not verified)", screen)
    # export with the edit unsaved: asked first; Save, and the PDF quotes the saved file's hash
    keys(tmux, "F6")
    wait_for(tmux, r"Prepared by")
    keys(tmux, "C-e")
    wait_for(tmux, r"Unsaved changes")
    keys(tmux, "Enter")  # Save has the focus
    deadline = time.monotonic() + 90
    while not list((tmp_path / "reports").glob("*.pdf")):
        assert time.monotonic() < deadline, f"no PDF was written; the pane shows:\n{pane(tmux)}"
        time.sleep(0.2)
    pdfs = list((tmp_path / "reports").glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    # the screen quotes the file's SHA-256 (a toast may cover the end of a line at 80 columns)
    wait_for(tmux, hashlib.sha256(pdfs[0].read_bytes()).hexdigest()[:20], 30)
    saved = profile.read_bytes()
    assert b"Regional public cloud IaaS, 2027-2030 v2" in saved
    digest = hashlib.sha256(saved).hexdigest()
    text = pdf_text(pdfs[0])
    assert digest[:32] in text and digest[32:] in text
    # n then e: the evidence goes to the product just added
    keys(tmux, "F3")
    wait_for(tmux, r"Shortlist")
    keys(tmux, "n")
    wait_for(tmux, r"A product listed nowhere")
    type_text(tmux, "Newco Cloud")
    keys(tmux, "Enter")
    wait_for(tmux, r"Newco Cloud is on the shortlist")
    keys(tmux, "e")
    wait_for(tmux, r"Evidence for Newco Cloud")
    type_text(tmux, str(work / "evidence" / "borealis-passed-tests.txt"))
    keys(tmux, "Enter")
    wait_for(tmux, r"evidence added to Newco Cloud")
    # ctrl+q with the edit unsaved asks; escape keeps working
    keys(tmux, "C-q")
    wait_for(tmux, r"Unsaved changes")
    keys(tmux, "Escape")
    time.sleep(0.5)
    assert running(tmux)
    keys(tmux, "C-q")
    wait_for(tmux, r"Unsaved changes")
    keys(tmux, "Enter")  # Save, then quit
    deadline = time.monotonic() + 15
    while running(tmux):
        assert time.monotonic() < deadline, "buyer did not quit after saving"
        time.sleep(0.2)
    shortlist = tomllib.loads(profile.read_text())["shortlist"]
    newco = next(p for p in shortlist if p["name"] == "Newco Cloud")
    assert [e["file"] for e in newco["evidence"]] == ["evidence/borealis-passed-tests.txt"]
    acme = next(p for p in shortlist if p["name"] == "Acme Public Cloud")
    assert [e["file"] for e in acme["evidence"]] == ["evidence/acme-public-cloud.refstack.json"]
