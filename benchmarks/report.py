"""Time, peak memory and pages of the PDF for shortlists of 30 and 300 products
(2020.06 Platform + DNS + Orchestration). Run: python benchmarks/report.py [--shared DIR] [--sizes 30 300]"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import resource
import time
import tracemalloc
from pathlib import Path

import pikepdf

from buyer.model.evidence import Evidence, EvidenceKind, Outcome, Provenance, TestRecord
from buyer.model.profile import EvidencePolicy, InteropRequirement, Product, Profile
from buyer.model.scorecard import Scorecard
from buyer.model.scoring import evaluate
from buyer.report.inputs import ReportMeta
from buyer.report.pdf import render_pdf
from buyer.sources.catalogue import Catalogue

AS_OF = dt.date(2026, 11, 22)
ODD_NAMES = ["<b>Acme & Co</b>", "Облако", "云 Cloud", "Long " + "very-long-name-" * 33]


def shortlist_card(cat: Catalogue, products: int = 30) -> Scorecard:
    """A realistic shortlist: most vendors pass most tests; some fail, one is stale, names vary."""
    ids = ("2020.06", "dns.2020.06", "orchestration.2020.06")
    tests = sorted({(t.name, t.idempotent_id) for gid in ids for c in cat[gid].capabilities.values() for t in c.tests})
    rng = random.Random(30)
    names = [*ODD_NAMES, *(f"Vendor {i:02d} Cloud" for i in range(products - len(ODD_NAMES)))][:products]
    evidence = {}
    for i, name in enumerate(names):
        missing = set(rng.sample(range(len(tests)), rng.choice([0, 0, 2, 5, 20])))
        records = tuple(
            TestRecord(n, u, Outcome.FAILED if k in missing else Outcome.PASSED) for k, (n, u) in enumerate(tests)
        )
        age = 900 if i == 7 else rng.randint(10, 300)
        when = dt.datetime.combine(AS_OF - dt.timedelta(days=age), dt.time(), tzinfo=dt.UTC)
        prov = Provenance(
            f"evidence/vendor-{i:02d}.subunit", f"{i:064x}", EvidenceKind.SELF_REPORTED, "subunit-v2", when
        )
        evidence[name] = [Evidence(prov, records)]
    profile = Profile(
        name=f"Benchmark shortlist of {products}",
        buyer="Benchmark Authority",
        rfp_reference=f"BENCH-{products}",
        interop=InteropRequirement(guideline="2020.06", add_ons=["dns", "orchestration"]),
        evidence_policy=EvidencePolicy(max_age_days=365),
        shortlist=[Product(name=n) for n in names],
    )
    return evaluate(profile, cat, evidence, AS_OF, [cat.use(g) for g in ids], "cd" * 32)


def measure(cat: Catalogue, products: int, repeat: int) -> None:
    card = shortlist_card(cat, products)
    meta = ReportMeta.for_card(card)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = render_pdf(card, meta)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    render_pdf(card, meta)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
    print(f"{products} products ({len(card.products[0].requirements)} requirements each):")
    print(f"  PDF: {len(pdf) / 1024:.0f} KiB, {pages} pages ({pages / products:.1f} per product)")
    print(f"  render time (best of {repeat}): {min(times):.2f} s ({min(times) / pages * 1000:.0f} ms per page)")
    print(f"  peak Python memory while rendering: {peak / 2**20:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 300])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    cat = Catalogue(args.shared / "interop")
    warm = shortlist_card(cat, 3)
    render_pdf(warm, ReportMeta.for_card(warm))  # font loading happens once per process
    for size in args.sizes:
        measure(cat, size, args.repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (fonts, catalogue, scorecards, PDFs): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
