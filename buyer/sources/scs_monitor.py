"""The SCS compliance monitor's public ``/status`` JSON ($BUYER_SCS_MONITOR_URL)."""

from __future__ import annotations

from typing import Any

from buyer.errors import InputError
from buyer.formats._json import Reader, load_json
from buyer.model.registry import Claim, RegistryProduct
from buyer.sources.fetch import Document, Fetcher

RESULT_WORDS = {1: "pass", 0: "did not finish", -1: "fail", None: "missing"}


class ScsMonitorClient:
    SOURCE = "SCS compliance monitor"

    def __init__(self, base: str, fetcher: Fetcher) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher

    @property
    def status_url(self) -> str:
        return f"{self.base}/status"

    def status_document(self, refresh: bool = True) -> Document:
        return self.fetcher.get(self.status_url, self.SOURCE, refresh=refresh)

    def status(self, refresh: bool = True) -> dict[str, dict[str, Any]]:
        doc = self.status_document(refresh)
        return Reader(self.status_url).expect(load_json(doc.body, self.status_url), dict, "")

    def products(self, refresh: bool = True) -> list[RegistryProduct]:
        doc = self.status_document(refresh)
        out = []
        for subject, scopes in self.status(refresh=False).items():
            if not isinstance(scopes, dict):
                raise InputError(self.status_url, "expected an object of scopes", field=subject)
            claims = []
            for uuid, result in scopes.items():
                if not isinstance(result, dict):
                    raise InputError(self.status_url, "expected a scope result", field=f"{subject}.{uuid}")
                word = RESULT_WORDS.get(result.get("result"), str(result.get("result")))
                claims.append(
                    Claim(
                        "scs-monitor",
                        str(result.get("name") or uuid),
                        word,
                        version=str(result.get("passed_str") or ""),
                        url=self.status_url,
                        retrieved_at=doc.checked_at,
                    )
                )
            out.append(RegistryProduct(subject, category="SCS subject", claims=tuple(claims)))
        return out
