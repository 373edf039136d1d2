"""evaluate(): RefStack's verdict exactly, plus buyer's ids, ages, kinds, states, add-ons and extras."""

from __future__ import annotations

import datetime as dt

import pytest

from buyer.errors import CatalogueError, RequirementError
from buyer.model.evidence import EvidenceKind
from buyer.model.guideline import Capability, Component, Guideline, Program, ProgramKind, Status
from buyer.model.guideline import Test as GuidelineTest
from buyer.model.profile import EvidencePolicy, InteropRequirement, Product, Profile
from buyer.model.scorecard import CapabilityState, MatchedBy, RequirementKind, Verdict
from buyer.model.scoring import Plans, evaluate
from tests.conftest import AS_OF, evidence

C1 = "tempest.api.compute.servers.test_servers.ServersTest.test_create"
C2 = "tempest.api.compute.servers.test_list.ListTest.test_list"
C2_ALIAS = "tempest.api.compute.servers.test_servers.ServersTest.test_list"
C3_FLAGGED = "tempest.api.compute.servers.test_servers.ServersTest.test_flaky"
I1 = "tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token"
S1_TWICE = "tempest.api.object_storage.test_objects.ObjectTest.test_upload_segments"
O2_FLAGGED = "tempest.api.object_storage.test_objects.ObjectTest.test_copy"
T1_ADVISORY = "tempest.api.compute.servers.test_tags.TagsTest.test_tags"
DNS = [
    "designate_tempest_plugin.tests.api.v2.test_zones.ZonesTest.test_create_zone",
    "designate_tempest_plugin.tests.api.v2.test_zones.ZonesTest.test_delete_zone",
]
ALL_NON_FLAGGED = [C1, C2, I1, S1_TWICE]


def profile(
    guideline: str = "2030.01",
    program: str = "platform",
    add_ons: tuple[str, ...] = (),
    extras: tuple[str, ...] = (),
    max_age_days: int | None = 365,
    kinds: tuple[EvidenceKind, ...] = tuple(EvidenceKind),
) -> Profile:
    return Profile(
        name="test",
        interop=InteropRequirement(
            guideline=guideline, program=program, add_ons=list(add_ons), extra_capabilities=list(extras)
        ),
        evidence_policy=EvidencePolicy(max_age_days=max_age_days, accepted_kinds=list(kinds)),
        shortlist=[Product(name="acme")],
    )


def score(catalogue, prof, *items):
    card = evaluate(prof, catalogue, {"acme": list(items)}, AS_OF)
    return card.products[0]


def cap(requirement, cap_id):
    return next(c for c in requirement.capabilities if c.id == cap_id)


def test_all_non_flagged_pass_is_pass_and_flagged_tests_are_not_needed(catalogue):
    product = score(catalogue, profile(), evidence(ALL_NON_FLAGGED))
    req = product.requirements[0]
    assert req.verdict is Verdict.PASS and product.verdict is Verdict.PASS
    t = req.required
    assert (t.tests, t.passed, t.flagged, t.non_flagged_tests, t.non_flagged_passed) == (7, 5, 2, 5, 5)
    assert req.refstack == req.required and req.refstack.compliant
    # only the flagged test failed: "~" flagged-only, never a failure
    assert cap(req, "compute-servers").state is CapabilityState.FLAGGED_ONLY
    assert cap(req, "objects").state is CapabilityState.FLAGGED_ONLY
    assert cap(req, "identity-tokens").state is CapabilityState.PASS
    # in the words of the product's exceptions (the same count, said the same way)
    assert req.reason == "all 5 non-flagged required tests passed; 2 flagged tests not passed (the guideline allows it)"
    assert product.exceptions == (f"{req.title}: 2 flagged tests not passed (the guideline allows it)",)


def test_flagged_tests_passed_too_leave_nothing_open(catalogue):
    product = score(catalogue, profile(), evidence([*ALL_NON_FLAGGED, C3_FLAGGED, O2_FLAGGED]))
    req = product.requirements[0]
    assert req.reason == "all 5 non-flagged required tests passed, and its 2 flagged tests"
    assert product.exceptions == () and str(product.rating) == "meets"


def test_alias_only_pass_counts_as_refstack_does(catalogue):
    product = score(catalogue, profile(), evidence([C1, C2_ALIAS, I1, S1_TWICE]))
    req = product.requirements[0]
    assert req.verdict is Verdict.PASS and req.refstack.compliant
    listed = next(r for r in cap(req, "compute-servers").results if r.name == C2)
    assert listed.passed and listed.matched_by is MatchedBy.ALIAS


