"""What the committee's PDF says: a matrix per requirement (add-on, mandatory extra capability, SCS
testcases), product pages in deciding order with counts that match their tables, an honest summary,
one vocabulary, a glossary of exactly what was printed, a sign-off with every field."""

from __future__ import annotations

import re

import pytest
from reportlab.platypus import Table

from buyer.model.scorecard import Verdict
from buyer.report.inputs import ReportMeta, report_id
from buyer.report.pdf import render_pdf, wrap
from buyer.report.pdf.kit import Kit
from buyer.report.pdf.sections import product as product_section
from buyer.report.pdf.sections import summary as summary_section
from buyer.report.phrases import FLAG_CODES
from tests.pdf_reading import page_texts
from tests.pdf_scenarios import EXTRA, VENDORS, committee_card, committee_folder


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    return committee_card(committee_folder(tmp_path_factory.mktemp("content")))


@pytest.fixture(scope="module")
def pages(card):
    return [" ".join(t.split()) for t in page_texts(render_pdf(card, ReportMeta.for_card(card)))]


def _section(pages: list[str], first: str, until: str) -> str:
    start = next(i for i, t in enumerate(pages) if t.startswith(first))
    end = next(i for i, t in enumerate(pages) if i > start and t.startswith(until))
    return " ".join(pages[start:end])


def test_a_matrix_per_requirement_with_add_on_extra_and_scs_rows(card, pages):
    matrices = _section(pages, "Matrices", "P1. ")
    assert "Capabilities of OpenStack Powered Platform 2018.11" in matrices
    assert "Capabilities of DNS add-on 2018.11" in matrices and "dns-record-crud" in matrices
    assert f"{EXTRA} (mandatory; advisory in 2018.11)" in matrices
    assert "Testcases of SCS-compatible IaaS v5.1" in matrices
    testcases = [c.id for c in card.products[0].requirements[-1].capabilities]
    assert testcases and all(t in matrices.replace(" ", "") for t in testcases)
    assert "(advisory)" in matrices  # advisory capabilities of the program are marked


def test_product_page_puts_what_decides_first(pages):
    borealis = _section(pages, "P2. Borealis Cloud", "P3. ")
    decides = borealis.index("What decides the rating")
    failure = borealis.index("✗ fail DNS add-on 2018.11")
    flagged = borealis.index("Flagged tests not passed (allowed)")
    readiness = borealis.index("Readiness for the next guideline")
    evidence = borealis.index("Evidence")
    assert decides < failure < flagged < readiness < evidence
    assert "Failing capability" in borealis[failure:flagged]
    citadel = _section(pages, "P3. Citadel Compute", "P4. ")
    assert citadel.index("What decides the rating") < citadel.index("Not verified") < citadel.index("Evidence")


def test_a_passing_requirement_shows_no_failing_table(card, pages):
    aurora = _section(pages, "P1. Aurora Cloud", "P2. ")
    assert card.products[0].rating.value == "meets with exceptions"
    assert "Failing capability" not in aurora  # its advisory capabilities that fail do not count
    assert "Not ready:" in aurora  # they are readiness


def test_counts_in_prose_equal_counts_in_tables(card):
    """Each product page's "N flagged tests" is the number of rows of its table (or of its list in
    the appendix), and the summary's exceptions say the same N."""
    kit = Kit.create(report_id(card))
    for index, p in enumerate(card.products, start=1):
        story = product_section.page(index, p, kit)
        said = [int(n) for f in story if hasattr(f, "text") for n in re.findall(r"(\d+) flagged tests of", f.text)]
        tables = [
            len(f._cellvalues) - 1
            for f in story
            if isinstance(f, Table) and "Flagged test" in getattr(f._cellvalues[0][0], "text", "")
        ]
        deferred = [len(d.rows) for d in kit.deferred if d.key.startswith(f"flagged-{index}-")]
        expected = [r.required.flag_failed for r in p.requirements if r.verdict in (Verdict.PASS, Verdict.FAIL)]
        expected = [n for n in expected if n]
        assert said == expected, p.name
        assert sorted(tables + deferred) == sorted(expected), p.name
        for r in p.requirements:
            if r.verdict is Verdict.PASS and r.required.flag_failed:
                assert f"{r.title}: {r.required.flag_failed} flagged tests not passed" in " ".join(p.exceptions)


