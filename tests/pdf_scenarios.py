"""Reports the PDF tests read back: the committee's review (2018.11 Platform + DNS + a mandatory
extra capability + an SCS scope, five vendors, one of them known through a local registry) and
long shortlists (2020.06 Platform + DNS + Orchestration). Built from ../shared/data in a test's
own folder, through the CLI as a user runs it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from buyer.model.profile import InteropRequirement
from buyer.model.requirements import resolve_requirements
from buyer.model.testlist import run_list
from buyer.sources.catalogue import Catalogue
from tests.conftest import SHARED, SHARED_INTEROP, need_shared

AS_OF = dt.date(2026, 11, 22)
EXTRA = "volumes-v3-upload"  # advisory in 2018.11; the committee makes it mandatory
VENDORS = ("Aurora Cloud", "Borealis Cloud", "Citadel Compute", "Delta Cloud", "Echo Cloud")
PROFILE = f"""name = "Committee review 2018.11"
buyer = "City of Testburg"
rfp_reference = "CT-2026-7"
[interop]
guideline = "2018.11"
program = "platform"
add_ons = ["dns"]
extra_capabilities = ["{EXTRA}"]
[scs]
scope = "scopes/scs-compatible-iaas.yaml"
version = "effective"
[evidence_policy]
max_age_days = 365
accepted_kinds = ["self-reported", "published"]
[[shortlist]]
name = "Aurora Cloud"
vendor = "Aurora AG"
scs_subject = "example-cloud-b"
evidence = [{{ file = "evidence/aurora.txt", date = 2026-10-01 }}, {{ file = "evidence/cloud-b.yaml" }}]
[[shortlist]]
name = "Borealis Cloud"
vendor = "Borealis Oy"
scs_subject = "example-cloud-b"
evidence = [{{ file = "evidence/borealis.txt", date = 2026-09-15 }}, {{ file = "evidence/cloud-b.yaml" }}]
[[shortlist]]
name = "Citadel Compute"
[[shortlist]]
name = "Delta Cloud"
[[shortlist]]
name = "Echo Cloud"
scs_subject = "example-cloud-a"
evidence = [{{ file = "evidence/echo.txt", date = 2026-08-01 }}, {{ file = "evidence/cloud-a.yaml" }}]
"""
REGISTRY = """[[product]]
name = "Delta Cloud"
vendor = "Delta AB"
category = "public cloud"
evidence = [{ file = "delta/delta.txt", date = 2026-11-01 }]
[[product.claim]]
program = "platform"
guideline = "2018.11"
add_ons = ["dns"]
expires = 2027-06-30
"""


def required_tests(cat: Catalogue, **interop: object) -> list[str]:
    reqs = resolve_requirements(InteropRequirement(guideline="2018.11", **interop), cat)  # type: ignore[arg-type]
    return run_list(reqs)


def committee_folder(root: Path) -> Path:
    """The committee's folder: profile, scope, evidence and the local registry. Returns the profile."""
    shared = need_shared(SHARED)
    cat = Catalogue(SHARED_INTEROP)
    folder = root / "committee"
    (folder / "evidence").mkdir(parents=True)
    (folder / "scopes").mkdir()
    (folder / "delta").mkdir()
    shutil.copy(shared / "scs" / "scopes" / "scs-compatible-iaas.yaml", folder / "scopes")
    reports = shared / "scs" / "generated" / "reports"
    shutil.copy(reports / "report-iaas-example-cloud-b.yaml", folder / "evidence" / "cloud-b.yaml")
    shutil.copy(reports / "report-iaas-example-cloud-a.yaml", folder / "evidence" / "cloud-a.yaml")
    everything = required_tests(cat, add_ons=["dns"], extra_capabilities=[EXTRA])
    dns = set(required_tests(cat, add_ons=["dns"])) - set(required_tests(cat))
    extra = set(everything) - set(required_tests(cat, add_ons=["dns"]))
    lists = {
        "evidence/aurora.txt": everything,
        "evidence/borealis.txt": [t for t in everything if t != sorted(dns)[0]],  # fails DNS
        "evidence/echo.txt": [t for t in everything if t not in extra],  # fails the extra capability
        "delta/delta.txt": everything,
    }
    for name, tests in lists.items():
        (folder / name).write_text("\n".join(tests) + "\n")
    (folder / "committee.toml").write_text(PROFILE)
    (folder / "registry.toml").write_text(REGISTRY)
    return folder / "committee.toml"


def committee_argv(profile: Path, out: Path, *extra: str) -> list[str]:
    return [
        "report",
        "--profile",
        str(profile),
        "--source",
        str(SHARED_INTEROP),
        "--registry",
        str(profile.parent / "registry.toml"),
        "--as-of",
        AS_OF.isoformat(),
        "-o",
        str(out),
        *extra,
    ]


def committee_card(profile: Path):
    """The committee's Scorecard, evaluated as ``buyer report`` evaluates it."""
    from buyer import actions
    from buyer.model.registry import merge_products
    from buyer.sources.registry import Registry, load_local

    cat = Catalogue(SHARED_INTEROP)
    loaded = actions.load_checked_profile(profile, cat)
    products, inputs = load_local(profile.parent / "registry.toml")
    request = actions.EvaluationRequest(
        loaded.profile,
        AS_OF,
        loaded.sha256,
        profile.name,
        profile.parent,
        actions.profile_sources(loaded, loaded.profile),
        registry=Registry(merge_products(products), inputs=inputs),
    )
    return actions.evaluate(request, cat)
