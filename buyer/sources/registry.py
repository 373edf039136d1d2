"""Build the registry from the Marketplace, RefStack's products, the SCS monitor and the local
registry file (``$BUYER_REGISTRY_FILE``, else registry.toml in platformdirs' user data dir)."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from buyer._hashing import sha256_hex
from buyer.config import BuyerSettings, settings
from buyer.errors import BuyerError, ConfigError, NotCached, SourceError
from buyer.formats.text import decode_utf8
from buyer.formats.toml_models import parse_toml_model
from buyer.locations import registry_file
from buyer.model.local_registry import LocalRegistry
from buyer.model.registry import Claim, RegistryProduct, merge_products, registry_key
from buyer.model.scorecard import InputUse
from buyer.sources.budget import in_context
from buyer.sources.fetch import JSON_TYPES, Document, Fetcher
from buyer.sources.files import read_input
from buyer.sources.marketplace import MarketplaceClient, fetch_all
from buyer.sources.refstack import RefStackClient
from buyer.sources.scs_monitor import ScsMonitorClient

T = TypeVar("T")
PRODUCT_TYPES = {0: "distribution or appliance", 1: "public cloud", 2: "hosted private cloud"}


@dataclass
class Registry:
    products: list[RegistryProduct]
    problems: list[str] = field(default_factory=list)  # sources that could not be read, one line each
    unsynced: list[str] = field(default_factory=list)  # sources never synced (offline, nothing cached)
    inputs: list[InputUse] = field(default_factory=list)  # files a report using this registry rests on
    remote: int = 0  # remote sources asked

    @property
    def unreachable(self) -> bool:
        """Every remote source failed (so none answered from the cache) and the local file adds nothing."""
        return self.remote > 0 and len(self.problems) == self.remote and not self.products

    def find(self, name: str) -> RegistryProduct | None:
        key = registry_key(name)
        return next((p for p in self.products if p.key == key), None)


def load_local(path: Path, required: bool = False) -> tuple[list[RegistryProduct], list[InputUse]]:
    """The local registry's products (evidence named relative to the file) and the file as an
    input of any report that uses it. The default file may be missing; one the user named
    (``required``) must be read, or a typo would drop the evidence it keeps without a word."""
    if not required and not path.exists():
        return [], []
    data = read_input(path)
    text = decode_utf8(data, str(path))  # where it is not, and what it looks like instead
    products = parse_toml_model(text, str(path), LocalRegistry).products(str(path.name), str(path.parent))
    use = InputUse("registry", "local registry", str(path.name), sha256_hex(data), detail=f"{len(products)} products")
    return products, [use]


def _refstack_products(client: RefStackClient, refresh: bool) -> list[RegistryProduct]:
    vendors = {_text(v["id"]): _text(v.get("name")) for v in client.vendors(refresh)}
    out = []
    for p in client.products(refresh):
        kind = p.get("product_type")
        category = PRODUCT_TYPES.get(kind, "") if isinstance(kind, int) else ""
        claim = Claim("refstack", "OpenStack Powered", "registered on RefStack", url=client.url("products"))
        vendor = vendors.get(_text(p.get("organization_id")), "")
        out.append(RegistryProduct(_text(p.get("name")), vendor, category, (claim,)))
    return out


def _text(value: object) -> str:
    """A name or an id as RefStack sends it (a string or a number); anything else is no name."""
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


@dataclass(frozen=True)
class RemoteSource:
    name: str
    noun: str  # what its products are called in a sync summary
    read: Callable[[bool], list[RegistryProduct]]


def _remote(fetcher: Fetcher, config: BuyerSettings) -> list[RemoteSource]:
    market = MarketplaceClient(config.marketplace_url, fetcher)
    refstack = RefStackClient(config.refstack_url, fetcher)
    scs = ScsMonitorClient(config.scs_monitor_url, fetcher)
    return [
        RemoteSource("Marketplace", "products", lambda refresh: fetch_all(market, refresh)),
        RemoteSource("RefStack products", "products", lambda refresh: _refstack_products(refstack, refresh)),
        RemoteSource("SCS compliance monitor", "subjects", scs.products),
    ]


def problem(name: str, exc: BuyerError) -> str:
    """One line naming the source once: a SourceError carries its client's label ("RefStack"), which
    gives way to the registry's name for the source; other errors (a malformed answer) name their URL."""
    if isinstance(exc, SourceError):
        return f"{name}: {exc.reason} ({exc.url})"
    return f"{name}: {exc}"


