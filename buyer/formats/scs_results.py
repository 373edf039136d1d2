"""SCS results as evidence: report YAML (one or several documents, scs.md §2.2) and the
compliance monitor's ``/status`` JSON (§6.4). Both can hold several subjects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from buyer.errors import InputError
from buyer.formats._json import Reader
from buyer.model.scs import ScsResult

RESULT_VALUES = {1, 0, -1}


def _when(value: object, source: str, field: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(source, f"not a time: '{value}'", field=field) from None
    else:
        raise InputError(source, "expected a time", field=field)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)  # reports carry local time, no zone


def _value(value: object, source: str, field: str) -> int:
    if isinstance(value, bool) or value not in RESULT_VALUES:
        raise InputError(source, f"expected 1, 0 or -1, got {value!r}", field=field)
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
        report = str(run.get("uuid", "") or "")
        found: dict[str, int] = {}
        for inv_id, invocation in (run.get("invocations") or {}).items():
            for tc, value in (invocation.get("results") or {}).items():
                found[str(tc)] = _value(value, source, f"{base}run.invocations.{inv_id}.results.{tc}")
        for vname, results in (doc.get("versions") or {}).items():
            for tc, entry in (results or {}).items():
                value = entry.get("result") if isinstance(entry, dict) else entry
                found.setdefault(str(tc), _value(value, source, f"{base}versions.{vname}.{tc}"))
        out += [ScsResult(subject, scope, tc, value, checked, report) for tc, value in found.items()]
    return out


def parse_status(doc: Any, source: str) -> list[ScsResult]:
    """``GET /status``: {subject: {scope uuid: {results: {testcase: {result, checked_at, report}}}}}."""
    r = Reader(source)
    r.expect(doc, dict, "")
    out = []
    for subject, scopes in doc.items():
        r.expect(scopes, dict, subject)
        for scope, result in scopes.items():
            path = f"{subject}.{scope}"
            results = r.need(r.expect(result, dict, path), "results", dict, path)
            for tc, entry in results.items():
                tpath = f"{path}.results.{tc}"
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
