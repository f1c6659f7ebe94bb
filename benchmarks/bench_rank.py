"""Ranking many open requests (`matchmaker requests rank`): each pool by the graph's query, against each pool
worked out in memory from every firm's offer read once (scoring.pool), on the same requests in one run.

    export MATCHMAKER_NEO4J_PORT=7797 MATCHMAKER_MODEL_DIR=$PWD/.local/scale/models   # the scale graph
    .venv/bin/python benchmarks/bench_rank.py --sample 3000

A seeded sample of the open requests is ranked twice: the reference (the graph's candidate query per
request, 4 threads, as `requests rank` did before) and the run as it is now (offers read once, one process
per CPU); both store the cutoffs they find. Prints each run's requests per second, the ratio, and how many
cutoffs differ (they must not).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.config import Settings          # noqa: E402
from matchmaker.db import Graph                 # noqa: E402
from matchmaker.services.matching import MatchService      # noqa: E402
from scoring.model import ModelStore            # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=3000, help="open requests ranked by each run")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 1),
                        help="processes of the in-memory run (the reference keeps its 4 threads)")
    args = parser.parse_args()
    settings = Settings()
    graph = Graph(settings.neo4j)
    service = MatchService(graph, ModelStore(settings.model_dir))
    ids = sorted(r["id"] for r in service.requests.open_requests())
    sample = sorted(random.Random(args.seed).sample(ids, min(args.sample, len(ids))))
    print(f"{len(ids):,} open requests; ranking a sample of {len(sample):,} (seed {args.seed}), "
          f"model {service.store.active().version}, {os.cpu_count()} CPUs")
    runs = {}
    for label, options in (("graph query per request, 4 threads (reference)", {"in_memory": False, "workers": 4}),
                           (f"offers in memory, {args.workers} processes", {"in_memory": True,
                                                                            "workers": args.workers})):
        started = time.perf_counter()
        cutoffs = service.refresh_cutoffs(sample, **options)
        seconds = time.perf_counter() - started
        runs[label] = (cutoffs, seconds)
        print(f"  {label:<52} {seconds:7.1f} s  {len(cutoffs) / seconds:7.1f} requests/s")
    (reference, slow), (now, fast) = runs.values()
    differ = sorted(i for i in reference if reference[i] != now.get(i))
    print(f"ratio {slow / fast:.2f}x; cutoffs that differ: {len(differ)} of {len(reference)}"
          + (f" (first: {differ[:5]})" if differ else ""))
    graph.close()
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
