"""The Live check screen driven with Pilot: clouds from clouds.yaml only, guidance without one,
and discovery against the real Keystone the suite starts."""

from __future__ import annotations

from textual.widgets import Button, Log, ProgressBar, Select, Static

from buyer.tui.app import BuyerApp
from buyer.tui.screens.live import LiveScreen
from buyer.tui.workbench import Workbench
from tests.conftest import CANARY, SHARED_INTEROP, need_shared
from tests.helpers.tui import SIZE, SMALL, TUI, app_for, notifications, until


def offered(select: Select) -> list[str]:
    return [value for _, value in select._options if value != Select.NULL]


async def live(pilot, app: BuyerApp) -> LiveScreen:
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, LiveScreen))
    screen = app.screen
    await until(pilot, lambda: screen.query_one("#cloud", Select).prompt != "reading clouds.yaml…", 60)
    return screen  # type: ignore[return-value]


async def press(pilot, app: BuyerApp, selector: str) -> None:
    """Click as a person would: a button ignores clicks while it still shows the last one."""
    button = app.screen.query_one(selector, Button)
    await until(pilot, lambda: not button.has_class("-active"))
    await pilot.click(selector)


async def test_without_clouds_yaml_no_cloud_is_offered_and_the_screen_says_how_to_write_one(tmp_path, monkeypatch):
    for key in ("OS_CLIENT_CONFIG_FILE", "OS_CLOUD", "OS_AUTH_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    app = app_for()
    async with app.run_test(size=SMALL) as pilot:
        screen = await live(pilot, app)
        assert offered(screen.query_one("#cloud", Select)) == []  # no phantom "defaults"
        note = screen.query_one("#no-clouds", Static)
        assert note.display and "clouds.yaml" in str(note.render()) and "buyer credentials set" in str(note.render())
        await press(pilot, app, "#discovery")
        await until(pilot, lambda: "choose a cloud first" in notifications(app, "warning"))
        assert not screen.running and not screen.query_one("#progress", ProgressBar).display


async def test_a_failed_discovery_stops_the_progress_and_frees_the_buttons(tmp_path, monkeypatch, memory_keyring):
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(TUI / "clouds.yaml"))  # acme-trial, at a closed port
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    memory_keyring.set_password("buyer", "acme-trial", CANARY)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live(pilot, app)
        cloud = screen.query_one("#cloud", Select)
        assert offered(cloud) == ["acme-trial"]
        assert not screen.query_one("#no-clouds", Static).display
        cloud.value = "acme-trial"
        await press(pilot, app, "#discovery")
        log = screen.query_one("#log", Log)
        await until(pilot, lambda: "discovery failed" in "\n".join(log.lines), 60)
        assert not screen.running
        assert not screen.query_one("#progress", ProgressBar).display  # the bar stops with the work
        assert not screen.query_one("#discovery", Button).disabled
        assert screen.query_one("#cancel", Button).disabled
        assert CANARY not in "\n".join(log.lines)


async def test_discovery_from_the_live_screen_joins_the_evidence(clouds_yaml, memory_keyring, monkeypatch, tmp_path):
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    memory_keyring.set_password("buyer", "trial", CANARY)
    app = BuyerApp(Workbench(source=str(need_shared(SHARED_INTEROP))))
    async with app.run_test(size=SIZE) as pilot:
        screen = await live(pilot, app)
        cloud = screen.query_one("#cloud", Select)
        assert offered(cloud) == ["admin", "nowhere", "trial", "wrong"]  # the clouds in clouds.yaml

        cloud.value = "trial"
        await press(pilot, app, "#discovery")
        log = screen.query_one("#log", Log)
        await until(pilot, lambda: "discovery of trial:" in "\n".join(log.lines), 60)
        text = "\n".join(log.lines)
        assert "identity" in text and "pass" in text
        assert "the result joins the evidence" in text
        assert not screen.running and not screen.query_one("#discovery", Button).disabled
        assert CANARY not in text

        # the cloud is now a product with live evidence, and the scorecard says what it shows
        bench = app.workbench
        assert [p.name for p in bench.profile.shortlist] == ["trial"]
        assert len(bench.live["trial"]) == 1
        card = bench.evaluate()
        (row,) = [r for r in card.products if r.name == "trial"]
        # a trial Keystone has no object store: the Platform requirement fails on discovery
        assert row.requirements[0].verdict.value == "fail"
        assert "object-store" in row.requirements[0].reason

        # a wrong password: one line in the log and a notification, no secret, no crash
        cloud.value = "wrong"
        await press(pilot, app, "#discovery")
        await until(pilot, lambda: "discovery failed" in "\n".join(log.lines), 60)
        assert CANARY not in "\n".join(log.lines)
        assert not any(CANARY in m for m in notifications(app))
