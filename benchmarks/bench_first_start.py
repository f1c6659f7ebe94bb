"""A new user's first start: a clone of this repository's HEAD, `./dev serve` on ports of its own, timed.

    .venv/bin/python benchmarks/bench_first_start.py [--fresh-caches] [--bolt 7751] [--http 8751]

It prints where the time goes (each step `./dev serve` reports: packages installed, Neo4j started, schema
applied, demo loaded, model trained, ranking queued), when /ready first answered 200, and the first and
second time of a few requests a new user makes first (a supplier search, an SME's priorities, the API
description). The issue's target: /ready within 120 s of the packages being installed, and no first
request that takes seconds.

--fresh-caches installs as on a new machine: an empty pip cache and an empty Maven repository, so that
every package and the Neo4j jars come over the network (the figure then includes the downloads). Without
it, pip and Maven may reuse what this machine holds, so the figure is of the steps themselves.
The clone, its venv, its Neo4j and its caches live in a temporary folder, removed afterwards (--keep to
look at it); its Neo4j is stopped at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import publish  # noqa: E402

_STEP = re.compile(r"^\[dev\] (.+) at (\d+) s$")


def request(base: str, method: str, path: str, key: str | None, body: dict | None = None) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as err:
        status = err.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        status = 0
    return status, round((time.perf_counter() - started) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh-caches", action="store_true", help="empty pip cache and Maven repository")
    parser.add_argument("--bolt", type=int, default=7751)
    parser.add_argument("--http", type=int, default=8751)
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="first-start-"))
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True).stdout.strip()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MATCHMAKER_", "NEO4J_", "GUNICORN_")) and k not in ("BIND", "WEB_CONCURRENCY", "VIRTUAL_ENV")}
    env |= {"MATCHMAKER_NEO4J_PORT": str(args.bolt), "BIND": f"127.0.0.1:{args.http}"}
    if args.fresh_caches:
        env |= {"PIP_CACHE_DIR": str(work / "pip-cache"), "MAVEN_OPTS": f"-Dmaven.repo.local={work / 'm2'}"}
    base = f"http://127.0.0.1:{args.http}"

    started = time.monotonic()
    serve = subprocess.Popen(["./dev", "serve"], cwd=clone, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    steps, lines, key, tenants = {}, [], None, {}

    def read_output():
        nonlocal key
        for line in serve.stdout:
            line = line.rstrip()
            lines.append(line)
            found = _STEP.match(line)
            if found:
                steps[found.group(1)] = round(time.monotonic() - started, 1)
            if line.strip().startswith("mmk_"):
                key = line.strip()
            role = re.search(r"--role (buyer|sme) --tenant (\S+)", line)
            if role:
                tenants[role.group(1)] = role.group(2)
    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()

    ready_at, figures = None, {}
    try:
        while time.monotonic() - started < args.timeout and serve.poll() is None:
            if request(base, "GET", "/ready", None)[0] == 200:
                ready_at = round(time.monotonic() - started, 1)
                break
            time.sleep(0.5)
        if ready_at is None:
            sys.exit("no /ready: " + "\n".join(lines[-30:]))
        while key is None or "sme" not in tenants:    # printed just before gunicorn starts
            time.sleep(0.2)
        search = {"buyer": tenants["buyer"], "capabilities": ["cnc-milling"], "latitude": 21.0285,
                  "longitude": 105.8542, "max_distance_km": 30, "standards": [{"id": "iso-9001", "mandatory": True}]}
        need = {**search, "reference": f"first-start-{int(time.time())}", "title": "aluminium housings"}
        firsts = {}
        for name, call in [("POST /matches/search", ("POST", "/matches/search", search)),
                           ("POST /sourcing-requests", ("POST", "/sourcing-requests", need)),
                           ("GET /smes/{id}/priorities", ("GET", f"/smes/{tenants['sme']}/priorities", None)),
                           ("GET /openapi.json", ("GET", "/openapi.json", None))]:
            first = request(base, call[0], call[1], key, call[2])
            again = request(base, call[0], call[1], key, call[2])
            firsts[name] = {"status": [first[0], again[0]], "first_ms": first[1], "again_ms": again[1]}
        installed = steps.get("packages installed", 0.0)
        figures = {
            "date": date.today().isoformat(), "commit": head, "fresh_caches": args.fresh_caches,
            "cores": os.cpu_count(), "steps_s": steps, "ready_s": ready_at,
            "ready_after_packages_s": round(ready_at - installed, 1), "target_after_packages_s": 120,
            "first_requests": firsts,
        }
    finally:
        os.killpg(serve.pid, 15)
        serve.wait(timeout=60)
        venv_matchmaker = clone / ".venv" / "bin" / "matchmaker"
        if venv_matchmaker.exists():
            subprocess.run([str(venv_matchmaker), "neo4j", "stop"], cwd=clone, env=env, capture_output=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    publish("first_start", figures)


if __name__ == "__main__":
    main()
