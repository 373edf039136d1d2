"""Documents and evidence must be UTF-8 text: where one is not, the error says where and what it
looks like instead, so the user knows what to save it as."""

from __future__ import annotations

from buyer.errors import InputError

_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


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


def not_utf8(data: bytes, source: str, at: int) -> InputError:
    """The error for text that is not UTF-8 from byte ``at``: at its line and column, or, for
    UTF-16 (it starts with a byte-order mark), as UTF-16. The byte itself is not quoted."""
    if data.startswith(_UTF16_MARKS):
        return InputError(source, "UTF-16 text, not UTF-8: save it as UTF-8")
    start = data.rfind(b"\n", 0, at) + 1
    line = data.count(b"\n", 0, at) + 1
    column = len(data[start:at].decode("utf-8", "replace")) + 1  # in characters, as editors count
    why = f"not UTF-8 text (byte {at} is not; Latin-1 or another code page? save it as UTF-8)"
    return InputError(source, why, line=line, column=column)
