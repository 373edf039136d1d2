"""Closing the loop with vendors, on the example profile and the real 2020.06 guidelines: the RFP
package is written, vendors fill in its forms by hand (here: the test edits the TOML text, as a
vendor's text editor would), and the answers are read back and held against the evidence."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from buyer.cli import main
from tests.conftest import SHARED, SHARED_INTEROP, need_shared

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "requirements_profiles"
PROFILE = EXAMPLES / "public-cloud-platform-2020.06.toml"
ACME_RUN = EXAMPLES / "evidence" / "acme-public-cloud.refstack.json"
AS_OF = "2026-12-01"


@pytest.fixture
def src() -> str:
    return str(need_shared(SHARED_INTEROP))


def buyer(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def package(tmp_path, src, capsys) -> Path:
    folder = tmp_path / "rfp-package"
    code, _, err = buyer(capsys, "rfp", "--profile", str(PROFILE), "--package", str(folder), "--source", src)
    assert code == 0, err
    return folder


def fill(
    form: str, claims: dict[str, str], evidence: list[tuple[str, str]] = (), drop: tuple[str, ...] = (), **vendor: str
) -> str:
    """What a vendor does in a text editor: answer each claim, delete the tables of clauses left
    unanswered, set vendor fields, add [[evidence]] tables."""
    text = form
    for clause in drop:
        text, n = re.subn(rf'\[\[requirement\]\]\nclause = "{clause}"\nclaim = ""[^\n]*\nnote = ""\n', "", text)
        assert n == 1, clause
    for clause, claim in claims.items():
        text, n = re.subn(rf'(clause = "{clause}"\nclaim = )""', rf'\1"{claim}"', text)
        assert n == 1, clause
    for key, value in vendor.items():
        text, n = re.subn(rf'(?m)^{key} = "[^"\n]*"', f'{key} = "{value}"', text)
        assert n == 1, key
    for file, date in evidence:
        text += f'\n[[evidence]]\nfile = "{file}"\nkind = "self-reported"\ndate = {date}\n'
    return text


def answer(package: Path, folder: Path, form: str, text_of_file: str | None = None, **edits) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / Path(form).name
    path.write_text(fill((package / form).read_text(), **edits) if text_of_file is None else text_of_file)
    return path


def scorecard(capsys, src: str, *extra: str) -> dict:
    args = ["evaluate", "--profile", str(PROFILE), "--as-of", AS_OF, "--source", src, "--no-registry"]
    code, out, err = buyer(capsys, *args, "--format", "json", *extra)
    assert code in (0, 1, 3), err
    return json.loads(out)


def by_name(card: dict) -> dict[str, dict]:
    return {p["name"]: p for p in card["products"]}


# -- the package -------------------------------------------------------------------------------


@pytest.mark.shared
def test_the_package_lists_are_what_buyer_guidelines_tests_prints(package, src, capsys):
    lists = sorted((package / "tests").iterdir())
    assert [p.name for p in lists] == [
        "M1-2020.06-platform.txt",
        "M2-dns.2020.06-dns.txt",
        "M3-orchestration.2020.06-orchestration.txt",
    ]
    for path in lists:
        _, guideline, program = path.stem.split("-", 2)
        code, printed, _ = buyer(
            capsys, "guidelines", "tests", guideline, "--program", program, "--status", "required", "--no-flagged",
            "--source", src,
        )  # fmt: skip
        assert code == 0
        assert path.read_text() == printed
    m1 = (package / "tests" / "M1-2020.06-platform.txt").read_text().splitlines()
    assert len(m1) == 377 and all(re.search(r"\[id-[0-9a-f-]{36}\]$", line) for line in m1)
    # the sheet points at the files, not at a buyer command (vendors have no buyer)
    sheet = (package / "requirements.md").read_text()
    assert "`tests/M2-dns.2020.06-dns.txt`" in sheet and "buyer guidelines tests" not in sheet


@pytest.mark.shared
def test_sha256sum_checks_every_file_of_the_package(package):
    sums = (package / "SHA256SUMS").read_text().splitlines()
    files = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(line.split("  ", 1)[1] for line in sums) == files
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=package, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(files) == 8
    # a changed file is caught
    (package / "tests" / "M1-2020.06-platform.txt").write_text("tempest.api.x.Y.test_z\n")
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=package, capture_output=True).returncode


@pytest.mark.shared
def test_each_shortlisted_product_gets_a_form_that_check_accepts_once_answered(package, tmp_path, src, capsys):
    forms = sorted(p.name for p in (package / "responses").iterdir())
    assert forms == ["acme-public-cloud.toml", "borealis-cloud.toml", "citadel-compute.toml"]
    form = (package / "responses" / "acme-public-cloud.toml").read_text()
    assert 'rfp_reference = "RDSA-2026-IaaS-017"' in form and 'company = "Acme Hosting GmbH"' in form
    # untouched, a form is not an answer: each empty claim is told at its line
    code, _, err = buyer(capsys, "response", "check", str(package / "responses" / "acme-public-cloud.toml"))
    lines = form.splitlines()
    claim_lines = [n for n, line in enumerate(lines, start=1) if line.startswith('claim = ""')]
    assert code == 2 and len(claim_lines) == 3
    for n in claim_lines:
        assert f"acme-public-cloud.toml:{n}:1: requirement[" in err
    assert "answer comply, partial, no" in err
    vendor = tmp_path / "acme"
    vendor.mkdir()
    shutil.copy(ACME_RUN, vendor / "acme-run.json")
    answer(package, vendor, "responses/acme-public-cloud.toml", claims={"M1": "comply", "M2": "partial"},
           drop=("M3",), evidence=[("acme-run.json", "2026-09-14")])  # fmt: skip
    code, out, err = buyer(capsys, "response", "check", str(vendor), "--profile", str(PROFILE), "--source", src)
    assert code == 0, err
    assert "ok: Acme Hosting GmbH, Acme Public Cloud; answers 2 of 3 clauses (not M3); 1 evidence file" in out


@pytest.mark.shared
def test_a_package_is_not_overwritten_without_force_and_force_replaces_only_a_package(package, tmp_path, src, capsys):
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}
    args = ["rfp", "--profile", str(PROFILE), "--source", src, "--package"]
    code, _, err = buyer(capsys, *args, str(package))
    assert code == 2 and "already exists (replace it with --force)" in err
    (package / "tests" / "M1-2020.06-platform.txt").unlink()  # a missing file of the package is no loss
    code, _, err = buyer(capsys, *args, str(package), "--force")
    assert code == 0, err
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "contract.odt").write_text("precious")
    code, _, err = buyer(capsys, *args, str(mine), "--force")
    assert code == 2 and "did not write" in err and (mine / "contract.odt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-documents", "rfp-package"]  # no temp folders left


def tree(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in folder.rglob("*")}


@pytest.mark.shared
def test_force_never_deletes_a_file_the_package_does_not_list(package, tmp_path, src, capsys):
    """A buyer collects answers and signed pages in the package folder, then re-runs with --force:
    nothing of theirs may go, and the line says what is in the way."""
    (package / "answers").mkdir()
    (package / "answers" / "acme.toml").write_text("the vendor's answer")
    (package / "cover-letter-signed.txt").write_text("signed")
    os.symlink(package / "requirements.md", package / "tests" / "link.md")
    held = tree(package)
    args = ["rfp", "--profile", str(PROFILE), "--source", src, "--package", str(package), "--force"]
    code, out, err = buyer(capsys, *args)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "holds answers/, cover-letter-signed.txt, tests/link.md, which SHA256SUMS does not list" in err
    assert "answers/acme.toml" not in err  # a folder of the user's is named once, as a whole
    assert tree(package) == held
    # many: the line stays short
    for n in range(40):
        (package / f"page-{n:02}.pdf").write_text("x")
    code, _, err = buyer(capsys, *args)
    assert code == 2 and len(err.splitlines()) == 1 and "and 38 more" in err and "page-39" not in err
    assert (package / "page-39.pdf").exists()


@pytest.mark.shared
def test_force_keeps_a_package_file_the_user_edited(package, src, capsys):
    """An edited file is no longer what buyer wrote: replacing it would lose the edit as surely as
    deleting a file of the user's."""
    (package / "requirements.md").write_text("our lawyer's wording")
    held = tree(package)
    args = ["rfp", "--profile", str(PROFILE), "--source", src, "--package", str(package), "--force"]
    code, _, err = buyer(capsys, *args)
    assert code == 2 and len(err.splitlines()) == 1
    assert "requirements.md changed since buyer wrote it (SHA256SUMS does not match)" in err
    assert tree(package) == held


