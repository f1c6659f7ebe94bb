"""PROFILE of the search's candidate query on the graph as it stands: database hits, query memory, rows
and server time per request, and the operators that cost most for the costliest one; beside it, in the
same run, the candidate read as it was before issue 17 (commit f493d2e: capability holders expanded, every
filter a walk over each firm's relationships), timed on the same requests.

    .venv/bin/python benchmarks/profile_search.py [--requests 24] [--operators 12] [--repeat 5]

The requests are bench_matches' (distinct needs of the graph's large and FDI buyers). Uses NEO4J_URI /
MATCHMAKER_NEO4J_PORT like every command; nothing is written. The baseline is read from git history.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import types
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


BEFORE = "f493d2e"


def _code_before():
    """matchmaker/repositories/matching.py as it was at BEFORE, as a module."""
    source = subprocess.check_output(["git", "show", f"{BEFORE}:matchmaker/repositories/matching.py"],
                                     cwd=ROOT, text=True)
    module = types.ModuleType("matching_before")
    exec(compile(source, f"{BEFORE}:matching.py", "exec"), module.__dict__)
    return module


def _anchor_before(need: dict, degrees: dict) -> str | None:
    """The rule of BEFORE: enter through the rarest mandatory standard's holders when they are fewer."""
    if not need["hard_standards"] or not need["sourcing"]:
        return None
    rarest = min(need["hard_standards"], key=lambda s: (degrees.get(s, 0), s))
    return rarest if degrees.get(rarest, 0) < sum(degrees.get(c, 0) for c in need["sourcing"]) else None


def _median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _operators(plan, depth: int = 0):
    yield depth, plan
    for child in plan.get("children", []):
        yield from _operators(child, depth + 1)


def _hits(plan) -> int:
    return plan.get("dbHits", 0) + sum(_hits(c) for c in plan.get("children", []))


def profile(graph: Graph, service: MatchService, request: dict, before=None, degrees=None,
            repeat: int = 5) -> dict:
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
    today = date.today()
    timed = {"now_ms": _median_ms(lambda: service.matches.candidates(need, POOL, today), repeat)}
    if before is not None:
        old = before.MatchRepository(graph)
        credit = {f"{n}|{h}": c for h, credits in need["credit_of"].items() for n, c in zip(need["needed"], credits)
                  if c > 0}
        old_need = {**need, "anchor": _anchor_before(need, degrees), "relevant": sorted(need["sourcing"]),
                    "credit": credit}
        timed["before_ms"] = _median_ms(lambda: old.candidates(old_need, POOL, today), repeat)
    return {**timed,"need": need, "hits": _hits(plan), "rows": plan.get("rows"), "plan": plan,
            "memory_mb": (plan.get("args", {}).get("GlobalMemory") or 0) / 1e6,
            "server_ms": summary.result_available_after + summary.result_consumed_after, "wall_ms": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=24)
    parser.add_argument("--operators", type=int, default=12, help="costliest operators shown for the slowest")
    parser.add_argument("--repeat", type=int, default=5, help="timed reads per request and version (median)")
    args = parser.parse_args()
    graph = Graph(Neo4jSettings.from_env())
    service = MatchService(graph, store=None)
    before = _code_before()
    degrees = before.MatchRepository(graph).degrees()
    count = graph.read(lambda tx: tx.run("RETURN COUNT { (:Enterprise) } AS n").single()["n"])
    results = []
    for request in requests_for(graph, args.requests):
        result = profile(graph, service, request, before, degrees, args.repeat)
        results.append((request, result))
        need = result["need"]
        print(f"{request['reference']}: {'+'.join(request['capabilities'])} "
              f"mandatory={','.join(need['mandatory']) or '-'} {int((need['max_m'] or 0) / 1000)} km "
              f": {result['hits']:,} db hits, {result['memory_mb']:.1f} MB, {result['server_ms']} ms server, "
              f"{result['wall_ms']:.0f} ms wall; candidates read {result['now_ms']:.0f} ms, "
              f"before {result['before_ms']:.0f} ms")
    hits = [r["hits"] for _, r in results]
    server = [r["server_ms"] for _, r in results]
    print(f"\n{count:,} enterprises, {len(results)} requests: db hits median {statistics.median(hits):,.0f}, "
          f"max {max(hits):,}; server ms median {statistics.median(server):.0f}, max {max(server)}; "
          f"query memory max {max(r['memory_mb'] for _, r in results):.1f} MB")
    now = [r["now_ms"] for _, r in results]
    then = [r["before_ms"] for _, r in results]
    print(f"candidates read (query, transfer, decoding; median of {args.repeat}): now median "
          f"{statistics.median(now):.0f} ms, worst {max(now):.0f} ms; before ({BEFORE}) median "
          f"{statistics.median(then):.0f} ms, worst {max(then):.0f} ms; before / now: median "
          f"{statistics.median(t / n for t, n in zip(then, now)):.2f}, worst {max(then) / max(now):.2f}")
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
