"""Time a discovery check against a local Keystone and count its HTTP requests
(goal: the token, then one request per service version document, nothing repeated).

Starts the Keystone peer (tests/peers/install.sh keystone) on 127.0.0.1 with compute, image,
network and volume entries in its catalog. Run: python benchmarks/discovery.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from buyer.live.clouds import open_cloud  # noqa: E402
from buyer.live.discovery import discover  # noqa: E402
from tests.peers import keystone  # noqa: E402
from tests.peers.keystone import ADMIN_PASSWORD  # noqa: E402
from tests.peers.refstack import free_port  # noqa: E402


def main() -> None:
    why = keystone.missing()
    if why:
        sys.exit(why)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        peer = keystone.start(Path(tmp) / "ks")
        setup = time.perf_counter() - started
        try:
            stub = f"http://127.0.0.1:{free_port()}"
            for kind, name in (
                ("compute", "nova"),
                ("image", "glance"),
                ("network", "neutron"),
                ("volumev3", "cinder"),
            ):
                peer.add_service(kind, name, f"{stub}/{kind}")
            clouds = Path(tmp) / "clouds.yaml"
            clouds.write_text(
                "clouds:\n  bench:\n    auth:\n"
                f"      auth_url: {peer.auth_url}\n      username: admin\n      password: {ADMIN_PASSWORD}\n"
                "      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n"
                "    region_name: RegionOne\n"
            )
            os.environ["OS_CLIENT_CONFIG_FILE"] = str(clouds)
            times, reports = [], []
            for _ in range(5):
                access = open_cloud("bench")
                urls: Counter[str] = Counter()
                original = access.session.request

                def counting(url, method, *args, _orig=original, _urls=urls, **kwargs):
                    _urls[f"{method} {url}"] += 1
                    return _orig(url, method, *args, **kwargs)

                access.session.request = counting
                start = time.perf_counter()
                reports.append(discover(access, allow_admin=True))
                times.append(time.perf_counter() - start)
            report = reports[-1]
            repeated = [u for u, n in urls.items() if n > 1]
            print(f"Keystone peer set up in {setup:.1f} s; catalog: {', '.join(s.type for s in report.services)}")
            print(
                f"discovery: median {statistics.median(times) * 1000:.0f} ms over {len(times)} runs "
                f"(first {times[0] * 1000:.0f} ms)"
            )
            print(
                f"HTTP requests: {sum(urls.values())} sent ({report.requests} counted by the check) for "
                f"{len(report.services)} services; repeated: {repeated or 'none'}"
            )
            for line in sorted(urls):
                print(f"  {line}")
        finally:
            peer.stop()


if __name__ == "__main__":
    main()
