"""Every real upstream guideline and add-on file loads; counts and test lists match upstream."""

from __future__ import annotations

import pytest

from buyer.model.guideline import Status
from buyer.model.testlist import refstack_test_lines
from tests.conftest import SHARED_INTEROP, SHARED_LIVE, need_shared


def required_counts(g, program):
    status = g.capability_status(program)
    caps = [c for c, s in status.items() if s is Status.REQUIRED]
    names = {t.name for c in caps for t in g.capability(c).tests}
    flagged = sum(t.flagged for c in caps for t in g.capability(c).tests)
    return len(caps), len(names), flagged


def test_every_real_file_loads(shared_catalogue):
    files = sorted(p.name for p in (SHARED_INTEROP / "guidelines").glob("*.json"))
    files += sorted(p.name for p in (SHARED_INTEROP / "add-ons" / "guidelines").glob("*.json"))
    assert len(shared_catalogue) == len(files) == 26
    schemas = {gid: shared_catalogue[gid].schema for gid in shared_catalogue}
    assert {schemas[g] for g in ("2015.03", "2015.04", "2015.05")} == {"1.2"}
    assert {schemas[g] for g in ("2015.07", "2016.01")} == {"1.5"}
    assert {schemas[g] for g in ("2016.08", "2017.01", "2017.09")} == {"1.6"}
    assert schemas["2020.06"] == schemas["dns.2020.06"] == "2.0"
    for gid in shared_catalogue:
        g = shared_catalogue[gid]
        assert g.programs, gid
        for key in g.programs:
            assert g.capability_status(key), (gid, key)


@pytest.mark.parametrize(
    ("program", "caps", "tests", "flagged"),
    [("platform", 78, 284, 11), ("compute", 60, 228, 11), ("storage", 20, 58, 0)],
)
def test_2020_06_counts(shared_catalogue, program, caps, tests, flagged):
    assert required_counts(shared_catalogue["2020.06"], program) == (caps, tests, flagged)


def test_add_on_sizes_and_anomalies(shared_catalogue):
    dns = shared_catalogue["dns.2020.06"]
    assert required_counts(dns, "dns") == (2, 10, 0)
    assert required_counts(shared_catalogue["orchestration.2020.06"], "orchestration")[:2] == (23, 60)
    # orchestration.2018.02 declares the id "orchestration.next"; the file name wins
    odd = shared_catalogue["orchestration.2018.02"]
    assert odd.id == "orchestration.2018.02" and odd.declared_id == "orchestration.next"
    assert shared_catalogue["next"].is_draft


def test_dangling_references_in_real_files(shared_catalogue):
    g = shared_catalogue["2018.02"]
    assert not g.capability("volumes-v2-attach-detach").defined


def test_test_list_matches_refstack_line_for_line(shared_catalogue):
    g = shared_catalogue["2020.06"]
    lines = refstack_test_lines(g, "platform", [Status.REQUIRED], aliases=True, flagged=False)
    assert (len(lines), len(set(lines))) == (377, 375)
    no_alias = refstack_test_lines(g, "platform", [Status.REQUIRED], aliases=False, flagged=False)
    assert (len(no_alias), len(set(no_alias))) == (275, 273)
    # the real RefStack 2.1.0 server's answer for target=platform&type=required (flags on)
    served = (need_shared(SHARED_LIVE) / "guideline-2020.06-platform-required.refstack-api.txt").read_text()
    assert refstack_test_lines(g, "platform", [Status.REQUIRED]) == served.splitlines()


def test_schema_12_real_flags_are_capability_level(shared_catalogue):
    g = shared_catalogue["2015.03"]
    flagged = [t.name for c in g.capabilities.values() for t in c.tests if t.flagged]
    assert "tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_reboot_server_soft" in flagged
    assert all(not line.endswith("]") for line in refstack_test_lines(g, "platform"))