def test_a_test_under_two_capabilities_counts_twice(catalogue):
    req = score(catalogue, profile(), evidence([C1, C2, I1], failed=[S1_TWICE])).requirements[0]
    assert req.verdict is Verdict.FAIL
    assert (req.required.non_flagged_tests, req.required.non_flagged_passed) == (5, 3)
    assert cap(req, "shared-cap").state is CapabilityState.FAIL
    assert cap(req, "objects").state is CapabilityState.FAIL
    assert req.reason.startswith("2 of 5 non-flagged required tests did not pass")


def test_flagged_passes_are_counted_but_never_required(catalogue):
    req = score(catalogue, profile(), evidence([*ALL_NON_FLAGGED, C3_FLAGGED])).requirements[0]
    assert (req.required.passed, req.required.flag_passed, req.required.flag_failed) == (6, 1, 1)
    assert cap(req, "compute-servers").state is CapabilityState.PASS


def test_a_uuid_only_match_is_never_a_pass(catalogue):
    # Tempest gives some twins one idempotent id; a test that passed only under another name is
    # not a RefStack pass: the requirement needs review (not verified), never pass and never exit 0.
    renamed = "tempest.api.compute.servers.test_new_place.ServersTest.test_create"
    ids = {renamed: "11111111-1111-4111-8111-111111111111"}
    req = score(catalogue, profile(), evidence([renamed, C2, I1, S1_TWICE], ids=ids)).requirements[0]
    assert req.verdict is Verdict.NOT_VERIFIED and req.needs_review
    assert req.id_only_matches == (C1,)
    assert req.review == ((C1, renamed),)
    assert "needs review" in req.reason and "ServersTest.test_create" in req.reason
    assert not req.refstack.compliant and req.required == req.refstack
    assert (req.refstack.non_flagged_passed, req.refstack.non_flagged_tests) == (4, 5)
    state = cap(req, "compute-servers")
    assert state.state is CapabilityState.NOT_VERIFIED and "needs review" in state.note
    listed = next(r for r in state.results if r.name == C1)
    assert not listed.passed and listed.matched_by is MatchedBy.ID and listed.stand_in == renamed


def test_a_uuid_only_match_next_to_a_real_failure_fails(catalogue):
    renamed = "tempest.api.compute.servers.test_new_place.ServersTest.test_create"
    ids = {renamed: "11111111-1111-4111-8111-111111111111"}
    req = score(catalogue, profile(), evidence([renamed, C2, I1], ids=ids)).requirements[0]
    assert req.verdict is Verdict.FAIL and not req.needs_review


def test_expired_evidence_is_not_verified(catalogue):
    old = evidence(ALL_NON_FLAGGED, date=AS_OF - dt.timedelta(days=400))
    product = score(catalogue, profile(max_age_days=365), old)
    req = product.requirements[0]
    assert req.verdict is Verdict.NOT_VERIFIED
    assert "400 days old; the profile accepts at most 365" in req.reason
    assert {c.state for c in req.capabilities} == {CapabilityState.NOT_VERIFIED}
    assert not product.evidence[0].eligible
    # the same evidence with no age limit counts
    assert score(catalogue, profile(max_age_days=None), old).verdict is Verdict.PASS


def test_future_dated_and_undated_evidence(catalogue):
    future = evidence(ALL_NON_FLAGGED, date=AS_OF + dt.timedelta(days=3))
    assert "after the evaluation date" in score(catalogue, profile(), future).requirements[0].reason
    undated = evidence(ALL_NON_FLAGGED, date=None)
    assert "has no date" in score(catalogue, profile(), undated).requirements[0].reason
    assert score(catalogue, profile(max_age_days=None), undated).verdict is Verdict.PASS


def test_evidence_kind_not_accepted(catalogue):
    prof = profile(kinds=(EvidenceKind.PUBLISHED, EvidenceKind.LIVE_RUN))
    req = score(catalogue, prof, evidence(ALL_NON_FLAGGED)).requirements[0]
    assert req.verdict is Verdict.NOT_VERIFIED
    assert "self-reported evidence is not accepted" in req.reason


def test_no_evidence_at_all(catalogue):
    product = score(catalogue, profile())
    assert product.verdict is Verdict.NOT_VERIFIED
    assert product.requirements[0].reason == "no evidence"


