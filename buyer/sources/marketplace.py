"""The OpenStack Marketplace's public JSON listings ($BUYER_MARKETPLACE_URL, summit-api's paging
envelope ``{total, per_page, current_page, last_page, data}``), read as registry claims."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from buyer.formats._json import Reader, load_json, to_date
from buyer.model.registry import Claim, RegistryProduct
from buyer.sources.fetch import Fetcher

KINDS = {
    "public-clouds": "public cloud",
    "hosted-private-clouds": "hosted private cloud",
    "remotely-managed-private-clouds": "remotely managed private cloud",
    "distros": "distribution",
    "appliances": "appliance",
}
PER_PAGE = 100
# The tested label: "<Platform|Compute|Storage> <program version>", e.g. "Compute 2020.11".
_TESTED = re.compile(r"\b(platform|compute|storage)\b\D*(\d{4}\.\d{2})", re.I)


class MarketplaceClient:
    SOURCE = "Marketplace"

    def __init__(self, base: str, fetcher: Fetcher) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher

    def listing(self, kind: str, refresh: bool = True) -> list[RegistryProduct]:
        items: list[dict[str, Any]] = []
        page, last = 1, 1
        retrieved: dt.datetime | None = None
        while page <= last:
            url = f"{self.base}/{kind}?expand=company,type&page={page}&per_page={PER_PAGE}"
            doc = self.fetcher.get(url, self.SOURCE, refresh=refresh)
            retrieved = doc.checked_at
            reader = Reader(url)
            body = reader.expect(load_json(doc.body, url), dict, "")
            items += [i for i in reader.need(body, "data", list, "") if isinstance(i, dict)]
            last = int(body.get("last_page") or 1)
            page += 1
        return [self._product(item, kind, f"{self.base}/{kind}", retrieved) for item in items]

    def _product(self, item: dict[str, Any], kind: str, url: str, retrieved: dt.datetime | None) -> RegistryProduct:
        company = item.get("company")
        vendor = company.get("name", "") if isinstance(company, dict) else ""
        tested = str(item.get("openstack_tested_info") or "")
        found = _TESTED.search(tested)
        program = found.group(1).lower() if found else _program_from_flags(item)
        version = found.group(2) if found else _version(item)
        expires = to_date(item.get("expiry_date") or item.get("expiration_date"))
        today = dt.date.today()
        powered = bool(item.get("is_openstack_powered"))
        if expires and expires < today:
            status = "expired"
        elif powered:
            status = "powered"
        elif item.get("is_openstack_tested"):
            status = "tested"
        else:
            status = "listed"
        claim = Claim("marketplace", "OpenStack Powered", status, program, version, (), expires, url, retrieved)
        return RegistryProduct(str(item.get("name", "")), vendor, KINDS.get(kind, kind), (claim,))


def _program_from_flags(item: dict[str, Any]) -> str:
    if item.get("is_compatible_with_platform"):
        return "platform"
    if item.get("is_compatible_with_compute"):
        return "compute"
    if item.get("is_compatible_with_storage"):
        return "storage"
    return ""


def _version(item: dict[str, Any]) -> str:
    version = item.get("program_version")
    if isinstance(version, dict):
        return str(version.get("name", "") or "")
    return str(version or "")


def fetch_all(
    client: MarketplaceClient, refresh: bool, progress: Callable[[int, int], None] | None = None
) -> list[RegistryProduct]:
    out: list[RegistryProduct] = []
    for n, kind in enumerate(KINDS, start=1):
        out += client.listing(kind, refresh)
        if progress:
            progress(n, len(KINDS))
    return out
