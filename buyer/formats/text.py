"""Documents and evidence must be UTF-8 text: where one is not, the error says where and what it
looks like instead, so the user knows what to save it as."""

from __future__ import annotations

from buyer.errors import InputError

# Byte-order marks of the wide encodings (UTF-32's first: its little-endian mark begins with UTF-16's).
_MARKS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def decode_utf8(data: bytes, source: str) -> str:
    """The text of a UTF-8 file (a byte-order mark is allowed); else ``not_utf8``'s error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(data, source, exc.start) from None


def first_bad_byte(data: bytes) -> int | None:
    """Where ``data`` stops being UTF-8 (None: it is UTF-8 throughout)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 (by name) when ``data`` looks like text in one (a byte-order mark, or, without
    one, the zero bytes that Latin letters have there in every character); else None."""
    for mark, name in _MARKS:
        if data.startswith(mark):
            return name
    sample = data[:256]
    sample = sample[: len(sample) // 4 * 4]
    if not sample:
        return None
    for lead in (0, 3):  # little-endian: the letter's byte first; big-endian: last
        if b"\x00" not in sample[lead::4] and not sample.replace(b"\x00", b"")[len(sample) // 4 :]:
            return "UTF-32"
    for lead in (0, 1):
        if b"\x00" not in sample[lead::2] and not sample[1 - lead :: 2].strip(b"\x00"):
            return "UTF-16"
    return None


def not_utf8(data: bytes, source: str, at: int) -> InputError:
    """The error for text that is not UTF-8 from byte ``at``: at its line and column, or, for
    UTF-16 or UTF-32, as that. The byte itself is not quoted."""
    wide = wide_encoding(data)
    if wide is not None:
        return InputError(source, f"{wide} text, not UTF-8: save it as UTF-8")
    start = data.rfind(b"\n", 0, at) + 1
    line = data.count(b"\n", 0, at) + 1
    column = len(data[start:at].decode("utf-8", "replace")) + 1  # in characters, as editors count
    why = f"not UTF-8 text (byte {at} is not; Latin-1 or another code page? save it as UTF-8)"
    return InputError(source, why, line=line, column=column)
