"""Read and write requirements profiles (TOML), with errors that give line and column."""

from __future__ import annotations

import collections
import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any, TypeVar

import tomli
import tomli_w
from pydantic import BaseModel, ValidationError

from buyer._text import token
from buyer.errors import BuyerError, InputError, ProfileErrors
from buyer.formats.toml_bounds import loads
from buyer.model.profile import ANY_AGE, Profile

M = TypeVar("M", bound=BaseModel)

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def parse_profile(text: str, source: str) -> Profile:
    """Parse and validate a profile. Raises ProfileErrors (an InputError) with positions."""
    return parse_toml_model(text, source, Profile)


def parse_toml_model(text: str, source: str, model: type[M]) -> M:
    """Parse TOML and validate it as ``model``; every problem gets its line and column.

    Data nested deeper than MAX_TOML_DEPTH (dotted keys and headers count a level a part) is
    refused before the (recursive) TOML parser sees it, as one error with the position."""
    return validate_model(load_toml(text, source), source, model, text)


def load_toml(text: str, source: str) -> dict[str, Any]:
    """TOML text as data, bounds checked first; ProfileErrors with the position when it is not TOML."""
    try:
        return loads(text)
    except tomli.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        line = int(found.group(1)) if found else None
        column = int(found.group(2)) if found else None
        reason = _TOML_POSITION.sub("", message)
        raise ProfileErrors([InputError(source, f"not valid TOML: {reason}", line=line, column=column)]) from None


