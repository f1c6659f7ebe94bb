"""The full "which gap first" report for one SME at Hanoi scale, over HTTP.

    .venv/bin/python benchmarks/bench_readiness.py [--smes 10] [--rounds 3] [--rank-workers 4 | --no-rank]

Needs the graph at Hanoi scale with the demo's open sourcing requests (`matchmaker seed --full`) and a
trained model. Picks the SMEs with the most open requests within reach, ranks every open request
(`matchmaker requests rank`, timed), then times GET /smes/{id}/priorities. In the same run, the
baseline is the report plus ranking each request in reach on the spot (what the report would cost
without stored cutoffs). Then times GET /programme over the sector with the most SMEs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import publish  # noqa: E402

from benchmarks.bench_matches import http, model_dir, percentile, served  # noqa: E402
from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402


def busiest_smes(graph: Graph, count: int) -> list[str]:
    """SMEs with the most open requests within their reach: of the 200 SMEs holding the capabilities the
    open requests need most, those the readiness service finds most requests in reach for."""
    from matchmaker.services.readiness import ReadinessService
    from scoring.model import ModelStore
    sample = graph.read(lambda tx: [r["id"] for r in tx.run("""
        MATCH (r:SourcingRequest {status: 'open'})-[:NEEDS]->(c:Capability)
        WITH c, count(r) AS demand ORDER BY demand DESC, c.id LIMIT 5
        MATCH (c)<-[:HAS_CAPABILITY]-(e:SME)
        WITH e, sum(demand) AS demand ORDER BY demand DESC, e.id LIMIT 200
        RETURN e.id AS id""")])
    readiness = ReadinessService(graph, ModelStore(str(model_dir())))
    reach = {sme: len(readiness.requests_in_reach(sme)) for sme in sample}
    return sorted(sample, key=lambda sme: (-reach[sme], sme))[:count]


def _measure(graph: Graph, smes: list[str], rounds: int) -> tuple[list, list, list, list]:
    """Timed reports, then the baseline: for the first SME, its report plus ranking each request in its
    reach on the spot (what the report would cost without stored cutoffs), in this process."""
    for sme in smes:  # warm-up
        http("GET", f"/smes/{sme}/priorities")
    timings, considered, items = [], [], []
    for _ in range(rounds):
        for sme in smes:
            status, body, ms = http("GET", f"/smes/{sme}/priorities")
            assert status == 200, body
            assert body["cutoffs_pending"] == 0, "cutoffs still stale: rank them first"
            timings.append(ms)
            considered.append(body["open_requests_considered"])
            items.append(len(body["items"]))
    from matchmaker.services.readiness import ReadinessService
    from scoring.model import ModelStore
    readiness = ReadinessService(graph, ModelStore(str(model_dir())))
    ms = http("GET", f"/smes/{smes[0]}/priorities")[2]
    started = time.perf_counter()
    for request in readiness.requests_in_reach(smes[0]):
        readiness.matching.cutoff(readiness.matching.get_request(request["id"]))
    baseline = [ms + (time.perf_counter() - started) * 1000.0]
    return timings, considered, items, baseline


def _programme(graph: Graph, rounds: int) -> tuple[str, list, dict]:
    """GET /programme over the sector with the most SMEs, ``rounds`` times after a warm-up."""
    sector = graph.read(lambda tx: tx.run(
        "MATCH (s:Sector)<-[:IN_SECTOR]-(e:SME) RETURN s.id AS id, count(e) AS n ORDER BY n DESC, id LIMIT 1"
    ).single()["id"])
    http("GET", f"/programme?sector={sector}", timeout=600)
    timings = []
    for _ in range(rounds):
        status, body, ms = http("GET", f"/programme?sector={sector}", timeout=600)
        assert status == 200, body
        timings.append(ms)
    return sector, timings, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smes", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rank-workers", type=int, default=4, help="`requests rank --workers`")
    parser.add_argument("--no-rank", action="store_true",
                        help="use the cutoffs stored by an earlier `matchmaker requests rank` (not timed here)")
    args = parser.parse_args()

    graph = Graph(Neo4jSettings.from_env())
    counts = graph.read(lambda tx: tx.run(
        "RETURN COUNT { (:Enterprise) } AS enterprises, "
        "COUNT { (:SourcingRequest {status: 'open'}) } AS open_requests").single().data())
    if counts["open_requests"] == 0:
        sys.exit("no open sourcing requests: run `matchmaker seed --full` first")
    models = model_dir()
    if not (models / "CURRENT").exists():
        subprocess.run([sys.executable, "-m", "matchmaker.cli", "model", "train"], check=True, cwd=ROOT)
    started = time.perf_counter()
    if not args.no_rank:
        subprocess.run([sys.executable, "-m", "matchmaker.cli", "requests", "rank", "--workers",
                        str(args.rank_workers)], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    rank_seconds = None if args.no_rank else time.perf_counter() - started
    smes = busiest_smes(graph, args.smes)

    try:
        with served(models):
            timings, considered, items, baseline = _measure(graph, smes, args.rounds)
            sector, programme_ms, programme = _programme(graph, args.rounds)
    finally:
        graph.close()

    figures = {
        "date": date.today().isoformat(), **counts, "smes": len(smes), "timed_reports": len(timings),
        "median_requests_in_reach": statistics.median(considered), "median_items": statistics.median(items),
        "p50_ms": round(percentile(timings, 0.5), 1), "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1), "target_ms": 300,
        "baseline_ranked_on_the_spot_ms": round(statistics.median(baseline), 1),
        "baseline_over_p50": round(statistics.median(baseline) / percentile(timings, 0.5), 1),
        "rank_all_open_requests_s": rank_seconds and round(rank_seconds, 1),
        "rank_workers": None if args.no_rank else args.rank_workers, "cores": os.cpu_count(),
        "programme_sector": sector, "programme_smes": programme["smes"],
        "programme_fdi_requests": programme["open_fdi_requests"],
        "programme_median_ms": round(statistics.median(programme_ms), 1),
        "programme_max_ms": round(max(programme_ms), 1), "programme_target_ms": 5000,
    }
    publish("readiness", figures)


if __name__ == "__main__":
    main()
