"""The committee's PDF is archival (PDF/A-2b), navigable and reproducible: read back with pikepdf,
validated, its outline and links followed, its inputs declared, rendered again from the line it prints."""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess

import pikepdf
import pytest

from buyer.cli import main
from buyer.report.inputs import LOCAL_SOURCE
from tests.conftest import CLOSED, SHARED_INTEROP
from tests.pdf_reading import embedded, fonts, links, outline, page_texts
from tests.pdf_scenarios import AS_OF, VENDORS, committee_argv, committee_folder


@pytest.fixture(scope="module")
def committee(tmp_path_factory):
    """The committee's folder and its report, rendered once for the module (sources isolated)."""
    root = tmp_path_factory.mktemp("pdf")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUYER_CACHE_DIR", str(root / "cache"))
        for name in ("INTEROP", "REFSTACK", "MARKETPLACE", "SCS_MONITOR"):
            mp.setenv(f"BUYER_{name}_URL", CLOSED)
        mp.delenv("BUYER_REGISTRY_FILE", raising=False)
        profile = committee_folder(root)
        out = root / "committee.pdf"
        assert main(committee_argv(profile, out)) == 0
    return {"root": root, "profile": profile, "path": out, "data": out.read_bytes()}


def test_every_font_is_embedded_and_none_is_a_standard_font(committee):
    with pikepdf.open(io.BytesIO(committee["data"])) as pdf:
        found = list(fonts(pdf))
        names = [str(f.BaseFont) for f in found]
        assert found and all(embedded(f) for f in found), names
        assert any("DejaVuSansMono" in n for n in names)  # hashes and test names: a TrueType monospace
        assert not any(n.lstrip("/") in ("Helvetica", "Courier", "Times-Roman") for n in names)
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(committee["path"])], capture_output=True, text=True).stdout
        rows = listing.splitlines()[2:]
        assert rows and all(" yes " in row for row in rows), listing


def test_metadata_declares_pdfa_2b_and_agrees_with_the_document_info(committee):
    with pikepdf.open(io.BytesIO(committee["data"])) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        info = pdf.docinfo
        assert meta["dc:title"] == str(info.Title) == "OpenStack compliance scorecard"
        assert str(info.Subject) == meta["dc:description"] and "Committee review 2018.11" in str(info.Subject)
        assert "DNS add-on 2018.11" in str(info.Keywords) and meta["pdf:Keywords"] == str(info.Keywords)
        assert str(info.Author) == "City of Testburg" and meta["dc:creator"] == ["City of Testburg"]
        assert str(info.CreationDate).startswith("D:20261122000000") and info.CreationDate == info.ModDate
        assert meta["xmp:CreateDate"].startswith("2026-11-22T00:00:00")
        assert str(pdf.Root.Lang) == "en"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile
        icc = profile.read_bytes()
        assert profile.N == 3 and icc[36:40] == b"acsp" and icc[16:20] == b"RGB "


def test_generated_at_sets_the_dates(committee, tmp_path):
    out = tmp_path / "later.pdf"
    assert main(committee_argv(committee["profile"], out, "--generated-at", "2026-11-23T09:30:00Z")) == 0
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20261123093000")
        assert pdf.open_metadata()["xmp:ModifyDate"].startswith("2026-11-23T09:30:00")
    assert "--generated-at 2026-11-23T09:30:00Z" in "".join(page_texts(out.read_bytes())).replace("\n", " ")


def test_pikepdf_validator_passes_it_as_pdfa_2b(committee):
    """pikepdf's allowlist validator, built from veraPDF's PDF/A-2b rules."""
    pdfa = pytest.importorskip("pikepdf.pdfa", reason="the validator needs pikepdf[pdfa] (the test extra)")
    report = pdfa.validate_written(io.BytesIO(committee["data"]), "2b")
    assert report.passed, [str(f) for f in report.findings]


