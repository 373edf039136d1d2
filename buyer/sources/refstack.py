"""The RefStack API (``$BUYER_REFSTACK_URL``, the ``…/api`` base that refstack-client uses)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from buyer.config import settings
from buyer.errors import InputError, SourceError
from buyer.formats._json import Reader, load_json
from buyer.formats.evidence import parse_evidence
from buyer.formats.refstack_api import ResultsPage, ResultSummary, parse_named_list, parse_results_page
from buyer.model.evidence import Evidence, EvidenceKind
from buyer.sources.budget import in_context
from buyer.sources.fetch import JSON_TYPES, TEXT_OR_JSON, Fetcher

T = TypeVar("T")
FILTERS = ("start_date", "end_date", "cpid", "verification_status", "product_id")


class RefStackClient:
    SOURCE = "RefStack"

    def __init__(self, base: str, fetcher: Fetcher, concurrency: int = 4) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher
        self.concurrency = max(1, concurrency)
        self.claimed_pages = 0  # what the last listing's first page said it had

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        query = {k: v for k, v in sorted((params or {}).items()) if v not in (None, "")}
        return f"{self.base}/v1/{path}" + (f"?{urlencode(query)}" if query else "")

    def _get(
        self,
        path: str,
        read: Callable[[bytes, str], T],
        params: dict[str, Any] | None = None,
        refresh: bool = True,
        accept: tuple[str, ...] = JSON_TYPES,
    ) -> T:
        """What ``read`` makes of an answer; a body it refuses is never cached."""
        url = self.url(path, params)
        return self.fetcher.read(url, self.SOURCE, lambda body: read(body, url), accept, refresh)[1]

    # -- results -------------------------------------------------------------------------

    def results_page(self, page: int = 1, refresh: bool = True, **filters: Any) -> ResultsPage:
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise ValueError(f"unknown RefStack filter(s): {', '.join(sorted(unknown))}")

        def read(body: bytes, url: str) -> ResultsPage:
            found = parse_results_page(body, url)
            if found.current_page != page:
                raise SourceError(
                    self.SOURCE,
                    url,
                    f"inconsistent page: current_page is {found.current_page}, page {page} was asked for",
                )
            return found

        return self._get("results", read, {"page": page, **filters}, refresh)

    def list_results(
        self,
        max_pages: int | None = None,
        refresh: bool = True,
        progress: Callable[[int, int], None] | None = None,
        **filters: Any,
    ) -> list[ResultSummary]:
        """The newest pages of a listing, at most ``max_pages`` and BUYER_MAX_PAGES: the first tells
        how many there are; the rest come concurrently. ``claimed_pages`` keeps what it claimed."""
        cap = settings().max_pages
        wanted = cap if max_pages is None else min(max_pages, cap)
        first = self.results_page(1, refresh, **filters)
        self.claimed_pages = first.total_pages
        total = max(1, min(first.total_pages, wanted))
        done = 1
        if progress:
            progress(done, total)
        pages: list[ResultsPage] = [first]
        if total > 1:
            with ThreadPoolExecutor(self.concurrency) as pool:
                futures = [
                    pool.submit(in_context(self.results_page), n, refresh, **filters) for n in range(2, total + 1)
                ]
                for future in futures:
                    pages.append(future.result())
                    done += 1
                    if progress:
                        progress(done, total)
        return [r for page in pages for r in page.results if r.id]

    def result(self, result_id: str, refresh: bool = False) -> Evidence:
        """A result's passed tests as published evidence. Details never change, so the cache answers."""
        return self._get(
            f"results/{quote(result_id, safe='')}", lambda body, url: parse_evidence(body, url, EvidenceKind.PUBLISHED),
            refresh=refresh,
        )  # fmt: skip

    def results_with_details(
        self, summaries: list[ResultSummary], progress: Callable[[int, int], None] | None = None
    ) -> list[Evidence]:
        out: list[Evidence] = []
        with ThreadPoolExecutor(self.concurrency) as pool:
            for n, evidence in enumerate(pool.map(in_context(lambda s: self.result(s.id)), summaries), start=1):
                out.append(evidence)
                if progress:
                    progress(n, len(summaries))
        return out

    # -- guidelines, vendors, products ------------------------------------------------------

    def guidelines(self, refresh: bool = True) -> dict[str, Any]:
        return self._get(
            "guidelines", lambda body, url: Reader(url).expect(load_json(body, url), dict, ""), None, refresh
        )

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
        return self._get(f"guidelines/{quote(version, safe='')}/tests", _test_lines, params, refresh, TEXT_OR_JSON)

    def vendors(self, refresh: bool = True) -> list[dict[str, Any]]:
        return self._get("vendors", lambda body, url: parse_named_list(body, url, "vendors"), None, refresh)

    def products(self, refresh: bool = True) -> list[dict[str, Any]]:
        return self._get("products", lambda body, url: parse_named_list(body, url, "products"), None, refresh)

    def product_versions(self, product_id: str, refresh: bool = True) -> list[dict[str, Any]]:
        path = f"products/{quote(product_id, safe='')}/versions"
        return self._get(path, lambda body, url: parse_named_list(body, url, "versions"), None, refresh)


def _json_object(body: bytes, url: str) -> dict[str, Any]:
    return Reader(url).expect(load_json(body, url), dict, "")


def _test_lines(body: bytes, url: str) -> list[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(url, "not UTF-8 text (expected one test name a line)") from None
    return [line for line in text.splitlines() if line.strip()]
