"""Top-20 supplier matches over HTTP at Hanoi scale: p50/p95 latency, and the ratio against a naive
baseline that fetches every SME and scores each in plain Python, measured in the same run.

    .venv/bin/python benchmarks/bench_matches.py [--ensure-seed] [--rounds 5] [--naive 3] [--runs 2] [--fresh 48]

First, ``--fresh`` needs drawn anew are searched once each (``first_searches``): a web worker keeps the firms
it pooled lately, and these pool firms it does not hold yet.

The timed rounds run ``--runs`` times in one call (the spread between runs is part of the figure: quote
the slower). After them, each request is matched once more in this process with its time split: the time
in Neo4j of the pool's queries (the change feed and the pooled firms read by id; the server's own figure),
their transfer to Python (the driver's wall time less that), the pool worked out from the kept offers, Python
(features, model, explanations) and the answer (dumped by its schema, as the API does, and encoded as JSON).

Needs the graph at Hanoi scale (223,580 enterprises): pass --ensure-seed to load it when it is smaller.
Uses NEO4J_URI (default the local server on 7687) and starts its own gunicorn on 127.0.0.1:8765.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import publish  # noqa: E402

from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402
from seeds import catalogue as cat  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
_HEADERS = {"Content-Type": "application/json"}


def http(method: str, path: str, body: dict | None = None, timeout: float = 60) -> tuple[int, dict, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=_HEADERS)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            payload = json.loads(raw) if raw else {}
            status = resp.status
    except urllib.error.HTTPError as err:
        payload, status = json.loads(err.read() or b"{}"), err.code
    return status, payload, (time.perf_counter() - started) * 1000


@contextmanager
def served(models: Path):
    """gunicorn with the project's settings on PORT, ready when this yields, called with an admin key
    issued for the run; stopped and the key revoked afterwards."""
    from matchmaker.services.access import KeyService
    keys = KeyService(Graph(Neo4jSettings.from_env()))
    record, key = keys.issue("admin", None, label="benchmark run")
    _HEADERS["Authorization"] = f"Bearer {key}"
    env = {**os.environ, "BIND": f"127.0.0.1:{PORT}", "MATCHMAKER_MODEL_DIR": str(models)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile",
                               "/dev/null", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if http("GET", "/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)
        keys.revoke(record["id"])


def enterprise_count(graph: Graph) -> int:
    return graph.read(lambda tx: tx.run("RETURN COUNT { (:Enterprise) } AS n").single()["n"])


def model_dir() -> Path:
    """The models the served app uses: MATCHMAKER_MODEL_DIR, else the project's .local/models."""
    return Path(os.environ.get("MATCHMAKER_MODEL_DIR", str(ROOT / ".local" / "models")))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


def requests_for(graph: Graph, count: int, seed: int = 3) -> list[dict]:
    """Distinct sourcing requests of the graph's large and FDI buyers, in their sectors' terms."""
    buyers = graph.read(lambda tx: [r.data() for r in tx.run(
        "MATCH (b:Enterprise) WHERE b.kind IN ['fdi', 'large'] "
        "RETURN b.id AS id, head([(b)-[:IN_SECTOR]->(s) | s.id]) AS sector ORDER BY b.id LIMIT 2000")])
    rng = random.Random(seed)
    rng.shuffle(buyers)
    out = []
    for i, buyer in enumerate(buyers[:count]):
        sector = buyer["sector"]
        caps = rng.sample(cat.SECTOR_CAPABILITIES[sector], min(len(cat.SECTOR_CAPABILITIES[sector]), rng.randint(1, 2)))
        standards = [{"id": s, "mandatory": m} for s, m in cat.SECTOR_REQUIREMENTS[sector]][:rng.randint(1, 4)]
        out.append({"reference": f"bench-{i:02d}", "buyer": buyer["id"], "title": f"benchmark need {i}",
                    "capabilities": caps, "standards": standards, "max_distance_km": rng.choice([15, 30, 50]),
                    "monthly_volume": float(rng.choice([1000, 5000, 20000])),
                    "text": " ".join(c.replace("-", " ") for c in caps)})
    return out


