"""The Live check screen driven with Pilot against the real Keystone the suite starts."""

from __future__ import annotations

import asyncio

from textual.widgets import Button, Log, Select

from buyer.tui.app import BuyerApp
from buyer.tui.workbench import Workbench
from tests.conftest import CANARY, SHARED_INTEROP, need_shared
from tests.test_tui import SIZE, until


async def press(pilot, app, selector: str) -> None:
    """Click as a person would: a button ignores clicks while it still shows the last one."""
    button = app.screen.query_one(selector, Button)
    await until(pilot, lambda: not button.has_class("-active"))
    await pilot.click(selector)


def test_discovery_from_the_live_screen_joins_the_evidence(clouds_yaml, memory_keyring, monkeypatch, tmp_path):
    monkeypatch.setenv("BUYER_CONFIG_DIR", str(tmp_path / "config"))
    memory_keyring.set_password("buyer", "trial", CANARY)

    async def run() -> None:
        app = BuyerApp(Workbench(source=str(need_shared(SHARED_INTEROP))))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f5")
            await pilot.pause()
            screen = app.screen
            cloud = screen.query_one("#cloud", Select)
            offered = [value for _, value in cloud._options if value != Select.NULL]
            assert offered == ["admin", "nowhere", "trial", "wrong"]  # the clouds in clouds.yaml

            # no cloud chosen: a warning, and nothing starts
            await press(pilot, app, "#discovery")
            await pilot.pause()
            assert any(n.message == "choose a cloud first" for n in app._notifications)
            assert not screen.query_one("#discovery", Button).disabled

            cloud.value = "trial"
            await press(pilot, app, "#discovery")
            log = screen.query_one("#log", Log)
            await until(pilot, lambda: "discovery of trial" in "\n".join(log.lines), 60)
            text = "\n".join(log.lines)
            assert "identity" in text and "pass" in text
            assert "the result joins the evidence" in text
            assert not screen.query_one("#discovery", Button).disabled  # ready for another run
            assert CANARY not in text

            # the cloud is now a product with live evidence, and the scorecard says what it shows
            bench = app.workbench
            assert [p.name for p in bench.profile.shortlist] == ["trial"]
            assert len(bench.live_evidence["trial"]) == 1
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
            assert not any(CANARY in str(n.message) for n in app._notifications)

    asyncio.run(run())
