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
# Catalog types that provide the same service (service-types-authority's aliases included).
SYNONYMS = {
    "volume": {"volume", "volumev2", "volumev3", "block-storage", "block-store"},
    "shared-file-system": {"shared-file-system", "share", "sharev2"},
    "object-store": {"object-store", "object"},
    "placement": {"placement"},
}
# tempest.conf's [service_available] flags, by the service each one stands for.
TEMPEST_FLAGS = {
    "nova": "compute",
    "glance": "image",
    "neutron": "network",
    "cinder": "volume",
    "swift": "object-store",
    "placement": "placement",
    "designate": "dns",
    "heat": "orchestration",
    "manila": "shared-file-system",
}


def capability_service(cap: Capability) -> str | None:
    if cap.project in PROJECT_SERVICE:
        return PROJECT_SERVICE[cap.project]
    return PREFIX_SERVICE.get(cap.id.split("-", 1)[0])


def provided(service: str, catalog_types: frozenset[str]) -> bool:
    """Whether a catalog with these service types provides ``service`` (under any of its names)."""
    return bool(SYNONYMS.get(service, {service}) & catalog_types)


def tempest_flags(catalog_types: frozenset[str]) -> dict[str, bool]:
    """tempest's [service_available] flags for a catalog: the same answer scoring gives."""
    return {flag: provided(service, catalog_types) for flag, service in TEMPEST_FLAGS.items()}
