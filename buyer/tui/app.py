"""The buyer workbench: five screens as modes, F2–F6 to switch, F1 help, ctrl+p every action.

The app owns the workbench and tells the screens when it changes (``bench_signal``), when the
guideline catalogue is ready or surveyed (``catalogue_signal``) and when an evaluation ends
(``evaluated_signal``). Work that would be lost is asked about first: quitting, loading another
profile with unsaved edits offer Save / Discard / Cancel, exporting Save / Cancel.

Start-up draws the first screen before anything heavy is imported: a screen's module loads when
the screen is first shown (``MODES`` holds makers), the header names the profile from a quick
read of its file, and the profile (its model), the catalogue and the guidelines' survey are read
in workers after the first frame.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.content import Content
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from buyer._text import printable
from buyer.errors import BuyerError
from buyer.formats import toml_bounds
from buyer.tui import keys
from buyer.tui.dialogs import Choice, UnsavedChanges
from buyer.tui.dialogs import FileChanged as FileChangedDialog
from buyer.tui.keys import binding_ids, keymap_clashes, palette_actions
from buyer.tui.screens.base import BuyerScreen, Done, attempt, shown_error
from buyer.tui.settings import load_settings, save_theme
from buyer.tui.workbench import BLANK_NAME, FileChanged, Workbench

if TYPE_CHECKING:
    import datetime as dt

    from buyer.actions import LoadedProfile
    from buyer.model.profile import Profile

__all__ = ["BuyerApp", "binding_ids", "keymap_clashes", "palette_actions", "run"]

UNSAVED = "● unsaved · "

# Each mode's screen, made (and its module imported) when the mode is first shown.
SCREEN_CLASSES = {
    "requirements": "buyer.tui.screens.requirements:RequirementsScreen",
    "vendors": "buyer.tui.screens.vendors:VendorsScreen",
    "scorecard": "buyer.tui.screens.scorecard:ScorecardScreen",
    "live": "buyer.tui.screens.live:LiveScreen",
    "export": "buyer.tui.screens.export:ExportScreen",
}


def screen_class(mode: str) -> type[Screen[Any]]:
    module, _, name = SCREEN_CLASSES[mode].partition(":")
    cls: type[Screen[Any]] = getattr(importlib.import_module(module), name)
    return cls


def _maker(mode: str) -> Callable[[], Screen[Any]]:
    return lambda: screen_class(mode)()


class BuyerApp(App[None]):
    TITLE = "buyer"
    CSS_PATH = "buyer.tcss"
    MODES = {mode: _maker(mode) for mode in keys.MODES}
    DEFAULT_MODE = "requirements"
    BINDINGS = list(keys.APP)

    def __init__(self, workbench: Workbench | None = None, profile: Path | None = None) -> None:
        super().__init__()
        self.settings = load_settings(binding_ids())
        self.settings.problems.extend(keymap_clashes(self.settings.keymap))
        self.set_keymap(self.settings.keymap)
        self.workbench = workbench or Workbench()
        self.bench_signal: Signal[None] = Signal(self, "bench")
        self.catalogue_signal: Signal[None] = Signal(self, "catalogue")
        self.evaluated_signal: Signal[None] = Signal(self, "evaluated")
        self.problems_signal: Signal[None] = Signal(self, "problems")
        # A profile file that could not be read (its path, why): the form keeps both in view, so
        # it can be fixed and loaded again; cleared by the next load or save.
        self.not_loaded: tuple[Path, str] | None = None
        self.catalogue_error = ""  # why the catalogue could not be opened
        self.surveyed = False  # every guideline file read once, the broken ones told and left out
        self.guideline_labels: dict[str, str] = {}  # version -> "2020.06 · approved · …", once surveyed
        self.profile_problems: list[str] = []  # what the profile names that cannot be evaluated
        self.evaluating = False
        self.evaluating_products = 0
        self.evaluation_message = ""  # why the last evaluation gave no scorecard ("" when it did)
        self.ready_at: float | None = None  # perf_counter when the first screen was ready
        # The profile is read in a worker after the first frame; until then the header names it
        # from a quick read of the file, and a screen asked for is shown once it is there.
        self.opening = profile is not None or not self.workbench.opened
        self._open_path = profile
        self._first_name = _quick_name(profile) if profile is not None else BLANK_NAME
        self._after_open: list[tuple[str, DOMNode | None, Mapping[str, DOMNode] | None]] = []
        self.workbench.listeners.append(self._bench_changed)
        self._title()

    def on_mount(self) -> None:
        theme = self.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.settings.problems.append(f"theme {theme!r} is not one of textual's themes; using the default")
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember_theme(theme.name))
        for problem in self.settings.problems:
            self.notify(problem, severity="warning", title="Settings", timeout=10)
        # The first screen is drawn first; the profile's model and the catalogue load after it,
        # so their imports and threads never hold up the drawing.
        self.call_after_refresh(self._start)
        self.ready_at = time.perf_counter()

    def _start(self) -> None:
        if self.opening:
            work = partial(_open, self._open_path)
            self.run_worker(work, thread=True, group="open", name="open")
        self.run_worker(partial(attempt, self.workbench.catalogue), thread=True, group="catalogue", name="catalogue")

    # -- printing what comes from outside -------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast as plain text, its control characters shown escaped: a notification often
        quotes a file, a name or a server's words, and none of it may style or steer the screen."""
        text = printable(str(message), multiline=True)
        super().notify(text, title=printable(title), severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c: how to quit, in plain words (textual's own toast is markup, and every toast
        here is shown as plain text)."""
        quit_keys = [k for k, b in self.active_bindings.items() if b.binding.action in ("quit", "app.quit")]
        if quit_keys:
            self.notify(f"Press {' or '.join(quit_keys)} to quit the app", title="Do you want to quit?")

    # -- the workbench and the catalogue ----------------------------------------------------

    @property
    def catalogue_ready(self) -> bool:
        return self.workbench.opened_catalogue is not None

    def _bench_changed(self) -> None:
        self._title()
        self.bench_signal.publish(None)

    def _title(self) -> None:
        """The header names the profile and its file, and says when edits are not saved (the
        marker is part of the sub-title: every screen's header watches it)."""
        bench = self.workbench
        if self.opening:
            file = self._open_path.name if self._open_path else "not saved yet"
            self.sub_title = printable(f"{self._first_name} · {file}")
            return
        file = bench.path.name if bench.path else "not saved yet"
        marker = UNSAVED if bench.modified else ""
        self.sub_title = marker + printable(f"{bench.profile.name} · {file}")

    def format_title(self, title: str, sub_title: str) -> Content:
        if sub_title.startswith(UNSAVED):  # the marker first: a narrow header cuts the end
            marker = Content.styled(UNSAVED.strip(" ·"), "bold $warning")
            rest = Content(sub_title.removeprefix(UNSAVED)).stylize("dim")
            return Content.assemble(marker, "  ", title, (" — ", "dim"), rest)
        return super().format_title(title, sub_title)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """While the profile is read at start (a few tenths of a second), a key that acts on it or
        switches screens waits for it, then runs in the order pressed: it never acts on a profile
        that is about to be replaced."""
        if self.opening and isinstance(action, str):
            on_screen = isinstance(default_namespace, BuyerScreen) and not action.startswith("app.")
            if on_screen or action.startswith("switch_mode("):
                self._after_open.append((action, default_namespace, namespaces))
                return True
        return await super().run_action(action, default_namespace, namespaces)

    @property
    def actions_waiting(self) -> bool:
        """Keys that act (a screen's, a switch) pressed while the profile is read at start."""
        return bool(self._after_open)

    def _opened(self, read: LoadedProfile | Profile, error: str) -> None:
        self.workbench.take(read)
        # Told even when the profile read equals the blank one the app started with (the
        # workbench then has no change to report): the form stops waiting and takes its first focus.
        self._bench_changed()
        if error and self._open_path is not None:
            self.not_loaded = (self._open_path, error)
            self.notify(error, severity="error", title="Profile not loaded")
        # The screens hear of the change through their own message queues. Until the screen has
        # taken it (its form filled, its first field focused) keys still wait: queued behind it
        # there, they act on the form as shown and the first focus never overrides theirs.
        self.screen.call_next(self._open_done)

    async def _open_done(self) -> None:
        self.opening = False
        self._title()
        self._catalogue_and_profile()
        await self._run_waiting()

    async def _run_waiting(self) -> None:
        waiting, self._after_open = self._after_open, []
        for action, namespace, namespaces in waiting:
            if namespace is None or namespace.is_attached:
                await self.run_action(action, namespace, namespaces)

    def _catalogue_and_profile(self) -> None:
        """Once both the profile and the catalogue are there: a new profile starts at the newest
        guideline, and what the profile names that cannot be evaluated is told."""
        cat = self.workbench.opened_catalogue
        if self.opening or cat is None:
            return
        from buyer.model.requirements import core_ids

        newest = core_ids(cat)
        if newest:  # a new profile (never loaded or edited) starts at the newest guideline
            self.workbench.start_at(newest[0])
        self.check_profile()

    def check_profile(self) -> None:
        """What the profile names that the catalogue cannot evaluate, told as warnings (a worker:
        an SCS scope may have to be fetched)."""
        if self.catalogue_ready and not self.opening:
            self.run_worker(partial(attempt, self.workbench.problems), thread=True, name="problems", exclusive=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[Any] = event.worker
        if worker.name == "evaluate":
            self._evaluation_state(event)
            return
        if event.state is not WorkerState.SUCCESS:
            return
        outcome = worker.result
        if worker.name == "open":
            if self.screen_stack:  # not when the app quit while the profile was read: no screen is left
                self._opened(*outcome)
        elif worker.name == "catalogue":
            if isinstance(outcome, Done):
                self.catalogue_error = ""
                self._catalogue_and_profile()
                self.run_worker(partial(attempt, self._survey), thread=True, group="survey", name="survey")
            else:
                self.catalogue_error = outcome.message
                self.notify(outcome.message, severity="error", title="Guidelines unavailable")
            self.catalogue_signal.publish(None)
        elif worker.name == "survey" and isinstance(outcome, Done):
            self.guideline_labels, broken = outcome.value
            self.surveyed = True
            for problem in broken:  # once: the catalogue leaves the file out from now on
                self.notify(f"{problem} (left out)", severity="warning", title="A guideline file is broken")
            self._catalogue_and_profile()
            self.catalogue_signal.publish(None)
        elif worker.name == "problems":
            problems = outcome.value if isinstance(outcome, Done) else [outcome.message]
            told, self.profile_problems = set(self.profile_problems), [printable(p) for p in problems]
            for problem in self.profile_problems:  # checked again after each edit: each told once
                if problem not in told:
                    self.notify(problem, severity="warning", title="The profile names what buyer cannot evaluate")
            self.problems_signal.publish(None)

    def _survey(self) -> tuple[dict[str, str], list[str]]:
        """Every guideline file read once (in a worker, after the first screen is up): a broken one
        is told and left out, so no list of guidelines stops at it; the core guidelines' labels
        (status, releases) for the form."""
        from buyer.model.requirements import core_ids

        cat = self.workbench.catalogue()
        broken = [shown_error(exc) for exc in cat.survey()]
        labels = {}
        for version in core_ids(cat):
            g = cat[version]
            labels[version] = printable(f"{version} · {g.status or 'draft'} · {', '.join(g.releases)}".rstrip(" ·"))
        return labels, broken

    # -- evaluating (any screen may ask; the scorecard and the vendors' evidence show it) ------

    def evaluate(self) -> None:
        """Evaluate the workbench's profile as it is now, in a worker (``cancel_evaluation``); an
        evaluation still at work is left to finish unseen."""
        bench = self.workbench
        evaluation = bench.evaluation()
        self.evaluating = True
        self.evaluation_message = ""
        self.evaluating_products = len(evaluation.request.profile.shortlist)
        self.run_worker(
            partial(attempt, partial(bench.run, evaluation)),
            thread=True,
            name="evaluate",
            group="evaluate",
            exclusive=True,
        )
        self.evaluated_signal.publish(None)

    def cancel_evaluation(self) -> None:
        self.workers.cancel_group(self, "evaluate")

    def _evaluation_state(self, event: Worker.StateChanged) -> None:
        if any(w.is_running for w in self.workers if w.group == "evaluate" and w is not event.worker):
            return  # a later evaluation is still at work
        if event.state is WorkerState.CANCELLED:
            self.evaluating = False
            self.evaluation_message = "cancelled"
        elif event.state is WorkerState.SUCCESS:
            outcome = event.worker.result
            if not isinstance(outcome, Done):
                self.evaluating = False
                self.evaluation_message = outcome.message
                self.notify(outcome.message, severity="error", title="Not evaluated")
            elif self.workbench.keep(outcome.value) is None:  # the profile changed while it ran
                self.evaluate()
                return
            else:
                self.evaluating = False
        else:
            return
        self.evaluated_signal.publish(None)

    # -- losing nothing ---------------------------------------------------------------------

    def unless_unsaved(self, purpose: str, then: Callable[[], Any], detail: str = "", discard: bool = True) -> None:
        """Run ``then`` now if nothing is unsaved; else ask Save / Discard / Cancel first
        (``discard``: False where the purpose is not to drop the edits, as an export: Save / Cancel)."""
        if not self.workbench.modified:
            then()
            return

        def chosen(choice: Choice | None) -> None:
            if choice is None or choice.action == "cancel":
                return
            if choice.action == "save":
                self.save_profile(choice.path, saved=lambda _: then(), reloaded=then)
                return
            self.workbench.revert()
            then()

        self.push_screen(UnsavedChanges(purpose, detail, discard), chosen)

    def save_profile(
        self,
        path: Path | None,
        *,
        saved: Callable[[Path], Any] | None = None,
        reloaded: Callable[[], Any] | None = None,
        failed: Callable[[str], Any] | None = None,
        over: str = "",
    ) -> None:
        """Save the profile (to its file when ``path`` is None). A file there that is not what
        was loaded or last saved (a colleague's edit, another file) is not replaced unasked:
        Overwrite / Reload from disk / Cancel. ``saved`` runs after the write, ``reloaded`` after
        the file's own version was taken instead, ``failed`` with why nothing was written (by
        default a notification)."""
        bench = self.workbench
        told = failed or (lambda message: self.notify(message, severity="error", title="Not saved"))
        try:
            done = bench.save(path, over=over)
        except FileChanged as exc:
            changed = exc  # the name an except clause binds is gone after it

            def chosen(choice: str | None) -> None:
                if choice == "overwrite":  # that version only: changed once more, it is asked again
                    self.save_profile(path, saved=saved, reloaded=reloaded, failed=failed, over=changed.sha256)
                elif choice == "reload":
                    self._reload(changed.path, reloaded, told)

            state = "other" if changed.other else "changed"
            self.push_screen(FileChangedDialog(changed.path, state), chosen)
            return
        except BuyerError as exc:
            told(shown_error(exc))
            return
        self.not_loaded = None  # the form's path is this profile's file now
        self.check_profile()  # what a relative path names follows the file's folder
        if saved is None:
            self.notify(f"saved {done}", title="Profile")
        else:
            saved(done)

    def unless_changed_on_disk(self, purpose: str, then: Callable[[], Any]) -> None:
        """Run ``then`` now if the profile's file still holds what was loaded or last saved; else
        ask (Overwrite / Reload from disk / Cancel): a report must not quote as the file's a hash
        or a path the file no longer matches."""
        bench = self.workbench
        try:
            now = bench.changed_on_disk()
        except BuyerError as exc:
            self.notify(shown_error(exc), severity="error", title="Profile file")
            return
        if now is None or bench.path is None:
            then()
            return
        path = bench.path

        def chosen(choice: str | None) -> None:
            if choice == "overwrite":
                self.save_profile(path, saved=lambda _: then(), reloaded=then, over=now)
            elif choice == "reload":
                self._reload(path, then, lambda message: self.notify(message, severity="error", title="Not reloaded"))

        self.push_screen(FileChangedDialog(path, "changed" if now else "gone", purpose), chosen)

    def _reload(self, path: Path, then: Callable[[], Any] | None, told: Callable[[str], Any]) -> None:
        """The file's own version taken instead of the form's (the user chose Reload from disk)."""
        try:
            self.open_file(path)
        except BuyerError as exc:
            told(shown_error(exc))
            return
        self.notify(f"reloaded {path} from disk", title="Profile")
        if then is not None:
            then()

    def open_file(self, path: Path) -> None:
        """Read a profile file into the workbench (a BuyerError leaves the one there as it was)."""
        self.workbench.load(path)
        self.not_loaded = None
        self.profile_problems = []
        self.check_profile()

    def action_save(self) -> None:
        """ctrl+s on any screen: the form saves to the file its field names; elsewhere the profile
        goes to its file, or the form asks for one."""
        form = self.screen if type(self.screen).__name__ == "RequirementsScreen" else None
        if form is not None:
            form.action_save()  # type: ignore[attr-defined]
        elif self.workbench.path is not None:
            self.save_profile(None)
        else:
            self.call_later(self._ask_for_path)

    async def _ask_for_path(self) -> None:
        await self.action_switch_mode("requirements")
        self.screen.action_save()  # type: ignore[attr-defined]  (the empty field: it asks for the path)

    async def action_quit(self) -> None:
        self.unless_unsaved("quit", self.exit)

    # -- settings, help, palette ------------------------------------------------------------

    def keys_for(self, binding_id: str, default: str) -> str:
        """The keys a binding has now (the keymap may have moved it), for labels that name them."""
        return self.settings.keymap.get(binding_id, default)

    def _remember_theme(self, name: str) -> None:
        try:
            save_theme(name)
        except (BuyerError, OSError) as exc:
            self.notify(f"theme not remembered: {exc}", severity="warning", title="Settings")

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_switch_mode(self, mode: str) -> None:
        # The shown screen's own key, pressed in one of its drill-downs (the footer offers it
        # there): back to the screen. A dialog stays: it holds what is being typed.
        if mode == self.current_mode:
            while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
                await self.pop_screen()
            return
        await super().action_switch_mode(mode)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, mode in keys.MODES.items():
            yield SystemCommand(f"Go to {mode.title}", mode.help, partial(self.run_action, f"switch_mode({name!r})"))
        for name, title, help_text, action in palette_actions():
            yield SystemCommand(title, help_text, partial(self.run_on, name, action))

    async def run_on(self, mode: str, action: str) -> None:
        """A palette command: show the screen, then run its action by name."""
        if self.opening:
            self.notify("the profile is still being read; try again in a moment", severity="warning")
            return
        await self.switch_mode(mode)
        while len(self.screen_stack) > 1:  # a drill-down or a dialog over the mode's screen
            await self.pop_screen()
        await self.run_action(action, self.screen)


def _open(path: Path | None) -> tuple[LoadedProfile | Profile, str]:
    """In a worker: the profile file read and checked, or a blank profile and why the file was
    not loaded (the model's import happens here, off the app's thread)."""
    try:
        return Workbench.read(path), ""
    except BuyerError as exc:
        return Workbench.read(None), shown_error(exc)


def _quick_name(path: Path) -> str:
    """The profile's name for the first frame's header, from the TOML alone (the model checks the
    file in a worker right after); the file's name when it has none that reads."""
    from buyer.sources.files import read_text

    try:
        name = toml_bounds.loads(read_text(path)).get("name")
    except (BuyerError, tomli.TOMLDecodeError):
        name = None
    return name if isinstance(name, str) and name.strip() else path.name


def run(profile: Path | None = None, source: str | None = None, as_of: dt.date | None = None) -> None:
    BuyerApp(Workbench(source=source, as_of=as_of), profile=profile).run()
