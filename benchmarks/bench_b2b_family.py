"""The scheduler and the untuned reference side by side, on the same instances and the same cores.

    .venv/bin/python benchmarks/bench_b2b_family.py --set published|training|held-out [--time-limit 60]
        [--workers 2] [--n 24] [--limit N] [--variants original,...] [--busy-core] [--json out.json]

Per instance, one after the other: our scheduler (scheduling.solver.solve) and the plain CP-SAT model
(scheduling.reference). Prints for both: schedule or not, breaks, bound, proven, seconds (wall clock,
measured here), and the ratios ours / reference. Every returned schedule is checked by the validator;
an invalid schedule, a crash, "infeasible" on an instance known feasible, or a bound above a known
value (known optimum, planted schedule, the other side's schedule) is a loud failure (exit status 1).

What is known: published originals are feasible (known optimum); generated instances carry their
feasibility by construction (scheduling/generator.py); other instances are unknown unless a schedule
is found (feasible) or simple counting shows none exists (infeasible).

--set held-out is for the report only: no strategy may be chosen or tuned by looking at it.
--busy-core keeps one core busy with another process for the whole run (killed at the end).
"""
from __future__ import annotations

import argparse
import json
import math
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

from scheduling.dzn import read_dzn  # noqa: E402
from scheduling.generator import evident_infeasibility, held_out_set, training_set  # noqa: E402
from scheduling.model import Event  # noqa: E402
from scheduling.reference import solve_reference  # noqa: E402
from scheduling.solver import solve  # noqa: E402
from scheduling.validator import validate  # noqa: E402

from benchmarks.bench_b2b import INSTANCES, KNOWN_OPTIMUM  # noqa: E402  (one list of the published optima)
SIDES = ("ours", "reference")


def published(variants: set[str] | None) -> list[dict]:
    out = []
    for path in sorted(INSTANCES.glob("*.dzn")):
        name, variant = path.name[:-len(".dzn")].split(".", 1)
        if variants and variant not in variants:
            continue
        event = read_dzn(path)
        optimum = KNOWN_OPTIMUM.get(name) if variant == "original" else None
        why = evident_infeasibility(event) or ""
        out.append({"name": f"{name}.{variant}", "family": variant, "event": event,
                    "feasible": True if optimum is not None else (False if why else None),
                    "known_optimum": optimum, "upper": optimum, "why": why})
    return out


def generated(which: str, n: int) -> list[dict]:
    instances = training_set(n) if which == "training" else held_out_set(n)
    return [{"name": i.name, "family": i.family, "event": i.event, "feasible": i.feasible, "known_optimum": None,
             "upper": i.planted_breaks, "why": i.why} for i in instances]


def run_side(side: str, event: Event, time_limit: float, workers: int) -> dict:
    """One solve, timed here; the schedule checked by the validator."""
    started = time.monotonic()
    try:
        if side == "ours":
            result = solve(event, time_limit=time_limit, workers=workers)
            proven = result.status == "optimal"
        else:
            result = solve_reference(event, time_limit=time_limit, workers=workers)
            proven = result.proven
    except Exception as err:  # a crash is a result too, and a loud one
        return {"status": "error", "schedule": False, "valid": None, "breaks": None, "bound": None,
                "proven": False, "seconds": round(time.monotonic() - started, 2), "error": repr(err)[:300]}
    seconds = time.monotonic() - started
    violations = validate(event, result.schedule) if result.schedule is not None else []
    return {"status": result.status, "schedule": result.schedule is not None,
            "valid": (not violations) if result.schedule is not None else None,
            "violations": [f"{v.constraint}: {v.detail}" for v in violations[:5]],
            "breaks": result.breaks if result.schedule is not None else None,
            "bound": result.breaks_bound, "proven": proven, "seconds": round(seconds, 2), "error": None}


def failures_of(row: dict) -> list[str]:
    """Everything about this row that must never happen."""
    out = []
    good = {s: row[s]["schedule"] and row[s]["valid"] for s in SIDES}
    for s in SIDES:
        r = row[s]
        if r["error"]:
            out.append(f"{s} crashed: {r['error']}")
        if r["schedule"] and not r["valid"]:
            out.append(f"{s} returned an INVALID schedule: {r['violations']}")
        if r["status"] == "infeasible" and (row["feasible"] or any(good.values())):
            out.append(f"{s} says infeasible, but a schedule exists")
        if good[s] and row["feasible"] is False:
            out.append(f"{s} found a valid schedule on an instance built infeasible ({row['why']})")
        bound = r["bound"]
        if bound is not None and r["schedule"]:
            known = [v for v in (row["upper"],) if v is not None]
            known += [row[o]["breaks"] for o in SIDES if good[o]]
            if known and bound > min(known):
                out.append(f"{s} reports bound {bound}, above a known schedule's {min(known)} breaks")
    return out


def ratio(a, b):
    if a is None or b is None:
        return None
    if b == 0:
        return 1.0 if a == 0 else math.inf
    return a / b


