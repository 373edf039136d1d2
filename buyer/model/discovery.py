"""What a read-only discovery of a cloud saw, and the evidence it makes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime

from buyer.model.evidence import Evidence, EvidenceKind, Provenance


@dataclass(frozen=True, slots=True)
class VersionSeen:
    id: str
    status: str = ""
    min_version: str = ""  # microversions, where the service has them
    max_version: str = ""


@dataclass(frozen=True, slots=True)
class ServiceSeen:
    type: str
    name: str
    endpoint: str
    status: str  # "pass" (exercised), "present" (answered, not yet tested), "unreachable", "error"
    detail: str = ""
    versions: tuple[VersionSeen, ...] = ()
    extensions: tuple[str, ...] = ()  # network API extension aliases


@dataclass(frozen=True, slots=True)
class DiscoveryReport:
    cloud: str
    auth_url: str
    region: str
    checked_at: datetime
    services: tuple[ServiceSeen, ...]
    requests: int  # HTTP requests the check made, authentication included

    @property
    def catalog_types(self) -> frozenset[str]:
        return frozenset(s.type for s in self.services)

    def as_dict(self) -> dict[str, object]:
        doc = asdict(self)
        doc["checked_at"] = self.checked_at.isoformat()
        return doc

    def evidence(self) -> Evidence:
        """Evidence of kind live-discovery: the services seen, no test results."""
        body = json.dumps(self.as_dict(), sort_keys=True).encode()
        prov = Provenance(
            source=f"live discovery of cloud {self.cloud} ({self.auth_url})",
            sha256=hashlib.sha256(body).hexdigest(),
            kind=EvidenceKind.LIVE_DISCOVERY,
            format="discovery",
            date=self.checked_at,
            date_basis="time of the check",
            reference=self.cloud,
        )
        return Evidence(prov, (), services=self.catalog_types)