def validate_model(data: Any, source: str, model: type[M], text: str = "") -> M:
    """Validate data as ``model`` with the loader's words: ProfileErrors, one line per problem
    (positioned when ``text`` is the TOML the data came from). The TUI validates every edit here."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        positions = toml_positions(text) if text else {}
        found = sorted(exc.errors(), key=lambda err: _position(_anchor(err), positions))
        errors = [_describe(err, positions, source, model) for err in found[:MAX_PROBLEMS]]
        if len(found) > MAX_PROBLEMS:  # told where the first one not shown is, so it sorts last
            line, column = _position(_anchor(found[MAX_PROBLEMS]), positions) if positions else (None, None)
            errors.append(more_problems(source, len(found) - MAX_PROBLEMS, line, column))
        raise ProfileErrors(errors) from None


def more_problems(source: str, hidden: int, line: int | None, column: int | None) -> InputError:
    """The line that stands for the problems past MAX_PROBLEMS, at the first of them."""
    more = f"… and {hidden:,} more problems from here on (the first {MAX_PROBLEMS} shown)"
    return InputError(source, more, line=line, column=column)


# Problems told for one file: 200,000 unknown keys were 200,000 lines (and 20 s of looking for
# the key each one might have meant).
MAX_PROBLEMS = 20


def dump_profile(profile: Profile, keep: str = "") -> str:
    """TOML text for a profile (None values left out: TOML has no null). Dates stay TOML dates,
    as a person writes them, not strings.

    ``keep``: the text the profile was read from. What did not change is then written as it was,
    with its comments, order and layout; what changed is written anew, and a setting the text
    left out is not added while it keeps its default (a profile is a document people annotate:
    a save must not lose their notes)."""
    before = _read_back(keep) if keep else None
    if before == profile:
        return keep  # nothing changed: the text itself, to the byte
    data = _dumped(profile)
    if before is not None:
        # What the text said, by the same model: entries of a list are matched by it, so that one
        # written with its defaults and one without them are the same entry.
        was = _dumped(before, exclude_defaults=True)
        changed = _dumped(profile, exclude_defaults=True)
        merged = _merged(keep, data, changed, was)
        if merged is not None:
            # tomlkit's text with the lines it only respaced put back, else tomlkit's text as it is
            for candidate in (_spacing_kept(keep, merged), merged):
                if _same(candidate, profile):
                    return candidate
    text = tomli_w.dumps(data)
    back = _read_back(text)
    if back != profile:  # a value TOML cannot hold: refused, never saved as another profile
        differs = next((k for k in Profile.model_fields if back is None or getattr(back, k) != getattr(profile, k)), "")
        raise BuyerError(
            f"the profile's {differs or 'text'} cannot be written so that it reads back the same; not saved"
        )
    return text


def _dumped(profile: Profile, exclude_defaults: bool = False) -> dict[str, Any]:
    """The profile as TOML data: None left out, as TOML has no null; no age limit is "any"."""
    data = profile.model_dump(mode="python", exclude_none=True, exclude_defaults=exclude_defaults)
    if profile.evidence_policy.max_age_days is None:
        data.setdefault("evidence_policy", {})["max_age_days"] = ANY_AGE
    return data


def _merged(text: str, data: dict[str, Any], changed_from_default: dict[str, Any], was: dict[str, Any]) -> str | None:
    import tomlkit  # only when a profile read from a file is written again
    from tomlkit.exceptions import TOMLKitError

    try:
        document = tomlkit.parse(text)
        _update(document, data, changed_from_default, was)
        return tomlkit.dumps(document)
    except (TOMLKitError, ValueError, TypeError, KeyError):
        return None


# A date (or date-time) and the space before the ``}`` that closes its inline table.
_DATE_BRACE = re.compile(r"(\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?)?)\s+}")
# Inline tables written "{ key = … }", with a space inside each brace (tomlkit writes "{key = …}").
_PADDED = re.compile(r"\{ \S.*\S \}")
_OPEN = re.compile(r"\{(?=[A-Za-z0-9_\"'])")
_CLOSE = re.compile(r"(?<=[^\s{])\}")


def _spacing_kept(original: str, dumped: str) -> str:
    """``dumped`` with the file's spacing where tomlkit changed only that: a line it wrote again
    without the space between a date and an inline table's ``}`` (``date = 2026-09-14 }``) as it
    was, and inline tables it wrote anew spaced as the file spaces them (``{ file = … }``). The
    caller checks that the result still reads as the profile, and otherwise takes ``dumped``."""
    # Line by line, wherever it stands (no alignment of the two texts: difflib's is quadratic in
    # the many equal lines of a long shortlist, minutes for 400 products).
    old = original.splitlines(keepends=True)
    kept = set(old)
    # A line written again that differs from a line of the original only there: the original's.
    respaced = {_DATE_BRACE.sub(r"\1}", line): line for line in old if _DATE_BRACE.search(line)}
    # A line tomlkit wrote anew, where the file writes inline tables "{ file = … }": the same way.
    padded = any(_PADDED.search(line) for line in old)
    out: list[str] = []
    for line in dumped.splitlines(keepends=True):
        if line not in kept:
            line = respaced.get(line) or (_CLOSE.sub(" }", _OPEN.sub("{ ", line)) if padded else line)
        out.append(line)
    return "".join(out)


def _update(table: Any, data: dict[str, Any], changed: dict[str, Any], was: dict[str, Any]) -> None:
    """Make a tomlkit table hold ``data``, touching only what differs; a key it lacks is added
    only when its value is not the default (``changed`` holds those; ``was``: the same of what
    the table held)."""
    for key in [k for k in table if k not in data]:
        del table[key]
    for key, value in data.items():
        current = table.get(key)
        if current is None:
            if key in changed:
                table[key] = changed[key]
            continue
        if _plain(current) == value:
            continue  # unchanged: as written, with its comments
        if isinstance(value, dict) and isinstance(current, dict):
            _update(current, value, changed.get(key, {}), was.get(key, {}))
        elif not (isinstance(value, list) and _resized(current, value, changed.get(key), was.get(key))):
            table[key] = changed.get(key, value)


def _listed(was: Any, count: int) -> list[Any]:
    return was if isinstance(was, list) and len(was) == count else [{}] * count


def _resized(current: Any, value: list[Any], changed: Any, was: Any) -> bool:
    """A list of tables that gained or lost entries (a product's evidence, the shortlist), edited
    in place: entries that stay are kept as written (updated where they changed), removed ones go,
    new ones are added in the list's own style, inline tables in an inline array, ``[[tables]]``
    in an array of tables. Entries are matched by what they say (``was``, ``changed``: without
    their defaults). False when ``current`` is no such list (it is then written anew)."""
    import tomlkit
    from tomlkit.items import AoT, Array

    if not (isinstance(current, AoT | Array) and current and isinstance(changed, list) and len(changed) == len(value)):
        return False
    was = _listed(was, len(current))
    if not all(isinstance(c, dict) for c in current) or not all(isinstance(v, dict) for v in value):
        return False
    inline = isinstance(current, Array)
    key = next(iter(value[0]), None) if value else None  # the model's first field: what names an entry
    last_text = current[-1].as_string()
    added: list[Any] = []

    def replace(a1: int, a2: int, b1: int, b2: int) -> None:
        for i in reversed(range(a1, a2)):
            del current[i]
        for k in range(b1, b2):
            entry = tomlkit.inline_table() if inline else tomlkit.table()
            entry.update(changed[k])
            current.insert(a1 + k - b1, entry)
            added.append(entry)

    # Entries saying the same stay as they are; among the others, one whose first field (a
    # product's name, an evidence file) is unchanged was edited: it keeps its place, comments and
    # layout. Any other is removed or added (another one's comments must not stay with it).
    whole = difflib.SequenceMatcher(None, [repr(w) for w in was], [repr(c) for c in changed], autojunk=False)
    for op, a1, a2, b1, b2 in reversed(whole.get_opcodes()):  # from the end: earlier indices stay valid
        if op == "equal":
            continue
        names = [_named(current[i], key) for i in range(a1, a2)]
        firsts = difflib.SequenceMatcher(None, names, [_named(value[k], key) for k in range(b1, b2)], autojunk=False)
        counts = collections.Counter(names)
        for sub, c1, c2, d1, d2 in reversed(firsts.get_opcodes()):
            for k in reversed(range(c2 - c1) if sub == "equal" else ()):
                i, j = a1 + c1 + k, b1 + d1 + k
                if counts[names[c1 + k]] == 1:  # unambiguous: the same entry, edited
                    _update(current[i], value[j], changed[j], was[i])
                else:  # one of several of that name (a file given twice): which is not known
                    replace(i, i + 1, j, j + 1)
            if sub != "equal":
                replace(a1 + c1, a1 + c2, b1 + d1, b1 + d2)
    if not inline:
        _spaced(current, added, last_text)
    return True


def _named(entry: Any, key: str | None) -> str:
    """What names an entry of a list of tables: its value of the model's first field (a product's
    name, a file), wherever the file wrote that field."""
    return repr(_plain(entry).get(key))


def _spaced(tables: Any, added: list[Any], last_text: str) -> None:
    """``[[tables]]`` added to an array are set apart as the others are: a blank line between two
    of them when the array's own tables have one (or it had a single table), and after a new last
    table when the last one before it had one (the next section follows)."""
    import tomlkit

    def new(table: Any) -> bool:
        return any(table is a for a in added)

    kept = [t for t in tables if not new(t)]
    spaced = len(kept) < 2 or any(t.as_string().endswith("\n\n") for t in kept[:-1])
    for i, table in enumerate(tables):
        text = table.as_string()
        if i + 1 < len(tables):
            if spaced and (new(table) or new(tables[i + 1])) and not text.endswith("\n\n"):
                table.add(tomlkit.nl())
        elif new(table) and last_text.endswith("\n\n") and not text.endswith("\n\n"):
            table.add(tomlkit.nl())


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def _read_back(text: str) -> Profile | None:
    """The profile a text reads as, or None when it reads as none."""
    try:
        return parse_profile(text, "")
    except InputError:
        return None


def _same(text: str, profile: Profile) -> bool:
    """The kept text reads back as the profile (else the plain dump is written)."""
    return _read_back(text) == profile


# -- error positions ------------------------------------------------------------------------


def _describe(
    err: Any, positions: dict[tuple[Any, ...], tuple[int, int]], source: str, model: type[BaseModel]
) -> InputError:
    loc = tuple(err["loc"])
    kind = err["type"]
    dotted = _dotted(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        hint = difflib.get_close_matches(key, _known_keys(model, loc[:-1]), n=1)
        message = f"unknown key {token(key)}" + (f" (did you mean '{hint[0]}'?)" if hint else "")
        if len(loc) > 1:
            message += f" in [{_dotted(loc[:-1])}]"
    elif kind == "missing":
        where = f" in [{_dotted(loc[:-1])}]" if len(loc) > 1 else ""
        message = f"missing required key '{loc[-1]}'{where}"
    else:
        text = _in_plain_words(err["msg"].removeprefix("Value error, "))
        message = f"{dotted}: {text}" if dotted else text
    line, column = _position(_anchor(err), positions)
    return InputError(source, message, line=line, column=column)


# Pydantic's wording, in the words of a profile's reader (the first match is replaced).
_PLAIN = (
    ("String should have at least 1 character", "must not be empty"),
    ("String should have at least", "should have at least"),
    ("String should have at most", "should have at most"),
    ("Input should be a valid date or datetime, ", "should be a date (YYYY-MM-DD): "),
    ("Input should be a valid date", "should be a date (YYYY-MM-DD)"),
    ("Input should be a valid integer", "should be a whole number"),
    ("Input should be a valid string", "should be text"),
    ("Input should be a valid boolean", "should be true or false"),
    ("Input should be a valid list", "should be a list"),
    ("Input should be greater than or equal to", "should be at least"),
    ("Input should be less than or equal to", "should be at most"),
    ("Input should be", "should be"),
)


def _in_plain_words(message: str) -> str:
    for said, meant in _PLAIN:
        if message.startswith(said):
            return meant + message[len(said) :]
    return message


def _anchor(err: Any) -> tuple[Any, ...]:
    """Where a problem is shown: at its key; a missing key at the table that lacks it."""
    loc = tuple(err["loc"])
    return loc[:-1] if err["type"] == "missing" else loc


def _dotted(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _position(loc: tuple[Any, ...], positions: dict[tuple[Any, ...], tuple[int, int]]) -> tuple[int, int]:
    for end in range(len(loc), 0, -1):
        found = positions.get(loc[:end])
        if found:
            return found
    return 1, 1


def toml_positions(text: str) -> dict[tuple[Any, ...], tuple[int, int]]:
    """Map key paths (as pydantic reports them) to the line and column where they are written.

    Covers tables, arrays of tables and ``key = value`` lines (a dotted key or header also gives
    its leading parts their place); keys inside inline tables get the position of the key that
    holds them, and then of the element and the nested key when they can be found, also on the
    lines after ``key = [`` of an array written over several lines.
    """
    positions: dict[tuple[Any, ...], tuple[int, int]] = {}
    table: tuple[Any, ...] = ()
    counters: dict[tuple[Any, ...], int] = {}
    in_multiline = False
    array: tuple[Any, ...] | None = None  # the key of an array still open on the lines below
    elements = 0  # inline tables of that array seen so far
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        if array is not None:
            elements += _inline_tables(line, 0, array, elements, number, positions)
            if "]" in _NO_STRINGS.sub("", line):
                array = None
            continue
        header = _HEADER.match(line)
        if header:
            parts = tuple(_split_key(header.group(2)))
            at = (number, line.index("[") + 1)
            for end in range(1, len(parts)):
                positions.setdefault(parts[:end], at)
            if header.group(1) == "[[":
                index = counters.get(parts, -1) + 1
                counters[parts] = index
                table = (*parts, index)
                positions.setdefault(parts, at)
            else:
                table = parts
            positions[table] = at
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, *_split_key(key.group(1)))
            column = len(line) - len(line.lstrip()) + 1
            for end in range(len(table) + 1, len(path)):
                positions.setdefault(path[:end], (number, column))
            positions[path] = (number, column)
            rest = line[key.end() :]
            count = _inline_tables(rest, key.end(), path, 0, number, positions)
            plain = _NO_STRINGS.sub("", rest)
            if plain.lstrip().startswith("[") and plain.count("[") > plain.count("]"):
                array, elements = path, count  # its elements follow on the next lines
            if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                in_multiline = True
    return positions


# Strings on a line, taken out before brackets are counted (a path may hold one).
_NO_STRINGS = re.compile(r""""(?:[^"\\]|\\.)*+"|'[^']*+'""")


