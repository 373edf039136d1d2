"""Read interop guideline JSON (schemas 1.2, 1.5, 1.6, 2.0 and 2.0 add-ons) into the model.

Tolerates the quirks of the real files (interop-formats.md §1.8): misspelt keys, ``flag``
beside ``flagged``, both designated-section nestings, dangling capability references, and the
capability-level ``flagged[]`` of schema 1.2.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

from buyer._text import token
from buyer.formats._json import Reader, join, load_json
from buyer.model.evidence import normalise_uuid
from buyer.model.guideline import (
    CORE_PROGRAMS,
    Capability,
    Component,
    Flag,
    Guideline,
    Program,
    ProgramKind,
    Status,
    Test,
    program_key,
)

SUPPORTED_SCHEMAS = ("1.2", "1.3", "1.4", "1.5", "1.6", "2.0")

# Misspellings seen in real files or upstream's annotated samples.
_STATUS_KEYS = {
    "required": Status.REQUIRED,
    "advisory": Status.ADVISORY,
    "deprecated": Status.DEPRECATED,
    "depricated": Status.DEPRECATED,
    "removed": Status.REMOVED,
}
_TITLE_TO_KEY = {title: key for key, title in CORE_PROGRAMS.items()}


def parse_guideline(data: bytes | str, source: str, file_id: str | None = None) -> Guideline:
    """Parse one guideline file. Raises InputError naming ``source`` and the bad field.

    ``file_id`` (the file name without ``.json``) becomes the guideline's id when given.
    """
    doc = load_json(data, source)
    guideline = GuidelineParser(source).parse(doc)
    if file_id and file_id != guideline.id:
        guideline = replace(guideline, id=file_id, declared_id=guideline.id)
    return guideline


class GuidelineParser(Reader):
    def parse(self, doc: Any) -> Guideline:
        self.expect(doc, dict, "")
        if "metadata" in doc:
            return self._parse_v2(doc)
        return self._parse_v1(doc)

    # -- shared pieces ---------------------------------------------------------------

    def _schema(self, value: str, path: str) -> str:
        if value not in SUPPORTED_SCHEMAS:
            raise self.fail(
                path, f"unsupported guideline schema {token(value)} (buyer reads {', '.join(SUPPORTED_SCHEMAS)})"
            )
        return value

    def _status_lists(self, obj: dict[str, Any], path: str) -> tuple[tuple[Status, tuple[str, ...]], ...]:
        out = []
        for key, value in obj.items():
            status = _STATUS_KEYS.get(key)
            if status is None:
                continue  # e.g. "informational" or comments; RefStack ignores them too
            self.expect(value, list, join(path, key))
            out.append((status, self.strings(obj, key, path)))
        return tuple(out)

    def _test(self, name: str, details: Any, tests_path: str) -> Test:
        # Hundreds per file, read on every run: the field path is built only for a message.
        if not isinstance(details, dict):
            raise self.mismatch(details, dict, join(tests_path, name))
        raw_id = details.get("idempotent_id")
        if raw_id is None:
            raw_id = ""
        elif not isinstance(raw_id, str):
            raise self.mismatch(raw_id, str, join(join(tests_path, name), "idempotent_id"))
        # RefStack flags a test when its "flagged" key is there (refstack-ui: 'flagged' in details)
        # and ignores the 2.0 schema's "flag" spelling; so does buyer, or a missing test that
        # RefStack counts would be excused.
        key = "flagged"
        flag = None
        if key in details:
            value = details[key]
            if isinstance(value, dict):
                flag = Flag(*(str(value.get(k, "") or "") for k in ("reason", "action", "date")))
            elif isinstance(value, str):
                flag = Flag(reason=value)
            elif value is True or value is None:
                flag = Flag()
            elif value is not False:
                raise self.mismatch(value, dict, join(join(tests_path, name), key))
        bare = raw_id[3:] if raw_id.startswith("id-") else raw_id
        aliases = details.get("aliases")
        if aliases is None:
            aliases = ()
        elif not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            aliases = self.strings(details, "aliases", join(tests_path, name))  # says which entry is wrong
        return Test(
            name=sys.intern(name),  # evidence interns its names too: look-ups compare pointers
            idempotent_id=normalise_uuid(bare) or bare.lower() or None,
            id_token=raw_id,
            aliases=tuple(map(sys.intern, aliases)),
            flag=flag,
        )

    def _capabilities(self, doc: dict[str, Any], path: str, schema: str) -> dict[str, Capability]:
        caps_obj = self.need(doc, "capabilities", dict, "")
        caps: dict[str, Capability] = {}
        for cap_id, cap in caps_obj.items():
            cpath = join(path, cap_id)
            self.expect(cap, dict, cpath)
            tests_obj = cap.get("tests", [])
            if schema == "1.2":
                flagged = set(self.strings(cap, "flagged", cpath))
                names = self.strings(cap, "tests", cpath)
                tests = tuple(
                    Test(
                        name=sys.intern(n),
                        flag=Flag(reason="flagged (schema 1.2 gives no reason)") if n in flagged else None,
                    )
                    for n in names
                )
            else:
                self.expect(tests_obj, dict, join(cpath, "tests"))
                tests_path = join(cpath, "tests")
                tests = tuple(self._test(name, details, tests_path) for name, details in tests_obj.items())
            since = cap.get("required_since", cap.get("required-since", ""))
            caps[cap_id] = Capability(
                id=cap_id,
                tests=tests,
                project=str(cap.get("project", "") or ""),
                description=str(cap.get("description", cap.get("descriptin", "")) or ""),
                admin=bool(cap.get("admin", False)),
                required_since=str(since or ""),
            )
        return caps

    # -- schema 1.x ------------------------------------------------------------------

    def _parse_v1(self, doc: dict[str, Any]) -> Guideline:
        gid = self.need(doc, "id", str, "")
        schema = self._schema(self.need(doc, "schema", str, ""), "schema")
        platform = self.need(doc, "platform", dict, "")
        comps_obj = self.need(doc, "components", dict, "")
        components = {}
        for name, comp in comps_obj.items():
            self.expect(comp, dict, join("components", name))
            components[name] = Component(name, self._status_lists(comp, join("components", name)))
        platform_required = self.strings(platform, "required", "platform")
        for i, name in enumerate(platform_required):
            if name not in components:
                raise self.fail(f"platform.required[{i}]", f"names component {token(name)}, which is not defined")
        programs = {
            "platform": Program("platform", CORE_PROGRAMS["platform"], ProgramKind.CORE, platform_required),
        }
        # 1.x files call the storage component "object"; RefStack reads it alone, last status wins.
        for key, comp_name in (("compute", "compute"), ("storage", "object")):
            if comp_name in components:
                programs[key] = Program(key, CORE_PROGRAMS[key], ProgramKind.CORE, (comp_name,), last_status_wins=True)
        repos = {}
        tempest = (
            doc.get("test-repositories", {}).get("tempest") if isinstance(doc.get("test-repositories"), dict) else None
        )
        if isinstance(tempest, dict):
            repos["tempest"] = str(tempest.get("git-sha", "") or tempest.get("reference", ""))
        return self._assemble(doc, gid, schema, doc, "", doc, doc, programs, components, repos)

    # -- schema 2.0 (core and add-on) ------------------------------------------------

    def _parse_v2(self, doc: dict[str, Any]) -> Guideline:
        meta = self.need(doc, "metadata", dict, "")
        gid = self.need(meta, "id", str, "metadata")
        schema = self._schema(self.need(meta, "schema", str, "metadata"), "metadata.schema")
        approval = self.get(meta, "os_trademark_approval", dict, "metadata", {})
        scoring = self.get(meta, "scoring", dict, "metadata", {})
        comps_obj = self.need(doc, "components", dict, "")
        components = {}
        for name, comp in comps_obj.items():
            cpath = join("components", name)
            self.expect(comp, dict, cpath)
            lists = self.need(comp, "capabilities", dict, cpath)
            components[name] = Component(name, self._status_lists(lists, join(cpath, "capabilities")))
        if "add-ons" in doc:
            programs = self._add_on_programs(doc, gid, components)
        else:
            programs = self._core_programs(doc, components)
        repos = {}
        for name, repo in self.get(doc, "test_repositories", dict, "", {}).items():
            if isinstance(repo, dict):
                repos[name] = str(repo.get("reference", "") or "")
        return self._assemble(
            doc, gid, schema, approval, "metadata.os_trademark_approval", meta, scoring, programs, components, repos
        )

    def _assemble(
        self,
        doc: dict[str, Any],
        gid: str,
        schema: str,
        approval: dict[str, Any],
        approval_path: str,
        header: dict[str, Any],
        scoring: dict[str, Any],
        programs: dict[str, Program],
        components: dict[str, Component],
        repos: dict[str, str],
    ) -> Guideline:
        """1.x keeps approval, header and scoring fields at the top; 2.0 nests them in metadata."""
        return Guideline(
            id=gid,
            schema=schema,
            status=str(approval.get("status", "") or ""),
            programs=programs,
            components=components,
            capabilities=self._capabilities(doc, "capabilities", schema),
            releases=self.strings(approval, "releases", approval_path),
            replaces=str(approval.get("replaces", "") or ""),
            target_approval=str(approval.get("target_approval", "") or ""),
            source=str(header.get("source", "") or ""),
            cutoff_score=_int_or_none(scoring.get("cutoff_score")),
            test_repositories=repos,
        )

    def _component_names(self, prog: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        names = []
        for i, comp in enumerate(self.get(prog, key, list, path, [])):
            self.expect(comp, dict, f"{join(path, key)}[{i}]")
            names.append(self.need(comp, "name", str, f"{join(path, key)}[{i}]"))
        return tuple(names)

    def _core_programs(self, doc: dict[str, Any], components: dict[str, Component]) -> dict[str, Program]:
        programs = {}
        for title, prog in self.need(doc, "platforms", dict, "").items():
            path = join("platforms", title)
            self.expect(prog, dict, path)
            names = self._component_names(prog, "components", path)
            for name in names:
                if name not in components:
                    raise self.fail(join(path, "components"), f"names component {token(name)}, which is not defined")
            key = _TITLE_TO_KEY.get(title) or program_key(title.removeprefix("OpenStack Powered "))
            programs[key] = Program(
                key, title, ProgramKind.CORE, names, description=str(prog.get("description", "") or "")
            )
        return programs

    def _add_on_programs(self, doc: dict[str, Any], gid: str, components: dict[str, Component]) -> dict[str, Program]:
        programs = {}
        for title, prog in self.need(doc, "add-ons", dict, "").items():
            path = join("add-ons", title)
            self.expect(prog, dict, path)
            names = self._component_names(prog, "components", path)
            for name in names:
                if name not in components:
                    raise self.fail(join(path, "components"), f"names component {token(name)}, which is not defined")
            # os_powered_dns -> dns; fall back to the file-name family (dns.2020.06 -> dns).
            if len(names) == 1 and names[0].startswith("os_powered_"):
                key = names[0].removeprefix("os_powered_")
            else:
                key = program_key(gid.split(".", 1)[0])
            programs[key] = Program(
                key,
                title,
                ProgramKind.ADD_ON,
                names,
                description=str(prog.get("description", "") or ""),
                required_platform_components=self._component_names(prog, "required_platform_components", path),
            )
        return programs


def _int_or_none(value: object) -> int | None:
    # cutoff_score is a string ("74") in 1.x and an int in 2.0.
    try:
        return int(value) if value not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
