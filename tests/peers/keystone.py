"""A real Keystone on 127.0.0.1 (PyPI keystone in its own venv, sqlite, fernet tokens).

Steps from shared/docs/live-keystone.md §3. Served single-threaded: sqlite under a threaded
server fails tempest with "database is locked".
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.peers.refstack import PEERS_DIR, free_port, wait_http

VENV = PEERS_DIR / "keystone"
ADMIN_PASSWORD = "adminpw-loopback-only"


def missing() -> str | None:
    if not (VENV / "bin" / "keystone-manage").exists():
        return f"Keystone venv not found at {VENV} (run tests/peers/install.sh keystone)"
    return None


@dataclass
class KeystonePeer:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen
    workdir: Path
    admin_token: str = ""
    users: dict[str, str] = field(default_factory=dict)

    @property
    def auth_url(self) -> str:
        return f"{self.url}/v3"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        response = httpx.request(
            method, f"{self.url}/v3{path}", json=body, timeout=30, headers={"X-Auth-Token": self.admin_token}
        )
        response.raise_for_status()
        return response.json() if response.content else {}

    def add_region(self, region: str) -> None:
        self.api("POST", "/regions", {"region": {"id": region}})

    def add_service(self, kind: str, name: str, url: str, region: str = "RegionOne") -> None:
        service = self.api("POST", "/services", {"service": {"type": kind, "name": name, "enabled": True}})
        self.api(
            "POST",
            "/endpoints",
            {
                "endpoint": {
                    "service_id": service["service"]["id"],
                    "interface": "public",
                    "region_id": region,
                    "url": url,
                }
            },
        )

    def add_member(self, user: str, password: str, project: str = "trial") -> None:
        projects = self.api("GET", f"/projects?name={project}")["projects"]
        pid = (
            projects[0]["id"]
            if projects
            else self.api("POST", "/projects", {"project": {"name": project, "domain_id": "default"}})["project"]["id"]
        )
        uid = self.api(
            "POST",
            "/users",
            {"user": {"name": user, "password": password, "domain_id": "default", "default_project_id": pid}},
        )["user"]["id"]
        role = self.api("GET", "/roles?name=member")["roles"][0]["id"]
        self.api("PUT", f"/projects/{pid}/users/{uid}/roles/{role}")
        self.users[user] = password


def start(workdir: Path) -> KeystonePeer:
    workdir.mkdir(parents=True, exist_ok=True)
    for sub in ("etc", "fernet-keys", "credential-keys", "log"):
        (workdir / sub).mkdir(exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    conf = workdir / "etc" / "keystone.conf"
    conf.write_text(
        textwrap.dedent(f"""\
        [DEFAULT]
        log_dir = {workdir / "log"}
        [database]
        connection = sqlite:///{workdir / "keystone.db"}
        [token]
        provider = fernet
        [fernet_tokens]
        key_repository = {workdir / "fernet-keys"}
        [credential]
        key_repository = {workdir / "credential-keys"}
        """)
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    manage = [str(VENV / "bin" / "keystone-manage"), "--config-file", str(conf)]
    log = open(workdir / "log" / "setup.log", "ab")  # noqa: SIM115 - closed with the process
    for step in (
        ["fernet_setup", "--keystone-user", "root", "--keystone-group", "root"],
        ["credential_setup", "--keystone-user", "root", "--keystone-group", "root"],
        ["db_sync"],
        [
            "bootstrap",
            "--bootstrap-password",
            ADMIN_PASSWORD,
            "--bootstrap-region-id",
            "RegionOne",
            "--bootstrap-admin-url",
            f"{url}/v3/",
            "--bootstrap-internal-url",
            f"{url}/v3/",
            "--bootstrap-public-url",
            f"{url}/v3/",
        ],
    ):
        subprocess.run([*manage, *step], check=True, stdout=log, stderr=log, env=env, timeout=180)
    serve = workdir / "serve.py"
    serve.write_text(
        textwrap.dedent(f"""\
        import os, sys
        sys.argv = sys.argv[:1]  # oslo.config parses sys.argv
        os.environ["OS_KEYSTONE_CONFIG_FILES"] = {str(conf)!r}
        from werkzeug.serving import run_simple
        from keystone.server.wsgi import initialize_public_application
        run_simple("127.0.0.1", {port}, initialize_public_application(), threaded=False)
        """)
    )
    process = subprocess.Popen([str(VENV / "bin" / "python"), str(serve)], stdout=log, stderr=log, env=env)
    peer = KeystonePeer(url, process, workdir)
    try:
        wait_http(f"{url}/v3", process, "Keystone", workdir / "log")
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}},
                },
                "scope": {"project": {"name": "admin", "domain": {"id": "default"}}},
            }
        }
        response = httpx.post(f"{url}/v3/auth/tokens", json=body, timeout=30)
        response.raise_for_status()
        peer.admin_token = response.headers["X-Subject-Token"]
    except BaseException:
        peer.stop()
        raise
    return peer
