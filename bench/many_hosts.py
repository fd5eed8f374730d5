#!/usr/bin/env python3
"""Many web hosts on one machine: start the topology of tests/hosts.py (two gunicorn hosts
behind Varnish, two workers, a PostgreSQL primary and replica, Redis, moto's S3 server),
upload through host A and read through host B, then SIGKILL host A under load through
Varnish; print the figures and stop everything. Exits non-zero if a request failed.

    .venv/bin/python bench/many_hosts.py [--requests 800] [--threads 4]

tests/test_scale_hosts.py asserts the same, and more, in the test suite.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hosts import Topology, missing  # noqa: E402 - after the path above


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if lacking := missing():
        raise SystemExit(f"missing: {', '.join(lacking)}")
    started = time.monotonic()
    topology = Topology()
    try:
        topology.start()
        a, b = topology.hosts
        print(f"started in {time.monotonic() - started:.1f} s: hosts {a.url} {b.url}, "
              f"Varnish {topology.edge}, S3 {topology.s3}")  # fmt: skip
        for colour in ("teal", "navy", "olive"):
            elapsed, src, _ = topology.upload_round_trip(through=a, read_from=b, colour=colour)
            print(f"upload through A, shown by B and fetched: {elapsed:.0f} ms ({src})")
        counts = topology.kill_under_load(
            victim=a, threads=args.threads, requests_total=args.requests,
            kill_after=args.requests // 4,
        )  # fmt: skip
        print(
            f"host A SIGKILLed under load: {counts['served']} served, {counts['failed']} failed "
            f"in {counts['seconds']:.1f} s (A answered {counts['by_host']['a']}, "
            f"B {counts['by_host']['b']})"
        )
        for path, why in counts["failures"][:10]:
            print(f"  failed: {path} {why}")
    finally:
        topology.stop()
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