def naive_scores(graph: Graph, request: dict) -> tuple[int, float]:
    """The naive way: fetch every SME with its inputs and score each one in plain Python."""
    from matchmaker.repositories.matching import _VALID, _projected
    from scoring.features import Hierarchy, feature_matrix
    from scoring.model import ModelStore
    started = time.perf_counter()
    today = date.today()
    hierarchy = Hierarchy(graph.read(lambda tx: {r["id"]: r["parent"] for r in tx.run(
        "MATCH (c:Capability) RETURN c.id AS id, head([(c)-[:PART_OF]->(p) | p.id]) AS parent")}))
    rows = graph.read(lambda tx: [_projected(r["e"]) for r in tx.run(f"""
        MATCH (e:SME)
        RETURN e {{.id, .founded, .export_share, .description_text,
            distance_km: point.distance(e.location, point({{latitude: $lat, longitude: $lng}})) / 1000.0,
            capabilities: [(e)-[h:HAS_CAPABILITY]->(c) | [c.id, h.capacity]],
            valid_standards: [(e)-[x:CERTIFIED]->(s) WHERE {_VALID} | s.id],
            products: [(e)-[:MAKES]->(p) | p.hs],
            large_fdi_customers: COUNT {{ (e)-[:SUPPLIES]->(b) WHERE b.kind IN ['large', 'fdi'] }}}} AS e
        """, lat=request["latitude"], lng=request["longitude"], today=today.isoformat())])
    scorer = ModelStore(str(model_dir())).active()
    scores = scorer.scores(feature_matrix(request, rows, hierarchy, today.year))
    top = sorted(zip(scores.tolist(), (r["id"] for r in rows)), key=lambda t: (-t[0], t[1]))[:20]
    assert len(top) == min(20, len(rows))
    return len(rows), (time.perf_counter() - started) * 1000


class _ServerTimed:
    """A transaction whose queries are read whole as they run, their server time and wall time summed."""

    def __init__(self, tx):
        self.tx, self.server_ms, self.wall_ms = tx, 0.0, 0.0

    def run(self, query: str, **params):
        started = time.perf_counter()
        result = self.tx.run(query, **params)
        records = list(result)
        summary = result.consume()
        self.wall_ms += (time.perf_counter() - started) * 1000
        self.server_ms += summary.result_available_after + summary.result_consumed_after
        return _Read(records)


class _Read:
    """Records read already, answering as a driver's result does."""

    def __init__(self, records):
        self.records = records

    def single(self):
        return self.records[0] if self.records else None

    def value(self):
        return [r[0] for r in self.records]

    def __iter__(self):
        return iter(self.records)


class _TimedMatches:
    """The real MatchRepository, with the server and wall time of a search's queries kept for the split: those
    of the pool kept in memory (the feed and the pooled firms read by id), or of the graph's candidate query
    for a need of words only."""

    def __init__(self, graph: Graph):
        from matchmaker.repositories.matching import MatchRepository
        self.inner, self.graph, self.last = MatchRepository(graph), graph, {}

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def candidates(self, need: dict, pool: int, today: date, known=None, offers=None):
        if known is not None or offers is not None:     # a rank run's way, not a search's: not timed here
            self.last = {"server_ms": 0.0, "wall_ms": 0.0, "pool_ms": 0.0}
            return self.inner.candidates(need, pool, today, known, offers)

        def work(tx):
            timed = _ServerTimed(tx)
            started = time.perf_counter()
            found = self.inner._kept_pool(timed, need, pool, today)
            return found, timed, (time.perf_counter() - started) * 1000
        found, timed, wall = self.graph.read(work)
        if found is None:   # words only: the graph's query (none of the benchmark's needs), not split
            self.last = {"server_ms": 0.0, "wall_ms": 0.0, "pool_ms": 0.0}
            return self.inner.candidates_by_query(need, pool, today)
        self.last = {"server_ms": timed.server_ms, "wall_ms": timed.wall_ms, "pool_ms": wall - timed.wall_ms}
        return self.inner._as_candidates(need, found[0]), found[1]


def split(graph: Graph, request_ids: list[str]) -> list[dict]:
    """Each request matched in this process (the service the API calls), its time split by stage."""
    from matchmaker.schemas import MatchesOut
    from matchmaker.services.matching import MatchService
    from scoring.model import ModelStore
    service = MatchService(graph, ModelStore(str(model_dir())))
    timed = _TimedMatches(graph)
    service.matches = timed
    rows = []
    for request_id in request_ids * 2:      # the first pass warms the process; the second is kept
        request = service.get_request(request_id)
        started = time.perf_counter()
        result = service.match(request, {"per_page": 20})
        total = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        json.dumps(MatchesOut().dump(result))
        encode = (time.perf_counter() - started) * 1000
        rows.append({"request": request_id, "neo4j_ms": timed.last["server_ms"],
                     "transfer_ms": timed.last["wall_ms"] - timed.last["server_ms"], "pool_ms": timed.last["pool_ms"],
                     "python_ms": total - timed.last["wall_ms"] - timed.last["pool_ms"], "json_ms": encode,
                     "total_ms": total + encode,
                     "passed": result.candidates_passing_filters})
    return rows[len(request_ids):]