def test_verapdf_passes_it_as_pdfa_2b(committee):
    verapdf = shutil.which("verapdf")
    if verapdf is None:
        pytest.skip("veraPDF is not installed (it is not packaged for Debian or PyPI); pikepdf's validator ran instead")
    done = subprocess.run(
        [verapdf, "--flavour", "2b", "--format", "text", str(committee["path"])],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.stdout.startswith("PASS"), done.stdout + done.stderr


def test_outline_has_every_section_and_every_product_on_its_page(committee):
    texts = page_texts(committee["data"])
    with pikepdf.open(io.BytesIO(committee["data"])) as pdf:
        entries = outline(pdf)
    top = [title for level, title, _ in entries if level == 0]
    assert top == [
        "Cover",
        "Executive summary",
        "Requirements",
        "Matrices",
        "Products",
        "Method and limits",
        "Appendix",
        "Glossary",
        "Sign-off",
    ]
    products = [(title, page) for level, title, page in entries if level == 1 and title[:1] == "P" and ". " in title]
    assert [t for t, _ in products] == [f"P{i}. {name}" for i, name in enumerate(VENDORS, start=1)]
    for title, page in products:
        assert texts[page].startswith(title)  # the heading opens the page
    matrices = [title for level, title, _ in entries if level == 1]
    assert "Capabilities of DNS add-on 2018.11" in matrices and "Extra capabilities (mandatory)" in matrices
    assert "Testcases of SCS-compatible IaaS v5.1" in matrices


def test_summary_and_matrix_link_to_each_product_page(committee):
    texts = page_texts(committee["data"])
    with pikepdf.open(io.BytesIO(committee["data"])) as pdf:
        pages = {title: page for level, title, page in outline(pdf)}
        product_pages = [pages[f"P{i}. {n}"] for i, n in enumerate(VENDORS, start=1)]
        summary = pages["Executive summary"]
        assert set(product_pages) <= set(links(pdf, summary))
        matrix_links = {p for page in range(pages["Matrices"], pages["Products"]) for p in links(pdf, page)}
        assert set(product_pages) <= matrix_links
        for i, page in enumerate(product_pages, start=1):
            assert f"P{i}." in texts[page]


def test_no_folder_of_the_rendering_machine_reaches_the_pdf(committee):
    root = str(committee["root"])
    data = committee["data"]
    assert root.encode() not in data  # uncompressed strings: info, outline
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = bytes(pdf.Root.Metadata.read_bytes())
        assert root.encode() not in xmp
        assert all(root not in str(v) for v in pdf.docinfo.values())
        assert all(root not in title for _, title, _ in outline(pdf))
    text = "".join("".join(page_texts(data)).split())
    assert "".join(root.split()) not in text and str(SHARED_INTEROP) not in text
    assert "scopes/scs-compatible-iaas.yaml" in text and "delta/delta.txt" in text


def test_same_inputs_same_bytes_and_the_reproduce_line_renders_them(committee, tmp_path, monkeypatch):
    """The appendix's command, run where it says (DATA being the guideline folder), gives the same bytes."""
    again = tmp_path / "again.pdf"
    assert main(committee_argv(committee["profile"], again)) == 0
    assert again.read_bytes() == committee["data"]
    text = "\n".join(page_texts(committee["data"]))
    line = next(x for x in text.splitlines() if x.startswith("buyer report "))
    words = shlex.split(line)
    assert words[:4] == ["buyer", "report", "--profile", "committee.toml"]
    assert ["--as-of", AS_OF.isoformat()] == words[4:6] and words[6:8] == ["--source", LOCAL_SOURCE]
    assert words[8:] == ["--registry", "registry.toml"]
    monkeypatch.chdir(committee["profile"].parent)
    monkeypatch.setenv("BUYER_CACHE_DIR", str(tmp_path / "cache"))
    argv = [str(SHARED_INTEROP) if w == LOCAL_SOURCE else w for w in words[1:]]
    out = tmp_path / "reproduced.pdf"
    assert main([*argv, "-o", str(out)]) == 0
    assert out.read_bytes() == committee["data"]


def test_the_registry_is_an_input_and_part_of_the_report_id(committee, tmp_path):
    """Changing the local registry changes the report id (and the PDF), even when no verdict changes."""
    from buyer._hashing import sha256_hex

    folder = tmp_path / "copy"
    shutil.copytree(committee["profile"].parent, folder)
    registry = folder / "registry.toml"
    text = " ".join("\n".join(page_texts(committee["data"])).split())
    assert "registry: local registry" in text and "registry.toml" in text
    digest = sha256_hex(registry.read_bytes())
    assert digest[:32] in text.replace(" ", "") and digest[32:] in text.replace(" ", "")
    rid = next(w for w in text.split("report id ")[1:2]).split()[0]
    registry.write_text(registry.read_text().replace("expires = 2027-06-30", "expires = 2027-07-31"))
    out = tmp_path / "changed.pdf"
    assert main(committee_argv(folder / "committee.toml", out)) == 0
    changed = " ".join("\n".join(page_texts(out.read_bytes())).split())
    assert f"report id {rid}" not in changed and "report id " in changed
    assert sha256_hex(registry.read_bytes())[:32] in changed.replace(" ", "")


def test_every_page_renders_to_png(committee, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (.ci/run does)")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(committee["path"]), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(page_texts(committee["data"])) and all(p.stat().st_size > 1000 for p in pngs)
    assert os.path.getsize(committee["path"]) < 1_000_000
