"""The RefStack API (``$BUYER_REFSTACK_URL``, the ``…/api`` base that refstack-client uses)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlencode

from buyer.formats._json import Reader, load_json
from buyer.formats.evidence import parse_evidence
from buyer.formats.refstack_api import ResultsPage, ResultSummary, parse_named_list, parse_results_page
from buyer.model.evidence import Evidence, EvidenceKind
from buyer.sources.fetch import JSON_TYPES, TEXT_OR_JSON, Fetcher

FILTERS = ("start_date", "end_date", "cpid", "verification_status", "product_id")


class RefStackClient:
    SOURCE = "RefStack"

    def __init__(self, base: str, fetcher: Fetcher, concurrency: int = 4) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher
        self.concurrency = max(1, concurrency)

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        query = {k: v for k, v in sorted((params or {}).items()) if v not in (None, "")}
        return f"{self.base}/v1/{path}" + (f"?{urlencode(query)}" if query else "")

    def _get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        refresh: bool = True,
        accept: tuple[str, ...] = JSON_TYPES,
    ) -> bytes:
        return self.fetcher.get(self.url(path, params), self.SOURCE, accept, refresh=refresh).body

    # -- results -------------------------------------------------------------------------

    def results_page(self, page: int = 1, refresh: bool = True, **filters: Any) -> ResultsPage:
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise ValueError(f"unknown RefStack filter(s): {', '.join(sorted(unknown))}")
        url = self.url("results", {"page": page, **filters})
        return parse_results_page(self._get("results", {"page": page, **filters}, refresh), url)

    def list_results(
        self,
        max_pages: int | None = None,
        refresh: bool = True,
        progress: Callable[[int, int], None] | None = None,
        **filters: Any,
    ) -> list[ResultSummary]:
        """Every page of a listing: the first tells how many there are; the rest come concurrently."""
        first = self.results_page(1, refresh, **filters)
        total = first.total_pages if max_pages is None else min(first.total_pages, max_pages)
        done = 1
        if progress:
            progress(done, total)
        pages: list[ResultsPage] = [first]
        if total > 1:
            with ThreadPoolExecutor(self.concurrency) as pool:
                futures = [pool.submit(self.results_page, n, refresh, **filters) for n in range(2, total + 1)]
                for future in futures:
                    pages.append(future.result())
                    done += 1
                    if progress:
                        progress(done, total)
        return [r for page in pages for r in page.results if r.id]

    def result(self, result_id: str, refresh: bool = False) -> Evidence:
        """A result's passed tests as published evidence. Details never change, so the cache answers."""
        url = self.url(f"results/{quote(result_id)}")
        doc = self.fetcher.get(url, self.SOURCE, JSON_TYPES, refresh=refresh)
        return parse_evidence(doc.body, url, EvidenceKind.PUBLISHED)

    def results_with_details(
        self, summaries: list[ResultSummary], progress: Callable[[int, int], None] | None = None
    ) -> list[Evidence]:
        out: list[Evidence] = []
        with ThreadPoolExecutor(self.concurrency) as pool:
            for n, evidence in enumerate(pool.map(lambda s: self.result(s.id), summaries), start=1):
                out.append(evidence)
                if progress:
                    progress(n, len(summaries))
        return out

    # -- guidelines, vendors, products ------------------------------------------------------

    def guidelines(self, refresh: bool = True) -> dict[str, Any]:
        url = self.url("guidelines")
        return Reader(url).expect(load_json(self._get("guidelines", refresh=refresh), url), dict, "")

    def guideline_tests(
        self,
        version: str,
        target: str = "platform",
        types: str | None = None,
        alias: bool = True,
        flag: bool = True,
        refresh: bool = True,
    ) -> list[str]:
        params = {"target": target, "type": types, "alias": str(alias).lower(), "flag": str(flag).lower()}
        body = self._get(f"guidelines/{quote(version)}/tests", params, refresh, TEXT_OR_JSON)
        return [line for line in body.decode("utf-8", "replace").splitlines() if line.strip()]

    def vendors(self, refresh: bool = True) -> list[dict[str, Any]]:
        return parse_named_list(self._get("vendors", refresh=refresh), self.url("vendors"), "vendors")

    def products(self, refresh: bool = True) -> list[dict[str, Any]]:
        return parse_named_list(self._get("products", refresh=refresh), self.url("products"), "products")

    def product_versions(self, product_id: str, refresh: bool = True) -> list[dict[str, Any]]:
        path = f"products/{quote(product_id)}/versions"
        return parse_named_list(self._get(path, refresh=refresh), self.url(path), "versions")
