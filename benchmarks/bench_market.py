"""The learning curve of the supplier scorer on a simulated market, through the real API and training.

    .venv/bin/python benchmarks/bench_market.py [--variant default|alt|N] [--seed 1]
        [--outcomes 0,500,1000,3000,10000] [--enterprises 3000] [--heldout-requests 90] [--quick]

What it does (issue 13, item 6; the simulator is ``benchmarks/market.py``):

1. Starts its own Neo4j (``LocalServer`` on ``--neo4j-home``, default ``.local/market/neo4j``, Bolt port
   ``--port``, default 7795), deletes everything in THAT database, applies the schema and loads the
   seeded demo (``seeds.generator.generate(--enterprises, --demo-seed)``).
2. Runs the app in process three times over that graph, each with its own temporary model folder:
   ``rule`` (no model is ever trained there, so the transparent rule-based baseline ranks, as the
   README says it does before any training), ``shipped`` (trained once on the bootstrap set only,
   as ``./dev serve`` does with ``matchmaker model train``) and ``learned`` (trained the same way at
   first, then retrained with ``POST /model/train`` after each point of the curve; whatever
   ``GET /model`` then calls active is what ranks).
3. Holds out a share of the buyers (each origin group) and ``--heldout-requests`` of their requests:
   no training outcome comes from them. Training buyers post requests, rank them through
   ``GET /sourcing-requests/{id}/matches`` on the ``learned`` app (what buyers would see), contact the
   top 10 and 5 lower ones down to rank 50, and record each outcome with ``POST /outcomes``, dated
   forward over two simulated years ending yesterday.
4. At each point of the curve, ranks every held-out request with each app (the whole candidate list)
   and prints NDCG@10 against the simulator's true utilities (graded 0-4 from the true chance of a good
   contact), random order of the same candidates, and the paired bootstrap 95% interval of learned
   minus rule over held-out requests. The oracle is 1.0 by construction; the "ceiling of these outcomes"
   is the best any learner could do with the outcomes recorded so far: each buyer's exact weights, and
   each supplier's hidden reliability as its recorded outcomes reveal it (Bayes posterior from a N(0, 1)
   prior), candidates ranked by expected gain.

The script tunes nothing: it reports what the product's training does with these outcomes.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import market as mk  # noqa: E402

DEFAULT_HOME = ROOT / ".local" / "market" / "neo4j"
DEFAULT_PORT = 7795
RANKERS = ("rule", "shipped", "learned")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--variant", default="default", help="default (0), alt (1) or another integer")
    p.add_argument("--seed", type=int, default=1, help="the simulator's seed (preferences, reliability, contacts)")
    p.add_argument("--demo-seed", type=int, default=7, help="the demo generator's seed (./dev serve uses 7)")
    p.add_argument("--outcomes", default="0,500,1000,3000,10000", help="points of the curve (recorded outcomes)")
    p.add_argument("--enterprises", type=int, default=3000)
    p.add_argument("--heldout-requests", type=int, default=90)
    p.add_argument("--heldout-share", type=float, default=1 / 3, help="share of each origin group's buyers held out")
    p.add_argument("--min-candidates", type=int, default=15, help="held-out requests need this many candidates")
    p.add_argument("--bootstrap", choices=["true", "false"], default="true",
                   help="POST /model/train?bootstrap=... for the learned model (the product's default: true)")
    p.add_argument("--contacts", default="10,5,50", help="top, lower, depth: contact the top N and M more down to depth")
    p.add_argument("--quick", action="store_true",
                   help="a small run for CI-sized checks: 1,000 firms, 20 held-out requests, outcomes 0,150,300")
    p.add_argument("--neo4j-home", default=str(DEFAULT_HOME))
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--keep-neo4j", action="store_true", help="leave the script's Neo4j running afterwards")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--dump", help="a folder: at each point, write the learned app's training set and the held-out "
                                  "requests' candidates (features, true grades) as .npz, to study learners offline "
                                  "on a development market (never on the markets the README reports)")
    args = p.parse_args(argv)
    if args.quick:
        args.enterprises = min(args.enterprises, 1000)
        args.heldout_requests = min(args.heldout_requests, 20)
        if args.outcomes == p.get_default("outcomes"):
            args.outcomes = "0,150,300"
    args.points = sorted({int(x) for x in args.outcomes.split(",") if x.strip()})
    args.top, args.lower, args.depth = (int(x) for x in args.contacts.split(","))
    return args


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def start_graph(args):
    from graph_schema import apply_migrations
    from matchmaker.config import Neo4jSettings
    from matchmaker.db import Graph
    from matchmaker.localdb import LocalServer

    home = Path(args.neo4j_home).resolve()
    server = LocalServer(home=home, port=args.port, heap="1g", pagecache="256m")
    server.start(echo=log)
    settings = Neo4jSettings(uri=server.uri)
    graph = Graph(settings)
    # This database is the script's own (its own folder and port): it starts from nothing each run.
    while graph.write(lambda tx: tx.run("MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS c").single()["c"]):
        pass
    apply_migrations(graph.driver, settings.database)
    return server, settings, graph


def make_clients(settings, graph, model_root: Path):
    from matchmaker import create_app
    from matchmaker.config import Settings
    from matchmaker.services.access import KeyService

    _, key = KeyService(graph).issue("admin", None, label="bench_market")
    apps, clients = {}, {}
    for name in RANKERS:
        app = create_app(Settings(neo4j=settings, model_dir=str(model_root / name)))
        app.config["TESTING"] = True
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        apps[name], clients[name] = app, client
    return apps, clients


def accepts_shown_rank(client) -> bool:
    """Whether POST /outcomes documents a ``shown_rank`` field (read from the OpenAPI document)."""
    doc = client.get("/openapi.json").get_json() or {}
    schema = doc.get("components", {}).get("schemas", {}).get("OutcomeIn", {})
    return "shown_rank" in schema.get("properties", {})


def train(client, bootstrap: bool) -> dict:
    started = time.perf_counter()
    response = client.post(f"/model/train?bootstrap={'true' if bootstrap else 'false'}")
    trained = response.get_json() or {}
    if response.status_code not in (200, 201):
        log(f"train answered {response.status_code}: {json.dumps(trained)[:300]}")
    info = mk._json(client.get("/model"), 200)
    return {"status": response.status_code, "trained": trained.get("version"), "active": info.get("active"),
            "decision": trained.get("decision"), "seconds": round(time.perf_counter() - started, 1)}


def heldout_requests(args, driver, client, buyers, rng):
    """Requests of held-out buyers, round-robin, each with at least ``min_candidates`` candidates."""
    out, tries, i = [], 0, 0
    while len(out) < args.heldout_requests and tries < args.heldout_requests * 20:
        buyer = buyers[tries % len(buyers)]
        tries += 1
        need = mk.draw_need(rng, buyer)
        request_id = driver.create_request(client, need, f"SIM-H-{args.seed}-{i}")
        i += 1
        body = mk._json(client.get(f"/sourcing-requests/{request_id}/matches?per_page=1"), 200)
        if body["total"] < args.min_candidates:
            driver.delete_request(client, request_id)
            continue
        out.append((request_id, need))
    return out


def evaluate(args, driver, clients, heldout, point, posteriors, dump=None):
    """NDCG@10 per held-out request for each ranker and random order, against the true grades; and the
    ceiling: exact buyer weights with each supplier's reliability as the recorded outcomes reveal it."""
    per = {name: [] for name in (*RANKERS, "random", "visible", "ceiling")}
    versions = {}
    for n, (request_id, need) in enumerate(heldout):
        rankings = {}
        for name in RANKERS:
            ids, body = driver.ranking(clients[name], request_id, depth=300)
            rankings[name] = ids
            versions[name] = body["model_version"]
        candidates = set().union(*rankings.values())
        grades = driver.grades(need, candidates)
        values = {name: mk.ndcg_at_k(rankings[name], grades) for name in RANKERS}
        values["random"] = mk.random_ndcg(grades, seed=n)
        values["visible"] = mk.ndcg_at_k(driver.visible_order(need, candidates), grades)
        values["ceiling"] = mk.ndcg_at_k(driver.bayes_order(need, candidates, posteriors), grades)
        if values["rule"] is None:         # no candidate with any relevance: nothing to rank
            continue
        for name, v in values.items():
            per[name].append(v)
        if dump is not None:
            rows = candidate_features(clients["learned"], request_id)
            dump.append({"need": need, "ids": [r[0] for r in rows], "X": [r[1] for r in rows],
                         "grades": [mk.grade(driver.probability(need, r[0])) for r in rows]})
    return per, versions


