"""PROFILE of the search's candidate query on the graph as it stands: database hits, rows and server time
per request, and the operators that cost most for the slowest one.

    .venv/bin/python benchmarks/profile_search.py [--requests 24] [--operators 12]

The requests are bench_matches' (distinct needs of the graph's large and FDI buyers). Uses NEO4J_URI /
MATCHMAKER_NEO4J_PORT like every command; nothing is written.
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

from benchmarks.bench_matches import requests_for  # noqa: E402
from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402
from matchmaker.repositories.matching import candidate_query  # noqa: E402
from matchmaker.services.matching import POOL, MatchService  # noqa: E402
from scoring.features import with_buyer  # noqa: E402


def _operators(plan, depth: int = 0):
    yield depth, plan
    for child in plan.get("children", []):
        yield from _operators(child, depth + 1)


def _hits(plan) -> int:
    return plan.get("dbHits", 0) + sum(_hits(c) for c in plan.get("children", []))


def profile(graph: Graph, service: MatchService, request: dict) -> dict:
    """Run the request's candidate query twice (warm), PROFILE on the second; hits, rows and server ms."""
    buyer = service.matches.buyer_context(request["buyer"])
    located = {**request, "latitude": buyer["latitude"], "longitude": buyer["longitude"], "products": [],
               "standards": request["standards"]}
    located = with_buyer(located, buyer)
    need = service.need(located, buyer, {})
    query, params = candidate_query(need, POOL, date.today())

    def work(tx):
        tx.run(query, **params).consume()
        started = time.perf_counter()
        summary = tx.run("PROFILE " + query, **params).consume()
        return summary, (time.perf_counter() - started) * 1000
    summary, wall = graph.read(work)
    plan = summary.profile
    return {"need": need, "hits": _hits(plan), "rows": plan.get("rows"), "plan": plan,
            "server_ms": summary.result_available_after + summary.result_consumed_after, "wall_ms": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=24)
    parser.add_argument("--operators", type=int, default=12, help="costliest operators shown for the slowest")
    args = parser.parse_args()
    graph = Graph(Neo4jSettings.from_env())
    service = MatchService(graph, store=None)
    count = graph.read(lambda tx: tx.run("RETURN COUNT { (:Enterprise) } AS n").single()["n"])
    results = []
    for request in requests_for(graph, args.requests):
        result = profile(graph, service, request)
        results.append((request, result))
        need = result["need"]
        print(f"{request['reference']}: {'+'.join(request['capabilities'])} "
              f"mandatory={','.join(need['mandatory']) or '-'} {int((need['max_m'] or 0) / 1000)} km "
              f"anchor={need.get('anchor') or '-'}: {result['hits']:,} db hits, {result['server_ms']} ms server, "
              f"{result['wall_ms']:.0f} ms wall")
    hits = [r["hits"] for _, r in results]
    server = [r["server_ms"] for _, r in results]
    print(f"\n{count:,} enterprises, {len(results)} requests: db hits median {statistics.median(hits):,.0f}, "
          f"max {max(hits):,}; server ms median {statistics.median(server):.0f}, max {max(server)}")
    request, slowest = max(results, key=lambda t: t[1]["hits"])
    print(f"\ncostliest operators of {request['reference']} ({slowest['hits']:,} db hits):")
    ops = sorted(_operators(slowest["plan"]), key=lambda t: -t[1].get("dbHits", 0))[:args.operators]
    for _, op in ops:
        details = op.get("args", {}).get("Details", "")
        print(f"  {op.get('dbHits', 0):>9,} hits {op.get('rows', 0):>8,} rows  {op['operatorType']:<28} "
              f"{details[:110]}")
    graph.close()


if __name__ == "__main__":
    main()
