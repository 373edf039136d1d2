"""Live check: pick a cloud from clouds.yaml, run discovery or tempest with progress and a log,
cancel safely; the result joins the evidence of that cloud's product."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Label, Log, ProgressBar, Select
from textual.worker import get_current_worker

from buyer.errors import BuyerError
from buyer.tui.workbench import Workbench


def cloud_names() -> list[str]:
    try:
        import warnings

        from openstack import config as os_config

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sorted(os_config.OpenStackConfig().get_cloud_names())
    except Exception:
        return []


class LiveScreen(Screen[None]):
    TITLE = "Live check"
    runner: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="live"):
            yield Label("Cloud (from clouds.yaml; its secret from the keyring)")
            yield Select[str]([], id="cloud", prompt="choose a cloud")
            yield Checkbox("allow an admin token", id="allow-admin")
            with Horizontal(classes="row"):
                yield Button("Discovery (read-only)", id="discovery", variant="primary")
                yield Button("Tempest run", id="tempest")
                yield Button("Cancel", id="cancel", variant="error", disabled=True)
            yield ProgressBar(id="progress", show_eta=False)
            yield Log(id="log", highlight=False)
        yield Footer()

    @property
    def bench(self) -> Workbench:
        return self.app.workbench  # type: ignore[attr-defined,no-any-return]

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False  # shown while a run goes on
        names = cloud_names()
        self.query_one("#cloud", Select).set_options([(n, n) for n in names])
        if not names:
            self.log_line("No clouds found: write a clouds.yaml (or set OS_CLIENT_CONFIG_FILE).")

    def log_line(self, text: str) -> None:
        self.query_one("#log", Log).write_line(text)

    def _cloud(self) -> str | None:
        cloud = self.query_one("#cloud", Select)
        if cloud.is_blank():
            self.notify("choose a cloud first", severity="warning")
            return None
        return str(cloud.value)

    def _busy(self, busy: bool) -> None:
        for button in ("#discovery", "#tempest"):
            self.query_one(button, Button).disabled = busy
        self.query_one("#cancel", Button).disabled = not busy
        if busy:
            bar = self.query_one("#progress", ProgressBar)
            bar.update(total=None, progress=0)
            bar.display = True

    @on(Button.Pressed, "#discovery")
    def _discovery(self) -> None:
        cloud = self._cloud()
        if cloud:
            self._busy(True)
            self.discovery(cloud, self.query_one("#allow-admin", Checkbox).value)

    @work(thread=True, exclusive=True, group="live")
    def discovery(self, cloud: str, allow_admin: bool) -> None:
        from buyer.live.clouds import open_cloud
        from buyer.live.discovery import discover

        call = self.app.call_from_thread
        try:
            report = discover(open_cloud(cloud), allow_admin=allow_admin)
        except BuyerError as exc:
            call(self.finish, f"discovery failed: {exc}", error=True)
            return
        for s in report.services:
            call(
                self.log_line, f"{s.type:<18} {s.status:<12} {', '.join(v.id for v in s.versions) or '-'}  {s.endpoint}"
            )
        self.bench.add_live_evidence(cloud, report.evidence())
        call(
            self.finish,
            f"discovery of {cloud}: {len(report.services)} services, {report.requests} requests; "
            "the result joins the evidence",
        )

    @on(Button.Pressed, "#tempest")
    def _tempest(self) -> None:
        cloud = self._cloud()
        if cloud:
            self._busy(True)
            self.tempest(cloud, self.query_one("#allow-admin", Checkbox).value)

    @work(thread=True, exclusive=True, group="live")
    def tempest(self, cloud: str, allow_admin: bool) -> None:
        from buyer.live.clouds import open_cloud
        from buyer.live.tempest import TempestRunner
        from buyer.locations import tempest_workspace
        from buyer.model.requirements import resolve_requirements
        from buyer.model.testlist import run_list

        call = self.app.call_from_thread
        try:
            access = open_cloud(cloud)
            cat = self.bench.catalogue()
            lines = run_list(resolve_requirements(self.bench.profile.interop, cat))
            self.runner = TempestRunner(access, tempest_workspace(cloud), allow_admin)
            call(self.log_line, f"running {len(lines)} guideline tests on {cloud}…")
            bar = self.query_one("#progress", ProgressBar)

            def progress(state: Any) -> None:
                if get_current_worker().is_cancelled:
                    self.runner.cancel()
                call(bar.update, total=state.total, progress=state.done)

            run = self.runner.run(lines, progress)
        except BuyerError as exc:
            call(self.finish, f"tempest: {exc}", error=True)
            return
        finally:
            self.runner = None
        self.bench.add_live_evidence(cloud, run.evidence)
        call(self.finish, f"tempest on {cloud}: {run.evidence.passed_count} passed; saved {run.refstack_json}")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        runner = self.runner
        if runner is not None:
            runner.cancel()
        self.workers.cancel_group(self, "live")
        self.log_line("cancelled")

    def finish(self, message: str, error: bool = False) -> None:
        self._busy(False)
        self.log_line(message)
        self.notify(message, severity="error" if error else "information", title="Live check")
