"""Read SCS certificate-scope YAML in its three formats (scs.md §1.6):

- current (2026): top-level ``scripts[].testcases[]``, module ``targets`` as lists of ids;
- tags (2024–2025): each module has its own ``testcases[]`` with ``tags``, and a version's
  ``targets`` are tag expressions (``main: mandatory``, ``preview: a/b/c`` — ``/`` means or);
- legacy (2023): versions list ``standards[]`` with ``check_tools[]`` and ``condition``,
  with ``stabilized_at``/``deprecated_at`` instead of a timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from buyer._text import token
from buyer.errors import InputError
from buyer.formats._json import Reader, key_text, to_date
from buyer.formats.text import first_bad_byte, not_utf8
from buyer.model.scs import LIFETIMES, Scope, ScopeVersion, Testcase, TimelineEntry, VersionState

# libyaml when present: fast, and its own nesting limit stops the deepest documents early.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Far beyond any scope or report (hundreds of nodes, a few levels), and small enough that code
# walking a document expanded through its aliases ("billion laughs") stays quick.
MAX_YAML_DEPTH = 64
MAX_YAML_NODES = 250_000


def load_yaml_documents(data: bytes | str, source: str) -> list[Any]:
    """Every document of a YAML file (safe types only); a syntax error names line and column, and a
    document nested too deep or too large once its aliases are expanded is refused before it is built."""
    loader = _LOADER(data)
    docs = []
    try:
        while loader.check_node():
            node = loader.get_node()
            _check_shape(node, source)
            doc = loader.construct_document(node)
            if doc is not None:
                docs.append(doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = exc.problem or "not valid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError):  # its text quotes the tag written
            problem = "a tag buyer does not read (only plain values, lists and mappings)"
        raise InputError(
            source,
            f"not valid YAML: {key_text(problem, 80)}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (the file's own text)
        raise _reader_error(data, source, exc) from None
    except yaml.YAMLError:
        raise InputError(source, "not valid YAML") from None
    except RecursionError:
        raise InputError(source, f"not valid YAML: nested deeper than {MAX_YAML_DEPTH} levels") from None
    except (ValueError, TypeError, OverflowError):  # a date such as 2020-13-45, an int of 5,000 digits
        raise InputError(
            source, "not valid YAML: a value that cannot be read (a date or a number out of range)"
        ) from None
    finally:
        loader.dispose()
    return docs


def _reader_error(data: bytes | str, source: str, exc: yaml.reader.ReaderError) -> InputError:
    """A character YAML refuses, at its line and column: bytes that are not UTF-8 as any text's,
    a control character (an escape sequence written raw) named as one, never quoted."""
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    bad = first_bad_byte(raw)
    if bad is not None:
        return not_utf8(raw, source, bad)
    text = raw.decode("utf-8-sig")
    at = min(max(exc.position, 0), len(text))  # a character offset into the text
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return InputError(source, "not valid YAML: a control character YAML does not allow", line=line, column=column)


def _check_shape(root: yaml.Node, source: str) -> None:
    """Refuse a document deeper than MAX_YAML_DEPTH or larger than MAX_YAML_NODES counted with every
    alias expanded, and one whose alias refers to itself; without recursion, each node once."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            if height[key] > MAX_YAML_DEPTH or size[key] > MAX_YAML_NODES:
                mark = node.start_mark
                what = (
                    f"nested deeper than {MAX_YAML_DEPTH} levels"
                    if height[key] > MAX_YAML_DEPTH
                    else f"more than {MAX_YAML_NODES} values once its aliases are expanded"
                )
                raise InputError(source, f"not valid YAML: {what}", line=mark.line + 1, column=mark.column + 1)
            continue
        if key in size:
            continue
        if key in on_path:
            mark = node.start_mark
            raise InputError(
                source, "not valid YAML: an alias refers to itself", line=mark.line + 1, column=mark.column + 1
            )
        if isinstance(node, yaml.MappingNode):
            _unique_keys(node, source)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)


