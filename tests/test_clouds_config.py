"""A clouds.yaml (or secure.yaml) that openstacksdk would skip, trip on or wait on is told at its
line or field, exit 2, one line, nothing of it quoted: no Keystone is needed to find out."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from buyer.cli import main
from tests.conftest import CANARY

GOOD = "clouds:\n  trial:\n    auth:\n      auth_url: http://127.0.0.1:9/v3\n      username: u\n"


@pytest.fixture
def config(tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith("OS_")]:
        monkeypatch.delenv(key)
    path = tmp_path / "clouds.yaml"
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    return path


def run(capsys, cloud: str = "trial") -> tuple[int, str]:
    code = main(["check", "discovery", "--os-cloud", cloud])
    out = capsys.readouterr()
    assert CANARY not in out.out + out.err
    assert "Traceback" not in out.err
    return code, out.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "clouds:\n  trial:\n    auth: [1]\n",
            r"clouds.yaml: field 'clouds.trial.auth': should be a mapping .*not a list",
        ),
        ("clouds:\n  trial:\n    auth: 5\n", r"field 'clouds.trial.auth': should be a mapping .*not a number"),
        ("clouds:\n  trial:\n    auth:\n      auth_url: 5\n", r"field 'clouds.trial.auth.auth_url': should be text"),
        ("clouds:\n  - trial\n", r"field 'clouds': should be a mapping of cloud names to settings, not a list"),
        ("clouds:\n  trial: 5\n", r"field 'clouds.trial': should be a mapping of settings, not a number"),
        ("- trial\n", r"clouds.yaml: should be a mapping with a 'clouds' key, not a list"),
        (f"clouds:\n  trial:\n    auth: [{CANARY}\n", r"clouds.yaml:4:1: not valid YAML"),
        (f"clouds:\n  trial:\n    auth:\n      password: {CANARY}\n\tuser: x\n", r"clouds.yaml:5:1: not valid YAML"),
        (GOOD + "---\n" + GOOD, r"clouds.yaml: holds several YAML documents"),
        (
            "clouds:\n  other: {}\n  more: {}\n",
            r"cloud trial: not in .*clouds.yaml \(clouds there: more, other\)",
        ),
        ("cloud:\n  trial: {}\n", r"cloud trial: not in .*clouds.yaml \(it defines none\)"),
    ],
)
def test_a_clouds_file_the_sdk_cannot_use_is_told_at_its_place(config, capsys, text, expected):
    config.write_text(text)
    code, err = run(capsys)
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert re.search(expected, err), err


def test_a_broken_secure_file_is_named(config, tmp_path, monkeypatch, capsys):
    config.write_text(GOOD)
    secure = tmp_path / "secure.yaml"
    secure.write_text(f"clouds:\n  trial:\n    auth:\n      password: [{CANARY}\n")
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(secure))
    code, err = run(capsys)
    assert code == 2 and "secure.yaml:5:1: not valid YAML" in err, err


def test_a_clouds_file_that_is_a_fifo_is_refused_without_waiting(config, tmp_path):
    """openstacksdk opens it and waits for a writer for ever."""
    os.mkfifo(config)
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(config)}
    ran = subprocess.run(
        [sys.executable, "-m", "buyer", "check", "discovery", "--os-cloud", "trial"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 2
    assert ran.stderr.strip().endswith("clouds.yaml: is not a regular file (a FIFO, a device or a socket); give a file")


def test_no_clouds_file_anywhere_says_where_it_was_looked_for(config, monkeypatch, capsys):
    from openstack.config import loader

    monkeypatch.setattr(loader, "CONFIG_FILES", [str(config.with_name("elsewhere.yaml"))])
    monkeypatch.setattr(loader, "SECURE_FILES", [])
    code, err = run(capsys)
    assert code == 2
    assert f"cloud trial: no clouds.yaml found (looked in {config} (OS_CLIENT_CONFIG_FILE), the working folder" in err
