"""Where the pool query of a ranking spends its time: the open requests' candidate queries as `requests rank`
runs them (ids of the pool, no projection), one at a time, and the same queries cut after each stage.

    .venv/bin/python benchmarks/profile_pool.py [--requests 200] [--skip 5000] [--step 3]

Prints, over the sampled open requests (every ``--step``-th from ``--skip``): the pool query's wall time
(median, mean, p95, sum), the firms passing the hard filters, and the time of the query cut after each stage
(the index and the yield of its hits; the buyer and distance filters; the certificate check; the pre-score;
the whole query with its sort and pool), each run twice in one transaction, the second timed. Uses
NEO4J_URI / MATCHMAKER_NEO4J_PORT like every command; nothing is written.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402
from matchmaker.repositories.matching import candidate_query  # noqa: E402
from matchmaker.services.matching import POOL, MatchService  # noqa: E402


def stages(query: str) -> dict[str, str]:
    """The query cut after each stage, counting the rows that reach that point."""
    lines = query.split("\n")
    distance = next(i for i, line in enumerate(lines) if "AS metres" in line)
    held = next(i for i, line in enumerate(lines) if "AS held" in line)
    prescore = next(i for i, line in enumerate(lines) if "AS prescore" in line)
    count = "\nRETURN count(*) AS n"
    return {
        "index": "CALL db.index.fulltext.queryNodes('enterprise_offer', $offer_query) YIELD node "
                 "RETURN count(node) AS n",
        "buyer and distance": "\n".join(lines[:distance + 1]) + count,
        "certificates": "\n".join(lines[:held]) + count,
        "pre-score": "\n".join(lines[:prescore + 1]) + count,
        "sort and pool (the whole query)": query,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip", type=int, default=5000)
    parser.add_argument("--step", type=int, default=3)
    args = parser.parse_args()
    graph = Graph(Neo4jSettings.from_env())
    service = MatchService(graph, store=None)
    today = date.today()
    sample = service.requests.open_requests()[args.skip::args.step][:args.requests]
    walls, passed, by_stage = [], [], {}
    for request in sample:
        buyer = service.matches.buyer_context(request["buyer"]) if request.get("buyer") else None
        built = candidate_query(service.need(request, buyer, {}), POOL, today, projected=False)
        if built is None:
            continue
        query, params = built
        for name, cut in stages(query).items():
            def work(tx, cut=cut):
                list(tx.run(cut, **params))
                started = time.perf_counter()
                records = list(tx.run(cut, **params))
                return (time.perf_counter() - started) * 1000, records
            ms, records = graph.read(work)
            by_stage.setdefault(name, []).append(ms)
            if cut is query:
                walls.append(ms)
                passed.append(records[0]["passed"] if records else 0)
    graph.close()
    walls_sorted = sorted(walls)
    print(f"{len(walls)} pool queries: wall median {statistics.median(walls):.1f} ms, mean "
          f"{statistics.mean(walls):.1f} ms, p95 {walls_sorted[int(0.95 * (len(walls) - 1))]:.1f} ms, "
          f"sum {sum(walls):.0f} ms; passing the filters: median {statistics.median(passed):.0f}, "
          f"sum {sum(passed):,}, {1000 * sum(walls) / max(sum(passed), 1):.1f} microseconds a passing firm")
    total = sum(by_stage["sort and pool (the whole query)"])
    before = 0.0
    for name, times in by_stage.items():
        print(f"  up to {name:<34} sum {sum(times):7.0f} ms; this stage {100 * (sum(times) - before) / total:5.1f}%")
        before = sum(times)


if __name__ == "__main__":
    main()
