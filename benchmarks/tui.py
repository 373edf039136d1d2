"""Time from launch to the first screen being ready: buyer's TUI (Requirements filled from a
profile and the guideline catalogue) against a bare textual app started the same way.

Warm: in one process (imports done), median of 10 headless starts with Pilot.
Cold: a fresh Python process each time (imports included), median of 3.
Run: python benchmarks/tui.py [--shared DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "requirements_profiles" / "public-cloud-platform-2020.06.toml"

CHILD = r"""
import asyncio, sys, time
start = time.perf_counter()
kind = sys.argv[1]
async def main():
    if kind == "buyer":
        from pathlib import Path
        from buyer.tui.app import BuyerApp
        from buyer.tui.workbench import Workbench
        app = BuyerApp(Workbench(), profile=Path(sys.argv[2]))
    else:
        from textual.app import App
        from textual.widgets import Footer, Header, Static
        class Bare(App):
            def compose(self):
                yield Header(); yield Static("hello"); yield Footer()
        app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        while not ready(app):
            await pilot.pause(0.005)
    print(time.perf_counter() - start)
def ready(app):
    if type(app).__name__ != "BuyerApp":
        return app.screen.is_mounted
    select = app.screen.query("#guideline")
    return bool(select) and select.first().value == "2020.06"
asyncio.run(main())
"""


def cold(kind: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(PROFILE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


async def warm(kind: str) -> float:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    from buyer.tui.app import BuyerApp
    from buyer.tui.workbench import Workbench

    class Bare(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Header()
            yield Static("hello")
            yield Footer()

    start = time.perf_counter()
    app: App[None] = BuyerApp(Workbench(), profile=PROFILE) if kind == "buyer" else Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        while True:
            if kind == "bare" and app.screen.is_mounted:
                break
            select = app.screen.query("#guideline")
            if kind == "buyer" and select and select.first().value == "2020.06":
                break
            if time.perf_counter() - start > 60:
                raise SystemExit(f"the {kind} app was not ready after 60 s (is --shared the data folder?)")
            await pilot.pause(0.005)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if not (args.shared / "interop").is_dir():
        raise SystemExit(f"{args.shared / 'interop'}: no such folder (--shared names shared/data)")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "BUYER_INTEROP_URL": str(args.shared / "interop"),
            "BUYER_CACHE_DIR": f"{tmp}/cache",
            "BUYER_CONFIG_DIR": f"{tmp}/config",
            "BUYER_REGISTRY_FILE": f"{tmp}/registry.toml",
            "PYTHONPATH": str(ROOT),
        }
        os.environ.update({k: v for k, v in env.items() if k.startswith("BUYER_")})
        warm_buyer = statistics.median(asyncio.run(warm("buyer")) for _ in range(10))
        warm_bare = statistics.median(asyncio.run(warm("bare")) for _ in range(10))
        cold_buyer = statistics.median(cold("buyer", env) for _ in range(3))
        cold_bare = statistics.median(cold("bare", env) for _ in range(3))
    print(
        f"warm start to first screen ready: buyer {warm_buyer * 1000:.0f} ms, bare textual {warm_bare * 1000:.0f} ms,"
        f" ratio {warm_buyer / warm_bare:.2f}"
    )
    print(
        f"cold start (fresh process, imports included): buyer {cold_buyer * 1000:.0f} ms, "
        f"bare textual {cold_bare * 1000:.0f} ms, ratio {cold_buyer / cold_bare:.2f}"
    )


if __name__ == "__main__":
    main()
