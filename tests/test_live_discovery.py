"""Read-only discovery against a real Keystone; credentials from the keyring; the canary secret."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from buyer.cli import main
from buyer.live.credentials import read_secret
from tests.conftest import CANARY, SHARED_INTEROP, assert_secret_not_written, need_shared


@pytest.fixture
def trial(clouds_yaml, memory_keyring):
    memory_keyring.set_password("buyer", "trial", CANARY)
    return clouds_yaml


def discovery(*extra: str) -> list[str]:
    return ["check", "discovery", "--source", str(need_shared(SHARED_INTEROP)), *extra]


def test_discovery_maps_the_catalog_to_requirements(trial, keystone_server, capsys):
    code = main(
        discovery(
            "--os-cloud",
            "trial",
            "--guideline",
            "2020.06",
            "--program",
            "compute",
            "--add-on",
            "dns",
            "--format",
            "json",
        )
    )
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert code == 1  # the DNS add-on fails
    services = {s["type"]: s for s in doc["services"]}
    assert services["identity"]["status"] == "pass"
    assert services["identity"]["endpoint"] == f"{keystone_server.url}/v3/"
    assert services["identity"]["versions"] == ["v3.14"]
    assert services["compute"]["status"] == "unreachable"  # only in the catalog
    assert "dns" not in services
    compute, dns = doc["requirements"]
    assert compute["verdict"] == "not-verified"
    assert compute["reason"] == "services present in the catalog, not yet tested (live discovery)"
    caps = {c["id"]: c for c in compute["capabilities"]}
    assert caps["compute-servers-create"]["note"] == "present, not yet tested"
    assert caps["compute-servers-create"]["state"] == "not-verified"
    assert dns["verdict"] == "fail" and dns["reason"] == "service dns missing from the cloud's catalog (live discovery)"
    assert {c["state"] for c in dns["capabilities"]} == {"fail"}
    # keystoneauth's discovery of the auth URL, the token, then one GET per service, nothing more
    assert doc["requests"] == 2 + len(doc["services"])
    assert CANARY not in out


def test_platform_fails_on_a_missing_object_store(trial, capsys):
    assert main(discovery("--os-cloud", "trial", "--guideline", "2020.06")) == 1
    out = capsys.readouterr().out
    assert "service object-store missing from the cloud's catalog" in out
    assert "identity             pass" in out


def test_admin_token_is_refused_unless_allowed(clouds_yaml, capsys):
    assert main(discovery("--os-cloud", "admin", "--guideline", "2020.06")) == 2
    assert "the token carries the admin role" in capsys.readouterr().err
    assert main(discovery("--os-cloud", "admin", "--guideline", "2020.06", "--allow-admin")) == 1


@pytest.mark.parametrize(
    ("cloud", "message"),
    [
        ("wrong", "cloud wrong: authentication failed: HTTP 401"),
        ("nowhere", "cloud nowhere: cannot reach the auth URL"),
        ("trial", "cloud trial: incomplete credentials"),  # no secret in clouds.yaml, none in the keyring
        ("absent", "clouds.yaml (clouds there: admin, nowhere, trial, wrong)"),
    ],
)
def test_bad_credentials_are_one_line_without_the_secret(clouds_yaml, memory_keyring, cloud, message, capsys):
    assert main(discovery("--os-cloud", cloud, "--guideline", "2020.06")) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert CANARY not in err and "Traceback" not in err


def test_catalog_without_identity_is_refused(trial, keystone_server, capsys):
    identity = next(s for s in keystone_server.api("GET", "/services")["services"] if s["type"] == "identity")
    keystone_server.api("PATCH", f"/services/{identity['id']}", {"service": {"enabled": False}})
    try:
        assert main(discovery("--os-cloud", "trial", "--guideline", "2020.06")) == 2
        assert "the service catalog has no identity service" in capsys.readouterr().err
    finally:
        keystone_server.api("PATCH", f"/services/{identity['id']}", {"service": {"enabled": True}})


def test_credentials_set_and_delete_through_the_keyring(memory_keyring, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(CANARY + "\n"))
    assert main(["credentials", "set", "trial", "--stdin"]) == 0
    assert read_secret("trial") == CANARY
    assert CANARY not in capsys.readouterr().out
    assert main(["credentials", "delete", "trial"]) == 0
    assert read_secret("trial") is None
    assert main(["credentials", "delete", "trial"]) == 0
    assert "no secret stored" in capsys.readouterr().out


def test_the_canary_never_reaches_a_file_buyer_writes(trial, tmp_path, monkeypatch, capsys):
    """Run discovery, save its evidence, evaluate and report with it; grep everything written."""
    saved = tmp_path / "out" / "discovery.json"
    assert (
        main(discovery("--os-cloud", "trial", "--guideline", "2020.06", "--program", "compute", "--save", str(saved)))
        == 3
    )
    report = tmp_path / "out" / "report.pdf"
    assert (
        main(
            [
                "report",
                "--guideline",
                "2020.06",
                "--program",
                "compute",
                "--source",
                str(need_shared(SHARED_INTEROP)),
                "--evidence",
                f"trial={saved}",
                "--evidence-kind",
                "live-discovery",
                "-o",
                str(report),
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert CANARY not in captured.out + captured.err
    written = assert_secret_not_written(CANARY, tmp_path / "out", Path(os.environ["BUYER_CACHE_DIR"]))
    assert saved in written and report in written


def test_a_profile_with_relative_paths_is_read_from_its_own_folder(trial, tmp_path, capsys, monkeypatch):
    """`check` resolves a profile's relative paths (here its SCS scope) against the profile's folder."""
    scope = need_shared(SHARED_INTEROP.parent / "scs" / "scopes" / "scs-compatible-iaas.yaml")
    folder = tmp_path / "rfp"
    folder.mkdir()
    (folder / "iaas.yaml").symlink_to(scope)
    (folder / "p.toml").write_text(
        'name = "p"\n[interop]\nguideline = "2020.06"\nprogram = "compute"\n'
        '[scs]\nscope = "iaas.yaml"\nversion = "v5.1"\n'
    )
    monkeypatch.chdir(tmp_path)  # not the profile's folder
    assert main(discovery("--os-cloud", "trial", "--profile", str(folder / "p.toml"), "--format", "json")) == 3
    doc = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in doc["requirements"]] == ["program", "scs"]
    assert doc["requirements"][1]["verdict"] == "not-verified"  # discovery says nothing of SCS testcases
