"""Read-only discovery: authenticate, read the catalog, fetch each service's version document.

It sends one authentication request and then only GETs: one per service endpoint, plus the
network API's extension list. An admin-scoped token is refused unless the caller allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from buyer.live.clouds import CloudAccess
from buyer.live.errors import LiveError
from buyer.model.discovery import DiscoveryReport, ServiceSeen, VersionSeen

ADMIN_ROLES = {"admin"}
TIMEOUT = 15


def discover(
    access: CloudAccess,
    allow_admin: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DiscoveryReport:

    counter = _Counter(access.session)
    try:
        return _discover(access, allow_admin, clock, counter)
    finally:
        counter.detach()


def _discover(
    access: CloudAccess, allow_admin: bool, clock: Callable[[], datetime], counter: _Counter
) -> DiscoveryReport:
    from keystoneauth1 import exceptions as ks

    try:
        auth = access.session.auth.get_access(access.session)
    except ks.http.Unauthorized:
        raise access.fail("authentication failed", "HTTP 401: check the user, project and secret") from None
    except ks.ConnectFailure:
        raise access.fail("cannot reach the auth URL", access.auth_url or "(none set)") from None
    except ks.DiscoveryFailure as exc:
        raise access.fail("the auth URL does not answer as Keystone", _first_line(exc)) from None
    except ks.ClientException as exc:
        raise access.fail("authentication failed", _first_line(exc)) from None
    roles = set(auth.role_names or ())
    if roles & ADMIN_ROLES and not allow_admin:
        raise LiveError(
            f"cloud {access.name}: the token carries the admin role; buyer's checks use a normal member "
            "account, so no test can lean on admin rights (pass --allow-admin to proceed anyway)"
        )
    catalog = auth.service_catalog.catalog or []
    if not any(entry.get("type") == "identity" for entry in catalog):
        raise LiveError(f"cloud {access.name}: the service catalog has no identity service")
    services = []
    for entry in sorted(catalog, key=lambda e: (str(e.get("type")), str(e.get("name")))):
        url = _endpoint(entry, access.region_name, str(access.region.config.get("interface") or "public"))
        services.append(_probe(counter, entry, url))
    return DiscoveryReport(
        cloud=access.name,
        auth_url=access.auth_url,
        region=access.region_name,
        checked_at=clock(),
        services=tuple(services),
        requests=counter.count,
    )


class _Counter:
    """Counts every request the session sends during the check, keystoneauth's own included."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.count = 0
        self._original = session.request

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return self._original(*args, **kwargs)

        session.request = counting

    def detach(self) -> None:
        self.session.request = self._original

    def get(self, url: str, authenticated: bool) -> Any:
        """The check's own requests: GET only."""
        return self.session.get(
            url, authenticated=authenticated, raise_exc=False, timeout=TIMEOUT, headers={"Accept": "application/json"}
        )


def _endpoint(entry: dict[str, Any], region: str, interface: str) -> str:
    endpoints = entry.get("endpoints") or []
    for want_region in (True, False):
        for ep in endpoints:
            if ep.get("interface") != interface:
                continue
            if want_region and region and region not in (ep.get("region"), ep.get("region_id")):
                continue
            return str(ep.get("url") or "")
    return str(endpoints[0].get("url", "")) if endpoints else ""


def _probe(counter: _Counter, entry: dict[str, Any], url: str) -> ServiceSeen:
    from keystoneauth1 import exceptions as ks

    kind, name = str(entry.get("type", "")), str(entry.get("name", ""))
    if not url:
        return ServiceSeen(kind, name, "", "error", "no endpoint for this interface")
    try:
        response = counter.get(url, authenticated=kind != "identity")
    except (ks.ConnectFailure, ks.ConnectTimeout) as exc:
        return ServiceSeen(kind, name, url, "unreachable", _first_line(exc))
    except ks.ClientException as exc:
        return ServiceSeen(kind, name, url, "error", _first_line(exc))
    if response.status_code >= 400:
        return ServiceSeen(kind, name, url, "error", f"HTTP {response.status_code} from the version document")
    try:
        versions = _versions(response.json())
    except ValueError:
        return ServiceSeen(kind, name, url, "error", "the version document is not JSON")
    extensions: tuple[str, ...] = ()
    if kind == "network":
        ext_url = url.rstrip("/") + ("/extensions" if url.rstrip("/").endswith("v2.0") else "/v2.0/extensions")
        try:
            ext = counter.get(ext_url, authenticated=True)
            if ext.status_code < 400:
                extensions = tuple(sorted(e.get("alias", "") for e in ext.json().get("extensions", [])))
        except (ks.ClientException, ValueError):
            pass
    # Identity answered its version document after issuing the token and the catalog: exercised.
    status = "pass" if kind == "identity" else "present"
    detail = "authenticated, catalog read, version document fetched" if kind == "identity" else "not yet tested"
    return ServiceSeen(kind, name, url, status, detail, versions, extensions)


def _versions(doc: Any) -> tuple[VersionSeen, ...]:
    if not isinstance(doc, dict):
        return ()
    raw = doc.get("versions", doc.get("version"))
    if isinstance(raw, dict) and "values" in raw:
        raw = raw["values"]
    if isinstance(raw, dict):
        raw = [raw]
    out = []
    for v in raw or []:
        if isinstance(v, dict):
            out.append(
                VersionSeen(
                    str(v.get("id", "")),
                    str(v.get("status", "")),
                    str(v.get("min_version", "") or ""),
                    str(v.get("version", "") or ""),
                )
            )
    return tuple(out)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
