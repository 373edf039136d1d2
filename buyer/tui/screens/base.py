"""What every screen of the workbench shares: a typed ``bench``, the app that owns it, and the
way workers hand results back.

Workers never touch a widget or the workbench: a worker function returns ``Done(value)`` or
``Failed(message)`` (a ``BuyerError`` caught in the thread), and the screen takes the result in
``on_worker_state_changed`` on the app's thread. Anything else raised in a worker is a bug, and
the app stops with its traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual.screen import ModalScreen, Screen

from buyer._text import printable
from buyer.errors import BuyerError

if TYPE_CHECKING:
    from buyer.tui.app import BuyerApp
    from buyer.tui.workbench import Workbench

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    value: T


@dataclass(frozen=True)
class Failed:
    message: str  # one line per problem, sanitised for the terminal


def attempt(work: Callable[[], T]) -> Done[T] | Failed:
    """Run ``work`` (in a worker thread); a user-caused failure becomes ``Failed``."""
    try:
        return Done(work())
    except BuyerError as exc:
        return Failed(shown_error(exc))


def shown_error(exc: BuyerError) -> str:
    """An error as the screens show it: every problem on its line, safe for the terminal."""
    return "\n".join(printable(line) for line in exc.lines())


def refused(exc: BuyerError) -> str:
    """A change the profile model refused, in the loader's words without the file position
    (the file is not written yet): ``shortlist: names product 'Acme' twice``."""
    from buyer.errors import InputError, ProfileErrors

    if isinstance(exc, ProfileErrors):
        return "\n".join(printable(e.message) for e in exc.errors)
    if isinstance(exc, InputError):
        return printable(exc.message)
    return printable(str(exc))


class _Owned:
    """The app and the workbench, typed once."""

    app: Any

    @property
    def buyer(self) -> BuyerApp:
        return cast("BuyerApp", self.app)

    @property
    def bench(self) -> Workbench:
        return self.buyer.workbench


class BuyerScreen(_Owned, Screen[None]):
    """A screen of the workbench. ``bench_changed`` runs after every change of the workbench
    (an edit, a load, a save, a live result) while the screen exists."""

    def on_mount(self) -> None:
        self.buyer.bench_signal.subscribe(self, lambda _: self.bench_changed())
        self.buyer.catalogue_signal.subscribe(self, lambda _: self.catalogue_changed())
        self.buyer.problems_signal.subscribe(self, lambda _: self.problems_changed())

    def bench_changed(self) -> None:
        """The workbench changed (override to follow it)."""

    def catalogue_changed(self) -> None:
        """The catalogue opened, failed, or its guidelines were read (override to follow it)."""

    def problems_changed(self) -> None:
        """What the profile names that cannot be evaluated was checked again (override to show it)."""


class BuyerModal(_Owned, ModalScreen[T]):
    """A dialog of the workbench (escape closes it)."""
