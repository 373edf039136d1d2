"""The README's commands, run as written, in a clean shell, as a newcomer would.

The repository is copied to a fresh folder with `shared` beside it; the README's fenced `sh`
blocks run top to bottom in one bash session (so `. .venv/bin/activate` and `export` carry on)
under `env -i PATH=/usr/bin:/bin HOME=…`, the set-up command included (it makes the copy's own
venv). Sources that would be on the internet (RefStack, the Marketplace, the SCS monitor) are a
loopback server serving ../shared/data in their layouts. Each command must end with exit 0, 1 or
3 (2 is bad usage or input), or with what its `# exits N` comment says, and print no traceback.

Skipped, and why:
- the test command (`… pip install -e '.[test]' && … pytest`): it is what runs this test;
- the block that starts with the live-check extras: it needs a live cloud and a keyring.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, need_shared

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
NEEDS_A_CLOUD = ("buyer credentials", "buyer check ", "pip install -e '.[live]'")


def blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


def commands(block: str) -> list[str]:
    """One entry per command: continuation lines joined, blank lines dropped."""
    out: list[str] = []
    pending = ""
    for line in block.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            out.append(full)
    return out


def expected_exit(command: str) -> set[int]:
    found = re.search(r"#\s*exits (\d)", command)
    return {int(found.group(1))} if found else {0, 1, 3}


def runnable(text: str) -> tuple[list[str], list[str]]:
    """(commands to run, in order; commands skipped, with the reason in the module docstring)."""
    run, skipped = [], []
    for block in blocks(text):
        lines = commands(block)
        if any(marker in line for line in lines for marker in NEEDS_A_CLOUD):
            skipped += lines
            continue
        for line in lines:
            if "pip install -e '.[test]'" in line:
                skipped.append(line)
            else:
                run.append(line)
    return run, skipped


@pytest.fixture
def upstream(tmp_path):
    """Loopback RefStack, Marketplace and SCS monitor with a few results to list and sync."""
    import json

    from tests.conftest import FIXTURES
    from tests.servers.upstream import Upstream, UpstreamServer

    summaries, details = [], {}
    for n in range(3):
        rid = f"00000000-0000-4000-8000-{n:012d}"
        created = f"2026-10-0{n + 1} 12:00:00"
        meta = {"guideline": "2020.06.json", "target": "platform"}
        summaries.append(
            {
                "id": rid,
                "created_at": created,
                "duration_seconds": 9,
                "verification_status": n % 2,
                "meta": meta,
                "product_version": None,
            }
        )
        details[rid] = {
            **summaries[-1],
            "results": ["tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token"],
        }
    data = Upstream(
        data=need_shared(SHARED),
        refstack_results=summaries,
        refstack_details=details,
        marketplace=json.loads((FIXTURES / "marketplace" / "listings.json").read_text()),
    )
    with UpstreamServer(data) as server:
        yield server


@pytest.mark.shared
def test_the_readme_runs_as_written_in_a_clean_shell(tmp_path, upstream):
    text = README.read_text()
    run, skipped = runnable(text)
    assert run[0].startswith("python3 -m venv .venv && .venv/bin/pip install -e . && ")  # the set-up command
    assert any("pip install -e '.[test]'" in s for s in skipped)
    assert any(s.startswith("buyer check ") for s in skipped)
    # A fresh copy of the repository, with shared/ beside it, as CI checks it out.
    work = tmp_path / "work"
    clone = work / "buyer"
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "reports", "*.egg-info", ".pytest_cache")
    shutil.copytree(ROOT, clone, ignore=ignore)
    (work / "shared").symlink_to(SHARED.parent)
    script = ["set -u"]
    for n, command in enumerate(run):
        script += [command, f"echo $? > {tmp_path}/rc.{n}"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),  # pip's cache, not the user's data: see below
        "LANG": "C.UTF-8",
        "BUYER_CACHE_DIR": str(tmp_path / "cache"),
        "BUYER_CONFIG_DIR": str(tmp_path / "config"),
        "BUYER_REGISTRY_FILE": str(tmp_path / "registry.toml"),
        "BUYER_REFSTACK_URL": f"{upstream.url}/refstack",
        "BUYER_MARKETPLACE_URL": f"{upstream.url}/marketplace",
        "BUYER_SCS_MONITOR_URL": f"{upstream.url}/scs",
    }
    if not Path("/usr/bin/python3").exists():
        pytest.skip("no /usr/bin/python3 for the clean shell")
    done = subprocess.run(
        ["/bin/bash", "-c", "\n".join(script)], cwd=clone, env=env, capture_output=True, text=True, timeout=1200
    )
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    for n, command in enumerate(run):
        rc_file = tmp_path / f"rc.{n}"
        assert rc_file.exists(), f"never reached: {command}\n{done.stderr[-3000:]}"
        code = int(rc_file.read_text())
        assert code in expected_exit(command), f"{command!r} exited {code}\n{done.stderr[-3000:]}"
    # What the tour says it writes is there.
    assert list((clone / "reports").glob("public-cloud-platform-2020.06-2026-12-01.pdf"))
    assert (clone / "scorecard.json").stat().st_size > 0 and (clone / "rfp-clauses.md").exists()
    assert (clone / "my-rfp.toml").exists()


def test_the_readme_says_which_commands_it_skips_and_why():
    _, skipped = runnable(README.read_text())
    for line in skipped:
        assert "pip install -e '.[test]'" in line or any(marker in line for marker in NEEDS_A_CLOUD), line
    assert sys.executable  # the skip reasons are this module's docstring


def test_the_readme_names_every_setting_and_no_other():
    """Settings have one owner (buyer/config.py); the README tells every one and invents none."""
    from buyer.config import SETTINGS

    text = README.read_text()
    known = {s.env for s in SETTINGS}
    assert known <= set(re.findall(r"BUYER_[A-Z_]+", text))
    assert set(re.findall(r"`(BUYER_[A-Z_]+)`", text)) <= known
    for s in SETTINGS:
        if s.default.isdigit() or s.default.startswith(("https://", "2a71")):
            assert s.default in text, s.env