def load_registry(fetcher: Fetcher, local: Path | None = None, refresh: bool = False) -> Registry:
    """Everything known, from the cache where possible; a source that fails becomes a problem line."""
    products, inputs = load_local(local, required=True) if local is not None else load_local(registry_file())
    problems, unsynced = [], []
    sources = _remote(fetcher, settings())
    # Side by side: sources that do not answer cost one deadline in all, not one each.
    for source, outcome in zip(sources, _each(sources, refresh), strict=True):
        if isinstance(outcome, ConfigError):
            raise outcome  # the cache or a setting: one line, not one per source
        if isinstance(outcome, NotCached):
            unsynced.append(source.name)
        elif isinstance(outcome, BuyerError):
            problems.append(problem(source.name, outcome))
        else:
            products += outcome
            if outcome:
                inputs.append(_listing_input(source.name, outcome))
    return Registry(merge_products(products), problems, unsynced, inputs, remote=len(sources))


def _listing_input(name: str, products: list[RegistryProduct]) -> InputUse:
    """A remote source's listing as an input of the reports that show its claims: a digest of the
    claims it gave (as read, sorted), the newest time it was read, and where from."""
    claims = sorted((p.name, p.vendor, p.category, c.describe(), c.url) for p in products for c in p.claims)
    digest = sha256_hex(json.dumps(claims, ensure_ascii=False).encode())
    read = [c.retrieved_at for p in products for c in p.claims if c.retrieved_at]
    url = next((c.url for p in products for c in p.claims if c.url), "")
    return InputUse("registry", f"{name} listing", url, digest, max(read) if read else None,
                    f"{len(products)} products; digest of the claims read")  # fmt: skip


def _each(
    sources: list[RemoteSource], refresh: bool, done: Callable[[int, int], None] | None = None
) -> list[list[RegistryProduct] | BuyerError]:
    """Every source read at once; each gives its products or the error that stopped it."""

    def read(source: RemoteSource) -> list[RegistryProduct] | BuyerError:
        try:
            return source.read(refresh)
        except BuyerError as exc:
            return exc

    with ThreadPoolExecutor(len(sources)) as pool:
        futures = [pool.submit(in_context(read), source) for source in sources]
        for n, _ in enumerate(as_completed(futures), start=1):
            if done:
                done(n, len(sources))
        return [future.result() for future in futures]  # type: ignore[misc]


@dataclass(frozen=True)
class SyncReport:
    parts: list[str]  # per source, in order: what it gave, or why it failed
    failed: int

    def __str__(self) -> str:
        return "; ".join(self.parts)


class _FreshOnly(Fetcher):
    """The same cache and client, but a refresh the server did not answer is an error: elsewhere the
    cached copy stands in, which would let a sync report success while a source is down."""

    def __init__(self, inner: Fetcher) -> None:
        super().__init__(inner.http, inner.cache, inner.offline, inner.clock)

    def read(
        self,
        url: str,
        source: str,
        read: Callable[[bytes], T],
        accept: tuple[str, ...] = JSON_TYPES,
        refresh: bool = True,
    ) -> tuple[Document, T]:
        doc, value = super().read(url, source, read, accept, refresh)
        if doc.stale_reason:
            raise SourceError(source, url, f"{doc.stale_reason}; the cached copy is kept")
        return doc, value


def sync_registry(fetcher: Fetcher, progress: Callable[[int, int], None] | None = None) -> SyncReport:
    """Refresh every remote source; each one that fails is reported and the others still run."""
    sources = _remote(_FreshOnly(fetcher), settings())
    parts, failed = [], 0
    for source, outcome in zip(sources, _each(sources, True, progress), strict=True):
        if isinstance(outcome, BuyerError):
            failed += 1
            parts.append(problem(f"{source.name} failed", outcome))
        else:
            parts.append(f"{source.name} {len(outcome)} {source.noun}")
    return SyncReport(parts, failed)
