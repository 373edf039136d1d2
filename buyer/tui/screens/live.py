"""Live check: pick a cloud from clouds.yaml, run discovery or tempest with progress and a log,
cancel safely; the result joins the evidence of that cloud's product.

``running`` drives the buttons and the progress bar: the bar shows only while work runs. The
workers return their results; the screen adds them to the workbench on the app's thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Checkbox, Header, Label, Log, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from buyer._text import printable
from buyer.tui import keys
from buyer.tui.screens.base import BuyerScreen, Done, attempt
from buyer.tui.text import joined, plain

if TYPE_CHECKING:
    from buyer.model.profile import InteropRequirement
from buyer.tui.widgets import FittingFooter

NO_CLOUDS = """No clouds.yaml found. Write one where OpenStack tools look (~/.config/openstack/clouds.yaml,
or the file OS_CLIENT_CONFIG_FILE names), for example:

  clouds:
    trial:
      auth:
        auth_url: https://keystone.example.com/v3
        username: buyer
        project_name: trial
        user_domain_name: Default
        project_domain_name: Default
      region_name: RegionOne

then keep its password in the keyring with `buyer credentials set trial`, and come back here."""


@dataclass(frozen=True)
class TempestResult:
    cloud: str
    run: Any  # buyer.live.tempest.TempestRun


class LiveScreen(BuyerScreen):
    TITLE = keys.MODES["live"].title
    AUTO_FOCUS = "#cloud"
    BINDINGS = list(keys.LIVE)
    running: reactive[bool] = reactive(False)
    runner: Any = None  # the tempest runner while one runs (its cancel is thread-safe)

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="live"):
            yield Label("Cloud (from clouds.yaml; its secret from the keyring)")
            yield Select[str](compact=True, options=[], id="cloud", prompt="reading clouds.yaml…")
            yield Checkbox("allow an admin token", id="allow-admin")
            with Horizontal(classes="row"):
                yield Button("Discovery (read-only)", id="discovery", variant="primary")
                yield Button("Tempest run", id="tempest")
                yield Button("Cancel", id="cancel", variant="error", disabled=True)
            yield ProgressBar(id="progress", show_eta=False)
            yield Static(NO_CLOUDS, id="no-clouds")
            yield Log(id="log", highlight=False)
        yield FittingFooter(own=[b.id or "" for b in self.BINDINGS], here="go.live")

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.query_one("#no-clouds", Static).display = False
        from buyer.live.clouds import cloud_names

        self.run_worker(partial(attempt, cloud_names), thread=True, name="clouds", group="clouds")

    def log_line(self, text: str) -> None:
        self.query_one("#log", Log).write_line(printable(text))

    def watch_running(self, running: bool) -> None:
        for button in ("#discovery", "#tempest"):
            self.query_one(button, Button).disabled = running
        self.query_one("#cancel", Button).disabled = not running
        bar = self.query_one("#progress", ProgressBar)
        if running:
            bar.update(total=None, progress=0)
        bar.display = running  # no bar, no animation, once the work stops
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running
        if action in ("discovery", "tempest"):
            return not self.running
        return True

    def _cloud(self) -> str | None:
        cloud = self.query_one("#cloud", Select)
        if cloud.is_blank():
            self.notify("choose a cloud first", severity="warning")
            return None
        return str(cloud.value)

    # -- discovery ----------------------------------------------------------------------------

    @on(Button.Pressed, "#discovery")
    def action_discovery(self) -> None:
        cloud = self._cloud()
        if cloud and not self.running:
            self.running = True
            self.log_line(f"discovery of {cloud}…")
            allow_admin = self.query_one("#allow-admin", Checkbox).value
            self.run_worker(
                partial(attempt, partial(_discover, cloud, allow_admin)),
                thread=True,
                name="discovery",
                group="live",
                exclusive=True,
            )

    # -- tempest ------------------------------------------------------------------------------

    @on(Button.Pressed, "#tempest")
    def action_tempest(self) -> None:
        cloud = self._cloud()
        if cloud and not self.running:
            interop = self.bench.interop
            if interop is None:
                self.notify("the profile has no interop guideline to take tests from", severity="warning")
                return
            self.running = True
            allow_admin = self.query_one("#allow-admin", Checkbox).value
            self.run_worker(
                partial(attempt, partial(self._tempest, cloud, allow_admin, interop)),
                thread=True,
                name="tempest",
                group="live",
                exclusive=True,
            )

    def _tempest(self, cloud: str, allow_admin: bool, interop: InteropRequirement) -> TempestResult:
        """In the worker: nothing here touches a widget; progress goes out as messages."""
        from buyer.live.clouds import open_cloud
        from buyer.live.tempest import TempestRunner
        from buyer.locations import tempest_workspace
        from buyer.model.requirements import resolve_requirements
        from buyer.model.testlist import run_list

        worker = get_current_worker()
        access = open_cloud(cloud)
        lines = run_list(resolve_requirements(interop, self.bench.catalogue()))
        runner = self.runner = TempestRunner(access, tempest_workspace(cloud), allow_admin)

        def progress(state: Any) -> None:
            if worker.is_cancelled:
                runner.cancel()
            self.post_message(self.Progressed(state.done, state.total))

        try:
            return TempestResult(cloud, runner.run(lines, progress))
        finally:
            self.runner = None

    def on_live_screen_progressed(self, message: Progressed) -> None:
        if self.running:
            self.query_one("#progress", ProgressBar).update(total=message.total or None, progress=message.done)

    # -- results -------------------------------------------------------------------------------

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.running:
            return
        runner = self.runner
        if runner is not None:
            runner.cancel()
        self.workers.cancel_group(self, "live")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        name = event.worker.name
        if name == "clouds" and event.state is WorkerState.SUCCESS:
            self._clouds(event.worker.result)
            return
        if name not in ("discovery", "tempest"):
            return
        if event.state is WorkerState.CANCELLED:
            self.running = False
            self.log_line("cancelled; nothing joins the evidence")
        elif event.state is WorkerState.SUCCESS:
            self.running = False
            outcome = event.worker.result
            if not isinstance(outcome, Done):
                self.finish(f"{name} failed: {outcome.message}", error=True)
            elif name == "discovery":
                self._discovered(*outcome.value)
            else:
                self._tested(outcome.value)

    def _clouds(self, outcome: Any) -> None:
        select = self.query_one("#cloud", Select)
        if not isinstance(outcome, Done):
            select.prompt = "clouds.yaml could not be read"
            self.log_line(outcome.message)
            return
        names, file = outcome.value
        select.set_options([(plain(n), n) for n in names])
        if names:
            select.prompt = "choose a cloud"
            self.log_line(f"clouds from {file}")
        else:
            select.prompt = "no clouds found"
            note = self.query_one("#no-clouds", Static)
            if file:
                note.update(joined(plain(file), " names no cloud. " + NO_CLOUDS.split(". ", 1)[1]))
            note.display = True

    def _discovered(self, cloud: str, report: Any) -> None:
        for s in report.services:
            versions = ", ".join(v.id for v in s.versions) or "-"
            self.log_line(f"{s.type:<18} {s.status:<12} {versions}  {s.endpoint}")
        self.bench.add_live_evidence(cloud, report.evidence())
        self.finish(
            f"discovery of {cloud}: {len(report.services)} services, {report.requests} requests; "
            "the result joins the evidence"
        )

    def _tested(self, result: TempestResult) -> None:
        run = result.run
        self.bench.add_live_evidence(result.cloud, run.evidence)
        self.finish(f"tempest on {result.cloud}: {run.evidence.passed_count} passed; saved {run.refstack_json}")

    def finish(self, message: str, error: bool = False) -> None:
        self.log_line(message)
        self.notify(message, severity="error" if error else "information", title="Live check")


def _discover(cloud: str, allow_admin: bool) -> tuple[str, Any]:
    from buyer.live.clouds import open_cloud
    from buyer.live.discovery import discover

    return cloud, discover(open_cloud(cloud), allow_admin=allow_admin)