def summary_of(rows: list[dict], args) -> dict:
    feasible = [r for r in rows if r["feasible"] or any(r[s]["schedule"] and r[s]["valid"] for s in SIDES)]
    infeasible = [r for r in rows if r["feasible"] is False]
    known = {id(r) for r in feasible + infeasible}
    unknown = [r for r in rows if id(r) not in known]
    out = {"date": date.today().isoformat(), "set": args.set, "instances": len(rows), "time_limit_s": args.time_limit,
           "workers": args.workers, "busy_core": args.busy_core, "cores": os.cpu_count(),
           "feasible": len(feasible), "infeasible_known": len(infeasible), "unknown": len(unknown)}
    for s in SIDES:
        scheduled = sum(1 for r in feasible if r[s]["schedule"] and r[s]["valid"])
        out[f"{s}_with_schedule"] = f"{scheduled}/{len(feasible)}"
        out[f"{s}_share_with_schedule"] = round(scheduled / len(feasible), 3) if feasible else None
        proven = sum(1 for r in feasible if r[s]["proven"])
        out[f"{s}_share_proven_optimal"] = round(proven / len(feasible), 3) if feasible else None
        out[f"{s}_worst_seconds"] = max((r[s]["seconds"] for r in rows), default=None)
        out[f"{s}_over_time_limit"] = sum(1 for r in rows if r[s]["seconds"] > args.time_limit + 1.0)
        right = sum(1 for r in infeasible if r[s]["status"] == "infeasible")
        out[f"{s}_status_right_on_infeasible"] = f"{right}/{len(infeasible)}"
        at = [r for r in rows if r["known_optimum"] is not None]
        if at:
            out[f"{s}_at_known_optimum"] = f"{sum(1 for r in at if r[s]['breaks'] == r['known_optimum'])}/{len(at)}"
        if unknown:
            out[f"{s}_infeasible_on_unknown"] = sum(1 for r in unknown if r[s]["status"] == "infeasible")
    both = [r for r in rows if r["ratio_breaks"] is not None]
    out["median_breaks_ratio"] = statistics.median(r["ratio_breaks"] for r in both) if both else None
    out["ours_no_worse_than_reference"] = f"{sum(1 for r in both if r['ours']['breaks'] <= r['reference']['breaks'])}" \
                                          f"/{len(both)}"
    out["ours_schedule_where_reference_has_none"] = sum(
        1 for r in feasible if r["ours"]["schedule"] and not r["reference"]["schedule"])
    out["reference_schedule_where_ours_has_none"] = sum(
        1 for r in feasible if r["reference"]["schedule"] and not r["ours"]["schedule"])
    out["failures"] = sum(len(r["failures"]) for r in rows)
    return out


def cell(r: dict) -> str:
    status = {"optimal": "opt", "feasible": "feas", "infeasible": "infeas", "unknown": "none", "error": "ERROR"}
    return (f"{status.get(r['status'], r['status']):>7}{str(r['breaks'] if r['breaks'] is not None else '-'):>6}"
            f"{str(r['bound'] if r['bound'] is not None else '-'):>6}{('yes' if r['proven'] else 'no'):>4}"
            f"{r['seconds']:>7.1f}")


def fmt(x) -> str:
    return "-" if x is None else ("inf" if x == math.inf else f"{x:.2f}")


def plain(value):
    """JSON-safe: an infinite ratio (reference at 0 breaks, ours above) written as "inf"."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return "inf" if value == math.inf else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=("published", "training", "held-out"), default="published")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--n", type=int, default=24, help="generated instances (training, held-out)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N instances")
    parser.add_argument("--variants", default=None, help="published only: comma-separated, e.g. original")
    parser.add_argument("--busy-core", action="store_true", help="keep one core busy with another process")
    parser.add_argument("--json", default=None, help="write the rows and the summary here")
    args = parser.parse_args()

    if args.set == "published":
        instances = published(set(args.variants.split(",")) if args.variants else None)
    else:
        instances = generated(args.set, args.n)
    instances = instances[:args.limit] if args.limit else instances
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.busy_core else None
    rows = []
    try:
        print(f"set={args.set} time_limit={args.time_limit}s workers={args.workers} cores={os.cpu_count()} "
              f"busy_core={'pid %d' % busy.pid if busy else 'no'}")
        print(f"{'instance':<40}{'known':>7} |{'ours':>7}{'brk':>6}{'bnd':>6}{'opt':>4}{'sec':>7} |"
              f"{'ref':>7}{'brk':>6}{'bnd':>6}{'opt':>4}{'sec':>7} |{'brk o/r':>8}{'sec o/r':>8}", flush=True)
        for inst in instances:
            row = {"instance": inst["name"], "family": inst["family"], "feasible": inst["feasible"],
                   "why": inst["why"], "known_optimum": inst["known_optimum"], "upper": inst["upper"],
                   "meetings": len(inst["event"].meetings), "participants": len(inst["event"].participants)}
            for s in SIDES:
                row[s] = run_side(s, inst["event"], args.time_limit, args.workers)
            row["ratio_breaks"] = ratio(row["ours"]["breaks"], row["reference"]["breaks"])
            row["ratio_seconds"] = ratio(row["ours"]["seconds"], row["reference"]["seconds"])
            row["failures"] = failures_of(row)
            rows.append(row)
            known = {True: "feas", False: "infeas", None: "?"}[inst["feasible"]]
            print(f"{inst['name']:<40}{known:>7} |{cell(row['ours'])} |{cell(row['reference'])} |"
                  f"{fmt(row['ratio_breaks']):>8}{fmt(row['ratio_seconds']):>8}", flush=True)
            for failure in row["failures"]:
                print(f"!!! FAILURE {inst['name']}: {failure}", file=sys.stderr, flush=True)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
    summary = summary_of(rows, args)
    saved = plain({"summary": summary, "rows": rows})
    if args.json:
        Path(args.json).write_text(json.dumps(saved, indent=2))
    publish(f"b2b_family_{args.set.replace('-', '_')}{'_busy' if args.busy_core else ''}", summary, saved)
    if summary["failures"]:
        print(f"!!! {summary['failures']} FAILURE(S): see the lines marked !!! above", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
