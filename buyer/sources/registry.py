"""Build the registry from the Marketplace, RefStack's products, the SCS monitor and the local
registry file (``$BUYER_REGISTRY_FILE``, else registry.toml in platformdirs' user data dir)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from buyer._hashing import sha256_hex
from buyer.config import BuyerSettings, settings
from buyer.errors import BuyerError, InputError
from buyer.formats.toml_models import parse_toml_model
from buyer.locations import registry_file
from buyer.model.registry import Claim, LocalRegistry, RegistryProduct, merge_products, registry_key
from buyer.model.scorecard import InputUse
from buyer.sources.fetch import Fetcher
from buyer.sources.files import read_input
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
    inputs: list[InputUse] = field(default_factory=list)  # files a report using this registry rests on

    def find(self, name: str) -> RegistryProduct | None:
        key = registry_key(name)
        return next((p for p in self.products if p.key == key), None)


def load_local(path: Path) -> tuple[list[RegistryProduct], list[InputUse]]:
    """The local registry's products (evidence named relative to the file) and the file as an
    input of any report that uses it."""
    if not path.exists():
        return [], []
    data = read_input(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text (is this a registry TOML file?)") from None
    products = parse_toml_model(text, str(path), LocalRegistry).products(str(path.name), str(path.parent))
    use = InputUse("registry", "local registry", str(path.name), sha256_hex(data), detail=f"{len(products)} products")
    return products, [use]


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
    products, inputs = load_local(local or registry_file())
    problems, unsynced = [], []
    for name, read in _remote(fetcher, settings()):
        try:
            products += read(refresh)
        except NotCached:
            unsynced.append(name)
        except BuyerError as exc:
            problems.append(f"{name}: {exc}")
    return Registry(merge_products(products), problems, unsynced, inputs)


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