def test_a_check_that_could_not_run_is_an_error_not_a_failure(catalogue):
    broken = evidence([], error="tempest exited with code 2 before running any test")
    req = score(catalogue, profile(), broken).requirements[0]
    assert req.verdict is Verdict.ERROR and "could not run" in req.reason
    assert {c.state for c in req.capabilities if c.tests} == {CapabilityState.ERROR}


def test_evidence_that_touches_no_test_of_a_requirement_is_not_verified(catalogue):
    product = score(catalogue, profile(add_ons=("dns",)), evidence(DNS))
    platform, dns = product.requirements
    assert platform.verdict is Verdict.NOT_VERIFIED
    assert "no results for any of these tests" in platform.reason
    assert dns.verdict is Verdict.PASS and dns.guideline == "dns.2030.01"
    assert dns.kind is RequirementKind.ADD_ON and dns.title == "DNS add-on 2030.01"
    # a recorded failure does touch the requirement: then it fails
    failed = score(catalogue, profile(), evidence(DNS, failed=[C1]))
    assert failed.requirements[0].verdict is Verdict.FAIL


def test_add_on_is_scored_against_its_own_file_and_must_fit_the_program(catalogue):
    product = score(catalogue, profile(add_ons=("dns",)), evidence([*ALL_NON_FLAGGED, DNS[0]]))
    dns = product.requirements[1]
    assert dns.verdict is Verdict.FAIL and (dns.required.tests, dns.required.passed) == (2, 1)
    assert product.verdict is Verdict.FAIL
    with pytest.raises(RequirementError, match="needs platform component os_powered_compute"):
        score(catalogue, profile(program="storage", add_ons=("dns",)))
    with pytest.raises(CatalogueError, match=r"no orchestration add-on guideline for 2030\.01"):
        score(catalogue, profile(add_ons=("orchestration",)))


def test_schema_12_capability_level_flags(catalogue):
    login = "tempest.api.compute.test_auth.AuthTest.test_login"
    req = score(catalogue, profile("2014.01", "compute"), evidence([login])).requirements[0]
    assert req.verdict is Verdict.PASS
    assert (req.required.tests, req.required.flagged) == (2, 1)
    assert cap(req, "compute-auth").state is CapabilityState.FLAGGED_ONLY
    # compute-extras is advisory: reported as readiness, never in the verdict
    assert (req.advisory.capabilities, req.advisory.ready) == (1, 0)


def test_extra_capability_promoted_to_mandatory(catalogue):
    prof = profile(extras=("compute-tags",))
    without = score(catalogue, prof, evidence(ALL_NON_FLAGGED))
    program, extra = without.requirements
    assert program.verdict is Verdict.PASS
    assert extra.kind is RequirementKind.CAPABILITY and extra.capability == "compute-tags"
    # a passed-only file that never mentions the capability says nothing about it
    assert extra.verdict is Verdict.NOT_VERIFIED and without.verdict is Verdict.NOT_VERIFIED
    assert extra.capabilities[0].status is Status.ADVISORY  # as the guideline has it
    failed = score(catalogue, prof, evidence(ALL_NON_FLAGGED, failed=[T1_ADVISORY]))
    assert failed.requirements[1].verdict is Verdict.FAIL and failed.verdict is Verdict.FAIL
    with_tags = score(catalogue, prof, evidence([*ALL_NON_FLAGGED, T1_ADVISORY]))
    assert with_tags.verdict is Verdict.PASS
    assert with_tags.requirements[0].advisory.ready == 1
    with pytest.raises(CatalogueError, match="capability 'no-such-cap' is not defined"):
        score(catalogue, profile(extras=("no-such-cap",)))


def test_each_piece_of_evidence_is_scored_on_its_own_as_refstack_scores_each_run(catalogue):
    # Half the tests in one run and half in another: RefStack says "not compliant" of each run,
    # so buyer never adds them up into a pass.
    first = evidence([C1, C2], source="a.json")
    second = evidence([I1, S1_TWICE], source="b.subunit")
    req = score(catalogue, profile(), first, second).requirements[0]
    assert req.verdict is Verdict.FAIL and not req.refstack.compliant
    # One run that meets the requirement on its own is enough, and the results name it.
    full = evidence(ALL_NON_FLAGGED, source="c.json")
    req = score(catalogue, profile(), first, full).requirements[0]
    assert req.verdict is Verdict.PASS
    assert {r.evidence for c in req.capabilities for r in c.results if r.passed} == {1}


