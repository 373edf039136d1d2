"""Sync 50 RefStack result pages (1,000 results with details) from a loopback server: time with
bounded concurrency, its ratio to fetching one by one, and the requests of a warm re-sync.

The server adds --latency seconds to every answer (default 10 ms, a near network); with none,
loopback is so fast that concurrency has little to win. Run: python benchmarks/sync.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from buyer.model.guideline import Status  # noqa: E402
from buyer.sources.cache import Cache  # noqa: E402
from buyer.sources.catalogue import Catalogue  # noqa: E402
from buyer.sources.fetch import Fetcher  # noqa: E402
from buyer.sources.http import HttpClient  # noqa: E402
from buyer.sources.refstack import RefStackClient  # noqa: E402
from tests.servers.upstream import Upstream, UpstreamServer  # noqa: E402


def build(shared: Path, results: int) -> tuple[list[dict], dict[str, dict]]:
    g = Catalogue(shared / "interop")["2020.06"]
    names = sorted(
        {
            t.name
            for c, s in g.capability_status("platform").items()
            if s is Status.REQUIRED
            for t in g.capability(c).tests
        }
    )
    summaries, details = [], {}
    for n in range(results):
        rid = f"{n:08d}-0000-4000-8000-000000000000"
        created = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00:00"
        summaries.append(
            {
                "id": rid,
                "created_at": created,
                "duration_seconds": 3000,
                "verification_status": 0,
                "meta": {},
                "product_version": None,
            }
        )
        details[rid] = {
            "id": rid,
            "created_at": created,
            "duration_seconds": 3000,
            "verification_status": 0,
            "meta": {},
            "results": names[n % 7 :],
        }
    return summaries, details


def sync(base: str, cache_dir: Path, concurrency: int) -> tuple[float, int, int]:
    http = HttpClient()
    client = RefStackClient(base, Fetcher(http, Cache(cache_dir)), concurrency)
    start = time.perf_counter()
    summaries = client.list_results(max_pages=50, refresh=True)
    client.results_with_details(summaries)
    elapsed = time.perf_counter() - start
    http.close()
    return elapsed, http.requests, len(summaries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--latency", type=float, default=0.010, help="seconds added to each answer")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    summaries, details = build(args.shared, 1000)
    upstream = Upstream(data=args.shared, refstack_results=summaries, refstack_details=details, delay=args.latency)
    with UpstreamServer(upstream) as server, tempfile.TemporaryDirectory() as tmp:
        base = f"{server.url}/refstack"
        concurrent_s, concurrent_requests, count = sync(base, Path(tmp) / "a", args.concurrency)
        serial_s, _, _ = sync(base, Path(tmp) / "b", 1)
        upstream.hits.clear()
        warm_s, warm_requests, _ = sync(base, Path(tmp) / "a", args.concurrency)
        conditional = upstream.count(conditional=True)
    print(f"results: {count} on 50 pages, with details; server latency {args.latency * 1000:.0f} ms per answer")
    print(f"cold sync, concurrency {args.concurrency}: {concurrent_s:6.2f} s  ({concurrent_requests} requests)")
    print(f"cold sync, one by one:     {serial_s:6.2f} s")
    print(f"ratio concurrent / one by one: {concurrent_s / serial_s:.2f}")
    print(
        f"warm re-sync: {warm_s:.2f} s, {warm_requests} requests ({conditional} conditional, "
        f"{warm_requests - conditional} unconditional)"
    )


if __name__ == "__main__":
    main()
