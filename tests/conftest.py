"""Shared test helpers. Unit tests use tests/fixtures; integration tests read ../shared/data in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest

from buyer.model.evidence import Evidence, EvidenceKind, Outcome, Provenance, TestRecord
from buyer.sources.catalogue import Catalogue

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SHARED = (HERE.parent.parent / "shared" / "data").resolve()
SHARED_INTEROP = SHARED / "interop"
SHARED_LIVE = SHARED / "live"

AS_OF = dt.date(2030, 3, 1)


def dated(path: Path, day: dt.date = dt.date(2029, 12, 31)) -> Path:
    """Evidence named on the command line is dated by its file's modification time: a test that
    judges it as of a fixed date sets that time, or it fails once the calendar passes the date."""
    import os

    stamp = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def need_shared(path: Path = SHARED) -> Path:
    if not path.exists():
        pytest.skip(f"real upstream data not found at {path} (clone with ../shared beside the project)")
    return path


# Nothing listens on port 9 of the loopback: a source that is not set by a test fails fast there
# instead of reaching the internet.
CLOSED = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def isolated_sources(tmp_path_factory, monkeypatch):
    """Every test gets its own cache and sources that go nowhere unless it sets them."""
    monkeypatch.setenv("BUYER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("BUYER_INTEROP_URL", f"{CLOSED}/api/v1/repos/openinfra/interop")
    monkeypatch.setenv("BUYER_REFSTACK_URL", f"{CLOSED}/api")
    monkeypatch.setenv("BUYER_MARKETPLACE_URL", f"{CLOSED}/marketplace")
    monkeypatch.setenv("BUYER_SCS_MONITOR_URL", f"{CLOSED}/scs")
    monkeypatch.delenv("BUYER_OFFLINE", raising=False)
    monkeypatch.delenv("BUYER_REGISTRY_FILE", raising=False)


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue(FIXTURES / "interop")


@pytest.fixture
def shared_catalogue() -> Catalogue:
    return Catalogue(need_shared(SHARED_INTEROP))


def evidence(
    passed: Iterable[str] = (),
    failed: Iterable[str] = (),
    *,
    ids: dict[str, str] | None = None,
    kind: EvidenceKind = EvidenceKind.SELF_REPORTED,
    date: dt.date | None = AS_OF,
    source: str = "vendor.json",
    error: str | None = None,
) -> Evidence:
    """Evidence built in memory: names that passed and failed, optional idempotent ids."""
    ids = ids or {}
    records = [TestRecord(n, ids.get(n), Outcome.PASSED) for n in passed]
    records += [TestRecord(n, ids.get(n), Outcome.FAILED) for n in failed]
    when = dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC) if date else None
    prov = Provenance(source=source, sha256="0" * 64, kind=kind, format="test", date=when)
    return Evidence(prov, tuple(records), error)


@pytest.fixture(scope="session")
def upstream_server():
    """The loopback server with ../shared/data in upstream's layouts, for the whole session."""
    from tests.servers.upstream import Upstream, UpstreamServer

    with UpstreamServer(Upstream(data=need_shared(SHARED))) as server:
        yield server


@pytest.fixture(scope="session")
def refstack_server(upstream_server, tmp_path_factory):
    """A real RefStack 2.1.0 API on 127.0.0.1 (MariaDB behind it), reading guidelines from the
    loopback upstream. CI installs it (.ci/run); elsewhere a missing peer skips with the reason."""
    import os

    from tests.peers import refstack

    why = refstack.missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"the RefStack peer must run in CI: {why}")
        pytest.skip(why)
    peer = refstack.start(tmp_path_factory.mktemp("refstack"), upstream_server.url)
    yield peer
    peer.stop()


# A secret that must never show up in anything buyer writes, prints or raises.
CANARY = "canary-S3cr3t-7f3a9c1e"


def assert_secret_not_written(secret: str, *roots: Path) -> list[Path]:
    """Grep every file under ``roots`` for ``secret``; return the files read."""
    files = [p for root in roots for p in Path(root).rglob("*") if p.is_file()]
    for path in files:
        assert secret.encode() not in path.read_bytes(), path
    return files


@pytest.fixture(scope="session")
def keystone_server(tmp_path_factory):
    """A real Keystone on 127.0.0.1, with compute/image/network/volume in the catalog pointing at
    nothing, and a member user whose password is the canary."""
    import os

    from tests.peers import keystone

    why = keystone.missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"the Keystone peer must run in CI: {why}")
        pytest.skip(why)
    peer = keystone.start(tmp_path_factory.mktemp("keystone"))
    for kind, name, path in (
        ("compute", "nova", "/v2.1"),
        ("image", "glance", ""),
        ("network", "neutron", ""),
        ("volumev3", "cinderv3", "/v3"),
    ):
        peer.add_service(kind, name, f"{CLOSED}{path}")
    peer.add_member("buyer-trial", CANARY)
    yield peer
    peer.stop()


@pytest.fixture
def memory_keyring():
    """An in-process keyring for the test (the real backends are exercised in test_keyring_real)."""
    import keyring
    import keyring.errors
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def delete_password(self, service: str, username: str) -> None:
            if (service, username) not in self.store:
                raise keyring.errors.PasswordDeleteError("not stored")
            del self.store[(service, username)]

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def clouds_yaml(keystone_server, tmp_path, monkeypatch):
    """clouds.yaml naming the loopback Keystone; the trial cloud's password is not in it."""
    import os

    from tests.peers.keystone import ADMIN_PASSWORD

    auth = keystone_server.auth_url

    def cloud(user: str, project: str, password: str | None = None, url: str = auth) -> str:
        lines = [
            "    auth:",
            f"      auth_url: {url}",
            f"      username: {user}",
            f"      project_name: {project}",
            "      user_domain_name: Default",
            "      project_domain_name: Default",
        ]
        if password:
            lines.append(f"      password: {password}")
        return "\n".join([*lines, "    region_name: RegionOne", "    identity_api_version: 3"])

    text = (
        "clouds:\n"
        + "\n".join(
            f"  {name}:\n{body}"
            for name, body in {
                "trial": cloud("buyer-trial", "trial"),
                "admin": cloud("admin", "admin", ADMIN_PASSWORD),
                "wrong": cloud("buyer-trial", "trial", CANARY + "-wrong"),
                "nowhere": cloud("buyer-trial", "trial", CANARY, f"{CLOSED}/v3"),
            }.items()
        )
        + "\n"
    )
    path = tmp_path / "clouds.yaml"
    path.write_text(text)
    for key in [k for k in os.environ if k.startswith("OS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    return path
