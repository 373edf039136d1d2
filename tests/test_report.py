"""Exports: the PDF (deterministic, readable, renders, paginates, literal text), JSON, CSV,
Markdown and RFP clauses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys

import pytest

from buyer.model.profile import EvidencePolicy, InteropRequirement, Product, Profile
from buyer.model.scoring import evaluate
from buyer.report.inputs import ReportMeta, report_id
from buyer.report.markdown import md, scorecard_markdown
from buyer.report.pdf import render_pdf
from buyer.report.scorecard_csv import scorecard_csv
from tests.conftest import AS_OF, FIXTURES, evidence
from tests.test_scoring import ALL_NON_FLAGGED, C1, DNS

pypdf = pytest.importorskip("pypdf")

HOSTILE = [
    "<b>Acme & Co</b>",
    '<font size=90>Big</font> "quoted" cloud',
    "Облако Сибирь",
    "云 Cloud 北京",
    "Long " + "very-long-name-" * 33,  # 500 characters, no room to breathe
]


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return "".join(text.split())


def card_for(catalogue, names, add_ons=("dns",), extras=()):
    profile = Profile(
        name="Hostile names <i>test</i>",
        buyer="City of Übersee & Co",
        rfp_reference="RFP <2030/1>",
        interop=InteropRequirement(guideline="2030.01", add_ons=list(add_ons), extra_capabilities=list(extras)),
        evidence_policy=EvidencePolicy(max_age_days=365),
        shortlist=[Product(name=n, vendor=f"{n} Ltd") for n in names],
    )
    items = {
        names[0]: [evidence([*ALL_NON_FLAGGED, *DNS])],
        names[1]: [evidence([*ALL_NON_FLAGGED[1:], *DNS], failed=[C1])],
        names[2]: [evidence(ALL_NON_FLAGGED, date=AS_OF - dt.timedelta(days=900))],
    }
    return evaluate(
        profile, catalogue, items, AS_OF, [catalogue.use("2030.01"), catalogue.use("dns.2030.01")], "ab" * 32
    )


@pytest.fixture
def hostile_card(catalogue):
    return card_for(catalogue, HOSTILE)


def test_same_inputs_give_byte_identical_pdf(hostile_card):
    meta = ReportMeta.for_card(hostile_card)
    first, second = render_pdf(hostile_card, meta), render_pdf(hostile_card, meta)
    assert first == second
    later = ReportMeta.for_card(hostile_card, dt.datetime(2030, 3, 2, 10, 0, tzinfo=dt.UTC))
    assert render_pdf(hostile_card, later) != first  # only the stated generation time changes it


def test_pdf_text_matches_the_scorecard(hostile_card):
    pdf = render_pdf(hostile_card, ReportMeta.for_card(hostile_card, prepared_by="Jane Auditor"))
    text = text_of(pdf)
    squeezed = flat(text)
    rid = report_id(hostile_card)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for n in range(1, pages + 1):
        assert flat(f"page {n} of {pages}") in squeezed  # the total is a form drawn after "of"
    assert text.count(f"report id {rid}   ·   page") == pages
    for product in hostile_card.products:
        met, total = product.mandatory_met
        assert flat(product.name) in squeezed
        assert flat(f"{met} of {total} met" if product.verified else "not verified") in squeezed
        assert str(product.rating) in text
    assert "not-verified" not in text  # one vocabulary: the JSON token never reaches the PDF
    assert "meets with exceptions" in text  # the first product leaves flagged tests open
    assert "does not meet" in text and "not verified" in text
    assert "Jane Auditor" in text and "Sign-off" in text and "Glossary" in text
    for g in hostile_card.guidelines:
        assert g.sha256 in squeezed
    assert "D401 the test is racy" in text  # flag reasons are shown


def test_outside_strings_render_literally(hostile_card):
    text = text_of(render_pdf(hostile_card, ReportMeta.for_card(hostile_card)))
    squeezed = flat(text)
    for name in HOSTILE:
        assert flat(name) in squeezed, name
    assert flat("<i>test</i>") in squeezed and flat("RFP <2030/1>") in squeezed


def test_every_page_renders_to_png(tmp_path, hostile_card):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (.ci/run does)")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(hostile_card, ReportMeta.for_card(hostile_card)))
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True, timeout=120)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(pypdf.PdfReader(str(pdf)).pages)
    assert all(p.stat().st_size > 1000 for p in pngs)


def test_csv_and_markdown_treat_outside_strings_as_data(catalogue):
    card = card_for(catalogue, ['=HYPERLINK("http://x")', "| pipe *bold*", "plain"])
    rows = list(csv.reader(io.StringIO(scorecard_csv(card))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert len(rows) == 1 + 3 * 2 and rows[0][0] == "product"
    text = scorecard_markdown(card)
    assert "\\| pipe \\*bold\\*" in text
    assert md("<script>") == "\\<script\\>"


def test_report_cli_writes_atomically(tmp_path):
    src = str(FIXTURES / "interop")
    good = tmp_path / "acme.txt"
    good.write_text("\n".join(ALL_NON_FLAGGED) + "\n")
    out = tmp_path / "out" / "report.pdf"
    base = [
        sys.executable,
        "-m",
        "buyer",
        "report",
        "--guideline",
        "2030.01",
        "--evidence",
        f"Acme={good}",
        "--source",
        src,
        "--as-of",
        "2030-01-01",
        "-o",
        str(out),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUYER_PDF")}
    done = subprocess.run(base, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    first = out.read_bytes()
    assert first.startswith(b"%PDF") and "sha256" in done.stderr and not done.stdout
    command = " ".join(" ".join(text_of(first).split()).split("Reproduce ")[1].split()[:14])
    assert command == (  # the options as given, files as reports name them, the local source as DATA
        "buyer report --guideline 2030.01 --program platform --evidence Acme=acme.txt --as-of 2030-01-01 "
        "--source DATA Run from"
    ), command
    again = subprocess.run(base, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0 and out.read_bytes() == first
    # A rendering failure leaves the existing report whole, and no temporary file behind.
    broken = subprocess.run(base, capture_output=True, text=True, env={**env, "BUYER_PDF_FONT": str(good)}, timeout=120)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert "cannot use" in broken.stderr
    assert out.read_bytes() == first
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
    for fmt in ("json", "csv", "md"):
        target = tmp_path / f"r.{fmt}"
        done = subprocess.run([*base[:-1], str(target)], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0 and target.stat().st_size > 100


def test_rfp_clauses_and_response_sheet(tmp_path, capsys):
    from buyer.cli import main

    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "RFP"\nrfp_reference = "R-1"\n[interop]\nguideline = "2030.01"\nadd_ons = ["dns"]\n'
        'extra_capabilities = ["compute-tags"]\n[[shortlist]]\nname = "Acme"\nvendor = "Acme Ltd"\n'
    )
    assert main(["rfp", "--profile", str(profile), "--source", str(FIXTURES / "interop")]) == 0
    text = capsys.readouterr().out
    assert "**M1.** The offered cloud SHALL meet OpenStack Powered Platform" in text
    assert "**M2.** The offered cloud SHALL meet the DNS add-on" in text
    assert "**M3.** The offered cloud SHALL provide the capability `compute-tags`" in text
    assert "buyer guidelines tests dns.2030.01 --program dns --status required --no-flagged" in text
    assert "| Acme Ltd | Acme |" in text
    assert "SHOULD provide the advisory capability" not in text  # compute-tags is already mandatory


def test_fallback_font_draws_what_the_main_font_lacks(hostile_card, tmp_path):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from buyer.report.pdf.fonts import BOLD, FALLBACK, REGULAR, load_fonts

    fonts = load_fonts()
    if fonts.fallback is None:
        pytest.fail("no CJK fallback font: install fonts-droid-fallback (.ci/run does)")
    assert fonts.markup("<b>Облако & 云</b>") == '&lt;b&gt;Облако &amp; <font name="BuyerFallback">云</font>&lt;/b&gt;'
    for face in (REGULAR, BOLD):
        para = Paragraph(fonts.markup("云 Cloud"), ParagraphStyle("x", fontName=face))
        assert para.frags[0].fontName == FALLBACK
        assert para.frags[-1].fontName == face
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(hostile_card, ReportMeta.for_card(hostile_card)))
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "DroidSansFallback" in listing or "WenQuanYi" in listing


def test_flag_reasons_from_guideline_files_are_data(tmp_path):
    import json as jsonlib

    from buyer.sources.catalogue import Catalogue

    root = tmp_path / "interop"
    shutil.copytree(FIXTURES / "interop", root)
    path = root / "guidelines" / "2030.01.json"
    doc = jsonlib.loads(path.read_text())
    flagged = doc["capabilities"]["compute-servers"]["tests"][
        "tempest.api.compute.servers.test_servers.ServersTest.test_flaky"
    ]
    flagged["flagged"]["reason"] = "<b>D401</b> & <font size=90>racy</font> 测试"
    path.write_text(jsonlib.dumps(doc))
    cat = Catalogue(root)
    profile = Profile(name="p", interop=InteropRequirement(guideline="2030.01"), shortlist=[Product(name="Acme")])
    card = evaluate(profile, cat, {"Acme": [evidence(ALL_NON_FLAGGED)]}, AS_OF, [cat.use("2030.01")])
    text = flat(text_of(render_pdf(card, ReportMeta.for_card(card))))
    assert flat("<b>D401</b> & <font size=90>racy</font> 测试") in text


def test_a_profile_folder_moved_elsewhere_gives_the_same_pdf(tmp_path, capsys):
    """Evidence is recorded as the profile names it, so no folder of the preparer's machine
    reaches the report, and the SHA-256 quoted in a contract holds on another machine."""
    from pypdf import PdfReader

    from buyer.cli import main

    first = tmp_path / "a"
    (first / "evidence").mkdir(parents=True)
    (first / "evidence" / "acme.txt").write_text("\n".join(ALL_NON_FLAGGED) + "\n")
    (first / "rfp.toml").write_text(
        'name = "Moved"\n[interop]\nguideline = "2030.01"\n[[shortlist]]\nname = "Acme"\n'
        'evidence = [{ file = "evidence/acme.txt", kind = "self-reported", date = 2030-01-02 }]\n'
    )
    second = tmp_path / "somewhere" / "else" / "entirely"
    shutil.copytree(first, second)
    pdfs = []
    for folder in (first, second):
        out = folder / "report.pdf"
        argv = ["report", "--profile", str(folder / "rfp.toml"), "--source", str(FIXTURES / "interop")]
        assert main([*argv, "--as-of", "2030-01-05", "-o", str(out)]) == 0
        pdfs.append(out.read_bytes())
    capsys.readouterr()
    assert pdfs[0] == pdfs[1]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdfs[0])).pages)
    assert "evidence/acme.txt" in text and str(tmp_path) not in text


def _font_table(data: bytes, tag: bytes) -> tuple[int, int, int]:
    """(directory entry position, offset, length) of a table of a TrueType file."""
    import struct

    (count,) = struct.unpack_from(">H", data, 4)
    for n in range(count):
        found, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * n)
        if found == tag:
            return 12 + 16 * n, offset, length
    raise AssertionError(tag)


def _damaged_fonts(good: bytes) -> dict[str, bytes]:
    """A real TrueType file damaged the ways a disk, a download or a hand does it."""
    import struct

    _, cmap, _ = _font_table(good, b"cmap")
    # the cmap's format 12 subtable (the one ReportLab reads): its first group made to span 2**31 codes
    (subtables,) = struct.unpack_from(">H", good, cmap + 2)
    twelve = next(
        cmap + struct.unpack_from(">I", good, cmap + 8 + 8 * n)[0]
        for n in range(subtables)
        if struct.unpack_from(">H", good, cmap + struct.unpack_from(">I", good, cmap + 8 + 8 * n)[0])[0] == 12
    )
    huge = bytearray(good)
    struct.pack_into(">II", huge, twelve + 16, 0, 0x7FFFFFFF)
    glyf_entry, _, _ = _font_table(good, b"glyf")
    past = bytearray(good)
    struct.pack_into(">I", past, glyf_entry + 12, len(good))  # the glyf table runs past the end
    _, loca, loca_length = _font_table(good, b"loca")
    offsets = bytearray(good)
    offsets[loca : loca + loca_length] = b"\xff" * loca_length  # every glyph far outside its table
    return {
        "a cmap range past Unicode": bytes(huge),
        "truncated": good[:20_000],
        "a table past the end": bytes(past),
        "glyph offsets outside the glyf table": bytes(offsets),
        "not a font": b'{"json": true}\n' * 100,
    }


def test_a_damaged_font_file_is_one_line_exit_2_in_bounded_memory(tmp_path):
    """BUYER_PDF_FONT names a file from anywhere: damaged, it is a one-line error, exit 2, and
    never the machine's memory (the run is capped at 1.5 GB: without the checks, a cmap range
    of 2**31 codes makes ReportLab build a dictionary of billions of entries)."""
    import resource

    from buyer.report.pdf.fonts import _REGULAR_CANDIDATES

    good = next((path for path in _REGULAR_CANDIDATES if os.path.isfile(path)), None)
    assert good, "no TrueType font installed (Debian: fonts-dejavu-core)"
    evidence_file = tmp_path / "acme.txt"
    evidence_file.write_text("\n".join(ALL_NON_FLAGGED) + "\n")
    out = tmp_path / "report.pdf"
    args = [sys.executable, "-m", "buyer", "report", "--guideline", "2030.01", "--evidence", f"Acme={evidence_file}",
            "--source", str(FIXTURES / "interop"), "--as-of", "2030-01-01", "-o", str(out)]  # fmt: skip

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    env = {k: v for k, v in os.environ.items() if not k.startswith("BUYER_PDF")}
    with open(good, "rb") as handle:
        fonts = _damaged_fonts(handle.read())
    for what, data in fonts.items():
        font = tmp_path / "font.ttf"
        font.write_bytes(data)
        done = subprocess.run(args, capture_output=True, text=True, env={**env, "BUYER_PDF_FONT": str(font)},
                              timeout=120, preexec_fn=capped)  # fmt: skip
        assert done.returncode == 2, (what, done.stderr[-500:])
        assert done.stderr.startswith(f"buyer: error: cannot use {font} as a PDF font: "), (what, done.stderr)
        assert len(done.stderr.splitlines()) == 1, (what, done.stderr)
        assert not out.exists()