@pytest.mark.shared
def test_force_refuses_a_folder_whose_sha256sums_is_not_a_package_manifest(tmp_path, src, capsys):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "SHA256SUMS").write_text("x\n")
    (fake / "thesis.docx").write_text("precious")
    args = ["rfp", "--profile", str(PROFILE), "--source", src, "--package", str(fake), "--force"]
    code, _, err = buyer(capsys, *args)
    assert code == 2 and "its SHA256SUMS is not one buyer wrote" in err
    assert (fake / "thesis.docx").read_text() == "precious"
    # a manifest in the right form does not make a file it does not list buyer's
    (fake / "SHA256SUMS").write_text(f"{hashlib.sha256(b'').hexdigest()}  requirements.md\n")
    code, _, err = buyer(capsys, *args)
    assert code == 2 and "holds thesis.docx, which SHA256SUMS does not list" in err
    assert (fake / "thesis.docx").read_text() == "precious"


@pytest.mark.shared
def test_an_open_call_gets_one_blank_form_and_an_scs_clause_says_what_report_to_send(tmp_path, capsys):
    scope = need_shared(SHARED) / "scs" / "scopes" / "scs-compatible-iaas.yaml"
    profile = tmp_path / "scs.toml"
    profile.write_text(f'name = "Open call"\nrfp_reference = "OPEN-1"\n[scs]\nscope = "{scope}"\nversion = "v5.1"\n')
    folder = tmp_path / "pkg"
    code, _, err = buyer(capsys, "rfp", "--profile", str(profile), "--package", str(folder))
    assert code == 0, err
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [
        "HOW-TO-RESPOND.md", "SHA256SUMS", "requirements.md", "responses/response.toml",
    ]  # fmt: skip
    how = (folder / "HOW-TO-RESPOND.md").read_text()
    assert "This RFP has no tempest test lists." in how and "-V v5.1 -o report.yaml" in how
    assert "The 54 mandatory testcases: `scs-0100-syntax-check`" in how
    # the blank form names no product: a vendor must, and check says so until it does
    blank = (folder / "responses" / "response.toml").read_text()
    form = tmp_path / "answer.toml"
    form.write_text(blank.replace('claim = ""', 'claim = "comply"'))
    code, _, err = buyer(capsys, "response", "check", str(form), "--profile", str(profile))
    assert (
        code == 2
        and "vendor.company: name the company that answers" in err
        and "vendor.product: name the product" in err
    )
    filled = blank.replace('claim = ""', 'claim = "comply"').replace('company = ""', 'company = "Echo AG"')
    form.write_text(filled.replace('product = ""', 'product = "Echo Cloud"'))
    code, out, err = buyer(capsys, "response", "check", str(form), "--profile", str(profile))
    assert code == 0, err
    assert "ok: Echo AG, Echo Cloud (not on the shortlist: adds it); answers 1 of 1 clauses" in out


