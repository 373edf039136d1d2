"""Which OpenStack service a capability needs, by the project the guideline names."""

from __future__ import annotations

from buyer.model.guideline import Capability

PROJECT_SERVICE = {
    "nova": "compute",
    "keystone": "identity",
    "glance": "image",
    "neutron": "network",
    "cinder": "volume",
    "swift": "object-store",
    "designate": "dns",
    "heat": "orchestration",
    "manila": "shared-file-system",
}
PREFIX_SERVICE = {
    "compute": "compute",
    "identity": "identity",
    "images": "image",
    "networks": "network",
    "volumes": "volume",
    "objectstore": "object-store",
    "dns": "dns",
    "stack": "orchestration",
    "shares": "shared-file-system",
}
# Catalog types that provide the same service.
SYNONYMS = {
    "volume": {"volume", "volumev2", "volumev3", "block-storage", "block-store"},
    "shared-file-system": {"shared-file-system", "share", "sharev2"},
    "object-store": {"object-store", "object"},
}


def capability_service(cap: Capability) -> str | None:
    if cap.project in PROJECT_SERVICE:
        return PROJECT_SERVICE[cap.project]
    return PREFIX_SERVICE.get(cap.id.split("-", 1)[0])


def provided(service: str, catalog_types: frozenset[str]) -> bool:
    return bool(SYNONYMS.get(service, {service}) & catalog_types)
