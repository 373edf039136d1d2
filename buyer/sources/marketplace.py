"""The OpenStack Marketplace's public JSON listings ($BUYER_MARKETPLACE_URL), read as registry claims.

The server is OpenStackweb/summit-api (``routes/public_api.php``, ``AbstractCompanyServiceApiController``).
What it answers, and so what this module relies on:

- a paging envelope ``{total, per_page, current_page, last_page, data}``; ``page`` from 1 and ``per_page``
  in 5..500, anything else is HTTP 412; ``last_page`` is ceil(total / per_page), so 0 for an empty listing;
- ``expand=company`` replaces ``company_id`` with the company object. The newest CompanyServiceSerializer
  expands only what ``relations=`` names as well, older ones ignore ``relations``: both are sent.
  ``expand=type`` is never sent: there is no serializer for the type and the whole page fails;
- per product the OpenStackImplementation flags (``is_compatible_with_*``, ``is_openstack_powered``,
  ``is_openstack_tested``) and ``openstack_tested_info``. Neither the expiry date nor the program
  version is serialized: see ``derive_claim`` for what is read from the rest;
- an ETag (md5 of the body) and 304 on ``If-None-Match``, which the cache sends on every refresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from buyer.errors import InputError, SourceError
from buyer.formats._json import Reader, load_json
from buyer.model.registry import Claim, RegistryProduct
from buyer.sources.fetch import Fetcher

KINDS = {
    "public-clouds": "public cloud",
    "hosted-private-clouds": "hosted private cloud",
    "remotely-managed-private-clouds": "remotely managed private cloud",
    "distros": "distribution",
    "appliances": "appliance",
}
PER_PAGE_MIN, PER_PAGE_MAX = 5, 500  # summit-api's PaginationValidationRules; outside is HTTP 412
PER_PAGE = 100
# The Marketplace lists a few hundred products; 200 pages of 100 is far beyond that, and a listing that
# claims more is read as a broken answer rather than followed for ever.
MAX_PAGES = 200
PROGRAM_WORDS = ("platform", "compute", "storage")  # getTestedCapabilityTypeLabel


@dataclass(frozen=True)
class _Page:
    last_page: int
    items: list[dict[str, Any]]
    checked_at: dt.datetime


class MarketplaceClient:
    SOURCE = "Marketplace"

    def __init__(self, base: str, fetcher: Fetcher, per_page: int | None = None, max_pages: int | None = None) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher
        self.per_page = PER_PAGE if per_page is None else per_page
        self.max_pages = MAX_PAGES if max_pages is None else max_pages
        if not PER_PAGE_MIN <= self.per_page <= PER_PAGE_MAX:
            raise ValueError(f"per_page must be in {PER_PAGE_MIN}..{PER_PAGE_MAX} (summit-api answers 412 otherwise)")

    def page_url(self, kind: str, page: int) -> str:
        query = {"expand": "company", "relations": "company", "page": page, "per_page": self.per_page}
        return f"{self.base}/{kind}?{urlencode(query)}"

    def listing(self, kind: str, refresh: bool = True) -> list[RegistryProduct]:
        """Every product of one listing, every page followed; an inconsistent page is a SourceError."""
        first = self._page(kind, 1, refresh)
        last = first.last_page
        if last > self.max_pages:
            raise SourceError(
                self.SOURCE,
                self.page_url(kind, 1),
                f"the listing says it has {last} pages of {self.per_page}; buyer reads at most {self.max_pages}",
            )
        pages = [first]
        for number in range(2, last + 1):
            page = self._page(kind, number, refresh)
            if page.last_page != last:
                raise SourceError(
                    self.SOURCE,
                    self.page_url(kind, number),
                    f"the listing changed while it was read (last_page {page.last_page} here, {last} on page 1); "
                    "sync again",
                )
            pages.append(page)
        retrieved = min(p.checked_at for p in pages)  # the claim is as old as its oldest page
        url = f"{self.base}/{kind}"
        category = KINDS.get(kind, kind)
        out = []
        for number, page in enumerate(pages, start=1):
            reader = Reader(self.page_url(kind, number))
            for i, item in enumerate(page.items):
                parse = partial(_product, reader, item, f"data[{i}]", category, url, retrieved)
                out.append(_read(parse, reader.source))
        return out

    def _page(self, kind: str, number: int, refresh: bool) -> _Page:
        url = self.page_url(kind, number)
        doc = self.fetcher.get(url, self.SOURCE, refresh=refresh)
        reader = Reader(url)

        def envelope() -> tuple[int, int, int, int, list[dict[str, Any]]]:
            body = reader.expect(load_json(doc.body, url), dict, "")
            keys = ("current_page", "last_page", "per_page", "total")
            current, last, per_page, total = (reader.need(body, key, int, "") for key in keys)
            data = reader.need(body, "data", list, "")
            return current, last, per_page, total, [reader.expect(v, dict, f"data[{i}]") for i, v in enumerate(data)]

        current, last, per_page, total, items = _read(envelope, url)

        def wrong(reason: str) -> SourceError:
            return SourceError(self.SOURCE, url, f"inconsistent page: {reason}")

        if current != number:
            raise wrong(f"current_page is {current}, page {number} was asked for")
        if per_page != self.per_page:
            raise wrong(f"per_page is {per_page}, {self.per_page} was asked for")
        # summit-api's last_page is ceil(total / per_page): 0 only for an empty listing
        if total < 0 or last != -(-total // per_page) or (last == 0 and items):
            raise wrong(f"last_page {last} does not fit total {total} at {per_page} a page")
        if len(items) > per_page:
            raise wrong(f"{len(items)} items on a page of {per_page}")
        return _Page(last, items, doc.checked_at)


def _read(parse: Callable[[], Any], url: str) -> Any:
    """Run a Reader step; a field that is missing or of the wrong type names the source once, with the URL."""
    try:
        return parse()
    except InputError as exc:
        where = f"field '{exc.field}': " if exc.field else ""
        at = f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""
        raise SourceError(MarketplaceClient.SOURCE, url, f"{where}{exc.message}{at}") from None


def _product(
    reader: Reader, item: dict[str, Any], path: str, category: str, url: str, retrieved: dt.datetime
) -> RegistryProduct:
    name = reader.need(item, "name", str, path)
    company = reader.get(item, "company", dict, path, {})  # absent where the server did not expand it
    vendor = reader.get(company, "name", str, f"{path}.company", "")

    def flag(key: str) -> bool:
        return reader.get(item, key, bool, path, False)

    program, version, status = derive_claim(
        platform=flag("is_compatible_with_platform"),
        compute=flag("is_compatible_with_compute"),
        storage=flag("is_compatible_with_storage"),
        powered=flag("is_openstack_powered"),
        tested=flag("is_openstack_tested"),
        tested_info=reader.get(item, "openstack_tested_info", str, path, ""),
    )
    claim = Claim("marketplace", "OpenStack Powered", status, program, version, url=url, retrieved_at=retrieved)
    return RegistryProduct(name, vendor, category, (claim,))


def derive_claim(
    *, platform: bool, compute: bool, storage: bool, powered: bool, tested: bool, tested_info: str
) -> tuple[str, str, str]:
    """(program, version, status) from the fields summit-api serializes for an OpenStackImplementation.

    The model computes ``is_openstack_powered`` as (storage or compute or platform) and not expired, so a
    product that keeps a compatibility flag but is not powered has passed its expiry date: "expired".
    ``openstack_tested_info`` is "<Platform|Compute|Storage> <program version>", or " <version>" with no
    program word when no flag is set, or null when no program version was ever recorded. The status
    therefore needs no clock: the server has compared the expiry date with its own.
    """
    word, _, rest = tested_info.strip().partition(" ")
    if word.lower() in PROGRAM_WORDS:
        program, version = word.lower(), rest.strip()
    else:
        program, version = _program_from_flags(platform, compute, storage), tested_info.strip()
    flagged = platform or compute or storage
    if flagged and not powered:
        status = "expired"
    elif powered:
        status = "powered"
    elif tested or tested_info.strip():
        status = "tested"
    else:
        status = "listed"
    return program, version, status


def _program_from_flags(platform: bool, compute: bool, storage: bool) -> str:
    # isCompatibleWithPlatform is compute and storage; the label names the widest program first.
    if platform or (compute and storage):
        return "platform"
    if compute:
        return "compute"
    if storage:
        return "storage"
    return ""


def fetch_all(
    client: MarketplaceClient, refresh: bool, progress: Callable[[int, int], None] | None = None
) -> list[RegistryProduct]:
    out: list[RegistryProduct] = []
    for n, kind in enumerate(KINDS, start=1):
        out += client.listing(kind, refresh)
        if progress:
            progress(n, len(KINDS))
    return out
