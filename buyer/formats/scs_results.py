"""SCS results as evidence: report YAML (one or several documents, scs.md §2.2) and the
compliance monitor's ``/status`` JSON (§6.4). Both can hold several subjects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from buyer.errors import InputError
from buyer.formats._json import Reader, key_text
from buyer.model.scs import ScsResult

RESULT_VALUES = {1, 0, -1}


def _when(value: object, source: str, field: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(source, "not a time (expected ISO 8601)", field=field) from None
    else:
        raise InputError(source, "expected a time", field=field)
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)  # reports carry local time, no zone
    try:
        return when.astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31T23:59:59-12:00 has no UTC form
        raise InputError(source, "a time out of range", field=field) from None


def _value(value: object, source: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in RESULT_VALUES:
        raise InputError(source, "expected 1, 0 or -1", field=field)
    return int(value)  # type: ignore[arg-type]


def parse_reports(docs: list[Any], source: str) -> list[ScsResult]:
    """Reports as ``scs-compliance-check.py -o`` writes them (newer ``run.invocations`` results and
    older ``versions`` results both read)."""
    r = Reader(source)
    out = []
    for n, doc in enumerate(docs):
        base = f"[document {n + 1}]" if len(docs) > 1 else ""
        r.expect(doc, dict, base)
        spec = r.need(doc, "spec", dict, base)
        scope = r.need(spec, "uuid", str, f"{base}spec")
        subject = r.need(doc, "subject", str, base)
        checked = _when(doc.get("checked_at"), source, f"{base}checked_at")
        run = r.get(doc, "run", dict, base, {})
        report = r.get(run, "uuid", str, f"{base}run", "")
        found: dict[str, int] = {}
        for inv_id, invocation in r.get(run, "invocations", dict, f"{base}run", {}).items():
            path = f"{base}run.invocations.{key_text(inv_id)}"
            for tc, value in r.get(r.expect(invocation, dict, path), "results", dict, path, {}).items():
                found[str(tc)] = _value(value, source, f"{path}.results.{key_text(tc)}")
        for vname, results in r.get(doc, "versions", dict, base, {}).items():
            path = f"{base}versions.{key_text(vname)}"
            for tc, entry in ({} if results is None else r.expect(results, dict, path)).items():
                value = entry.get("result") if isinstance(entry, dict) else entry
                found.setdefault(str(tc), _value(value, source, f"{path}.{key_text(tc)}"))
        out += [ScsResult(subject, scope, tc, value, checked, report) for tc, value in found.items()]
    return out


def parse_status(doc: Any, source: str) -> list[ScsResult]:
    """``GET /status``: {subject: {scope uuid: {results: {testcase: {result, checked_at, report}}}}}."""
    r = Reader(source)
    r.expect(doc, dict, "")
    out = []
    for subject, scopes in doc.items():
        r.expect(scopes, dict, key_text(subject))
        for scope, result in scopes.items():
            path = f"{key_text(subject)}.{key_text(scope)}"
            results = r.need(r.expect(result, dict, path), "results", dict, path)
            for tc, entry in results.items():
                tpath = f"{path}.results.{key_text(tc)}"
                r.expect(entry, dict, tpath)
                if entry.get("result") is None:
                    continue  # MISSING is no result
                out.append(
                    ScsResult(
                        str(subject),
                        str(scope),
                        str(tc),
                        _value(entry.get("result"), source, tpath),
                        _when(entry.get("checked_at"), source, f"{tpath}.checked_at"),
                        str(entry.get("report") or ""),
                    )
                )
    return out


def looks_like_status(doc: Any) -> bool:
    if not isinstance(doc, dict) or not doc:
        return False
    first = next(iter(doc.values()))
    return isinstance(first, dict) and all(isinstance(v, dict) and "results" in v for v in first.values())
