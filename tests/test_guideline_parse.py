"""The guideline parser on small fixtures: every schema, every tolerated quirk, clear errors."""

from __future__ import annotations

import json

import pytest

from buyer.errors import InputError
from buyer.formats.guideline_json import parse_guideline
from buyer.model.guideline import ProgramKind, Status
from buyer.model.testlist import refstack_test_lines
from tests.conftest import FIXTURES

GUIDELINES = FIXTURES / "interop" / "guidelines"


def load(name: str):
    path = GUIDELINES / name
    return parse_guideline(path.read_bytes(), str(path), file_id=path.stem)


def test_schema_20_core_programs_components_and_quirks():
    g = load("2030.01.json")
    assert (g.id, g.schema, g.status, g.cutoff_score) == ("2030.01", "2.0", "approved", 74)
    assert set(g.programs) == {"platform", "compute", "storage"}
    assert g.programs["platform"].components == ("os_powered_compute", "os_powered_storage")
    servers = g.capabilities["compute-servers"]
    # misspelt "descriptin" and dashed "required-since" are read
    assert servers.description == "Create and list servers"
    assert servers.required_since == "2029.06"
    test_list = servers.tests[1]
    assert test_list.idempotent_id == "22222222-2222-4222-8222-222222222222"
    assert test_list.id_token == "id-22222222-2222-4222-8222-222222222222"
    assert test_list.aliases == ("tempest.api.compute.servers.test_servers.ServersTest.test_list",)
    assert servers.tests[2].flag is not None
    assert servers.tests[2].flag.reason.startswith("D401")
    copy = g.capabilities["objects"].tests[1]
    assert copy.flagged and copy.flag.reason == "[D403] needs an optional feature"
    assert g.test_repositories == {"tempest": "abc123"}


def test_dangling_capability_counts_as_empty():
    g = load("2030.01.json")
    statuses = g.capability_status("platform")
    assert statuses["ghost-cap"] is Status.REQUIRED
    ghost = g.capability("ghost-cap")
    assert not ghost.defined and ghost.tests == ()


def test_best_status_wins_across_components_but_not_within_one():
    g = load("2030.01.json")
    # shared-cap is required in compute and advisory in storage
    assert g.capability_status("platform")["shared-cap"] is Status.REQUIRED
    assert g.capability_status("storage")["shared-cap"] is Status.ADVISORY


def test_schema_12_capability_level_flags_and_programs():
    g = load("2014.01.json")
    assert g.schema == "1.2"
    assert g.programs["platform"].components == ("compute", "object")
    assert g.programs["storage"].components == ("object",)
    assert g.programs["compute"].last_status_wins
    auth = g.capabilities["compute-auth"]
    flaky = next(t for t in auth.tests if t.name.endswith("test_flaky"))
    assert flaky.flagged and flaky.idempotent_id is None
    lines = refstack_test_lines(g, "compute", flagged=False)
    # schema 1.2 lines carry no id; the flagged test is left out
    assert lines == [
        "tempest.api.compute.test_auth.AuthTest.test_login",
        "tempest.api.compute.test_extras.ExtrasTest.test_extra",
    ]


def test_schema_15_ids_and_string_cutoff():
    g = load("2014.07.json")
    assert g.cutoff_score == 74
    assert g.test_repositories == {"tempest": "deadbeef"}
    login = g.capabilities["compute-auth"].tests[0]
    assert login.idempotent_id == "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"


def test_add_on_program_and_bare_ids():
    path = FIXTURES / "interop" / "add-ons" / "guidelines" / "dns.2030.01.json"
    g = parse_guideline(path.read_bytes(), str(path), file_id="dns.2030.01")
    assert g.is_add_on and g.family == "dns" and g.version == "2030.01"
    prog = g.programs["dns"]
    assert prog.kind is ProgramKind.ADD_ON
    assert prog.required_platform_components == ("os_powered_compute",)
    lines = refstack_test_lines(g, "dns")
    assert lines[0].endswith("[9d2e20fc-e56f-4a62-9c61-9752a9ec615c]")


def test_file_name_is_the_id_when_metadata_disagrees():
    doc = json.loads((GUIDELINES / "2030.01.json").read_text())
    doc["metadata"]["id"] = "next"
    g = parse_guideline(json.dumps(doc), "x.json", file_id="2030.01")
    assert g.id == "2030.01" and g.declared_id == "next"


def test_test_under_two_capabilities_is_listed_twice():
    g = load("2030.01.json")
    lines = refstack_test_lines(g, "platform", [Status.REQUIRED])
    twice = "tempest.api.object_storage.test_objects.ObjectTest.test_upload_segments[id-55555555-5555-4555-8555-555555555555]"
    assert lines.count(twice) == 2
    # with aliases on, the alias line carries the same id
    assert (
        "tempest.api.compute.servers.test_servers.ServersTest.test_list[id-22222222-2222-4222-8222-222222222222]"
        in lines
    )
    assert len(refstack_test_lines(g, "platform", [Status.REQUIRED], aliases=False)) == len(lines) - 1


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("capabilities"), "field 'capabilities': missing"),
        (
            lambda d: d["metadata"].__setitem__("schema", "3.1"),
            "field 'metadata.schema': unsupported guideline schema '3.1'",
        ),
        (lambda d: d.__setitem__("components", []), "field 'components': expected an object, got an array"),
        (
            lambda d: d["capabilities"]["objects"]["tests"].__setitem__("t.x", []),
            "field 'capabilities.objects.tests.t.x': expected an object, got an array",
        ),
        (
            lambda d: d["platforms"]["OpenStack Powered Compute"]["components"].append({"name": "nope"}),
            "names component 'nope', which is not defined",
        ),
    ],
)
def test_broken_guideline_names_file_and_field(mutate, expected):
    doc = json.loads((GUIDELINES / "2030.01.json").read_text())
    mutate(doc)
    with pytest.raises(InputError) as err:
        parse_guideline(json.dumps(doc), "broken.json")
    assert str(err.value).startswith("broken.json")
    assert expected in str(err.value)


def test_truncated_guideline_gives_line_and_column():
    text = (GUIDELINES / "2030.01.json").read_text()[:500]
    with pytest.raises(InputError) as err:
        parse_guideline(text, "cut.json")
    assert err.value.line is not None and err.value.column is not None
    assert str(err.value).startswith(f"cut.json:{err.value.line}:{err.value.column}: not valid JSON")


def test_the_schemas_flag_spelling_flags_nothing_as_in_refstack():
    """RefStack flags a test only when its "flagged" key is there; the 2.0 schema's "flag" spelling
    is ignored, so the test still counts (reading it as a flag would excuse a missing test)."""
    doc = json.loads((GUIDELINES / "2030.01.json").read_text())
    details = doc["capabilities"]["objects"]["tests"]["tempest.api.object_storage.test_objects.ObjectTest.test_copy"]
    details["flag"] = details.pop("flagged")
    g = parse_guideline(json.dumps(doc).encode(), "2030.01.json", file_id="2030.01")
    test = g.capabilities["objects"].tests[1]
    assert not test.flagged and test.flag is None
