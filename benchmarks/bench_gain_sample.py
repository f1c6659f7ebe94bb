"""How far the sampled mean score gain of a readiness report is from the exact one, and what it saves.

    .venv/bin/python benchmarks/bench_gain_sample.py [--smes 14] [--seed 99] [--rounds 2]

Needs the graph at Hanoi scale (`matchmaker seed --full`, requests ranked) and a model folder
(MATCHMAKER_MODEL_DIR). SMEs are drawn at random with ``--seed`` from every SME of the graph (none of them
chosen by how many requests they reach, as bench_readiness's are), and each report is computed in this
process twice: every request asking for an item measured (``gain_sample=None``, the reference), and at most
GAIN_SAMPLE of them (what the API does). Everything but the mean gains must be the same; the gains' errors,
the rows scored and the time of each are printed, in alternation so that both see the same machine.
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_matches import model_dir, percentile  # noqa: E402
from benchmarks.report import publish  # noqa: E402
from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402
from matchmaker.services.readiness import GAIN_SAMPLE, ReadinessService  # noqa: E402
from scoring.model import ModelStore, Scorer  # noqa: E402

GAIN_FIELDS = ("mean_score_gain", "score_gain_measured_on")


def _without_gains(report) -> dict:
    out = dataclasses.asdict(report)
    for item in out["items"]:
        for name in GAIN_FIELDS:
            item.pop(name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smes", type=int, default=14)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    graph = Graph(Neo4jSettings.from_env())
    store = ModelStore(str(model_dir()))
    service = ReadinessService(graph, store)
    ids = graph.read(lambda tx: [r["id"] for r in tx.run("MATCH (e:SME) RETURN e.id AS id ORDER BY id")])
    smes = random.Random(args.seed).sample(ids, min(args.smes, len(ids)))
    rows = {"exact": 0, "sampled": 0}
    scores = Scorer.scores

    def counting(kind):
        def scored(self, X):
            rows[kind] += len(X)
            return scores(self, X)
        return scored
    timings = {"exact": [], "sampled": []}
    errors, gains, differ, sampled_items, items = [], [], [], 0, 0
    for sme in smes:
        service.priorities(sme)      # warm: the requests' keep, the plans of the queries
        for _ in range(args.rounds):
            reports = {}
            for kind, size in (("exact", None), ("sampled", GAIN_SAMPLE)):
                Scorer.scores = counting(kind)
                started = time.perf_counter()
                reports[kind] = service.priorities(sme, gain_sample=size)
                timings[kind].append((time.perf_counter() - started) * 1000)
                Scorer.scores = scores
        exact, sampled = reports["exact"], reports["sampled"]
        if _without_gains(exact) != _without_gains(sampled):
            differ.append(sme)
        by_id = {(i.type, i.id): i for i in exact.items}
        for item in sampled.items:
            reference = by_id.get((item.type, item.id))
            if reference is None:
                continue
            items += 1
            if item.score_gain_measured_on < reference.score_gain_measured_on:
                sampled_items += 1
                errors.append(abs(item.mean_score_gain - reference.mean_score_gain))
                gains.append(abs(reference.mean_score_gain))
    reports_timed = len(smes) * args.rounds
    figures = {
        "date": date.today().isoformat(), "smes": len(smes), "seed": args.seed, "rounds": args.rounds,
        "scorer": store.active().version, "gain_sample": GAIN_SAMPLE,
        "items": items, "items_sampled": sampled_items,
        "reports_differing_beyond_gains": differ,
        "gain_error_p50": round(statistics.median(errors), 4) if errors else None,
        "gain_error_p90": round(percentile(errors, 0.9), 4) if errors else None,
        "gain_error_max": round(max(errors), 4) if errors else None,
        "gain_of_sampled_items_p50": round(statistics.median(gains), 4) if gains else None,
        "rows_scored_per_report_exact": round(rows["exact"] / reports_timed),
        "rows_scored_per_report_sampled": round(rows["sampled"] / reports_timed),
        "report_ms_p50_exact": round(statistics.median(timings["exact"]), 1),
        "report_ms_p50_sampled": round(statistics.median(timings["sampled"]), 1),
        "report_ms_p95_exact": round(percentile(timings["exact"], 0.95), 1),
        "report_ms_p95_sampled": round(percentile(timings["sampled"], 0.95), 1),
    }
    publish("gain_sample", figures)
    if differ:
        sys.exit(f"reports differ beyond the mean gains for {differ}")


if __name__ == "__main__":
    main()