def _unique_keys(node: yaml.MappingNode, source: str) -> None:
    """A key given twice in one mapping is refused (YAML 1.2 requires unique keys): read "last one
    wins", a testcase written failed and then passed below it counted as passed, while a person
    reading the file sees the failure first."""
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        ident = (key.tag, key.value)
        if ident in seen:
            mark = key.start_mark
            raise InputError(
                source,
                f"not valid YAML: the key {key_text(key.value)} is given twice (first on line {seen[ident]})",
                line=mark.line + 1,
                column=mark.column + 1,
            )
        seen[ident] = key.start_mark.line + 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def parse_scope(data: bytes | str, source: str) -> Scope:
    docs = load_yaml_documents(data, source)
    if len(docs) != 1:
        raise InputError(source, f"expected one scope document, found {len(docs)}")
    return ScopeParser(source).parse(docs[0])


class ScopeParser(Reader):
    def parse(self, doc: Any) -> Scope:
        self.expect(doc, dict, "")
        name = self.need(doc, "name", str, "")
        versions_raw = self.need(doc, "versions", list, "")
        if versions_raw and isinstance(versions_raw[0], dict) and "standards" in versions_raw[0]:
            return self._legacy(doc, name, versions_raw)
        testcases: dict[str, Testcase] = {}
        for i, script in enumerate(self.get(doc, "scripts", list, "", [])):
            path = f"scripts[{i}]"
            self.expect(script, dict, path)
            manual = "executable" not in script
            for j, tc in enumerate(self.get(script, "testcases", list, path, [])):
                testcases[self._tc_id(tc, f"{path}.testcases[{j}]")] = self._testcase(
                    tc, f"{path}.testcases[{j}]", manual
                )
        modules: dict[str, dict[str, Any]] = {}
        tags: dict[str, tuple[str, ...]] = {}
        for i, module in enumerate(self.need(doc, "modules", list, "")):
            path = f"modules[{i}]"
            self.expect(module, dict, path)
            modules[self.need(module, "id", str, path)] = module
            for j, tc in enumerate(self.get(module, "testcases", list, path, [])):  # the tags format
                tc_path = f"{path}.testcases[{j}]"
                tc_id = self._tc_id(tc, tc_path)
                testcases.setdefault(tc_id, self._testcase(tc, tc_path, False))
                tags[tc_id] = tuple(str(t) for t in (tc.get("tags") or []))
        versions = {}
        tag_format = bool(tags)
        for i, raw in enumerate(versions_raw):
            path = f"versions[{i}]"
            self.expect(raw, dict, path)
            vname = str(raw.get("version") or "")
            if not vname:
                raise self.fail(f"{path}.version", "missing")
            included = [
                self._include(item, f"{path}.include[{k}]", modules)
                for k, item in enumerate(self.get(raw, "include", list, path, []))
            ]
            if tag_format:
                targets = self._tag_targets(raw, path, included, modules, tags)
            else:
                targets = self._module_targets(included, modules)
            versions[vname] = ScopeVersion(vname, to_date(raw.get("stabilized_at")), tuple(included), targets)
        timeline = self._timeline(doc)
        return Scope(
            uuid=str(doc.get("uuid", "") or ""),
            name=name,
            url=str(doc.get("url", "") or ""),
            testcases=testcases,
            versions=versions,
            timeline=timeline,
            format="tags" if tag_format else "current",
        )

    # -- pieces ---------------------------------------------------------------------------

    def _tc_id(self, tc: Any, path: str) -> str:
        self.expect(tc, dict, path)
        return self.need(tc, "id", str, path)

    def _testcase(self, tc: dict[str, Any], path: str, manual: bool) -> Testcase:
        lifetime = str(tc.get("lifetime") or "week")
        if lifetime not in LIFETIMES:
            raise self.fail(f"{path}.lifetime", f"unknown lifetime {token(lifetime)} (one of {', '.join(LIFETIMES)})")
        description = tc.get("description") or ""
        return Testcase(
            self._tc_id(tc, path),
            " ".join(str(description).split()),
            str(tc.get("url") or ""),
            lifetime,
            str(tc.get("section") or ""),
            manual,
        )

    def _include(self, item: Any, path: str, modules: dict[str, dict[str, Any]]) -> str:
        module_id = item if isinstance(item, str) else (item.get("ref") if isinstance(item, dict) else None)
        if not isinstance(module_id, str):
            raise self.fail(path, "expected a module id or {ref: <module id>}")
        if module_id not in modules:
            raise self.fail(path, f"names module {token(module_id)}, which is not defined")
        return module_id

    def _module_targets(self, included: list[str], modules: dict[str, dict[str, Any]]) -> dict[str, tuple[str, ...]]:
        targets: dict[str, list[str]] = {}
        for module_id in included:
            for target, ids in (modules[module_id].get("targets") or {}).items():
                targets.setdefault(str(target), []).extend(str(i) for i in ids or [])
        return {t: tuple(dict.fromkeys(ids)) for t, ids in targets.items()}

    def _tag_targets(
        self,
        raw: dict[str, Any],
        path: str,
        included: list[str],
        modules: dict[str, dict[str, Any]],
        tags: dict[str, tuple[str, ...]],
    ) -> dict[str, tuple[str, ...]]:
        expressions = self.get(raw, "targets", dict, path, {})
        out = {}
        for target, expression in expressions.items():
            wanted = set(str(expression).split("/"))
            ids = [
                str(tc["id"])
                for module_id in included
                for tc in modules[module_id].get("testcases") or []
                if wanted & set(tags.get(str(tc["id"]), ()))
            ]
            out[str(target)] = tuple(dict.fromkeys(ids))
        return out

    def _timeline(self, doc: dict[str, Any]) -> tuple[TimelineEntry, ...]:
        entries = []
        for i, entry in enumerate(self.get(doc, "timeline", list, "", [])):
            path = f"timeline[{i}]"
            self.expect(entry, dict, path)
            day = to_date(entry.get("date"))
            if day is None:
                raise self.fail(f"{path}.date", "expected a date (YYYY-MM-DD)")
            states = {}
            for version, state in (self.get(entry, "versions", dict, path, {})).items():
                try:
                    states[str(version)] = VersionState(str(state))
                except ValueError:
                    raise self.fail(f"{path}.versions.{key_text(version)}", f"unknown state {token(state)}") from None
            entries.append(TimelineEntry(day, states))
        return tuple(entries)

    def _legacy(self, doc: dict[str, Any], name: str, versions_raw: list[Any]) -> Scope:
        """2023 format: standards with check tools; validity from stabilized_at/deprecated_at."""
        testcases: dict[str, Testcase] = {}
        versions: dict[str, ScopeVersion] = {}
        spans: list[tuple[str, dt.date | None, dt.date | None]] = []
        for i, raw in enumerate(versions_raw):
            path = f"versions[{i}]"
            self.expect(raw, dict, path)
            vname = str(raw.get("version", ""))
            mandatory = []
            for j, standard in enumerate(self.need(raw, "standards", list, path)):
                spath = f"{path}.standards[{j}]"
                self.expect(standard, dict, spath)
                label = self.need(standard, "name", str, spath)
                tools = self.get(standard, "check_tools", list, spath, [])
                ids = [str(t.get("id") or label) for t in tools if isinstance(t, dict)] or [label]
                for tc_id in ids:
                    testcases.setdefault(
                        tc_id, Testcase(tc_id, label, str(standard.get("url") or ""), manual=not tools)
                    )
                if str(standard.get("condition", "mandatory")) == "mandatory":
                    mandatory += ids
            stabilized, deprecated = to_date(raw.get("stabilized_at")), to_date(raw.get("deprecated_at"))
            versions[vname] = ScopeVersion(vname, stabilized, (), {"main": tuple(dict.fromkeys(mandatory))})
            spans.append((vname, stabilized, deprecated))
        # A timeline from the spans: each change of any version's validity starts an entry.
        days = sorted({d for _, s, e in spans for d in (s, e) if d})
        timeline = tuple(
            TimelineEntry(
                day, {v: VersionState.EFFECTIVE for v, s, e in spans if s and s <= day and (not e or day < e)}
            )
            for day in days
        )
        return Scope(
            str(doc.get("uuid", "") or ""), name, str(doc.get("url", "") or ""), testcases, versions, timeline, "legacy"
        )
