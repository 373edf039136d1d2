"""Build the registry from the Marketplace, RefStack's products, the SCS monitor and the local
registry file (``$BUYER_REGISTRY_FILE``, else registry.toml in platformdirs' user data dir)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from buyer.config import BuyerSettings, settings
from buyer.errors import BuyerError
from buyer.formats.toml_models import parse_toml_model
from buyer.locations import registry_file
from buyer.model.registry import Claim, LocalRegistry, RegistryProduct, merge_products, registry_key
from buyer.sources.fetch import Fetcher
from buyer.sources.files import read_text
from buyer.sources.http import NotCached
from buyer.sources.marketplace import MarketplaceClient, fetch_all
from buyer.sources.refstack import RefStackClient
from buyer.sources.scs_monitor import ScsMonitorClient

PRODUCT_TYPES = {0: "distribution or appliance", 1: "public cloud", 2: "hosted private cloud"}


@dataclass
class Registry:
    products: list[RegistryProduct]
    problems: list[str] = field(default_factory=list)  # sources that could not be read, one line each
    unsynced: list[str] = field(default_factory=list)  # sources never synced (offline, nothing cached)

    def find(self, name: str) -> RegistryProduct | None:
        key = registry_key(name)
        return next((p for p in self.products if p.key == key), None)


def load_local(path: Path) -> list[RegistryProduct]:
    if not path.exists():
        return []
    text = read_text(path)
    products = parse_toml_model(text, str(path), LocalRegistry).products(str(path))
    base = path.parent
    # Evidence paths in the registry file are relative to it.
    return [
        replace(
            p,
            evidence=tuple(
                e
                if e.file.startswith("refstack:") or Path(e.file).is_absolute()
                else e.model_copy(update={"file": str(base / e.file)})
                for e in p.evidence
            ),
        )
        for p in products
    ]


def _refstack_products(client: RefStackClient, refresh: bool) -> list[RegistryProduct]:
    vendors = {str(v["id"]): str(v.get("name", "")) for v in client.vendors(refresh)}
    out = []
    for p in client.products(refresh):
        category = PRODUCT_TYPES.get(p.get("product_type"), "")
        claim = Claim("refstack", "OpenStack Powered", "registered on RefStack", url=client.url("products"))
        out.append(
            RegistryProduct(str(p.get("name", "")), vendors.get(str(p.get("organization_id")), ""), category, (claim,))
        )
    return out


def _remote(fetcher: Fetcher, config: BuyerSettings) -> list[tuple[str, Callable[[bool], list[RegistryProduct]]]]:
    market = MarketplaceClient(config.marketplace_url, fetcher)
    refstack = RefStackClient(config.refstack_url, fetcher)
    scs = ScsMonitorClient(config.scs_monitor_url, fetcher)
    return [
        ("Marketplace", lambda refresh: fetch_all(market, refresh)),
        ("RefStack products", lambda refresh: _refstack_products(refstack, refresh)),
        ("SCS compliance monitor", scs.products),
    ]


def load_registry(fetcher: Fetcher, local: Path | None = None, refresh: bool = False) -> Registry:
    """Everything known, from the cache where possible; a source that fails becomes a problem line."""
    products = load_local(local or registry_file())
    problems, unsynced = [], []
    for name, read in _remote(fetcher, settings()):
        try:
            products += read(refresh)
        except NotCached:
            unsynced.append(name)
        except BuyerError as exc:
            problems.append(f"{name}: {exc}")
    return Registry(merge_products(products), problems, unsynced)


def sync_registry(fetcher: Fetcher, progress: Callable[[int, int], None] | None = None) -> str:
    sources = _remote(fetcher, settings())
    counts, failures = [], []
    for n, (name, read) in enumerate(sources, start=1):
        try:
            counts.append(f"{len(read(True))} from {name}")
        except BuyerError as exc:
            failures.append(str(exc))
        if progress:
            progress(n, len(sources))
    if failures:
        raise BuyerError("; ".join(failures))
    return ", ".join(counts)