def _stage_figures(rows: list[dict]) -> dict:
    return {f"{stage}_{name}": round(fn([r[f"{stage}_ms"] for r in rows]), 1)
            for stage in ("neo4j", "transfer", "pool", "python", "json", "total")
            for name, fn in (("p50", statistics.median), ("p95", lambda v: percentile(v, 0.95)))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ensure-seed", action="store_true", help="load Hanoi scale first if the graph is smaller")
    parser.add_argument("--requests", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--naive", type=int, default=3, help="requests to run the naive baseline on")
    parser.add_argument("--runs", type=int, default=2, help="timed runs in this call (figures of each)")
    parser.add_argument("--fresh", type=int, default=48, help="needs searched once first, their firms not yet kept")
    args = parser.parse_args()

    graph = Graph(Neo4jSettings.from_env())
    from seeds.generator import HANOI_OPERATING_ENTERPRISES
    count = enterprise_count(graph)
    if count < HANOI_OPERATING_ENTERPRISES:
        if not args.ensure_seed:
            sys.exit(f"the graph holds {count:,} enterprises; run with --ensure-seed to load Hanoi scale")
        subprocess.run([sys.executable, "-m", "matchmaker.cli", "seed", "--full"], check=True, cwd=ROOT)
        count = enterprise_count(graph)
    models = model_dir()
    if not (models / "CURRENT").exists():
        # the figure is for the learned scorer (trees, the costlier path), not the rule a fresh graph falls back to
        subprocess.run([sys.executable, "-m", "matchmaker.cli", "model", "train", "--force"], check=True, cwd=ROOT)
    from scoring.model import ModelStore
    scorer_name = ModelStore(str(models)).active().version

    with served(models):
        # First searches: needs drawn anew, each searched once before anything else, so that the firms they
        # pool are read from the graph (a worker keeps the firms it pooled lately), as for a need nobody asked
        first = []
        for need in requests_for(graph, args.fresh, seed=41):
            status, body, ms = http("POST", "/matches/search", {**{k: v for k, v in need.items() if k != "reference"},
                                                                "options": {"per_page": 20}})
            assert status == 200, body
            first.append(ms)
        needs = requests_for(graph, args.requests)
        for need in needs:
            status, body, _ = http("POST", "/sourcing-requests", need)
            if status == 409:  # an older run's request under this reference, with other content
                need["reference"] += f"-{int(time.time())}"
                status, body, _ = http("POST", "/sourcing-requests", need)
            assert status in (200, 201), body
            need.update(id=body["id"], latitude=body["latitude"], longitude=body["longitude"])
        for need in needs:  # warm-up: caches, query plans, model load in each worker
            http("GET", f"/sourcing-requests/{need['id']}/matches?per_page=20")
            http("GET", f"/sourcing-requests/{need['id']}/matches?per_page=20")
        runs = []
        for _ in range(args.runs):
            latencies, results, passed = [], [], []
            for _ in range(args.rounds):
                for need in needs:
                    status, body, ms = http("GET", f"/sourcing-requests/{need['id']}/matches?per_page=20")
                    assert status == 200, body
                    latencies.append(ms)
                    results.append(len(body["items"]))
                    passed.append(body["candidates_passing_filters"])
            runs.append((latencies, results, passed))
        naive = [naive_scores(graph, need) for need in needs[:args.naive]]
    stages = split(graph, [need["id"] for need in needs])
    graph.close()

    naive_ms = statistics.median(ms for _, ms in naive) if naive else None
    per_run = []
    for latencies, results, passed in runs:
        p50, p95 = percentile(latencies, 0.50), percentile(latencies, 0.95)
        per_run.append({"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "p99_ms": round(percentile(latencies, 0.99), 1),
                        "max_ms": round(max(latencies), 1), "naive_over_p50": round(naive_ms / p50, 1) if naive else None})
    slower = max(per_run, key=lambda r: r["p95_ms"])
    figures = {
        "date": date.today().isoformat(), "enterprises": count, "distinct_requests": len(needs),
        "timed_requests_per_run": len(runs[0][0]), "runs": per_run, "slower_run_p95_ms": slower["p95_ms"],
        "first_searches": {"needs": len(first), "p50_ms": round(percentile(first, 0.5), 1),
                           "p95_ms": round(percentile(first, 0.95), 1), "max_ms": round(max(first), 1)} if first else None,
        "mean_results": round(statistics.mean(runs[0][1]), 1),
        "median_candidates_passing_filters": statistics.median(runs[0][2]),
        "naive_scored_smes": naive[0][0] if naive else None,
        "naive_median_ms": round(naive_ms, 1) if naive else None,
        "split_in_process": _stage_figures(stages),
        "slowest_requests": sorted(({k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()}
                                    for r in stages), key=lambda r: -r["total_ms"])[:5],
        "scorer": scorer_name, "target_p95_ms": 150, "cores": os.cpu_count(),
    }
    publish("matches", figures)


if __name__ == "__main__":
    main()