def candidate_features(client, request_id: str) -> list:
    """(supplier id, feature vector in FEATURES order) of every candidate of a request, as the API shows them."""
    from scoring.features import FEATURES
    return [(i["supplier"]["id"], [i["features"][f] for f in FEATURES])
            for body in mk.matched_pages(client, request_id) for i in body["items"]]


def dump_point(folder: Path, point: int, apps, heldout_rows: list) -> None:
    """The learned app's training set (as its training builds it) and the held-out candidates, as .npz."""
    import numpy as np
    from matchmaker.services.learning import LearningService
    app = apps["learned"]
    with app.app_context():
        data = LearningService(app.extensions["graph"], None).dataset(True)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / f"train_{point}.npz", **{k: np.asarray(v) for k, v in data.items() if k != "sources"})
    np.savez_compressed(folder / f"heldout_{point}.npz",
                        request=np.concatenate([[k] * len(r["ids"]) for k, r in enumerate(heldout_rows)]),
                        ids=np.concatenate([r["ids"] for r in heldout_rows]),
                        buyers=np.concatenate([[r["need"]["buyer"]] * len(r["ids"]) for r in heldout_rows]),
                        X=np.vstack([np.array(r["X"], dtype=float) for r in heldout_rows]),
                        grades=np.concatenate([r["grades"] for r in heldout_rows]))


