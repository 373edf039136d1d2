"""Time evaluate() for 200 products x (2020.06 Platform + DNS + Orchestration) against the time
it takes just to parse the same files (3 guidelines + 200 refstack-client JSON results).

Goal: evaluate / parse < 1.5. Run: python benchmarks/evaluate.py [--products N] [--shared DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from pathlib import Path

from buyer.formats.evidence import parse_evidence
from buyer.formats.guideline_json import parse_guideline
from buyer.model.profile import EvidencePolicy, InteropRequirement, Product, Profile
from buyer.model.scoring import evaluate

FILES = (
    "guidelines/2020.06.json",
    "add-ons/guidelines/dns.2020.06.json",
    "add-ons/guidelines/orchestration.2020.06.json",
)


def build_inputs(interop: Path, products: int) -> tuple[list[tuple[str, bytes]], list[bytes]]:
    guideline_bytes = [(Path(f).stem, (interop / f).read_bytes()) for f in FILES]
    guidelines = [parse_guideline(data, name, name) for name, data in guideline_bytes]
    tests = sorted({(t.name, t.idempotent_id) for g in guidelines for c in g.capabilities.values() for t in c.tests})
    rng = random.Random(20261122)
    results = []
    for i in range(products):
        # Each vendor passes most tests; some miss a few, so verdicts differ.
        missing = rng.randint(0, 12)
        kept = rng.sample(tests, len(tests) - missing)
        doc = {
            "cpid": f"{i:032x}",
            "duration_seconds": rng.randint(1000, 5000),
            "results": [{"name": n, "uuid": u} for n, u in kept],
        }
        results.append(json.dumps(doc).encode())
    return guideline_bytes, results


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    guideline_bytes, results = build_inputs(args.shared / "interop", args.products)
    when = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

    def parse_all():
        guidelines = {name: parse_guideline(data, name, name) for name, data in guideline_bytes}
        evidence = {
            f"vendor-{i:03d}": [parse_evidence(data, f"vendor-{i:03d}.json", date=when)]
            for i, data in enumerate(results)
        }
        return guidelines, evidence

    guidelines, evidence = parse_all()
    profile = Profile(
        name="benchmark",
        interop=InteropRequirement(guideline="2020.06", program="platform", add_ons=["dns", "orchestration"]),
        evidence_policy=EvidencePolicy(max_age_days=365),
        shortlist=[Product(name=n) for n in evidence],
    )
    as_of = dt.date(2026, 11, 22)
    parse_s = best_of(parse_all, args.repeat)
    eval_s = best_of(lambda: evaluate(profile, guidelines, evidence, as_of), args.repeat)
    card = evaluate(profile, guidelines, evidence, as_of)
    verdicts = statistics.multimode(p.verdict for p in card.products)
    pairs = sum(r.required.tests for r in card.products[0].requirements)
    print(
        f"products: {args.products}  requirements each: {len(card.products[0].requirements)}  "
        f"required (capability, test) pairs each: {pairs}"
    )
    print(f"parse  (3 guidelines + {args.products} result files): {parse_s * 1000:8.1f} ms")
    print(f"evaluate (scorecard for all products):           {eval_s * 1000:8.1f} ms")
    print(f"ratio evaluate / parse: {eval_s / parse_s:.2f}  (goal < 1.5)")
    print(f"most common verdict: {', '.join(map(str, verdicts))}")


if __name__ == "__main__":
    main()
