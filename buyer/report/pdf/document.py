"""The document around the sections: page template, running header and footer ("page N of M"),
outline, metadata, and the archival layer (PDF/A-2b) that ReportLab does not write.

ReportLab lays out the pages (invariant mode: no wall clock, no random id). pikepdf then adds
what PDF/A asks for: XMP metadata that declares PDF/A-2b and agrees with the document info,
an output intent with an embedded sRGB ICC profile, the print flag on link annotations, and
the dates of the report (the evaluation date, or --generated-at). It saves with an /ID derived
from the content, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from importlib.resources import files
from typing import Any

import pikepdf
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from buyer.model.scorecard import Scorecard
from buyer.report.inputs import ReportMeta
from buyer.report.pdf.kit import Kit
from buyer.report.pdf.styles import GRID, HEIGHT, MARGIN, MUTED, PAGE, WIDTH

LANGUAGE = "en"
TOTAL_FORM = "buyer-page-total"
FOOTER_SIZE = 7.5

# The sRGB profile (IEC 61966-2.1, ICC v2, display class) that pikepdf ships for PDF/A output
# intents (pikepdf/pdfa/data/sRGB.icc): a fixed file in a dependency buyer already has, so the
# output intent is the same bytes on every machine and needs no system colour package.
SRGB_PROFILE = ("pikepdf", "pdfa/data/sRGB.icc")
SRGB_IDENTIFIER = "sRGB IEC61966-2.1"


def srgb_profile() -> bytes:
    package, name = SRGB_PROFILE
    return files(package).joinpath(name).read_bytes()


def _canvas_class(kit: Kit) -> type[Canvas]:
    class ReportCanvas(Canvas):
        """Pages go out as they are laid out (so bookmarks and links point at the right page);
        the page count, known only at the end, is a form every footer draws."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = kit.fonts.regular  # never a standard font, even unused
            kwargs["lang"] = LANGUAGE
            super().__init__(*args, **kwargs)

        def save(self) -> None:
            self.beginForm(TOTAL_FORM)
            self.setFont(kit.fonts.regular, FOOTER_SIZE)
            self.setFillColor(MUTED)
            self.drawString(0, 0, str(self.getPageNumber() - 1))
            self.endForm()
            super().save()

    return ReportCanvas


def _decorate(kit: Kit, meta: ReportMeta, progress: Callable[[str, int], None] | None = None) -> Any:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = PAGE
        number = canvas.getPageNumber()
        if progress:
            progress("pages", number)
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.setFillColor(MUTED)
        canvas.setFont(kit.fonts.regular, FOOTER_SIZE)
        if number > 1:
            title = _one_line(meta.title, kit, WIDTH)
            canvas.drawString(MARGIN, height - 10 * mm, title)
            canvas.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
        canvas.line(MARGIN, 11.5 * mm, width - MARGIN, 11.5 * mm)
        lead = f"report id {kit.rid}   ·   page {number} of "
        canvas.drawString(MARGIN, 8 * mm, lead)
        canvas.translate(MARGIN + canvas.stringWidth(lead, kit.fonts.regular, FOOTER_SIZE), 8 * mm)
        canvas.doForm(TOTAL_FORM)
        canvas.restoreState()

    return draw


def _one_line(text: str, kit: Kit, width: float) -> str:
    """The running header is a reminder of the title (printed whole on the cover): one line."""
    text = " ".join(text.split())
    if kit.fonts.width(text, FOOTER_SIZE) <= width:
        return text
    while text and kit.fonts.width(text + " …", FOOTER_SIZE) > width:
        text = text[:-1]
    return text + " …"


def layout(
    story: list[Any], card: Scorecard, meta: ReportMeta, kit: Kit, progress: Callable[[str, int], None] | None = None
) -> bytes:
    """ReportLab's pass: the pages, the outline, the links."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        initialFontName=kit.fonts.regular,
        lang=LANGUAGE,
    )
    frame = Frame(
        MARGIN, MARGIN, WIDTH, HEIGHT, id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=_decorate(kit, meta, progress))])
    doc.build(story, canvasmaker=_canvas_class(kit))
    return buffer.getvalue()


def describe(card: Scorecard, meta: ReportMeta, kit: Kit) -> dict[str, str]:
    """The document information: the same words in the info dictionary and in XMP."""
    return {
        "title": meta.title,
        "author": card.buyer or "buyer",
        "subject": f"{card.profile_name}: compliance of {len(card.products)} product(s) "
        f"on {card.as_of.isoformat()}, report {kit.rid}",
        "keywords": ", ".join(
            dict.fromkeys(["OpenStack", "compliance", "scorecard", *(r.title for r in card.requirements)])
        ),
        "creator": f"buyer {meta.buyer_version}",
        "producer": f"buyer {meta.buyer_version} (ReportLab {_version('reportlab')}, pikepdf {pikepdf.__version__})",
    }


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def archive(raw: bytes, card: Scorecard, meta: ReportMeta, kit: Kit) -> bytes:
    """Make ReportLab's PDF a PDF/A-2b file with the report's metadata; deterministic."""
    about = describe(card, meta, kit)
    stamp: datetime = meta.generated_at
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        info = pdf.docinfo
        for key in ("Title", "Author", "Subject", "Keywords", "Creator", "Producer"):
            info[pikepdf.Name("/" + key)] = pikepdf.String(about[key.lower()])
        pdf_date = pikepdf.String(_pdf_date(stamp))
        info[pikepdf.Name.CreationDate] = pdf_date
        info[pikepdf.Name.ModDate] = pdf_date
        iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["dc:title"] = about["title"]
            xmp["dc:creator"] = [about["author"]]
            xmp["dc:description"] = about["subject"]
            xmp["dc:language"] = {LANGUAGE}
            xmp["pdf:Keywords"] = about["keywords"]
            xmp["pdf:Producer"] = about["producer"]
            xmp["xmp:CreatorTool"] = about["creator"]
            xmp["xmp:CreateDate"] = iso
            xmp["xmp:ModifyDate"] = iso
            xmp["xmp:MetadataDate"] = iso
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
        profile = pikepdf.Stream(pdf, srgb_profile())
        profile[pikepdf.Name.N] = 3
        intent = pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String(SRGB_IDENTIFIER),
            Info=pikepdf.String(SRGB_IDENTIFIER),
            DestOutputProfile=pdf.make_indirect(profile),
        )
        pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
        pdf.Root.Lang = pikepdf.String(LANGUAGE)
        for page in pdf.pages:
            for annot in page.obj.get(pikepdf.Name.Annots, ()):
                annot[pikepdf.Name.F] = 4  # Print, as PDF/A asks of every annotation
            trans = page.obj.get(pikepdf.Name.Trans)
            if isinstance(trans, pikepdf.Dictionary) and not trans.keys():
                del page.obj[pikepdf.Name.Trans]  # ReportLab's empty page transition says nothing
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
            preserve_pdfa=True,
            normalize_content=False,
            fix_metadata_version=False,
            linearize=False,
        )
        return out.getvalue()


def _pdf_date(stamp: datetime) -> str:
    return stamp.strftime("D:%Y%m%d%H%M%S+00'00'")
