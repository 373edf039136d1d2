"""`buyer evaluate` against the floor of its work, measured in the same process and run.

Workload: N refstack-client result files (most vendors pass most tests, some miss a few) for
2020.06 Platform + DNS + Orchestration, named in a profile's shortlist.

- floor: read + ``json.loads`` (the standard library) of the same N + 3 guideline files;
- evaluate: ``buyer evaluate --profile P`` in this process after start-up (imports done): the
  catalogue opened, the profile and every evidence file read and scored, the table written
  (to /dev/null);
- the ratio evaluate ÷ floor, as median and spread of several rounds, at several sizes, so the
  growth is visible (linear, with a small cost per product);
- whole process, ``--format json > file``: wall time and peak RSS of a fresh ``buyer``.

Run: python benchmarks/evaluate.py [--products 50,200,1000] [--rounds 5] [--shared DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bytecode import compile_buyer

GUIDELINES = (
    "guidelines/2020.06.json",
    "add-ons/guidelines/dns.2020.06.json",
    "add-ons/guidelines/orchestration.2020.06.json",
)


def write_workload(folder: Path, interop: Path, products: int) -> tuple[Path, list[Path]]:
    """N result files and a profile naming them; returns the profile and every file the floor reads."""
    tests: set[tuple[str, str]] = set()
    for rel in GUIDELINES:
        doc = json.loads((interop / rel).read_text())
        for cap in doc["capabilities"].values():
            for name, details in cap["tests"].items():
                tests.add((name, details["idempotent_id"].removeprefix("id-")))
    ordered = sorted(tests)
    rng = random.Random(20261122)
    files = []
    lines = [
        'name = "benchmark"',
        "[interop]",
        'guideline = "2020.06"',
        'program = "platform"',
        'add_ons = ["dns", "orchestration"]',
        "[evidence_policy]",
        "max_age_days = 365",
    ]
    for i in range(products):
        kept = rng.sample(ordered, len(ordered) - rng.randint(0, 12))
        doc = {
            "cpid": f"{i:032x}",
            "duration_seconds": rng.randint(1000, 5000),
            "results": [{"name": n, "uuid": u} for n, u in kept],
        }
        path = folder / f"vendor-{i:04d}.json"
        path.write_text(json.dumps(doc, indent=4))
        files.append(path)
        lines += [
            "[[shortlist]]",
            f'name = "Vendor {i:04d}"',
            f'evidence = [{{ file = "{path.name}", date = 2026-11-01 }}]',
        ]
    profile = folder / "profile.toml"
    profile.write_text("\n".join(lines) + "\n")
    return profile, [*(interop / g for g in GUIDELINES), *files]


def floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        json.loads(path.read_bytes())
    return time.perf_counter() - start


def evaluate(profile: Path) -> float:
    from buyer.cli import main

    start = time.perf_counter()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        code = main(["evaluate", "--profile", str(profile), "--as-of", "2026-11-22", "--no-registry"])
    elapsed = time.perf_counter() - start
    assert code in (0, 1, 3), code
    return elapsed


def whole_process(profile: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `buyer evaluate --format json > out` in a new process."""
    cmd = [sys.executable, "-m", "buyer", "evaluate", "--profile", str(profile), "--as-of", "2026-11-22"]
    start = time.perf_counter()
    with out.open("wb") as sink:
        child = subprocess.Popen([*cmd, "--format", "json", "--no-registry"], stdout=sink)
        _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) in (0, 1, 3)
    return elapsed, usage.ru_maxrss / 1024


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):7.1f} ms (min {ms[0]:.1f}, max {ms[-1]:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", default="50,200,1000", help="comma list of shortlist sizes")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    interop = args.shared / "interop"
    if not (interop / GUIDELINES[0]).is_file():
        sys.exit(f"no guidelines under {interop} (give --shared)")
    os.environ["BUYER_INTEROP_URL"] = str(interop)
    os.environ.setdefault("BUYER_CACHE_DIR", tempfile.mkdtemp(prefix="buyer-bench-cache-"))
    compile_buyer()  # the whole-process figure starts buyer as installed
    import buyer.cli  # start-up is not part of the figure

    buyer.cli.settle_memory()  # as the console script does before it runs a command

    print(f"{'products':>8}  {'floor (read + json.loads)':<38}  {'buyer evaluate':<38}  ratio (median, spread)")
    for n in (int(x) for x in args.products.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            profile, files = write_workload(Path(tmp), interop, n)
            with contextlib.redirect_stderr(io.StringIO()):
                evaluate(profile)  # warm the file cache and the guideline catalogue's first parse
            floors, evals = [], []
            for _ in range(args.rounds):
                floors.append(floor(files))
                evals.append(evaluate(profile))
            ratios = sorted(e / f for e, f in zip(evals, floors, strict=True))
            per_product = statistics.median(evals) / n * 1e6
            print(
                f"{n:>8}  {spread(floors):<38}  {spread(evals):<38}  "
                f"{statistics.median(ratios):.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f}); {per_product:.0f} µs/product"
            )
            if n == 200 or n == max(int(x) for x in args.products.split(",")):
                runs = [whole_process(profile, Path(tmp) / "card.json") for _ in range(3)]
                wall = sorted(r[0] for r in runs)
                rss = max(r[1] for r in runs)
                size = (Path(tmp) / "card.json").stat().st_size / 1024 / 1024
                print(
                    f"{'':>8}  whole process, --format json ({size:.1f} MiB): median {statistics.median(wall):.2f} s "
                    f"(min {wall[0]:.2f}, max {wall[-1]:.2f}), peak RSS {rss:.0f} MiB"
                )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this process peak RSS: {own:.0f} MiB")


if __name__ == "__main__":
    main()
