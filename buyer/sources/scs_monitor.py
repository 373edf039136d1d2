"""The SCS compliance monitor's public ``/status`` JSON ($BUYER_SCS_MONITOR_URL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from buyer.formats._json import Reader, key_text, load_json
from buyer.model.registry import Claim, RegistryProduct
from buyer.sources.fetch import Document, Fetcher

RESULT_WORDS = {1: "pass", 0: "did not finish", -1: "fail", None: "missing"}


@dataclass(frozen=True)
class _Scope:
    name: str
    word: str
    version: str


class ScsMonitorClient:
    SOURCE = "SCS compliance monitor"

    def __init__(self, base: str, fetcher: Fetcher) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher

    @property
    def status_url(self) -> str:
        return f"{self.base}/status"

    def status_document(self, refresh: bool = True) -> tuple[Document, dict[str, list[_Scope]]]:
        """The answer and what it says per subject; an answer that is not the monitor's status is
        refused before it is cached."""
        return self.fetcher.read(self.status_url, self.SOURCE, self._read, refresh=refresh)

    def status(self, refresh: bool = True) -> dict[str, dict[str, Any]]:
        doc, _ = self.status_document(refresh)
        return Reader(self.status_url).expect(load_json(doc.body, self.status_url), dict, "")

    def products(self, refresh: bool = True) -> list[RegistryProduct]:
        doc, subjects = self.status_document(refresh)
        return [
            RegistryProduct(
                subject,
                category="SCS subject",
                claims=tuple(
                    Claim("scs-monitor", s.name, s.word, version=s.version, url=self.status_url,
                          retrieved_at=doc.checked_at)
                    for s in scopes
                ),
            )
            for subject, scopes in subjects.items()
        ]  # fmt: skip

    def _read(self, body: bytes) -> dict[str, list[_Scope]]:
        reader = Reader(self.status_url)
        doc = reader.expect(load_json(body, self.status_url), dict, "")
        out: dict[str, list[_Scope]] = {}
        for subject, scopes in doc.items():
            path = key_text(subject)
            reader.expect(scopes, dict, path)
            found = []
            for uuid, result in scopes.items():
                reader.expect(result, dict, f"{path}.{key_text(uuid)}")
                value = result.get("result")
                known = isinstance(value, int | None) and not isinstance(value, bool)
                word = RESULT_WORDS.get(value, "unknown result") if known else "unknown result"
                name = result.get("name")
                passed = result.get("passed_str")
                found.append(
                    _Scope(
                        name if isinstance(name, str) and name else str(uuid),
                        word,
                        passed if isinstance(passed, str) else "",
                    )
                )
            out[str(subject)] = found
        return out
