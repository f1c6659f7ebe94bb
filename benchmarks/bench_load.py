"""Load test on loopback at Hanoi scale: supplier search, SME gaps and event agendas under concurrency.

    .venv/bin/python benchmarks/bench_load.py [--seconds 30] [--concurrency 8] [--needs 24] [--only search]

Needs the local dev graph at Hanoi scale (`matchmaker seed --full`, or `bench_matches.py --ensure-seed`).
Starts gunicorn with the project's own settings (gunicorn.conf.py), issues an admin key for the run,
creates a 1,500-participant event with 6,000 requests and schedules it (once), then for each endpoint
warms up, keeps `--concurrency` clients busy for `--seconds` and prints sustained requests per second, p50 and
p99 latency, and the number of errors (any answer but 2xx, or no answer).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import publish  # noqa: E402

from benchmarks.bench_matches import enterprise_count, http, model_dir, percentile, requests_for, served  # noqa: E402
from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402
from scheduling.synthetic import conference  # noqa: E402
from seeds.generator import HANOI_OPERATING_ENTERPRISES  # noqa: E402

EVENT_REFERENCE = "load-test-conference"
HANOI = timezone(timedelta(hours=7))


def ensure_event() -> tuple[str, list[str]]:
    """The scheduled conference-scale event (created once, under the benchmark's reference): its id and
    its participant ids."""
    event = conference()
    start = datetime(2026, 12, 3, 8, 30, tzinfo=HANOI)
    slots = []
    for i in range(event.n_slots):
        begin = start + timedelta(minutes=25 * i) + (timedelta(minutes=90) if i >= event.session_ends[0] else timedelta())
        slots.append({"start": begin.isoformat(), "end": (begin + timedelta(minutes=20)).isoformat(),
                      "session": 1 if i < event.session_ends[0] else 2})
    status, body, _ = http("POST", "/events", {"reference": EVENT_REFERENCE, "slots": slots, "fairness": None,
                                               "name": "Hanoi investment conference (load test)",
                                               "tables": [{}] * event.n_tables})
    assert status in (200, 201), body
    event_id = body["id"]
    if body.get("schedule"):
        return event_id, [p["id"] for p in body["participants"]]
    # participants and requests are merged by their ids: a run that stopped halfway is completed
    people = [{"id": p.id, "name": p.id, "role": "buyer" if p.id.startswith("B") else "supplier",
               "max_meetings": p.max_meetings, "forbidden_slots": sorted(t + 1 for t in p.forbidden)}
              for p in event.participants]  # people number slots from 1
    for i in range(0, len(people), 500):
        status, body, _ = http("POST", f"/events/{event_id}/participants", {"participants": people[i:i + 500]})
        assert status == 200, body
    wishes = [{"from": m.b, "to": m.a, "priority": min(m.weight, 3)} for m in event.meetings]
    for i in range(0, len(wishes), 1000):
        status, body, _ = http("POST", f"/events/{event_id}/requests", {"requests": wishes[i:i + 1000]},
                               timeout=300)
        assert status == 200, body
    # what a schedule job runs (POST /events/{id}/schedule queues it for a worker; none is started here)
    from matchmaker.services.events import EventService
    graph = Graph(Neo4jSettings.from_env())
    try:
        EventService(graph).schedule(event_id, time_limit=60)
    finally:
        graph.close()
    return event_id, [p.id for p in event.participants]


def hammer(name: str, make_call, seconds: float, concurrency: int) -> dict:
    """`concurrency` clients calling back to back for `seconds`; sustained rate and latency."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int):
        rng = random.Random(seed)
        while time.monotonic() < stop:
            method, path, body = make_call(rng)
            try:
                status, _, ms = http(method, path, body, timeout=60)
            except OSError:
                status, ms = 0, 0.0
            with lock:
                if 200 <= status < 300:
                    latencies.append(ms)
                else:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {"endpoint": name, "requests": len(latencies) + errors[0], "errors": errors[0],
            "rps": round(len(latencies) / elapsed, 1), "p50_ms": round(percentile(latencies, 0.5), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1), "seconds": round(elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds per endpoint before measuring")
    parser.add_argument("--needs", type=int, default=24,
                        help="distinct needs the searches draw from (more: fewer pooled firms already kept)")
    parser.add_argument("--only", choices=["search", "gaps", "agenda"], help="one endpoint only")
    args = parser.parse_args()
    graph = Graph(Neo4jSettings.from_env())
    enterprises = enterprise_count(graph)
    if enterprises < HANOI_OPERATING_ENTERPRISES:
        sys.exit(f"the graph holds {enterprises:,} enterprises; load Hanoi scale first (matchmaker seed --full)")
    needs = [{k: v for k, v in need.items() if k != "reference"} for need in requests_for(graph, args.needs)]
    smes = graph.read(lambda tx: [r["id"] for r in tx.run(
        "MATCH (e:Enterprise {kind: 'sme'}) RETURN e.id AS id ORDER BY e.id SKIP 1000 LIMIT 400")])
    buyers = graph.read(lambda tx: [r["id"] for r in tx.run(
        "MATCH (e:Enterprise) WHERE e.kind IN ['fdi', 'large'] RETURN e.id AS id ORDER BY e.id LIMIT 200")])
    graph.close()
    with served(model_dir()):
        event_id, participants = ensure_event()
        calls = {
            "POST /matches/search": lambda rng: ("POST", "/matches/search",
                                                 {**rng.choice(needs), "options": {"per_page": 20}}),
            "GET /smes/{id}/gaps": lambda rng: ("GET", f"/smes/{rng.choice(smes)}/gaps?buyer={rng.choice(buyers)}",
                                                None),
            "GET /events/{id}/participants/{id}/agenda": lambda rng: (
                "GET", f"/events/{event_id}/participants/{rng.choice(participants)}/agenda", None),
        }
        if args.only:
            calls = {name: call for name, call in calls.items() if args.only in name}
        rows = []
        print(f"{'endpoint':<46}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}")
        for name, make_call in calls.items():
            hammer(name, make_call, args.warmup, args.concurrency)     # warm caches; not counted
            row = hammer(name, make_call, args.seconds, args.concurrency)
            rows.append(row)
            print(f"{name:<46}{row['requests']:>9}{row['errors']:>8}{row['rps']:>8}{row['p50_ms']:>9}"
                  f"{row['p99_ms']:>9}", flush=True)
    summary = {"date": date.today().isoformat(), "enterprises": enterprises, "concurrency": args.concurrency,
               "distinct_needs": len(needs),
               "seconds_per_endpoint": args.seconds, "workers": os.environ.get("WEB_CONCURRENCY", "2"),
               "threads": os.environ.get("GUNICORN_THREADS", "4"), "cores": os.cpu_count(), "rows": rows}
    publish("load", summary)


if __name__ == "__main__":
    main()
