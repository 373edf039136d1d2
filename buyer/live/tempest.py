"""Run a guideline's tests with tempest against the buyer's cloud, and turn the run into evidence.

1. The test list is the guideline's (required, non-flagged, with aliases): `buyer guidelines tests`.
2. A workspace (``tempest init``) with a tempest.conf written here; secrets never go into it:
   an admin password reaches tempest through oslo.config's environment source
   (``OS_AUTH__ADMIN_PASSWORD``); a member account's pre-provisioned accounts file lives in a
   private temporary folder that is removed when the run ends.
3. Guideline names are mapped to tempest's own full ids by idempotent UUID (``--load-list``
   silently skips names it does not know, and aliases name old paths).
4. ``tempest run --subunit`` streams subunit v2; progress is read from it as it comes.
5. The stream becomes evidence (kind live-run) and a refstack-client JSON file.
Cancelling kills the whole process group: no tempest worker is left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from buyer._atomic import atomic_write
from buyer.config import settings
from buyer.formats.evidence import parse_evidence
from buyer.live.clouds import CloudAccess
from buyer.live.errors import LiveError
from buyer.model.evidence import Evidence, EvidenceKind, Outcome, split_test_id
from buyer.model.services import tempest_flags


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class TempestRun:
    evidence: Evidence
    subunit: Path
    refstack_json: Path
    planned: int  # guideline tests asked for
    resolved: int  # of those, found in this tempest (by idempotent id or name)
    unresolved: list[str] = field(default_factory=list)
    returncode: int = 0


def find_tempest() -> str:
    chosen = settings().tempest
    if chosen:
        if not (Path(chosen).is_file() and os.access(chosen, os.X_OK)):
            raise LiveError(f"$BUYER_TEMPEST names {chosen}, which is not an executable")
        return chosen
    found = shutil.which("tempest")
    if not found:
        raise LiveError(
            "tempest is not installed: pip install 'buyer[tempest]' (or set $BUYER_TEMPEST to its executable)"
        )
    return found


def resolve_tests(guideline_lines: Iterable[str], listed: Iterable[str]) -> tuple[list[str], list[str]]:
    """Map guideline test names to tempest's full ids.

    A name tempest has is run under that name (what RefStack scores). A name it lacks is found by
    idempotent id, and then every tempest test with that id runs: tempest gives some twins one id
    (ServersTestJSON/ServersTestManualDisk), and a renamed test should run under its new name."""
    by_uuid: dict[str, list[str]] = {}
    by_name: dict[str, str] = {}
    for full in listed:
        name, uuid = split_test_id(full)
        if uuid:
            by_uuid.setdefault(uuid, []).append(full)
        by_name.setdefault(name, full)
    resolved: dict[str, None] = {}
    unresolved = []
    for line in guideline_lines:
        name, uuid = split_test_id(line)
        exact = by_name.get(name)
        found = [exact] if exact else by_uuid.get(uuid or "", [])
        if found:
            resolved.update(dict.fromkeys(found))
        else:
            unresolved.append(line)
    return list(resolved), unresolved


class TempestRunner:
    def __init__(self, access: CloudAccess, workspace: Path, allow_admin: bool = False, concurrency: int = 2) -> None:
        self.access = access
        self.workspace = workspace
        self.allow_admin = allow_admin
        self.concurrency = concurrency
        self.tempest = find_tempest()
        self._process: subprocess.Popen[bytes] | None = None
        self._cancelled = threading.Event()

    # -- workspace ------------------------------------------------------------------------

    def prepare(self, secrets_dir: Path) -> tuple[Path, dict[str, str]]:
        """Write the workspace and tempest.conf; return the config path and the environment."""
        if not (self.workspace / "etc").is_dir():
            self.workspace.parent.mkdir(parents=True, exist_ok=True)
            # Tempest registers workspaces by name in ~/.tempest; name ours after its path.
            name = "buyer-" + hashlib.sha1(str(self.workspace.resolve()).encode()).hexdigest()[:12]
            init = [self.tempest, "init", "--name", name, str(self.workspace)]
            try:
                self._run(init, "tempest init")
            except LiveError as exc:
                if "already exists" not in str(exc):
                    raise
                self._run([self.tempest, "workspace", "remove", "--name", name], "tempest workspace remove")
                self._run(init, "tempest init")
        auth = self.access.region.config.get("auth") or {}
        secret = str(auth.get("password") or "")
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        if self.allow_admin:
            credentials = textwrap.dedent(f"""\
                [auth]
                admin_username = {auth.get("username", "")}
                admin_project_name = {auth.get("project_name", "")}
                admin_domain_name = {auth.get("user_domain_name", "Default")}
                use_dynamic_credentials = true
                """)
            env["OS_AUTH__ADMIN_PASSWORD"] = secret  # never written: oslo.config reads the environment
        else:
            accounts = secrets_dir / "accounts.yaml"
            accounts.write_text(
                json.dumps(
                    [
                        {
                            "username": auth.get("username", ""),
                            "password": secret,
                            "project_name": auth.get("project_name", ""),
                            "domain_name": auth.get("user_domain_name", "Default"),
                            "roles": ["member"],
                        }
                    ]
                )
            )
            accounts.chmod(0o600)
            credentials = f"[auth]\nuse_dynamic_credentials = false\ntest_accounts_file = {accounts}\n"
        conf = self.workspace / "etc" / "tempest.conf"
        lines = [
            f"# Written by buyer for cloud {self.access.name}. No secret is kept in this file.",
            "[DEFAULT]",
            f"log_dir = {self.workspace / 'logs'}",
            "log_file = tempest.log",
            "[oslo_concurrency]",
            f"lock_path = {self.workspace / 'tempest_lock'}",
            "[identity]",
            "auth_version = v3",
            f"uri_v3 = {self.access.auth_url}",
            f"region = {self.access.region_name or 'RegionOne'}",
            "v3_endpoint_type = public",
            "[identity-feature-enabled]",
            "api_v3 = true",
            "api_v2 = false",
            "[service_available]",
            *self._services(),
            "[validation]",
            "run_validation = false",
        ]
        atomic_write(conf, "\n".join(lines) + "\n" + credentials)
        return conf, env

    def _services(self) -> list[str]:
        """[service_available] from the catalog as this cloud's region and interface see it; which
        catalog types provide a service is the model's answer, the one scoring uses."""
        try:
            auth = self.access.session.auth.get_access(self.access.session)
            catalog = auth.service_catalog.catalog or []
        except Exception as exc:
            raise self.access.fail("cannot read the catalog before the run", exc) from None
        region = self.access.region_name
        types = frozenset(
            str(entry.get("type"))
            for entry in catalog
            if any(
                ep.get("interface") == "public" and (not region or region in (ep.get("region"), ep.get("region_id")))
                for ep in entry.get("endpoints") or []
            )
        )
        return [f"{flag} = {str(on).lower()}" for flag, on in tempest_flags(types).items()]

    def list_tests(self, conf: Path, env: dict[str, str]) -> list[str]:
        out = self._run(
            [self.tempest, "run", "--config-file", str(conf), "--list-tests"], "tempest run --list-tests", env=env
        )
        return [
            line.strip()
            for line in out.splitlines()
            if line.strip().startswith(("tempest.", "designate_", "heat_")) and "." in line
        ]

    def _run(self, cmd: list[str], what: str, env: dict[str, str] | None = None) -> str:
        try:
            done = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                cwd=self.workspace if self.workspace.exists() else None,
                env=env,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LiveError(f"{what} failed: {exc}") from None
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise LiveError(self._scrub(f"{what} failed (exit {done.returncode}): {tail[0]}"))
        return done.stdout

    def _scrub(self, text: str) -> str:
        from buyer.live.errors import scrub

        return scrub(text, *self.access.secrets)

    # -- the run --------------------------------------------------------------------------

    def run(self, guideline_lines: list[str], progress: Callable[[Progress], None] | None = None) -> TempestRun:
        with tempfile.TemporaryDirectory(prefix="buyer-secrets-") as secrets_dir:
            os.chmod(secrets_dir, 0o700)
            conf, env = self.prepare(Path(secrets_dir))
            listed = self.list_tests(conf, env)
            tests, unresolved = resolve_tests(guideline_lines, listed)
            if not tests:
                raise LiveError("none of the guideline's tests exist in this tempest")
            load_list = self.workspace / "buyer-load-list.txt"
            atomic_write(load_list, "\n".join(tests) + "\n")
            subunit_path = self.workspace / "buyer-run.subunit"
            started = time.monotonic()
            returncode = self._stream(conf, env, load_list, subunit_path, len(tests), progress)
            duration = int(time.monotonic() - started)
        if self._cancelled.is_set():
            raise LiveError("the tempest run was cancelled; no evidence was recorded")
        data = subunit_path.read_bytes()
        if not data:
            raise LiveError(f"tempest produced no results (exit {returncode}); see {self.workspace / 'logs'}")
        evidence = parse_evidence(data, str(subunit_path), EvidenceKind.LIVE_RUN)
        json_path = self.workspace / "buyer-run.refstack.json"
        atomic_write(json_path, refstack_json(evidence, self.cpid(), duration))
        return TempestRun(
            evidence,
            subunit_path,
            json_path,
            len(guideline_lines),
            len(guideline_lines) - len(unresolved),
            unresolved,
            returncode,
        )

    def _stream(
        self,
        conf: Path,
        env: dict[str, str],
        load_list: Path,
        out: Path,
        total: int,
        progress: Callable[[Progress], None] | None,
    ) -> int:
        import subunit

        cmd = [
            self.tempest,
            "run",
            "--config-file",
            str(conf),
            "--load-list",
            str(load_list),
            "--concurrency",
            str(self.concurrency),
            "--subunit",
        ]
        state = Progress(total=total)
        self._process = subprocess.Popen(
            cmd, cwd=self.workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            with open(out, "wb") as sink:
                tee = _Tee(self._process.stdout, sink)  # type: ignore[arg-type]
                counter = _Counter(state, progress)
                subunit.ByteStreamToStreamResult(tee, non_subunit_name="stdout").run(counter)
            return self._process.wait()
        finally:
            self._stop()

    def cancel(self) -> None:
        """Stop the run and every process it started (from any thread)."""
        self._cancelled.set()
        self._stop()

    def _stop(self) -> None:
        process = self._process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # any worker that outlived its parent

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def cpid(self) -> str:
        """As refstack-client: the identity service's catalog id, else MD5 of the Keystone host."""
        with contextlib.suppress(Exception):
            auth = self.access.session.auth.get_access(self.access.session)
            for entry in auth.service_catalog.catalog or []:
                if entry.get("type") == "identity" and entry.get("id"):
                    return str(entry["id"])
        return hashlib.md5(urlsplit(self.access.auth_url).hostname.encode()).hexdigest()


class _Tee(io.RawIOBase):
    """Reads the tempest stream and keeps a copy of every byte."""

    def __init__(self, source: Any, sink: Any) -> None:
        self.source, self.sink = source, sink

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.source.read1(len(buffer)) if hasattr(self.source, "read1") else self.source.read(len(buffer))
        self.sink.write(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


_FINAL = {"success": "passed", "fail": "failed", "skip": "skipped", "xfail": "failed", "uxsuccess": "failed"}


class _Counter:
    """A subunit StreamResult that counts finished tests for progress."""

    def __init__(self, state: Progress, progress: Callable[[Progress], None] | None) -> None:
        self.state, self.progress = state, progress

    def startTestRun(self) -> None:
        pass

    def stopTestRun(self) -> None:
        pass

    def status(self, test_id: str | None = None, test_status: str | None = None, **_: Any) -> None:
        outcome = _FINAL.get(test_status or "")
        if not outcome or not test_id:
            return
        if test_id.startswith("setUpClass") or test_id.startswith("tearDownClass"):
            return
        setattr(self.state, outcome, getattr(self.state, outcome) + 1)
        self.state.done += 1
        if self.progress:
            self.progress(self.state)


def refstack_json(evidence: Evidence, cpid: str, duration: int) -> str:
    """The run as refstack-client writes it: what a buyer and a vendor can exchange (and upload)."""
    results = []
    for r in evidence.records:
        if r.outcome is Outcome.PASSED and not r.name.startswith("setUpClass"):
            item: dict[str, str] = {"name": r.name}
            if r.idempotent_id:
                item["uuid"] = r.idempotent_id
            results.append(item)
    return json.dumps({"cpid": cpid, "duration_seconds": duration, "results": results}, indent=2) + "\n"