# -- answers read back ---------------------------------------------------------------------------


@pytest.fixture
def answers(package, tmp_path) -> Path:
    """Three vendors answer by hand: Acme claims comply everywhere (its run fails Orchestration),
    Borealis sends a byte-identical copy of Acme's run, and Delta, not on the shortlist, answers
    with Borealis's form renamed."""
    folder = tmp_path / "answers"
    folder.mkdir()
    shutil.copy(ACME_RUN, folder / "acme-run.json")
    shutil.copy(ACME_RUN, folder / "borealis-run.json")
    shutil.copy(EXAMPLES / "evidence" / "borealis-passed-tests.txt", folder / "delta-tests.txt")
    every = {"M1": "comply", "M2": "comply", "M3": "comply"}
    answer(package, folder, "responses/acme-public-cloud.toml", claims=every,
           evidence=[("acme-run.json", "2026-09-14")], contact="tenders@acme.example")  # fmt: skip
    answer(package, folder, "responses/borealis-cloud.toml", claims={"M1": "comply", "M3": "no"},
           drop=("M2",), evidence=[("borealis-run.json", "2026-09-14")])  # fmt: skip
    delta = fill((package / "responses" / "borealis-cloud.toml").read_text(),
                 claims={"M1": "comply", "M2": "partial", "M3": "comply"},
                 evidence=[("delta-tests.txt", "2026-10-02")], product="Delta Cloud", company="Delta Networks AB")  # fmt: skip
    (folder / "delta.toml").write_text(delta)
    return folder


@pytest.mark.shared
def test_claims_are_read_back_and_a_comply_the_evidence_fails_is_contradicted(answers, src, capsys):
    card = scorecard(capsys, src, "--responses", str(answers))
    products = by_name(card)
    acme = products["Acme Public Cloud"]
    verdicts = {r["title"]: (r["verdict"], r["vendor_claim"], r["claim_contradicted"]) for r in acme["requirements"]}
    assert verdicts["Orchestration add-on 2020.06"] == ("fail", {"clause": "M3", "claim": "comply", "note": ""}, True)
    assert verdicts["OpenStack Powered Platform 2020.06"][0::2] == ("pass", False)
    form = answers / "acme-public-cloud.toml"
    assert acme["response"] == {
        "file": str(form.relative_to(Path.cwd())) if form.is_relative_to(Path.cwd()) else form.name,
        "sha256": hashlib.sha256(form.read_bytes()).hexdigest(),
        "company": "Acme Hosting GmbH",
        "contact": "tenders@acme.example",
        "rfp_reference": "RDSA-2026-IaaS-017",
        "answers": [{"clause": c, "claim": "comply", "note": ""} for c in ("M1", "M2", "M3")],
    }
    # Borealis claims "no" for M3: not a contradiction, whatever the verdict; M2 unanswered
    borealis = {
        r["vendor_claim"]["clause"] if r["vendor_claim"] else None: r
        for r in products["Borealis Cloud"]["requirements"]
    }
    assert borealis["M3"]["vendor_claim"]["claim"] == "no" and borealis["M3"]["claim_contradicted"] is False
    assert borealis[None]["title"] == "DNS add-on 2020.06"
    # a product with no response: null, never contradicted
    citadel = products["Citadel Compute"]
    assert citadel["response"] is None
    assert all(r["vendor_claim"] is None and r["claim_contradicted"] is False for r in citadel["requirements"])
    # the header numbers the clauses the claims refer to
    assert [r["clause"] for r in card["requirements"]] == ["M1", "M2", "M3"]
    # every form is an input, with its digest
    inputs = [i for i in card["inputs"] if i["kind"] == "response"]
    assert sorted(Path(i["source"]).name for i in inputs) == [
        "acme-public-cloud.toml",
        "borealis-cloud.toml",
        "delta.toml",
    ]
    for i in inputs:
        assert i["sha256"] == hashlib.sha256((answers / Path(i["source"]).name).read_bytes()).hexdigest()


