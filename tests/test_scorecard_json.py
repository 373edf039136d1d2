"""The JSON writer's fast path (tests written from fragments encoded once) gives exactly the JSON
that building every capability and test object gives; streamed output parses as one document."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from buyer import actions
from buyer.model.profile import EvidencePolicy, InteropRequirement, Product, Profile
from buyer.model.scoring import evaluate
from buyer.report import scorecard_json as sj
from tests.conftest import AS_OF, FIXTURES, evidence

C1 = "tempest.api.compute.servers.test_servers.ServersTest.test_create"
C2 = "tempest.api.compute.servers.test_list.ListTest.test_list"
I1 = "tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token"
S1_TWICE = "tempest.api.object_storage.test_objects.ObjectTest.test_upload_segments"
ALL_NON_FLAGGED = [C1, C2, I1, S1_TWICE]  # the fixture guideline 2030.01's required, non-flagged tests

ROOT = FIXTURES.parent.parent


def by_objects(card) -> dict:
    """The document as the slow path builds it: every capability and test as an object."""
    doc = {**sj._header(card), "products": []}
    for product in card.products:
        entry = sj._product(product)
        for req, out in zip(product.requirements, entry["requirements"], strict=True):
            out["capabilities"] = [sj._capability(c, req.scored) for c in req.capabilities]
        doc["products"].append(entry)
    return json.loads(json.dumps(doc))


def cards(catalogue):
    renamed = "tempest.api.compute.servers.test_new_place.ServersTest.test_create"
    ids = {renamed: "11111111-1111-4111-8111-111111111111"}
    profile = Profile(
        name="fast path",
        interop=InteropRequirement(guideline="2030.01", add_ons=["dns"]),
        evidence_policy=EvidencePolicy(max_age_days=365),
        shortlist=[Product(name=n) for n in ("pass", "fail", "review", "none", "old")],
    )
    items = {
        "pass": [evidence(ALL_NON_FLAGGED)],
        "fail": [evidence([C1, C2], failed=[I1])],
        "review": [evidence([renamed, C2, I1, S1_TWICE], ids=ids)],
        "old": [evidence(ALL_NON_FLAGGED, date=AS_OF - dt.timedelta(days=900))],
    }
    yield evaluate(profile, catalogue, items, AS_OF)


@pytest.mark.parametrize("indent", [False, True])
def test_the_fast_path_writes_what_the_objects_say(catalogue, indent):
    for card in cards(catalogue):
        streamed = json.loads(sj.scorecard_json(card, indent=indent))
        assert streamed == by_objects(card)
        review = next(p for p in streamed["products"] if p["name"] == "review")["requirements"][0]
        stood_in = [t for c in review["capabilities"] for t in c["results"] if t["matched_by"] == "id"]
        assert stood_in and stood_in[0]["stand_in"].endswith("test_new_place.ServersTest.test_create")


def test_with_nothing_scored_what_passed_is_null_never_refstacks_no(catalogue):
    """No evidence, or none the profile accepts (too old): nothing was scored, so every count of
    what passed, and RefStack's compliance, is null; a scored failure keeps RefStack's numbers."""
    (card,) = cards(catalogue)
    doc = json.loads(sj.scorecard_json(card, indent=False))
    products = {p["name"]: p for p in doc["products"]}
    for name in ("none", "old"):
        for req in products[name]["requirements"]:
            assert req["scored"] is False and req["verdict"] == "not-verified"
            assert req["refstack"]["compliant"] is None
            for block in (req["required"], req["refstack"]):
                assert block["passed"] is None and block["non_flagged_passed"] is None
                assert block["tests"] > 0 and block["non_flagged_tests"] > 0
            assert all(c["passed"] is None for c in req["capabilities"])
            assert all(t["passed"] is None for c in req["capabilities"] for t in c["results"])
    failed = products["fail"]["requirements"][0]
    assert failed["scored"] is True and failed["refstack"]["compliant"] is False
    assert failed["refstack"]["non_flagged_passed"] == 2
    assert all(isinstance(t["passed"], bool) for c in failed["capabilities"] for t in c["results"])


def test_the_example_profile_through_both_paths():
    import os

    from tests.conftest import SHARED_INTEROP, need_shared

    os.environ["BUYER_INTEROP_URL"] = str(need_shared(SHARED_INTEROP))
    loaded = actions.load_profile(ROOT / "requirements_profiles" / "public-cloud-platform-2020.06.toml")
    request = actions.EvaluationRequest(
        loaded.profile, dt.date(2026, 12, 1), loaded.sha256, "p", loaded.path.parent,
        actions.profile_sources(loaded, loaded.profile),
    )  # fmt: skip
    card = actions.evaluate(request, actions.open_guidelines())
    assert json.loads(sj.scorecard_json(card, indent=False)) == by_objects(card)