def summary(point, per, versions, training, seed):
    row = {"outcomes": point, "requests": len(per["rule"]), "versions": versions, "training": training}
    for name, values in per.items():
        row[name] = sum(values) / len(values) if values else float("nan")
    row["learned_minus_rule"] = mk.paired_interval(per["learned"], per["rule"], seed=seed)
    row["learned_minus_shipped"] = mk.paired_interval(per["learned"], per["shipped"], seed=seed)
    return row


def code_version() -> str:
    """HEAD, and whether the code that ranks and trains had uncommitted changes when the run started."""
    import subprocess
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "scoring", "matchmaker", "seeds"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in scoring/, matchmaker/ or seeds/" if dirty else "")


def print_table(args, rows, extra):
    print(f"\nbench_market: variant={args.variant} seed={args.seed} enterprises={args.enterprises} "
          f"held-out requests={rows[0]['requests'] if rows else 0} of {extra['heldout_buyers']} buyers "
          f"(training buyers {extra['training_buyers']}), contacts top {args.top} + {args.lower} to rank "
          f"{args.depth}, train bootstrap={args.bootstrap}, shown_rank sent={extra['shown_rank']}, "
          f"code {extra['code']}\n")
    print("| outcomes | rule | shipped | learned | random | truth without reliability | ceiling of these outcomes "
          "| learned - rule [95% CI] | learned - shipped [95% CI] | learned: active version (last trained) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        d, s = r["learned_minus_rule"], r["learned_minus_shipped"]
        t = r["training"]
        trained = "" if t.get("trained") in (None, r["versions"].get("learned")) else f" ({t['trained']} kept)"
        print(f"| {r['outcomes']:,} | {r['rule']:.3f} | {r['shipped']:.3f} | {r['learned']:.3f} | {r['random']:.3f} "
              f"| {r['visible']:.3f} | {r['ceiling']:.3f} | {d[0]:+.3f} [{d[1]:+.3f}, {d[2]:+.3f}] | {s[0]:+.3f} [{s[1]:+.3f}, {s[2]:+.3f}] "
              f"| {r['versions'].get('learned')}{trained} |")
    print(f"\noracle: 1.000 (by construction); shipped {extra['shipped']}; {extra['training_requests']} training "
          f"requests; took {extra['seconds']:.0f} s")


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    code = code_version()
    from seeds.generator import generate
    from seeds.load import load

    server, settings, graph = start_graph(args)
    model_root = Path(tempfile.mkdtemp(prefix="bench-market-models-"))
    apps = {}
    try:
        log(f"loading the demo: {args.enterprises} firms, seed {args.demo_seed}")
        data = generate(args.enterprises, args.demo_seed)
        load(graph, data)
        today = date.today()
        world = mk.World.from_demo(data, today)
        preferences = mk.make_preferences(world.buyers, args.seed, args.variant)
        reliability = mk.make_reliability(world.suppliers, args.seed, args.variant)
        train_buyers, held_buyers = mk.split_buyers(world.buyers, args.heldout_share, args.seed)
        apps, clients = make_clients(settings, graph, model_root)
        shown_rank = accepts_shown_rank(clients["learned"])
        driver = mk.MarketDriver(world, preferences, reliability, args.seed, shown_rank)
        bootstrap = args.bootstrap == "true"

        log("training the shipped model (bootstrap only), for the 'shipped' and 'learned' apps")
        shipped = train(clients["shipped"], True)
        first = train(clients["learned"], True)
        log(f"shipped: {shipped}; learned starts from {first}")
        rng = random.Random(f"market-requests:{args.seed}")
        heldout = heldout_requests(args, driver, clients["learned"], held_buyers, rng)
        log(f"{len(heldout)} held-out requests of {len(held_buyers)} buyers; {len(train_buyers)} training buyers")

        rows, recorded, n_requests, target_total = [], 0, 0, max(args.points)
        contacts = []      # (supplier, visible utility, reliability weight, good?) of every recorded outcome
        first_day, span = today - timedelta(days=730), 729
        training = first
        for point in args.points:
            t0 = time.perf_counter()
            while recorded < point:
                buyer = train_buyers[rng.randrange(len(train_buyers))]
                need = mk.draw_need(rng, buyer)
                request_id = driver.create_request(clients["learned"], need, f"SIM-T-{args.seed}-{n_requests}")
                n_requests += 1
                ranked, _ = driver.ranking(clients["learned"], request_id, depth=args.depth)
                day = first_day + timedelta(days=int(span * recorded / max(1, target_total)))
                done = driver.contact(clients["learned"], request_id, need, ranked, day, limit=point - recorded,
                                      top=args.top, lower=args.lower, depth=args.depth)
                recorded += len(done)
                contacts += [(r["supplier"], r["visible_utility"], r["reliability_weight"],
                              r["outcome"] != "no_interest") for r in done if r["visible_utility"] is not None]
            if point > 0:
                log(f"{recorded} outcomes over {n_requests} requests ({time.perf_counter() - t0:.0f} s); training")
                training = train(clients["learned"], bootstrap)
                log(f"trained: {training}")
            t0 = time.perf_counter()
            dumped = [] if args.dump and point > 0 else None
            per, versions = evaluate(args, driver, clients, heldout, point, mk.reliability_posteriors(contacts), dumped)
            if dumped:
                dump_point(Path(args.dump), point, apps, dumped)
            rows.append(summary(point, per, versions, training, args.seed))
            r = rows[-1]
            log(f"{point} outcomes: rule {r['rule']:.3f} shipped {r['shipped']:.3f} learned {r['learned']:.3f} "
                f"random {r['random']:.3f} (evaluated in {time.perf_counter() - t0:.0f} s)")
        extra = {"code": code, "heldout_buyers": len(held_buyers), "training_buyers": len(train_buyers), "shown_rank": shown_rank,
                 "seconds": time.perf_counter() - started, "training_requests": n_requests,
                 "shipped": rows[0]["versions"].get("shipped") if rows else None}
        print_table(args, rows, extra)
        if args.json:
            Path(args.json).write_text(json.dumps({"args": {k: v for k, v in vars(args).items()}, "rows": rows,
                                                   **extra}, indent=2, default=str))
    finally:
        for app in apps.values():
            app.extensions["graph"].close()
        graph.close()
        shutil.rmtree(model_root, ignore_errors=True)
        if not args.keep_neo4j:
            server.stop(echo=log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