@pytest.mark.shared
def test_a_byte_identical_copy_is_warned_about_on_both_products(answers, src, capsys):
    card = scorecard(capsys, src, "--responses", str(answers))
    products = by_name(card)
    digest = hashlib.sha256(ACME_RUN.read_bytes()).hexdigest()

    def warnings(product: str, source: str) -> list[str]:
        (ev,) = [e for e in products[product]["evidence"] if e["source"] == source]
        return ev["warnings"]

    (borealis,) = warnings("Borealis Cloud", "borealis-run.json")
    assert borealis.startswith(f"the same file (sha256 {digest[:12]}…) was given for Acme Public Cloud")
    (acme,) = warnings("Acme Public Cloud", "acme-run.json")
    assert "was given for Borealis Cloud (borealis-run.json)" in acme
    # Acme's own copy in the profile is the same bytes too: warned about, but not as its own duplicate
    (profile_copy,) = warnings("Acme Public Cloud", "evidence/acme-public-cloud.refstack.json")
    assert "Borealis Cloud" in profile_copy and "Acme Public Cloud" not in profile_copy
    # Delta's list is Borealis's, byte for byte
    assert (
        "was given for Borealis Cloud (evidence/borealis-passed-tests.txt)"
        in warnings("Delta Cloud", "delta-tests.txt")[0]
    )
    # a warning changes no verdict: the copied run counts (policy "warn") and passes the platform
    (m1,) = [r for r in products["Borealis Cloud"]["requirements"] if r["title"].startswith("OpenStack Powered")]
    assert m1["verdict"] == "pass"
    assert all(e["counts"] for e in products["Borealis Cloud"]["evidence"])


@pytest.mark.shared
def test_with_duplicates_reject_every_copy_does_not_count_and_says_why(answers, tmp_path, src, capsys):
    text = PROFILE.read_text().replace('accepted_kinds = ["self-reported", "published", "live-run"]',
                                       'accepted_kinds = ["self-reported", "published", "live-run"]\nduplicates = "reject"')  # fmt: skip
    strict = tmp_path / "strict.toml"
    strict.write_text(text)
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    args = [
        "evaluate",
        "--profile",
        str(strict),
        "--as-of",
        AS_OF,
        "--source",
        src,
        "--no-registry",
        "--format",
        "json",
    ]
    code, out, _ = buyer(capsys, *args, "--responses", str(answers))
    card = json.loads(out)
    assert card["evidence_policy"]["duplicates"] == "reject"
    products = by_name(card)
    for name in ("Acme Public Cloud", "Borealis Cloud", "Delta Cloud"):
        copies = [e for e in products[name]["evidence"] if e["warnings"]]
        assert copies, name
        for e in copies:
            assert not e["eligible"] and not e["counts"]
            assert e["reason"].endswith("the profile rejects evidence given for more than one product")
            assert "was given for" in e["reason"]
    # every piece of evidence in this round is a copy of another product's: nothing is verified,
    # and each verdict says why; Citadel, which copied nothing, keeps its own reason
    for name in ("Acme Public Cloud", "Borealis Cloud", "Delta Cloud"):
        for r in products[name]["requirements"]:
            assert r["verdict"] == "not-verified"
            assert "rejects evidence given for more than one product" in r["reason"]
    assert all("rejects" not in e["reason"] for e in products["Citadel Compute"]["evidence"])
    assert code == 3


@pytest.mark.shared
def test_a_response_for_a_product_not_on_the_shortlist_adds_it(answers, src, capsys):
    card = scorecard(capsys, src, "--response", str(answers / "delta.toml"))
    names = [p["name"] for p in card["products"]]
    assert names == ["Acme Public Cloud", "Borealis Cloud", "Citadel Compute", "Delta Cloud"]
    delta = by_name(card)["Delta Cloud"]
    assert delta["vendor"] == "Delta Networks AB" and delta["response"]["company"] == "Delta Networks AB"
    assert [e["source"] for e in delta["evidence"]] == ["delta-tests.txt"]
    claims = [(r["vendor_claim"]["claim"], r["verdict"], r["claim_contradicted"]) for r in delta["requirements"]]
    assert claims == [("comply", "fail", True), ("partial", "pass", False), ("comply", "pass", False)]


