"""A real RefStack 2.1.0 API server on 127.0.0.1, backed by a throwaway MariaDB.

Installed by ``tests/peers/install.sh refstack`` (its own venv; MariaDB from Debian). Both
servers bind to loopback only and are stopped by their own PIDs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers.upstream import GITEA, PINNED_REF

PEERS_DIR = Path(os.environ.get("BUYER_PEERS_DIR", Path.home() / ".cache" / "buyer-peers"))
VENV = PEERS_DIR / "refstack"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing() -> str | None:
    """Why the peer cannot start here, or None."""
    if not (VENV / "bin" / "refstack-manage").exists():
        return f"RefStack venv not found at {VENV} (run tests/peers/install.sh refstack)"
    for tool in ("mariadbd", "mariadb-install-db", "mariadb"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} not found (apt-get install mariadb-server)"
    return None


def _tool(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


def wait_http(url: str, process: subprocess.Popen, what: str, log: Path, seconds: float = 60.0) -> None:
    """Until ``url`` answers 200; a server that exits meanwhile is an error naming its log."""

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited; see {log}")
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    _wait(answers, what, seconds)


def _wait(check, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {seconds:.0f} s")


@dataclass
class RefStackPeer:
    url: str  # the API base, as buyer's BUYER_REFSTACK_URL wants it (…/api is not used here)
    processes: list[subprocess.Popen]
    workdir: Path

    def stop(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)


def start(workdir: Path, guidelines_base: str) -> RefStackPeer:
    """Start MariaDB and RefStack; ``guidelines_base`` is the loopback upstream server's URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    datadir, sock = workdir / "mysql-data", workdir / "mysqld.sock"
    db_port, api_port = free_port(), free_port()
    log = open(workdir / "servers.log", "ab")  # noqa: SIM115 - kept open for the servers' lifetime
    subprocess.run(
        [
            _tool("mariadb-install-db"),
            "--no-defaults",
            "--user=root",
            f"--datadir={datadir}",
            "--auth-root-authentication-method=normal",
        ],
        check=True,
        stdout=log,
        stderr=log,
        timeout=120,
    )
    mariadb = subprocess.Popen(
        [
            _tool("mariadbd"),
            "--no-defaults",
            "--user=root",
            f"--datadir={datadir}",
            f"--socket={sock}",
            f"--port={db_port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={workdir / 'mysqld.pid'}",
            "--skip-log-bin",
        ],
        stdout=log,
        stderr=log,
    )
    peer = RefStackPeer(f"http://127.0.0.1:{api_port}", [mariadb], workdir)
    try:
        _wait(sock.exists, "MariaDB")
        sql = (
            "CREATE DATABASE refstack CHARACTER SET latin1; "
            "CREATE USER 'refstack'@'127.0.0.1' IDENTIFIED BY 'refstackpw'; "
            "GRANT ALL ON refstack.* TO 'refstack'@'127.0.0.1';"
        )
        _wait(
            lambda: (
                subprocess.run(
                    [_tool("mariadb"), "--no-defaults", "-S", str(sock), "-uroot", "-e", sql], stdout=log, stderr=log
                ).returncode
                == 0
            ),
            "MariaDB accepting SQL",
            20,
        )
        base = f"{guidelines_base}{GITEA}"
        conf = workdir / "refstack.conf"
        conf.write_text(
            textwrap.dedent(f"""\
            [DEFAULT]
            debug = false
            [database]
            connection = mysql+pymysql://refstack:refstackpw@127.0.0.1:{db_port}/refstack
            [api]
            app_dev_mode = true
            enable_anonymous_upload = true
            api_url = {peer.url}
            ui_url = {peer.url}
            opendev_api_capabilities_url = {base}/contents/guidelines?ref={PINNED_REF}
            additional_capability_urls = {base}/contents/add-ons/guidelines?ref={PINNED_REF}
            opendev_raw_base_url = {base}/raw/commit/{PINNED_REF}/
            """)
        )
        env = {**os.environ, "REFSTACK_OSLO_CONFIG": str(conf), "PYTHONWARNINGS": "ignore"}
        subprocess.run(
            [str(VENV / "bin" / "refstack-manage"), "--config-file", str(conf), "upgrade", "--revision", "head"],
            check=True,
            stdout=log,
            stderr=log,
            env=env,
            cwd=workdir,
            timeout=120,
        )
        serve = workdir / "serve.py"
        serve.write_text(
            textwrap.dedent(f"""\
            import sys
            sys.argv = sys.argv[:1]  # oslo.config parses sys.argv
            from wsgiref.simple_server import make_server, WSGIRequestHandler
            import refstack.api.config
            from refstack.api import app
            class Quiet(WSGIRequestHandler):
                def log_message(self, *args):
                    pass
            application = app.setup_app(refstack.api.config)
            make_server("127.0.0.1", {api_port}, application, handler_class=Quiet).serve_forever()
            """)
        )
        api = subprocess.Popen([str(VENV / "bin" / "python"), str(serve)], stdout=log, stderr=log, env=env, cwd=workdir)
        peer.processes.append(api)

        wait_http(f"{peer.url}/v1/results", api, "RefStack API", workdir / "servers.log")
    except BaseException:
        peer.stop()
        raise
    return peer


if __name__ == "__main__":  # a manual check: python -m tests.peers.refstack DIR UPSTREAM_URL
    running = start(Path(sys.argv[1]), sys.argv[2])
    print(running.url)
    running.stop()
