"""`buyer credentials` against a real keyring: gnome-keyring's Secret Service under a private
D-Bus session (shared/docs/live-keystone.md §2), driven through the CLI as a user would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import CANARY, assert_secret_not_written


@pytest.fixture
def session_tools():
    missing = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(t)]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing: .ci/run installs gnome-keyring")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install gnome-keyring)")


def test_store_read_and_delete_a_secret_in_gnome_keyring(session_tools, tmp_path):
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    buyer = f"{shlex.quote(sys.executable)} -m buyer"
    read_back = f"{shlex.quote(sys.executable)} -c 'from buyer.live.credentials import read_secret; print(read_secret(\"trial\"))'"
    script = textwrap.dedent(f"""\
        set -e
        printf unlock-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        printf '%s\\n' {shlex.quote(CANARY)} | {buyer} credentials set trial --stdin
        echo "read: $({read_back})"
        {buyer} credentials delete trial
        echo "after delete: $({read_back})"
        """)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_RUNTIME_DIR": str(runtime),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "stored the secret for cloud trial in the keyring" in done.stdout
    assert f"read: {CANARY}" in done.stdout
    assert "deleted the secret for cloud trial" in done.stdout and "after delete: None" in done.stdout
    # buyer printed the secret only where this test asked for it back; the keyring's file is its own.
    assert done.stdout.count(CANARY) == 1 and CANARY not in done.stderr
    assert_secret_not_written(CANARY, home / ".config", home / ".cache")


def test_no_keyring_backend_is_one_clear_line(tmp_path):
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "buyer", "credentials", "set", "trial", "--stdin"],
        input=CANARY + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no keyring backend is available" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and CANARY not in done.stderr