@pytest.mark.shared
def test_table_markdown_and_csv_show_the_claim_beside_the_verdict(answers, tmp_path, src, capsys):
    base = ["--profile", str(PROFILE), "--as-of", AS_OF, "--source", src, "--no-registry", "--responses", str(answers)]
    code, table, _ = buyer(capsys, "evaluate", *base)
    assert code == 1
    assert re.search(r"✗ fail +claims comply, contradicted +Orchestration add-on 2020\.06", table)
    assert re.search(r"✓ pass +claims partial +DNS add-on 2020\.06", table)
    assert re.search(r"\? not verified +no response +OpenStack Powered Platform", table)
    assert "Borealis Cloud: ✓ meets with exceptions  ·  2 evidence warnings" in table
    assert "Citadel Compute: ? not verified\n" in table
    assert "; warning: the same file (sha256 " in table
    for fmt in ("md", "csv"):
        out = tmp_path / f"card.{fmt}"
        code, _, err = buyer(capsys, "report", *base, "-o", str(out))
        assert code == 0, err
    md = (tmp_path / "card.md").read_text()
    contradicted = md.split("## Claims contradicted by the evidence", 1)[1].split("##", 1)[0]
    assert "Acme Public Cloud, M3 Orchestration add-on 2020.06: claims comply; ✗ fail" in contradicted
    assert "Delta Cloud, M1 OpenStack Powered Platform 2020.06: claims comply; ✗ fail" in contradicted
    assert "| Orchestration add-on 2020.06 | ✗ fail | claims comply, contradicted | 57/60 |" in md
    rows = list(csv.DictReader(io.StringIO((tmp_path / "card.csv").read_text())))
    header = list(rows[0])
    assert header[header.index("verdict") + 1 : header.index("verdict") + 4] == [
        "vendor_claim", "claim_contradicted", "claim_note",
    ]  # fmt: skip
    acme_m3 = next(r for r in rows if r["product"] == "Acme Public Cloud" and r["program"] == "orchestration")
    assert (acme_m3["verdict"], acme_m3["vendor_claim"], acme_m3["claim_contradicted"]) == ("fail", "comply", "true")
    citadel = next(r for r in rows if r["product"] == "Citadel Compute")
    assert (citadel["vendor_claim"], citadel["claim_contradicted"]) == ("", "false")


@pytest.mark.shared
def test_a_note_over_several_lines_forges_no_line_of_output(tmp_path, src, capsys):
    """A vendor may write a note over several lines (a TOML multi-line string): it is accepted,
    shown on one line in the table (its newline escaped), as one line in Markdown, and kept as
    written in a CSV file, where it stays inside its quoted cell."""
    shutil.copy(ACME_RUN, tmp_path / "acme-run.json")
    note = "M2 fails two tests\nM2 ✓ pass\tall good"
    (tmp_path / "acme.toml").write_text(GOOD.replace('note = ""', f'note = """{note}"""'))
    base = ["--profile", str(PROFILE), "--as-of", AS_OF, "--source", src, "--no-registry", "--responses", str(tmp_path)]
    code, table, err = buyer(capsys, "evaluate", *base)
    assert code == 1, err
    assert "    vendor's note: M2 fails two tests\\x0aM2 ✓ pass\\x09all good" in table.splitlines()
    assert not any(line.startswith("M2") for line in table.splitlines())
    for fmt in ("md", "csv"):
        assert buyer(capsys, "report", *base, "-o", str(tmp_path / f"card.{fmt}"))[0] == 0
    assert (
        "- OpenStack Powered Platform 2020.06: M2 fails two tests M2 ✓ pass all good"
        in (tmp_path / "card.md").read_text()
    )
    with open(tmp_path / "card.csv", newline="") as handle:
        notes = {row["claim_note"] for row in csv.DictReader(handle)}
    assert note in notes


# -- broken forms --------------------------------------------------------------------------------

GOOD = """format = "buyer.rfp-response"
version = 1
rfp_reference = "RDSA-2026-IaaS-017"

[vendor]
company = "Acme Hosting GmbH"
product = "Acme Public Cloud"
contact = "tenders@acme.example"

[[evidence]]
file = "acme-run.json"
kind = "self-reported"
date = 2026-09-14

[[requirement]]
clause = "M1"
claim = "comply"
note = ""
"""