def test_a_program_and_an_add_on_may_each_rest_on_their_own_run(catalogue):
    product = score(catalogue, profile(add_ons=("dns",)), evidence(ALL_NON_FLAGGED), evidence(DNS, source="dns.json"))
    platform, dns = product.requirements
    assert platform.verdict is Verdict.PASS and dns.verdict is Verdict.PASS
    assert all(u.used and u.counts for u in product.evidence)


def test_catalogue_errors_are_one_line(catalogue):
    with pytest.raises(CatalogueError, match=r"unknown guideline version '2099.01' \(the catalogue has: 2014.01"):
        score(catalogue, profile("2099.01"))
    with pytest.raises(RequirementError, match="is an add-on guideline"):
        score(catalogue, profile("dns.2030.01"))


def test_draft_guideline_is_refused(catalogue):
    g = catalogue["2030.01"]
    draft = {"next": Guideline(**{**g.__dict__, "id": "next", "status": "draft"})}
    with pytest.raises(RequirementError, match="is a draft"):
        evaluate(profile("next"), draft, {}, AS_OF)


def _two_list_guideline(last_wins: bool) -> Guideline:
    cap_ = Capability("c", (GuidelineTest("t.x.test_a"),))
    comp = Component("comp", ((Status.REQUIRED, ("c",)), (Status.REMOVED, ("c",))))
    prog = Program("compute", "OpenStack Powered Compute", ProgramKind.CORE, ("comp",), last_status_wins=last_wins)
    return Guideline("2014.02", "1.5", "approved", {"compute": prog}, {"comp": comp}, {"c": cap_})


def test_status_resolution_best_versus_last_written():
    # 2.0 and platform targets: the best status wins; 1.x compute/object: the last one written
    assert _two_list_guideline(False).capability_status("compute") == {"c": Status.REQUIRED}
    assert _two_list_guideline(True).capability_status("compute") == {"c": Status.REMOVED}
    card = evaluate(
        profile("2014.02", "compute", max_age_days=None),
        {"2014.02": _two_list_guideline(True)},
        {"acme": [evidence([])]},
        AS_OF,
    )
    assert card.products[0].requirements[0].verdict is Verdict.ERROR  # no required tests left


def test_products_in_evidence_but_not_in_shortlist_are_scored(catalogue):
    card = evaluate(profile(), catalogue, {"acme": [], "other": [evidence(ALL_NON_FLAGGED)]}, AS_OF)
    assert [p.name for p in card.products] == ["acme", "other"]
    assert card.verdict is Verdict.NOT_VERIFIED


def test_products_scored_together_score_as_each_alone(catalogue):
    """A result made once for evidence that passed every test by name is shared by the products it
    holds for; each product's scorecard is still what scoring it alone gives, whatever comes
    before it: an alias pass, a miss, a full pass as the second piece of evidence, an old run."""
    stale = AS_OF - dt.timedelta(days=400)
    every = sorted(Plans.of(profile(), catalogue, {}, AS_OF).interop[0].primary_names)  # every test it names
    assert C2 in every and C2_ALIAS not in every
    products = {
        "full": [evidence(every)],
        "alias": [evidence([C2_ALIAS if n == C2 else n for n in every])],
        "miss": [evidence([C1, I1, S1_TWICE])],
        "second": [evidence([C1], source="old.json", date=stale), evidence(every)],
        "full again": [evidence(every, source="again.json")],
        "flagged missed": [evidence(ALL_NON_FLAGGED)],
    }
    prof = profile().model_copy(update={"shortlist": [Product(name=n) for n in products]})
    together = evaluate(prof, catalogue, products, AS_OF).products
    for name, scored in zip(products, together, strict=True):
        alone = evaluate(
            prof.model_copy(update={"shortlist": [Product(name=name)]}), catalogue, {name: products[name]}, AS_OF
        )
        mine = alone.products[0]
        # (the evidence lines differ: these in-memory files share a hash, which is told across products)
        assert (scored.verdict, scored.requirements) == (mine.verdict, mine.requirements), name
        for a, b in zip(scored.requirements, mine.requirements, strict=True):
            assert a.detail == b.detail and a.capabilities == b.capabilities, name
    assert together[4].requirements[0] is together[0].requirements[0]  # made once, shared
    verdicts = [p.verdict for p in together]
    assert verdicts == [Verdict.PASS, Verdict.PASS, Verdict.FAIL, Verdict.PASS, Verdict.PASS, Verdict.PASS]