def _inline_tables(
    text: str, offset: int, path: tuple[Any, ...], first: int, number: int, positions: dict[tuple[Any, ...], Any]
) -> int:
    """Record the inline tables ``{file = "...", kind = "..."}`` of ``text`` (at ``offset`` in its
    line) as elements ``first``, ``first + 1``… of the array at ``path``; how many there were."""
    count, at = 0, 0
    # Each brace to the first closing one after it, found with str.find: linear in the line (a
    # regex tried from every "{" of a line of 100,000 took minutes: each try ran to its end).
    while (start := text.find("{", at)) >= 0 and (end := text.find("}", start + 1)) >= 0:
        index = first + count
        count += 1
        for sub in _INLINE_KEY.finditer(text, start + 1, end):
            positions[(*path, index, sub.group(1))] = (number, offset + sub.start(1) + 1)
        positions[(*path, index)] = (number, offset + start + 1)
        at = end + 1
    return count


# A key inside an inline table; tried only where a run of key characters starts (linear).
_INLINE_KEY = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z0-9_-]+)\s*=")


def _split_key(key: str) -> list[str]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', key)
    return [a or b or c for a, b, c in parts]


def _known_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _inner_model(field.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, types.UnionType, typing.Union, typing.Annotated):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if inner is not None:
                return inner
    return None