# (what is wrong, the edit, the line the problem is told at, words of the message)
BROKEN = [
    ("unknown clause", ('clause = "M1"', 'clause = "M7"'), 16, "requirement[0].clause: the RFP has no clause M7 (it has M1, M2, M3)"),
    ("malformed clause", ('clause = "M1"', 'clause = "first"'), 16, "must be a clause number of the RFP"),
    ("unknown claim word", ('claim = "comply"', 'claim = "yes"'), 17, "requirement[0].claim: must be one of comply, partial, no"),
    ("missing evidence file", ('file = "acme-run.json"', 'file = "acme-run-2.json"'), 11, "evidence[0].file: 'acme-run-2.json': no such file"),
    ("unreadable evidence file", ('file = "acme-run.json"', 'file = "a-folder"'), 11, "'a-folder': is a folder, not a file"),
    ("evidence that is not evidence", ('file = "acme-run.json"', 'file = "notes.txt"'), 11, "'notes.txt': not a test name"),
    ("evidence outside the folder", ('file = "acme-run.json"', 'file = "../acme-run.json"'), 11, "inside its folder"),
    ("product missing", ('product = "Acme Public Cloud"\n', ""), 5, "missing required key 'product' in [vendor]"),
    ("company missing", ('company = "Acme Hosting GmbH"\n', ""), 5, "missing required key 'company' in [vendor]"),
    ("company blank", ('company = "Acme Hosting GmbH"', 'company = "  "'), 6, "vendor.company: name the company"),
    ("another RFP", ('rfp_reference = "RDSA-2026-IaaS-017"', 'rfp_reference = "RDSA-2025-X"'), 3, "answers RFP 'RDSA-2025-X', not this RFP"),
    ("a near miss of a shortlist name", ('product = "Acme Public Cloud"', 'product = "acme public cloud"'), 7, "did you mean 'Acme Public Cloud'?"),
    ("a buyer's kind of evidence", ('kind = "self-reported"', 'kind = "live-run"'), 12, "live-run is the buyer's own check"),
    ("a clause answered twice", ('note = ""\n', 'note = ""\n[[requirement]]\nclause = "M1"\nclaim = "no"\n'), 20, "M1 is answered twice"),
    ("not a response form", ('format = "buyer.rfp-response"', 'format = "buyer.scorecard"'), 1, "must be 'buyer.rfp-response'"),
    ("a newer version", ("version = 1", "version = 2"), 2, "reads version 1 of the response format, not 2"),
    ("not TOML", ("[vendor]", "[vendor"), 5, "not valid TOML"),
    ("version true", ("version = 1", "version = true"), 2, "version: must be the whole number 1, written without quotes (this is a boolean)"),
    ("version a string", ("version = 1", 'version = "1"'), 2, "version: must be the whole number 1, written without quotes (this is a string)"),
    ("version a decimal", ("version = 1", "version = 1.0"), 2, "version: must be the whole number 1, written without quotes (this is a decimal number)"),
    ("an escape in the company", ('company = "Acme Hosting GmbH"', 'company = "Acme\\u001bc Hosting"'), 6, "vendor.company: holds a control character (\\x1b)"),
    ("a newline in the product", ('product = "Acme Public Cloud"', 'product = "Acme\\nOK: all good"'), 7, "vendor.product: holds a control character (\\x0a)"),
    ("a bell in the contact", ('contact = "tenders@acme.example"', 'contact = "x\\u0007@acme"'), 8, "vendor.contact: holds a control character (\\x07)"),
    ("a C1 control in the product", ('product = "Acme Public Cloud"', 'product = "Acme\\u009b2J"'), 7, "vendor.product: holds a control character (\\x9b)"),
    ("a bidi override in the product", ('product = "Acme Public Cloud"', 'product = "Acme \\u202ecilbuP"'), 7, "vendor.product: holds a control character (\\u202e)"),
    ("a carriage return in a note", ('note = ""', 'note = "fine\\r\\u001b[2Kforged"'), 18, "requirement[0].note: holds a control character (\\x0d)"),
    ("a zero-width space in a shortlisted name", ('product = "Acme Public Cloud"', 'product = "Acme\\u200bPublic Cloud"'), 7,
     "vendor.product: holds characters that draw nothing (U+200B) and otherwise reads as the shortlisted 'Acme Public Cloud'"),
    ("a word joiner after a shortlisted name", ('product = "Acme Public Cloud"', 'product = "ACME Public Cloud\\u2060"'), 7,
     "holds characters that draw nothing (U+2060) and otherwise reads as the shortlisted 'Acme Public Cloud'"),
    ("a blank Braille pattern after a shortlisted name", ('product = "Acme Public Cloud"', 'product = "Acme Public Cloud\u2800"'), 7,
     "holds characters that draw nothing (U+2800) and otherwise reads as the shortlisted 'Acme Public Cloud'"),
    ("a supplementary variation selector", ('product = "Acme Public Cloud"', 'product = "Acme Public Cloud\U000E0100"'), 7,
     "holds characters that draw nothing (U+E0100) and otherwise reads as the shortlisted 'Acme Public Cloud'"),
]  # fmt: skip


