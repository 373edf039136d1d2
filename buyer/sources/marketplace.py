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

from buyer.config import settings
from buyer.errors import SourceError
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
# The Marketplace lists a few hundred products; 200 pages of 100 (BUYER_MAX_PAGES) is far beyond that,
# and a listing that claims more is read as a broken answer rather than followed for ever.
MAX_PAGES = 200
PROGRAM_WORDS = ("platform", "compute", "storage")  # getTestedCapabilityTypeLabel


@dataclass(frozen=True)
class _Item:
    name: str
    vendor: str
    program: str
    version: str
    status: str


@dataclass(frozen=True)
class _Page:
    last_page: int
    items: list[_Item]
    checked_at: dt.datetime
    size: int  # bytes of the answer


class MarketplaceClient:
    SOURCE = "Marketplace"

    def __init__(self, base: str, fetcher: Fetcher, per_page: int | None = None, max_pages: int | None = None) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher
        self.per_page = PER_PAGE if per_page is None else per_page
        self.max_pages = settings().max_pages if max_pages is None else max_pages
        if not PER_PAGE_MIN <= self.per_page <= PER_PAGE_MAX:
            raise ValueError(f"per_page must be in {PER_PAGE_MIN}..{PER_PAGE_MAX} (summit-api answers 412 otherwise)")

    def page_url(self, kind: str, page: int) -> str:
        query = {"expand": "company", "relations": "company", "page": page, "per_page": self.per_page}
        return f"{self.base}/{kind}?{urlencode(query)}"

    def listing(self, kind: str, refresh: bool = True) -> list[RegistryProduct]:
        """Every product of one listing, every page followed (at most ``max_pages``, and no more bytes
        in all than one answer may have); an inconsistent page is a SourceError and is not cached."""
        first = self._page(kind, 1, refresh)
        last = first.last_page
        pages = [first]
        size = first.size
        for number in range(2, last + 1):
            page = self._page(kind, number, refresh)
            if page.last_page != last:
                raise SourceError(
                    self.SOURCE,
                    self.page_url(kind, number),
                    f"the listing changed while it was read (last_page {page.last_page} here, {last} on page 1); "
                    "sync again",
                )
            size += page.size
            if size > self.fetcher.http.max_bytes:
                raise SourceError(
                    self.SOURCE,
                    self.page_url(kind, number),
                    f"the listing's pages are over {self.fetcher.http.max_bytes} bytes in all "
                    "(BUYER_MAX_RESPONSE_MIB raises the cap)",
                )
            pages.append(page)
        retrieved = min(p.checked_at for p in pages)  # the claim is as old as its oldest page
        url = f"{self.base}/{kind}"
        category = KINDS.get(kind, kind)
        return [
            RegistryProduct(
                item.name,
                item.vendor,
                category,
                (Claim("marketplace", "OpenStack Powered", item.status, item.program, item.version, url=url,
                       retrieved_at=retrieved),),
            )
            for page in pages
            for item in page.items
        ]  # fmt: skip

    def _page(self, kind: str, number: int, refresh: bool) -> _Page:
        url = self.page_url(kind, number)
        doc, (last, items) = self.fetcher.read(url, self.SOURCE, partial(self.read_page, url, number), refresh=refresh)
        return _Page(last, items, doc.checked_at, len(doc.body))

    def read_page(self, url: str, number: int, data: bytes) -> tuple[int, list[_Item]]:
        """One page as summit-api writes it: the envelope consistent with what was asked, each
        product readable. Raises InputError (a field) or SourceError (a page that contradicts itself)."""
        reader = Reader(url)
        body = reader.expect(load_json(data, url), dict, "")
        current, last, per_page, total = (
            reader.need(body, key, int, "") for key in ("current_page", "last_page", "per_page", "total")
        )
        data_items = reader.need(body, "data", list, "")

        def wrong(reason: str) -> SourceError:
            return SourceError(self.SOURCE, url, f"inconsistent page: {reason}")

        if current != number:
            raise wrong(f"current_page is {current}, page {number} was asked for")
        if per_page != self.per_page:
            raise wrong(f"per_page is {per_page}, {self.per_page} was asked for")
        # summit-api's last_page is ceil(total / per_page): 0 only for an empty listing
        if total < 0 or last != -(-total // per_page) or (last == 0 and data_items):
            raise wrong(f"last_page {last} does not fit total {total} at {per_page} a page")
        if len(data_items) > per_page:
            raise wrong(f"{len(data_items)} items on a page of {per_page}")
        if last > self.max_pages:
            raise SourceError(
                self.SOURCE,
                url,
                f"the listing says it has {last} pages of {self.per_page}; buyer reads at most {self.max_pages} "
                "(BUYER_MAX_PAGES)",
            )
        items = [_item(reader, reader.expect(v, dict, f"data[{i}]"), f"data[{i}]") for i, v in enumerate(data_items)]
        return last, items


def _item(reader: Reader, item: dict[str, Any], path: str) -> _Item:
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
    return _Item(name, vendor, program, version, status)


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
