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


def pane(session: str) -> str:
    return subprocess.run(tmux_command("capture-pane", "-p", "-t", session), capture_output=True, text=True).stdout


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
    raise AssertionError(f"never saw {pattern!r}; the {pane_size(session)} pane shows:\n{pane(session)}")


def keys(session: str, *names: str) -> None:
    for name in names:
        subprocess.run(tmux_command("send-keys", "-t", session, name), check=True)
        time.sleep(0.15)


def type_text(session: str, text: str) -> None:
    subprocess.run(tmux_command("send-keys", "-t", session, "-l", text), check=True)
    time.sleep(0.15)


def test_evaluate_an_example_profile_and_export_the_pdf(tmux, tmp_path):
    env = {
        "BUYER_INTEROP_URL": str(need_shared(SHARED_INTEROP)),
        "BUYER_CACHE_DIR": str(tmp_path / "cache"),
        "BUYER_CONFIG_DIR": str(tmp_path / "config"),
        "BUYER_REGISTRY_FILE": str(tmp_path / "registry.toml"),
        "TERM": "xterm-256color",
    }
    command = " ".join(
        [
            "env",
            *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
            shlex.quote(str(Path(sys.executable).parent / "buyer")),
        ]
    )
    width, height = (str(n) for n in SIZE)
    subprocess.run(
        tmux_command("new-session", "-d", "-s", tmux, "-x", width, "-y", height, "-c", str(tmp_path), command),
        check=True,
        env=server_environment(),
    )
    assert pane_size(tmux) == SIZE
    wait_for(tmux, r"New requirements")
    keys(tmux, "C-o")  # no path yet: buyer says so and puts the cursor in the path field
    wait_for(tmux, r"give the profile file's path first")
    type_text(tmux, str(PROFILE))
    keys(tmux, "C-o")
    # the message under the form comes into view: "loaded", the path on the next line (its end
    # may sit under the toast of the first ctrl+o)
    screen = wait_for(tmux, r"loaded(?:[^\n]*\n)? /")
    assert "OpenStack Powered Platform 2020.06" in screen and "shortlist: 3 products" in screen
    keys(tmux, "F4")
    screen = wait_for(tmux, r"Citadel Compute")
    assert "Acme Public Cloud" in screen and "Borealis Cloud" in screen
    assert re.search(r"[✓✗?] (pass|fail|not-verified)", screen)
    assert "DNS add-on 2020.06" in screen and "Orchestration add-on" in screen
    keys(tmux, "F6")
    wait_for(tmux, r"Prepared by")
    keys(tmux, "Tab", "Tab", "Tab", "Enter")  # format → file → prepared by → Export
    screen = wait_for(tmux, r"SHA-256 [0-9a-f]{64}", 60)
    pdfs = list((tmp_path / "reports").glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    digest = hashlib.sha256(pdfs[0].read_bytes()).hexdigest()
    assert digest in screen.replace("\n", "")
    keys(tmux, "C-q")
    deadline = time.monotonic() + 15
    while subprocess.run(tmux_command("has-session", "-t", tmux), capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "buyer did not quit on ctrl+q"
        time.sleep(0.2)
