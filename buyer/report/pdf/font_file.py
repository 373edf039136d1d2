"""A TrueType file a user names (``BUYER_PDF_FONT``…), checked before ReportLab reads it.

ReportLab trusts a font's own counts: a damaged character map (cmap) whose ranges span the whole
32-bit space makes it build a dictionary of billions of entries (the machine's memory, then the
OOM killer). So the structure ReportLab walks is checked first, bounded by the file's size: the
table directory, and every cmap subtable's counts and ranges (no font maps more code points than
Unicode has). What is left (a truncated glyph, a bad offset) shows up when the font is read and
subset under a guard, in ``fonts._ttf``.

Offsets and layouts: the OpenType spec, "Font file" and "cmap" chapters.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterator

MAX_FONT_BYTES = 128 * 1024 * 1024  # a full CJK font is ~20-40 MiB
_CODE_POINTS = 0x110000  # Unicode's size: no cmap maps more
_TRUETYPE = (0x00010000, 0x74727565)  # 1.0, 'true'
_OPENTYPE_CFF = 0x4F54544F  # 'OTTO': PostScript outlines, which ReportLab cannot embed
_COLLECTION = 0x74746366  # 'ttcf'
_REQUIRED = ("cmap", "head", "hhea", "hmtx", "loca", "maxp", "glyf")


class FontProblem(Exception):
    """Why the file is not a TrueType font ReportLab can read safely (one short phrase)."""


def check_truetype(data: bytes) -> None:
    """Raise ``FontProblem`` unless ``data`` is a TrueType font (or collection) whose table
    directory and character maps are consistent with its size."""
    try:
        tables = _tables(data, _first_font(data))
        missing = [tag for tag in _REQUIRED if tag not in tables]
        if missing:
            raise FontProblem(f"it has no {', '.join(missing)} table")
        _check_cmap(data, *tables["cmap"])
        _check_glyphs(data, tables)
    except struct.error:
        raise FontProblem("it is truncated or damaged") from None


def _first_font(data: bytes) -> int:
    (tag,) = struct.unpack_from(">I", data, 0)
    if tag != _COLLECTION:
        return 0
    (count,) = struct.unpack_from(">I", data, 8)
    if count == 0:
        raise FontProblem("the collection holds no font")
    (offset,) = struct.unpack_from(">I", data, 12)
    return int(offset)


def _tables(data: bytes, start: int) -> dict[str, tuple[int, int]]:
    """tag -> (offset, length), each table inside the file."""
    version, count = struct.unpack_from(">IH", data, start)
    if version == _OPENTYPE_CFF:
        raise FontProblem("it has PostScript (CFF) outlines; use a TrueType font")
    if version not in _TRUETYPE:
        raise FontProblem("it is not a TrueType font")
    if start + 12 + 16 * count > len(data):
        raise FontProblem("its table directory is longer than the file")
    tables = {}
    for n in range(count):
        raw, _, offset, length = struct.unpack_from(">4sIII", data, start + 12 + 16 * n)
        if offset + length > len(data):
            raise FontProblem(f"its {_tag(raw)} table runs past the end of the file")
        tables[_tag(raw)] = (int(offset), int(length))
    return tables


def _tag(raw: bytes) -> str:
    return raw.decode("latin-1").strip() if raw.isascii() and raw.decode("ascii").isprintable() else "unnamed"


def _check_cmap(data: bytes, offset: int, length: int) -> None:
    end = offset + length
    _, count = struct.unpack_from(">HH", data, offset)
    if offset + 4 + 8 * count > end:
        raise FontProblem("its character map (cmap) lists more subtables than it holds")
    seen: set[int] = set()
    for n in range(count):
        (sub,) = struct.unpack_from(">I", data, offset + 4 + 8 * n + 4)
        at = offset + int(sub)
        if at in seen:
            continue
        seen.add(at)
        if at + 2 > end:
            raise FontProblem("a character map (cmap) subtable lies outside the table")
        mapped = sum(_subtable_ranges(data, at, end))
        if mapped > _CODE_POINTS:
            raise FontProblem(f"its character map (cmap) maps {mapped} code points; Unicode has {_CODE_POINTS}")


def _check_glyphs(data: bytes, tables: dict[str, tuple[int, int]]) -> None:
    """Every glyph's place (loca) inside the glyf table, in order, as the spec requires: a glyph
    outside it would be embedded as whatever bytes lie there, or as nothing."""
    (glyphs,) = struct.unpack_from(">H", data, tables["maxp"][0] + 4)
    (long_offsets,) = struct.unpack_from(">h", data, tables["head"][0] + 50)
    loca, loca_length = tables["loca"]
    size = 4 if long_offsets else 2
    if (glyphs + 1) * size > loca_length:
        raise FontProblem("its loca table is shorter than its glyphs need")
    offsets = struct.unpack_from(f">{glyphs + 1}{'I' if long_offsets else 'H'}", data, loca)
    scale = 1 if long_offsets else 2
    glyf_length = tables["glyf"][1]
    if any(b < a for a, b in itertools.pairwise(offsets)) or offsets[-1] * scale > glyf_length:
        raise FontProblem("its glyph offsets (loca) point outside the glyf table")


def _subtable_ranges(data: bytes, at: int, end: int) -> Iterator[int]:
    """The size of each range of code points a subtable maps, as ReportLab will walk them;
    ``FontProblem`` when its arrays do not fit in the cmap table."""
    (fmt,) = struct.unpack_from(">H", data, at)

    def fits(size: int) -> None:
        if at + size > end:
            raise FontProblem(f"a character map (cmap) subtable of format {fmt} runs past its table")

    if fmt == 4:
        (seg_x2,) = struct.unpack_from(">H", data, at + 6)
        segs = seg_x2 // 2
        fits(16 + 8 * segs)
        ends = struct.unpack_from(f">{segs}H", data, at + 14)
        starts = struct.unpack_from(f">{segs}H", data, at + 16 + 2 * segs)
        yield from (e - s + 1 for s, e in zip(starts, ends, strict=True) if e >= s)
    elif fmt == 6:
        _, count = struct.unpack_from(">HH", data, at + 6)
        fits(10 + 2 * count)
        yield count
    elif fmt == 10:
        _, count = struct.unpack_from(">II", data, at + 12)
        fits(20 + 2 * count)
        yield count
    elif fmt in (12, 13):
        (groups,) = struct.unpack_from(">I", data, at + 12)
        fits(16 + 12 * groups)
        for n in range(groups):
            first, last, _ = struct.unpack_from(">III", data, at + 16 + 12 * n)
            if first > last or last >= _CODE_POINTS:
                raise FontProblem(f"its character map (cmap) has a range past Unicode (group {n + 1})")
            yield last - first + 1
    elif fmt == 2:
        keys = struct.unpack_from(">256H", data, at + 6)
        heads = max(keys) // 8 + 1
        fits(518 + 8 * heads)
        for n in range(heads):
            _, entries = struct.unpack_from(">HH", data, at + 518 + 8 * n)
            if entries > 256:
                raise FontProblem("its character map (cmap) has a format 2 subheader of more than 256 codes")
            yield entries
    elif fmt == 0:
        fits(262)
        yield 256
