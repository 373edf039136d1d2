"""Reading a PDF back as a reviewer's tools do: fonts, text sizes, margins, links, outline."""

from __future__ import annotations

import io
import math
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf

from buyer.report.pdf import MARGIN


def fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every font dictionary any page or form draws with."""
    seen: set[tuple[int, int]] = set()

    def walk(resources: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in resources.get("/Font", pikepdf.Dictionary()).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font
        for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from walk(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from walk(page.obj.get("/Resources"))


def embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(
        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def text_sizes(pdf: pikepdf.Pdf) -> list[tuple[int, float]]:
    """(page number, effective size in points) of every text-showing operator, forms included:
    the Tf size scaled by the text matrix and the current transformation matrix."""
    out: list[tuple[int, float]] = []

    def scale(m: list[float]) -> float:
        return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))

    def walk(number: int, stream: pikepdf.Object, resources: pikepdf.Object, ctm: float) -> None:
        stack: list[float] = []
        size, tm = 0.0, 1.0
        for operands, op in pikepdf.parse_content_stream(stream):
            name = str(op)
            if name == "q":
                stack.append(ctm)
            elif name == "Q":
                ctm = stack.pop()
            elif name == "cm":
                ctm *= scale([float(x) for x in operands[:4]])
            elif name == "BT":
                tm = 1.0
            elif name == "Tm":
                tm = scale([float(x) for x in operands[:4]])
            elif name == "Tf":
                size = float(operands[1])
            elif name in ("Tj", "TJ", "'", '"'):
                out.append((number, size * tm * ctm))
            elif name == "Do":
                xobject = resources.XObject[operands[0]]
                if xobject.get("/Subtype") == "/Form":
                    matrix = [float(x) for x in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(number, xobject, xobject.get("/Resources", resources), ctm * scale(matrix))

    for number, page in enumerate(pdf.pages, start=1):
        walk(number, page, page.obj.Resources, 1.0)
    return out


def margin_ink(pdf_path: Path, out: Path, dpi: int = 50) -> list[tuple[int, int]]:
    """Dark pixels in the left and right margins of each page (nothing may be drawn there)."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf_path), str(out / "g")], check=True, timeout=600)
    inked = []
    inset = int(MARGIN / 72 * dpi) - 3  # a few pixels inside the margin
    for page in sorted(out.glob("g-*.pgm")):
        parts = page.read_bytes().split(maxsplit=4)  # P5, width, height, maxval, pixels
        width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
        left = right = 0
        for y in range(height):
            row = pixels[y * width : (y + 1) * width]
            left += sum(1 for v in row[:inset] if v < 128)
            right += sum(1 for v in row[width - inset :] if v < 128)
        inked.append((left, right))
        page.unlink()
    return inked


def outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every outline entry, in order."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    found: list[tuple[int, str, int]] = []
    with pdf.open_outline() as tree:

        def walk(items: list, level: int) -> None:
            for item in items:
                dest = item.destination
                if isinstance(dest, (pikepdf.String, str)):
                    dest = named_destinations(pdf)[str(dest)]
                page = dest[0].objgen if dest is not None else None
                found.append((level, item.title, pages.get(page, -1)))
                walk(item.children, level + 1)

        walk(tree.root, 0)
    return found


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Array]:
    """Named destinations (ReportLab writes them in the catalog's /Dests or the /Names tree)."""
    out: dict[str, pikepdf.Array] = {}
    dests = pdf.Root.get("/Dests")
    if isinstance(dests, pikepdf.Dictionary):
        for key, value in dests.items():
            out[key.lstrip("/")] = value if isinstance(value, pikepdf.Array) else value.D
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
        tree = pikepdf.NameTree(names.Dests)
        for key, value in tree.items():
            out[str(key)] = value if isinstance(value, pikepdf.Array) else value.D
    return out


def links(pdf: pikepdf.Pdf, page_index: int) -> list[int]:
    """The page index each internal link on a page leads to."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    dests = named_destinations(pdf)
    out = []
    for annot in pdf.pages[page_index].obj.get("/Annots", []):
        if annot.get("/Subtype") != "/Link":
            continue
        dest = annot.get("/Dest")
        if dest is None and "/A" in annot and annot.A.get("/S") == "/GoTo":
            dest = annot.A.D
        if isinstance(dest, (pikepdf.String, pikepdf.Name)):
            dest = dests[str(dest).lstrip("/")]
        if dest is not None:
            out.append(pages[dest[0].objgen])
    return out


def page_texts(data: bytes) -> list[str]:
    import pypdf

    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]
