"""A synthetic event at the scale of Hanoi's investment conferences (1,500 participants, 6,000 meeting
requests, 16 slots, 200 tables), scheduled by the same scheduler the API uses, against a greedy
first-come-first-served scheduler in the same run.

    .venv/bin/python benchmarks/bench_conference.py [--time-limit 60] [--as-job]

--as-job solves as a schedule job does: in the worker's child process (matchmaker.jobs.solving.
solve_in_child) from the event alone (no greedy hint handed in), forwarding its progress and asked for
a heartbeat every 2 s; the wall clock includes starting that process.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import publish  # noqa: E402

from scheduling.model import breaks_of  # noqa: E402
from scheduling.solver import solve  # noqa: E402
from scheduling.greedy import greedy  # noqa: E402
from scheduling.synthetic import conference  # noqa: E402
from scheduling.validator import participant_slots, validate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--as-job", action="store_true", help="solve as a schedule job does (see above)")
    args = parser.parse_args()
    event = conference(seed=args.seed)
    weights = {m.id: m.weight for m in event.meetings}

    started = time.perf_counter()
    baseline = greedy(event)
    greedy_seconds = time.perf_counter() - started
    assert not validate(event, baseline), "the greedy baseline broke a rule"
    greedy_value = sum(weights[p.meeting] for p in baseline.placements)

    points, beats = [], []
    started = time.perf_counter()
    if args.as_job:
        from matchmaker.jobs.solving import solve_in_child
        result = solve_in_child(event, args.time_limit, points.append, lambda: beats.append(1) or True,
                                beat_seconds=2.0)
    else:
        result = solve(event, time_limit=args.time_limit, hint=baseline)
    wall = time.perf_counter() - started
    assert result.schedule is not None and not validate(event, result.schedule)
    held = len(result.schedule.placements)
    figures = {
        "date": date.today().isoformat(), "participants": len(event.participants), "requests": len(event.meetings),
        "slots": event.n_slots, "tables": event.n_tables, "time_limit_s": args.time_limit,
        "as_job": args.as_job, "wall_seconds": round(wall, 1), "progress_reports": len(points),
        "heartbeats": len(beats), "seconds": round(result.seconds, 1), "status": result.status,
        "meetings_held": held, "value_held": result.value, "value_upper_bound": result.value_bound,
        "value_over_bound": round(result.value / result.value_bound, 4),
        "meeting_capacity": event.n_slots * event.n_tables,
        "meetings_over_capacity_bound": round(held / (event.n_slots * event.n_tables), 4),
        "breaks": result.breaks, "breaks_bound": result.breaks_bound,
        "greedy_meetings": len(baseline.placements), "greedy_value": greedy_value,
        "greedy_seconds": round(greedy_seconds, 2),
        "value_over_greedy": round(result.value / greedy_value, 3),
        "greedy_breaks": sum(breaks_of(s) for s in participant_slots(event, baseline).values()),
        "cores": os.cpu_count(),
    }
    publish("conference", figures)


if __name__ == "__main__":
    main()
