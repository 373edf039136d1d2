"""Time from launch to the first screen: buyer's TUI against a bare textual app (a header, a
line, a footer), both measured in the same run.

Terminal (the figure issue 16 sets, ≤ 2.0×): `buyer tui --profile P` in a real terminal (a tmux
pane, 120×40) until the profile's name is on screen, against the bare app until its line is;
rounds alternate between the two, and the median and spread (min–max) of each are printed.
Warm: in one process (imports done), median of 10 headless starts with Pilot, until the form is
filled from the catalogue. Cold: a fresh Python process each time, headless, median of 3.
Run: python benchmarks/tui.py [--shared DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bytecode import compile_buyer

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


BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    def compose(self):
        yield Header(); yield Static("bare textual app ready"); yield Footer()
Bare().run()
"""
PROFILE_NAME = "Regional public cloud IaaS"
SOCKET = f"buyer-bench-{os.getpid()}"


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null", *args], capture_output=True, text=True)


def in_terminal(command: str, visible: str, env: dict[str, str], session: str) -> float:
    """Seconds from launching ``command`` in a 120×40 tmux pane until ``visible`` is on screen."""
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith(("BUYER_", "PYTHONPATH")))
    start = time.perf_counter()
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"env {exports} TERM=xterm-256color {command}")
    try:
        while True:
            if visible in _tmux("capture-pane", "-p", "-t", session).stdout:
                return time.perf_counter() - start
            if time.perf_counter() - start > 60:
                raise SystemExit(f"{visible!r} never showed in the terminal")
            time.sleep(0.005)
    finally:
        _tmux("kill-session", "-t", session)


def terminal_rounds(env: dict[str, str], rounds: int, tmp: str) -> tuple[list[float], list[float]]:
    bare_script = Path(tmp) / "bare.py"
    bare_script.write_text(BARE)
    buyer = f"{shlex.quote(str(Path(sys.executable).parent / 'buyer'))} tui --profile {shlex.quote(str(PROFILE))}"
    bare = f"{shlex.quote(sys.executable)} {shlex.quote(str(bare_script))}"
    # The server first (its start is no one's cost); no COLUMNS/LINES from readline (see test_tui_tmux).
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null", "new-session", "-d", "-s", "idle"], env=clean, check=True)
    try:
        b, t = [], []
        for n in range(rounds):  # alternating, so a busy moment of the machine hits both
            t.append(in_terminal(bare, "bare textual app ready", env, f"bare{n}"))
            b.append(in_terminal(buyer, PROFILE_NAME, env, f"buyer{n}"))
        return b, t
    finally:
        _tmux("kill-server")


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms ({min(values) * 1000:.0f}–{max(values) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=7, help="terminal rounds of each app")
    args = parser.parse_args()
    if not (args.shared / "interop").is_dir():
        raise SystemExit(f"{args.shared / 'interop'}: no such folder (--shared names shared/data)")
    compile_buyer()  # as installed: start-up times the imports, not the compiler
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
        if shutil.which("tmux"):
            buyer_t, bare_t = terminal_rounds(env, args.rounds, tmp)
            ratios = [b / t for b, t in zip(buyer_t, bare_t, strict=True)]
            print(f"terminal, launch to the profile's name on screen ({args.rounds} rounds each, alternating):")
            print(f"  buyer tui --profile {PROFILE.name}: {spread(buyer_t)}")
            print(f"  bare textual app (header, a line, footer): {spread(bare_t)}")
            print(
                f"  ratio of medians {statistics.median(buyer_t) / statistics.median(bare_t):.2f}; "
                f"per round {statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
            )
        else:
            print("terminal: tmux is not installed; only the headless figures follow")
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
