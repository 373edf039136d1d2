"""A real tempest run of identity capability tests from a real guideline, against the real Keystone."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from buyer.cli import main
from buyer.live.tempest import resolve_tests
from tests.conftest import CANARY, SHARED_INTEROP, SHARED_LIVE, assert_secret_not_written, need_shared
from tests.peers.keystone import ADMIN_PASSWORD
from tests.peers.refstack import PEERS_DIR

TEMPEST = PEERS_DIR / "tempest" / "bin" / "tempest"


@pytest.fixture
def tempest(monkeypatch):
    if not TEMPEST.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the tempest peer must run in CI: {TEMPEST} is missing")
        pytest.skip(f"{TEMPEST} not found (run tests/peers/install.sh tempest)")
    monkeypatch.setenv("BUYER_TEMPEST", str(TEMPEST))
    return TEMPEST


def tempest_check(cloud: str, workspace, *extra: str) -> list[str]:
    """`buyer check tempest` on the 2020.06 Compute requirements against the loopback Keystone."""
    admin = ["--allow-admin"] if cloud == "admin" else []
    return [
        "check",
        "tempest",
        "--os-cloud",
        cloud,
        *admin,
        "--workspace",
        str(workspace),
        "--guideline",
        "2020.06",
        "--program",
        "compute",
        "--source",
        str(need_shared(SHARED_INTEROP)),
        *extra,
    ]


def test_guideline_names_resolve_to_tempest_ids_by_uuid():
    live = need_shared(SHARED_LIVE)
    guideline_style = (live / "identity-handful.guideline-style-ids.txt").read_text().splitlines()
    listed = (live / "identity-handful.tests.txt").read_text().splitlines()
    resolved, unresolved = resolve_tests(guideline_style, listed)
    assert sorted(resolved) == sorted(listed) and unresolved == []
    # an alias (old path) with the same id resolves to the same full id
    old = "tempest.api.identity.v3.TestApiDiscovery.test_api_media_types[id-657c1970-4722-4189-8831-7325f3bc4265]"
    assert resolve_tests([old], listed)[0] == [next(x for x in listed if "657c1970" in x)]


def test_tempest_run_of_identity_capabilities_scores(tempest, clouds_yaml, tmp_path, capsys):
    workspace = tmp_path / "ws"
    runs = ["--run-capability", "identity-v3-tokens-create", "--run-capability", "identity-v3-api-discovery"]
    code = main(tempest_check("admin", workspace, *runs, "--format", "json"))
    captured = capsys.readouterr()
    assert captured.out, captured.err
    doc = json.loads(captured.out)
    assert code == 1, captured.err  # the rest of the program was not run: it fails as the evidence says
    caps = {c["id"]: c for c in doc["requirements"][0]["capabilities"]}
    for cap in ("identity-v3-tokens-create", "identity-v3-api-discovery"):
        assert caps[cap]["state"] == "pass", caps[cap]
        assert caps[cap]["passed"] == caps[cap]["tests"] > 0
    assert caps["compute-servers-create"]["state"] == "fail"
    assert doc["resolved"] == doc["planned"]
    exchanged = json.loads((workspace / "buyer-run.refstack.json").read_text())
    assert set(exchanged) == {"cpid", "duration_seconds", "results"}
    assert all("uuid" in r for r in exchanged["results"])
    ran = caps["identity-v3-tokens-create"]["passed"] + caps["identity-v3-api-discovery"]["passed"]
    assert len(exchanged["results"]) == ran == 4
    # the saved JSON is evidence a vendor and a buyer can exchange: it scores the same
    assert (
        main(
            [
                "evaluate",
                "--guideline",
                "2020.06",
                "--program",
                "compute",
                "--source",
                str(need_shared(SHARED_INTEROP)),
                "--evidence",
                f"x={workspace / 'buyer-run.refstack.json'}",
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "buyer-run.refstack.json (self-reported, refstack-client-json" in out and "✗ fail" in out
    assert_secret_not_written(ADMIN_PASSWORD, workspace)


def test_member_account_run_leaves_no_secret_behind(tempest, clouds_yaml, memory_keyring, tmp_path, capsys):
    memory_keyring.set_password("buyer", "trial", CANARY)
    workspace = tmp_path / "ws"
    code = main(tempest_check("trial", workspace, "--run-capability", "identity-v3-api-discovery"))
    captured = capsys.readouterr()
    assert code == 1 and CANARY not in captured.out + captured.err
    assert_secret_not_written(CANARY, workspace)


def test_cancel_leaves_no_process_behind(tempest, clouds_yaml, tmp_path):
    from buyer.live.clouds import open_cloud
    from buyer.live.tempest import TempestRunner
    from buyer.model.guideline import Status
    from buyer.model.testlist import refstack_test_lines
    from buyer.sources.catalogue import Catalogue

    g = Catalogue(need_shared(SHARED_INTEROP))["2020.06"]
    lines = refstack_test_lines(g, "platform", [Status.REQUIRED], flagged=False)
    runner = TempestRunner(open_cloud("admin"), tmp_path / "ws", allow_admin=True)
    errors: list[BaseException] = []

    def go() -> None:
        try:
            runner.run(lines)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=go)
    thread.start()
    deadline = time.monotonic() + 60
    while runner.pid is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # tempest and its workers are starting
    pid = runner.pid
    assert pid is not None
    runner.cancel()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert errors and "cancelled" in str(errors[0])
    deadline = time.monotonic() + 10
    while live_members(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_members(pid) == []  # tempest and every worker it started are gone


def live_members(pgid: int) -> list[int]:
    """Processes of a process group that still run (zombies waiting to be reaped do not)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            found.append(int(stat.parent.name))
    return found


