"""What the TUI tests share: the app on the fixture catalogue, waiting for a condition (never for
a length of time), the notifications shown, and the fixture evidence."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from buyer.tui.app import BuyerApp
from buyer.tui.workbench import Workbench

HERE = Path(__file__).resolve().parent.parent
FIXTURES = HERE / "fixtures"
TUI = FIXTURES / "tui"
SOURCE = str(FIXTURES / "interop")
SIZE = (120, 40)
SMALL = (80, 24)
AS_OF = dt.date(2030, 1, 15)

# tests/fixtures/tui: acme.txt passes the 2030.01 platform and DNS tests, borealis.txt misses one.
FAILING_TEST = "tempest.api.compute.servers.test_servers.ServersTest.test_create"


def app_for(as_of: dt.date | None = AS_OF, **kwargs: object) -> BuyerApp:
    return BuyerApp(Workbench(source=SOURCE, as_of=as_of), **kwargs)  # type: ignore[arg-type]


async def until(pilot, condition: Callable[[], object], seconds: float = 20.0, what: str = "") -> None:
    """Wait until ``condition()`` holds (the UI keeps running meanwhile)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"the UI did not get there in time{': ' + what if what else ''}")
        await pilot.pause(0.02)


async def opened(pilot, app: BuyerApp) -> None:
    """The profile is read (at start, in a worker): the form takes keys."""
    await until(
        pilot, lambda: not app.opening and not any(f.loading for f in app.screen.query("#form")), what="profile read"
    )


async def focus(pilot, app: BuyerApp, selector: str) -> None:
    """Move focus as a keyboard user would (the form scrolls to it)."""
    await opened(pilot, app)
    app.screen.query_one(selector).focus()
    await pilot.pause()


def notifications(app: BuyerApp, severity: str | None = None) -> list[str]:
    return [n.message for n in app._notifications if severity is None or n.severity == severity]


def text_of(app: BuyerApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def header(app: BuyerApp) -> str:
    return str(app.screen.query_one("HeaderTitle", Static).render())


def evidence_files(folder: Path) -> tuple[Path, Path]:
    """The fixture evidence, copied where a test may name it (a passing one, a failing one)."""
    good, bad = folder / "acme.txt", folder / "borealis.txt"
    shutil.copy(TUI / "acme.txt", good)
    shutil.copy(TUI / "borealis.txt", bad)
    return good, bad


def profile_copy(folder: Path, name: str = "profile.toml") -> Path:
    """The fixture profile and its evidence in ``folder`` (so relative paths resolve there)."""
    evidence_files(folder)
    target = folder / name
    shutil.copy(TUI / "profile.toml", target)
    return target


def catalogue_ready(app: BuyerApp) -> bool:
    """The catalogue is open, its labels read, and the form shows what the guideline offers."""
    from buyer.tui.screens.requirements import RequirementsScreen

    screen = app.screen
    form = not isinstance(screen, RequirementsScreen) or screen.lists is not None
    return app.catalogue_ready and bool(app.guideline_labels) and form


@pytest.fixture(name="tui_env")
def tui_env_fixture(tmp_path, monkeypatch):
    """Settings, registry and clouds.yaml of the test's own; the working folder is tmp_path."""
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BUYER_REGISTRY_FILE", str(tmp_path / "registry.toml"))
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(TUI / "clouds.yaml"))
    monkeypatch.chdir(tmp_path)
    return tmp_path