@pytest.mark.shared
@pytest.mark.parametrize(("what", "edit", "line", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_form_is_exit_2_at_its_line_and_nothing_is_written(tmp_path, src, capsys, what, edit, line, message):
    folder = tmp_path / "answers"
    folder.mkdir()
    shutil.copy(ACME_RUN, folder / "acme-run.json")
    (folder / "a-folder").mkdir()
    (folder / "notes.txt").write_text("We passed everything, trust us.\n")
    old, new = edit
    assert old in GOOD
    form = folder / "acme.toml"
    form.write_text(GOOD.replace(old, new, 1))
    out = tmp_path / "scorecard.pdf"
    for args in (
        ["response", "check", str(form), "--profile", str(PROFILE), "--source", src],
        ["report", "--profile", str(PROFILE), "--as-of", AS_OF, "--source", src, "--no-registry",
         "--responses", str(folder), "-o", str(out)],
        ["evaluate", "--profile", str(PROFILE), "--as-of", AS_OF, "--source", src, "--no-registry",
         "--response", str(form), "--format", "json"],
    ):  # fmt: skip
        code, stdout, err = buyer(capsys, *args)
        assert code == 2, (args[0], err)
        assert f"{form}:{line}:" in err and message in err, (args[0], err)
        assert "Traceback" not in err
        assert stdout == "" and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers"]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("acme-run.json", "../elsewhere/acme-run.json"),  # a file outside
        ("sub/acme-run.json", None),  # a folder outside: sub -> ../elsewhere
        ("up/answers/../elsewhere/acme-run.json", None),  # refused as '..' by the form itself
        ("gone.json", "/nonexistent/acme-run.json"),  # a dangling link outside
    ],
    ids=["file-link", "folder-link", "dotdot", "dangling"],
)
def test_evidence_a_symbolic_link_takes_outside_the_form_folder_is_refused(tmp_path, src, capsys, name, link):
    """A vendor's ZIP unpacked into the answers folder must not make buyer read, and hash into
    the report, a file of this machine or one another vendor sent."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ACME_RUN, elsewhere / "acme-run.json")
    folder = tmp_path / "answers"
    folder.mkdir()
    os.symlink("../elsewhere", folder / "sub")
    os.symlink("..", folder / "up")
    if link:
        os.symlink(link, folder / Path(name).name)
    form = folder / "acme.toml"
    form.write_text(GOOD.replace('file = "acme-run.json"', f'file = "{name}"'))
    out = tmp_path / "card.md"
    for args in (
        ["response", "check", str(form), "--profile", str(PROFILE), "--source", src],
        ["evaluate", "--profile", str(PROFILE), "--as-of", AS_OF, "--source", src, "--no-registry", "--response", str(form)],
        ["report", "--profile", str(PROFILE), "--as-of", AS_OF, "--source", src, "--no-registry", "--responses", str(folder), "-o", str(out)],
    ):  # fmt: skip
        code, stdout, err = buyer(capsys, *args)
        assert code == 2 and stdout == "" and len(err.splitlines()) == 1, (args[0], err)
        assert f"{form}:11:1: evidence[0].file: " in err, (args[0], err)
        assert "leads outside the form's folder" in err or "inside its folder" in err, (args[0], err)
    assert not out.exists()


@pytest.mark.shared
def test_a_symbolic_link_within_the_form_folder_is_followed(tmp_path, src, capsys):
    folder = tmp_path / "answers"
    (folder / "runs").mkdir(parents=True)
    shutil.copy(ACME_RUN, folder / "runs" / "acme-run.json")
    os.symlink("runs/acme-run.json", folder / "acme-run.json")
    (folder / "acme.toml").write_text(GOOD)
    code, out, err = buyer(capsys, "response", "check", str(folder), "--profile", str(PROFILE), "--source", src)
    assert code == 0 and "ok: Acme Hosting GmbH" in out, err


@pytest.mark.shared
def test_every_problem_of_every_form_is_told_at_once(tmp_path, src, capsys):
    (tmp_path / "a.toml").write_text(
        GOOD.replace('company = "Acme Hosting GmbH"\n', "").replace('clause = "M1"', 'clause = "M9"')
    )
    (tmp_path / "b.toml").write_text(GOOD.replace('claim = "comply"', 'claim = ""'))
    code, _, err = buyer(capsys, "response", "check", str(tmp_path), "--profile", str(PROFILE), "--source", src)
    assert code == 2
    told = err.splitlines()
    assert told == [
        f"{tmp_path / 'a.toml'}:5:1: missing required key 'company' in [vendor]",
        f"{tmp_path / 'a.toml'}:10:1: evidence[0].file: 'acme-run.json': no such file",
        f"{tmp_path / 'a.toml'}:15:1: requirement[0].clause: the RFP has no clause M9 (it has M1, M2, M3)",
        f"{tmp_path / 'b.toml'}:7:1: vendor.product: {tmp_path / 'a.toml'} answers for the same product",
        f"{tmp_path / 'b.toml'}:11:1: evidence[0].file: 'acme-run.json': no such file",
        f"{tmp_path / 'b.toml'}:17:1: requirement[0].claim: answer comply, partial, no",
    ]


@pytest.mark.shared
def test_evidence_that_breaks_when_scored_is_told_at_the_form_line(tmp_path, src, capsys):
    """evaluate reads evidence when it scores it; a file that is there but is not evidence is
    told at the [[evidence]] line of the form that names it, as check tells it."""
    (tmp_path / "acme-run.json").write_bytes(b'{"results": 7}')
    form = tmp_path / "acme.toml"
    form.write_text(GOOD)
    code, _, err = buyer(capsys, "evaluate", "--profile", str(PROFILE), "--as-of", AS_OF, "--source", src,
                         "--no-registry", "--response", str(form))  # fmt: skip
    assert code == 2 and err.startswith(f"buyer: error: {form}:11:1: evidence file 'acme-run.json': ")


# -- the instructions a vendor follows -----------------------------------------------------------

TEMPEST = Path(os.path.expanduser("~/.cache/buyer-peers/tempest/bin/tempest"))


@pytest.mark.shared
def test_how_to_respond_picks_every_listed_test_from_a_real_tempest(package, tmp_path):
    """The first shell block of HOW-TO-RESPOND.md's tempest section, run as written against a real
    tempest's test list: every listed test tempest has ends up in the load list."""
    from buyer.live.tempest import resolve_tests

    if not TEMPEST.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the tempest peer must run in CI: {TEMPEST} is missing")
        pytest.skip(f"{TEMPEST} not found (run tests/peers/install.sh tempest)")
    how = (package / "HOW-TO-RESPOND.md").read_text()
    section = how.split("## With tempest and stestr alone", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    assert "tempest run --load-list" not in block  # picking only; running needs a cloud
    m1 = package / "tests" / "M1-2020.06-platform.txt"
    block = block.replace("tests/M2-dns.2020.06-dns.txt", "tests/M1-2020.06-platform.txt").replace("M2.", "M1.")
    script = block.replace("PACKAGE=/path/to/this/folder", f"PACKAGE={package}")
    workspace = tmp_path / "ws"
    name = f"buyer-howto-{os.getpid()}-{tmp_path.name}"  # tempest registers workspaces by name in ~/.tempest
    subprocess.run([str(TEMPEST), "init", "--name", name, str(workspace)], check=True, capture_output=True)
    try:
        env = {**os.environ, "PATH": f"{TEMPEST.parent}:{os.environ['PATH']}"}
        done = subprocess.run(["bash", "-e", "-c", script], cwd=workspace, env=env, capture_output=True, text=True)
    finally:
        subprocess.run([str(TEMPEST), "workspace", "remove", "--name", name], capture_output=True)
    assert done.returncode == 0, done.stderr
    listed = (workspace / "all-tests.txt").read_text().splitlines()
    picked = set((workspace / "M1.load-list").read_text().splitlines())
    resolved, unresolved = resolve_tests(m1.read_text().splitlines(), [t for t in listed if "[" in t])
    # The how-to picks by idempotent id; buyer's own runner also runs a listed alias under its
    # name when tempest has it with another id. Every test buyer finds by a listed id is picked.
    list_ids = set(re.findall(r"\[(?:id-)?([0-9a-f-]{36})\]", m1.read_text()))
    by_id = {t for t in resolved if re.search(r"id-([0-9a-f-]{36})", t).group(1) in list_ids}
    assert by_id and by_id <= picked
    missing = {line.split(": ")[1] for line in done.stdout.splitlines() if line.startswith("not in this tempest: ")}
    assert {re.search(r"id-([0-9a-f-]{36})", u).group(1) for u in unresolved} == missing


def test_the_pdf_names_every_contradiction_first_and_lists_each_response_file(answers, tmp_path, src, capsys):
    from pypdf import PdfReader

    out = tmp_path / "card.pdf"
    code, _, err = buyer(capsys, "report", "--profile", str(PROFILE), "--as-of", AS_OF, "--source", src,
                         "--no-registry", "--responses", str(answers), "-o", str(out))  # fmt: skip
    assert code == 0, err
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out).pages]
    summary = next(p for p in pages if "Executive summary" in p)
    contradicted = summary[summary.index("Claims contradicted by the evidence") : summary.index("Product Rating")]
    card = scorecard(capsys, src, "--responses", str(answers))
    found = [(p["name"], r["title"]) for p in card["products"] for r in p["requirements"] if r["claim_contradicted"]]
    assert found and f"({len(found)})" in contradicted
    for product, title in found:
        assert product in contradicted and title in contradicted
    appendix = " ".join(p for p in pages if "Inputs" in p and "SHA-256" in p)
    for form in sorted(answers.glob("*.toml")):
        digest = hashlib.sha256(form.read_bytes()).hexdigest()
        assert form.name in appendix and digest[:32] in appendix.replace(" ", "")