def test_an_scs_test_list_runs_instead_of_a_guideline(tempest, clouds_yaml, tmp_path, capsys):
    """scs-0128 is a tempest run over a fixed list; `--test-list` takes it (here: its identity lines)."""
    e2e = need_shared(SHARED_INTEROP.parent / "scs" / "e2e" / "tempest-tests-non-admin.lst").read_text().splitlines()
    identity = [line for line in e2e if ".identity.v3.test_api_discovery." in line]
    assert identity, "the SCS list holds identity API discovery tests"
    listed = tmp_path / "scs.lst"
    listed.write_text("\n".join(identity) + "\n")
    code = main(tempest_check("admin", tmp_path / "ws", "--test-list", str(listed), "--format", "json"))
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["planned"] == doc["resolved"] == len(identity)
    caps = {c["id"]: c for c in doc["requirements"][0]["capabilities"]}
    assert caps["identity-v3-api-discovery"]["state"] == "pass"
    missing = tmp_path / "absent.lst"
    assert main(tempest_check("admin", tmp_path / "ws2", "--test-list", str(missing))) == 2
    assert "absent.lst: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["volumev2", "block-store"])
def test_a_volume_service_under_any_catalog_name_tells_tempest_cinder_is_there(
    tempest, keystone_server, tmp_path, monkeypatch, kind
):
    """The tempest runner asks the model which catalog types provide a service, as scoring does:
    a cloud whose volume service is `volumev2` or `block-store` gets cinder = true."""
    from buyer.live.clouds import open_cloud
    from buyer.live.tempest import TempestRunner

    region = f"Region-{kind}"
    keystone_server.add_region(region)
    keystone_server.add_service(kind, f"cinder-{kind}", "http://127.0.0.1:9/v2", region=region)
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  only-volume:\n    auth:\n"
        f"      auth_url: {keystone_server.auth_url}\n      username: admin\n      project_name: admin\n"
        f"      user_domain_name: Default\n      project_domain_name: Default\n      password: {ADMIN_PASSWORD}\n"
        f"    region_name: {region}\n    identity_api_version: 3\n"
    )
    for key in [k for k in os.environ if k.startswith("OS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    runner = TempestRunner(open_cloud("only-volume"), tmp_path / "ws", allow_admin=True)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    conf, _ = runner.prepare(secrets)
    import configparser

    parsed = configparser.ConfigParser()
    parsed.read(conf)
    available = dict(parsed["service_available"])
    assert available["cinder"] == "true"
    assert available["nova"] == "false"  # nothing else has an endpoint in that region


def test_twins_with_one_id_each_run_under_their_own_names():
    """2020.06 lists ServersTestJSON and ServersTestManualDisk tests that share ids: each runs under
    its own name (what RefStack scores), not both as the first test tempest lists with that id."""
    uuid = "9a438d88-10c6-4bcd-8b5b-5b6e25e1346f"
    base = "tempest.api.compute.servers.test_create_server."
    listed = [
        f"{base}ServersTestBootFromVolume.test_list_servers[id-{uuid}]",
        f"{base}ServersTestJSON.test_list_servers[id-{uuid}]",
        f"{base}ServersTestManualDisk.test_list_servers[id-{uuid}]",
    ]
    wanted = [
        f"{base}ServersTestJSON.test_list_servers[id-{uuid}]",
        f"{base}ServersTestManualDisk.test_list_servers[id-{uuid}]",
    ]
    resolved, unresolved = resolve_tests(wanted, listed)
    assert resolved == listed[1:] and unresolved == []
    # a name tempest no longer has runs every test that carries its id
    renamed = [f"{base}OldPlace.test_list_servers[id-{uuid}]"]
    assert resolve_tests(renamed, listed) == (listed, [])
