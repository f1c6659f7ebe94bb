"""The pages at Hanoi scale, over HTTP through gunicorn, each against the API call that does the same
work (the baseline, in the same run): what the page adds (wording, catalogues, map, HTML) on top.

    .venv/bin/python benchmarks/bench_pages.py [--rounds 5]

Needs the graph at Hanoi scale with open sourcing requests (`matchmaker seed --full`); uses the event
with the most meeting requests when there is one with a schedule (bench_load.py makes one).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_matches import BASE, _HEADERS, enterprise_count, http, model_dir, served  # noqa: E402
from benchmarks.report import publish  # noqa: E402
from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402


class Browser:
    """A signed-in page session: cookies kept, form token read from the pages."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str, float]:
        started = time.perf_counter()
        with self.opener.open(BASE + path, timeout=120) as resp:
            text = resp.read().decode()
            return resp.status, text, (time.perf_counter() - started) * 1000

    def sign_in(self, key: str) -> None:
        _, page, _ = self.get("/app/signin")
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"key": key, "csrf": token}).encode()
        with self.opener.open(urllib.request.Request(BASE + "/app/signin", data=data), timeout=60) as resp:
            assert "/app/signin" not in resp.url, "sign-in refused"


def _pick(graph: Graph) -> dict:
    return graph.read(lambda tx: tx.run("""
        MATCH (b:Enterprise {kind: 'fdi'})-[:IN_SECTOR]->(:Sector {id: 'mechanical'}) WHERE b.location IS NOT NULL
        WITH b ORDER BY b.id LIMIT 1
        MATCH (s:Enterprise {kind: 'sme'})-[:IN_SECTOR]->(:Sector {id: 'mechanical'})
        WHERE EXISTS { (s)-[:HAS_CAPABILITY]->() } AND point.distance(s.location, b.location) < 20000
        WITH b, s ORDER BY s.id LIMIT 1
        OPTIONAL MATCH (ev:Event) WHERE ev.schedule IS NOT NULL
        WITH b, s, ev ORDER BY COUNT { (ev)-[:HAS_REQUEST]->() } DESC LIMIT 1
        RETURN b.id AS buyer, s.id AS sme, ev.id AS event,
               COUNT { (ev)-[:HAS_REQUEST]->() } AS event_requests""").single().data())


def _timed(fetch, rounds: int) -> list[float]:
    fetch()                                    # warm-up
    return [fetch() for _ in range(rounds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    graph = Graph(Neo4jSettings.from_env())
    picked = _pick(graph)
    need = {"buyer": picked["buyer"], "capabilities": ["cnc-milling"], "max_distance_km": 30, "monthly_volume": 2000,
            "standards": [{"id": "iso-9001", "mandatory": True}]}
    query = urllib.parse.urlencode({"run": 1, "buyer": picked["buyer"], "capabilities": "cnc-milling",
                                    "mandatory": "iso-9001", "max_distance_km": 30, "monthly_volume": 2000})
    pairs = {   # page -> (page path, the API call doing the same work)
        "search results": (f"/app/search?{query}", ("POST", "/matches/search", need)),
        "readiness page": (f"/app/smes/{picked['sme']}", ("GET", f"/smes/{picked['sme']}/priorities", None)),
        "readiness report": (f"/app/smes/{picked['sme']}/report",
                             ("GET", f"/smes/{picked['sme']}/readiness", None)),
    }
    if picked["event"]:
        pairs[f"event page ({picked['event_requests']:,} requests)"] = (
            f"/app/events/{picked['event']}", ("GET", f"/events/{picked['event']}", None))
    figures = {"date": date.today().isoformat(), "enterprises": enterprise_count(graph), "cores": os.cpu_count(),
               "rounds": args.rounds, "pages": {}}
    try:
        with served(model_dir()):
            browser = Browser()
            browser.sign_in(_HEADERS["Authorization"].split(" ", 1)[1])
            for name, (path, (method, api_path, body)) in pairs.items():
                def page():
                    status, _, ms = browser.get(path)
                    assert status == 200, (path, status)
                    return ms

                def api():
                    status, payload, ms = http(method, api_path, body, timeout=120)
                    assert status == 200, (api_path, status, payload)
                    return ms
                page_ms, api_ms = _timed(page, args.rounds), _timed(api, args.rounds)
                figures["pages"][name] = {"page_median_ms": round(statistics.median(page_ms), 1),
                                          "page_max_ms": round(max(page_ms), 1),
                                          "api_median_ms": round(statistics.median(api_ms), 1),
                                          "page_over_api": round(statistics.median(page_ms) / statistics.median(api_ms), 2)}
    finally:
        graph.close()
    publish("pages", figures)


if __name__ == "__main__":
    main()
