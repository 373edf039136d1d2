"""Saving an edited profile that keeps its file's comments and layout (the TUI's ctrl+s), against
the floor of writing the same profile plainly (``tomli_w``), for long shortlists.

The edit: a product added in the middle and one removed near the top, each product annotated
with a comment and its evidence as an inline array. Prints the median of several rounds and the
ratio to the floor at each size, so the growth is visible (it should be linear).

Run: python benchmarks/save.py [--sizes 200,1000,2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import tomli_w

from buyer.formats.toml_models import dump_profile, parse_profile


def annotated(products: int) -> str:
    lines = ['name = "benchmark"  # the cover', "", "[interop]", 'guideline = "2020.06"', ""]
    for i in range(products):
        lines += [
            "[[shortlist]]",
            f'name = "Vendor {i:04d}"  # met on day {i}',
            f'evidence = [{{ file = "vendor-{i:04d}.json", date = 2026-11-01 }}]',
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,1000,2000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{'products':>8}  {'floor (tomli_w)':>16}  {'save keeping the layout':>24}  ratio")
    for n in (int(x) for x in args.sizes.split(",")):
        text = annotated(n)
        profile = parse_profile(text, "bench.toml")
        shortlist = list(profile.shortlist)
        shortlist.insert(n // 2, shortlist[0].model_copy(update={"name": "Newcomer"}))
        del shortlist[5]
        edited = profile.model_copy(update={"shortlist": shortlist})
        floors, saves = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            tomli_w.dumps(edited.model_dump(mode="python", exclude_none=True))
            floors.append(time.perf_counter() - start)
            start = time.perf_counter()
            out = dump_profile(edited, text)
            saves.append(time.perf_counter() - start)
        assert "# met on day 1\n" in out and "# met on day 5\n" not in out  # kept, and the removed one's gone
        floor, save = statistics.median(floors), statistics.median(saves)
        print(f"{n:>8}  {floor * 1000:>13.1f} ms  {save * 1000:>21.1f} ms  {save / floor:.1f}×")


if __name__ == "__main__":
    main()
