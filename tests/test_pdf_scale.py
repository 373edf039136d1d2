"""Readable at any shortlist size: 80 vendors (and a name of 5,000 characters) give a report with
nothing under 6 pt, nothing in the side margins, a summary over several pages, and matrices in
column groups that name their products again."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pikepdf
import pytest

from buyer.report.inputs import ReportMeta
from buyer.report.pdf import SMALLEST, render_pdf
from buyer.report.pdf.sections.matrix import PER_GROUP
from buyer.sources.catalogue import Catalogue
from tests.conftest import SHARED_INTEROP, need_shared
from tests.pdf_reading import margin_ink, outline, page_texts, text_sizes
from tests.test_report import card_for

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from report import shortlist_card

HUGE = "Cloud " + "".join(f"Region{i:04d}-" for i in range(500)) + " " + "x" * 500  # 5,000+ characters


def need_poppler() -> None:
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (.ci/run does)")


@pytest.fixture(scope="module")
def eighty(tmp_path_factory):
    card = shortlist_card(Catalogue(need_shared(SHARED_INTEROP)), 80)
    data = render_pdf(card, ReportMeta.for_card(card))
    path = tmp_path_factory.mktemp("eighty") / "80.pdf"
    path.write_bytes(data)
    return card, data, path


def test_nothing_under_six_points(eighty):
    _, data, _ = eighty
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sizes = text_sizes(pdf)
        assert len({page for page, _ in sizes}) == len(pdf.pages)  # every page was read
    small = [(page, size) for page, size in sizes if size < SMALLEST - 1e-6]
    assert not small, small[:5]


def test_nothing_crosses_the_side_margins(eighty, tmp_path):
    need_poppler()
    _, data, path = eighty
    inked = margin_ink(path, tmp_path)
    assert len(inked) == len(page_texts(data))
    assert [(i, ink) for i, ink in enumerate(inked, start=1) if ink != (0, 0)] == []


def test_the_summary_paginates_with_every_product(eighty):
    card, data, _ = eighty
    texts = page_texts(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {title: page for level, title, page in outline(pdf) if level == 0}
    summary = texts[pages["Executive summary"] : pages["Requirements"]]
    assert len(summary) > 2
    assert all("Gaps and exceptions" in t for t in summary)  # the header repeats
    squeezed = "".join("".join(summary).split())
    for index, p in enumerate(card.products, start=1):
        assert f"P{index}·" + "".join(p.name.split())[:40] in squeezed, p.name[:40]


def test_matrices_split_into_column_groups_that_name_their_products(eighty):
    card, data, _ = eighty
    texts = page_texts(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        entries = outline(pdf)
    pages = {title: page for level, title, page in entries if level == 0}
    matrices = " ".join(" ".join(t.split()) for t in texts[pages["Matrices"] : pages["Products"]])
    groups = (len(card.products) + PER_GROUP - 1) // PER_GROUP
    capability_matrices = [t for level, t, _ in entries if level == 1 and t.startswith("Capabilities of")]
    assert len(capability_matrices) == 3  # Platform, DNS, Orchestration
    for g in range(groups):
        first, last = g * PER_GROUP + 1, min((g + 1) * PER_GROUP, len(card.products))
        assert matrices.count(f"Products P{first} to P{last}") == 3
    for index in (1, 40, 80):
        name = card.products[index - 1].name
        if len(name) < 40:
            assert matrices.count(f"P{index} {name}") == 3  # named above its group in every matrix


def test_a_name_of_five_thousand_characters_wraps_whole(catalogue, tmp_path):
    """Issue 13: it laid out into a LayoutError; now it wraps (at hyphens, or visibly) and is whole."""
    need_poppler()
    card = card_for(catalogue, [HUGE, "Short", "Other"])
    data = render_pdf(card, ReportMeta.for_card(card))
    path = tmp_path / "huge.pdf"
    path.write_bytes(data)
    text = "".join("".join(page_texts(data)).split())
    words = HUGE.split()
    assert words[0] + words[1] in text  # broken only after its hyphens: nothing added, nothing cut
    assert words[2] in text.replace("-", "")  # no separator to break at: hyphenated visibly
    assert [(i, ink) for i, ink in enumerate(margin_ink(path, tmp_path), 1) if ink != (0, 0)] == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert min(size for _, size in text_sizes(pdf)) >= SMALLEST