def test_summary_is_honest(card, pages):
    summary = _section(pages, "Executive summary", "Requirements")
    citadel = summary[summary.index("P3 · Citadel") : summary.index("P4 · Delta")]
    assert "not verified" in citadel and not re.search(r"\b0 of \d", citadel) and "0%" not in citadel
    aurora = summary[summary.index("P1 · Aurora") : summary.index("P2 · Borealis")]
    assert re.search(r"interop capabilities: \d+ of \d+", aurora) and re.search(r"SCS testcases: 54 of 54", aurora)
    delta = summary[summary.index("P4 · Delta") : summary.index("P5 · Echo")]
    assert "SCS testcases: not verified" in delta  # interop and SCS apart: one verified, one not
    kit = Kit.create("x")
    widths = [*summary_section.COLUMNS, 50.0]
    row = summary_section._row(card, 3, card.products[2], widths, kit.s.cell, kit, 3)
    assert "not verified" in row[2].text and "of" not in row[2].text


def test_one_vocabulary_and_a_glossary_of_what_was_printed(pages):
    text = " ".join(pages)
    assert "not-verified" not in text and "flagged-only" not in text
    glossary = _section(pages, "Glossary", "Sign-off")
    before = text[: text.index("Glossary The words")]
    for code in sorted(set(re.findall(r"\bD4\d\d\b", before))):
        assert code in glossary, code
        assert FLAG_CODES[code] in glossary
    for word in ("pass", "fail", "not verified", "meets with exceptions", "does not meet", "scope", "testcase"):
        assert re.search(rf"(^| ){re.escape(word)} ", glossary), word
    assert "D402" not in glossary  # defined only when printed


def test_sign_off_has_every_field_per_signer(pages):
    signoff = pages[-1]
    for field in ("Decision", "Name", "Role", "Date", "Signature"):
        assert signoff.count(field) >= 3, field
    for signer in ("Prepared by", "Reviewed by", "Approved by"):
        assert signer in signoff


def test_vendors_and_their_registry_claim(card, pages):
    assert [p.name for p in card.products] == list(VENDORS)
    delta = _section(pages, "P4. Delta Cloud", "P5. ")
    assert "OpenStack Powered Platform 2018.11 with dns: claimed, expires 2027-06-30" in delta
    assert "delta/delta.txt" in delta


@pytest.mark.parametrize(
    "word",
    [
        "tempest.api.compute.servers.test_servers.ServersTestJSON.test_create_server_with_admin_password",
        "volumes-v3-snapshot-create-delete",
        "x" * 300,
        "云" * 80,
        "Long " + "very-long-name-" * 40,
    ],
)
def test_long_words_break_after_separators_or_visibly_never_cut(word):
    from buyer.report.pdf.fonts import load_fonts

    fonts = load_fonts()

    def measure(text: str) -> float:
        return fonts.width(text, 7, fonts.mono)

    for token in word.split():
        lines = wrap.pieces(token, 60, measure)
        assert "".join(p.text for p in lines) == token  # nothing cut, nothing added
        assert all(measure(str(p)) <= 60 for p in lines)
        if "." in token or "-" in token:
            # after a separator, or (a part with none, wider than the line) visibly hyphenated
            assert all((p.text[-1] in ".-_" and not p.mark) or p.mark == wrap.HYPHEN for p in lines[:-1])
            assert sum(p.mark == wrap.HYPHEN for p in lines) < len(lines) / 2
        elif len(lines) > 1:
            assert all(p.mark == ("" if token[0] == "云" else wrap.HYPHEN) for p in lines[:-1])  # visibly


def test_long_flagged_lists_go_to_the_appendix_with_a_link(card, monkeypatch):
    import io

    import pikepdf

    from tests.pdf_reading import links, outline

    monkeypatch.setattr(product_section, "FLAGGED_ON_PAGE", 5)
    data = render_pdf(card, ReportMeta.for_card(card))
    texts = [" ".join(t.split()) for t in page_texts(data)]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        entries = outline(pdf)
        lists = [(title, page) for level, title, page in entries if level == 2]
        aurora = next(page for _, title, page in entries if title == "P1. Aurora Cloud")
        assert lists and lists[0][1] in links(pdf, aurora)  # the product page links to its list
    assert lists[0][0] == "P1. Aurora Cloud: OpenStack Powered Platform 2018.11"
    assert "The list, with reasons, is in the appendix." in texts[aurora]
    assert f"{lists[0][0]}: 11 flagged tests" in texts[lists[0][1]]
