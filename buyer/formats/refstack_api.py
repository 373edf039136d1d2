"""Shapes of the RefStack API's JSON answers (interop-formats.md §2), read with named-field errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from buyer.formats._json import Reader, load_json


@dataclass(frozen=True)
class ResultSummary:
    id: str
    created_at: str
    duration_seconds: int
    verification_status: int
    guideline: str  # meta.guideline ("2020.06.json"), "" when the owner did not set it
    target: str  # meta.target (platform|compute|object|dns|orchestration)
    product: str  # product_version.product_info.name, "" when private or unlinked
    product_version: str


@dataclass(frozen=True)
class ResultsPage:
    results: tuple[ResultSummary, ...]
    current_page: int
    total_pages: int


def parse_results_page(data: bytes, source: str) -> ResultsPage:
    r = Reader(source)
    doc = r.expect(load_json(data, source), dict, "")
    items = r.need(doc, "results", list, "")
    pagination = r.need(doc, "pagination", dict, "")
    results = tuple(_summary(r, item, f"results[{i}]") for i, item in enumerate(items))
    return ResultsPage(
        results,
        r.need(pagination, "current_page", int, "pagination"),
        r.need(pagination, "total_pages", int, "pagination"),
    )


def _summary(r: Reader, item: Any, path: str) -> ResultSummary:
    r.expect(item, dict, path)
    meta = r.get(item, "meta", dict, path, {})
    version = item.get("product_version") if isinstance(item.get("product_version"), dict) else {}
    info = version.get("product_info") if isinstance(version.get("product_info"), dict) else {}
    return ResultSummary(
        id=r.need(item, "id", str, path),
        created_at=r.get(item, "created_at", str, path, ""),
        duration_seconds=r.get(item, "duration_seconds", int, path, 0),
        verification_status=r.get(item, "verification_status", int, path, 0),
        guideline=str(meta.get("guideline", "") or ""),
        target=str(meta.get("target", "") or ""),
        product=str(info.get("name", "") or ""),
        product_version=str(version.get("version", "") or ""),
    )


def parse_named_list(data: bytes, source: str, key: str) -> list[dict[str, Any]]:
    """``{"vendors": [...]}`` / ``{"products": [...]}`` -> the list, each item an object with an id."""
    r = Reader(source)
    doc = load_json(data, source)
    items = doc if isinstance(doc, list) else r.need(r.expect(doc, dict, ""), key, list, "")
    for i, item in enumerate(items):
        r.expect(item, dict, f"{key}[{i}]")
        if "id" not in item:
            raise r.fail(f"{key}[{i}].id", "missing")
    return items
