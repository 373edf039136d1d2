"""Small helpers to read JSON documents with errors that name the file and the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

import msgspec

from buyer._text import printable
from buyer.errors import InputError
from buyer.formats.text import first_bad_byte, not_utf8

T = TypeVar("T")

_BYTE = re.compile(r"\(byte (\d+)\)")
_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", int: "a number", bool: "true/false"}


def load_json(data: bytes | str, source: str) -> Any:
    """Parse JSON; a truncated or malformed file is an InputError with line and column."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        bad = first_bad_byte(raw)
        if bad is not None:  # told where, as for any text that is not UTF-8
            raise not_utf8(raw, source, bad) from None
        line, column = _position(raw, str(exc))
        reason = str(exc).split(" (byte", 1)[0].removeprefix("JSON is malformed: ")
        raise InputError(source, f"not valid JSON: {reason}", line=line, column=column) from None
    except msgspec.ValidationError:  # a number too large for any machine type
        raise InputError(source, "not valid JSON: a number too large to read") from None
    except RecursionError:
        raise InputError(source, "not valid JSON: nested too deeply") from None


def _position(raw: bytes, message: str) -> tuple[int | None, int | None]:
    """Line and column of msgspec's "(byte N)"; the end of the data when it was cut short."""
    found = _BYTE.search(message)
    offset = int(found.group(1)) if found else (len(raw) if "truncated" in message else None)
    if offset is None:
        return None, None
    head = raw[:offset]
    line = head.count(b"\n") + 1
    return line, offset - (head.rfind(b"\n") + 1) + 1


def type_name(value: object) -> str:
    if value is None:
        return "null"
    for typ, name in _TYPE_NAMES.items():
        if type(value) is typ:
            return name
    return type(value).__name__


class Reader:
    """Typed access to a JSON document; every failure names ``source`` and the dotted field path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> InputError:
        # Paths hold keys from the document itself: kept short, never a whole value.
        return InputError(self.source, message, field=key_text(path, 120) if path else "(top level)")

    def expect(self, value: object, typ: type[T], path: str) -> T:
        # bool is an int subclass; a flag is never a number.
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            raise self.mismatch(value, typ, path)
        return value

    def mismatch(self, value: object, typ: type, path: str) -> InputError:
        """The error for a value of the wrong type (for callers that check the type themselves)."""
        return self.fail(path, f"expected {_TYPE_NAMES.get(typ, typ.__name__)}, got {type_name(value)}")

    def get(self, obj: dict[str, Any], key: str, typ: type[T], path: str, default: T) -> T:
        if key not in obj or obj[key] is None:
            return default
        return self.expect(obj[key], typ, join(path, key))

    def need(self, obj: dict[str, Any], key: str, typ: type[T], path: str) -> T:
        if key not in obj:
            raise self.fail(join(path, key), "missing")
        return self.expect(obj[key], typ, join(path, key))

    def strings(self, obj: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        items = self.get(obj, key, list, path, [])
        for i, item in enumerate(items):
            self.expect(item, str, f"{join(path, key)}[{i}]")
        return tuple(items)


def to_date(value: object) -> dt.date | None:
    """A date from what outside documents write: a date, a datetime, ISO text, epoch seconds."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC).date()  # summit-api sends epoch seconds
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def key_text(key: object, limit: int = 40) -> str:
    """An outside key as part of a field path in a message: escaped and short."""
    text = printable(str(key))
    return text if len(text) <= limit else text[: limit - 1] + "…"
