"""The published yardstick: the B2B meeting-scheduling instances (JAIR 2022) with known optima,
solved by the same scheduler the API uses.

    .venv/bin/python benchmarks/bench_b2b.py [--time-limit 60] [--variants original] [--only tic-12]

Prints per instance: all meetings scheduled or not, breaks found against the known optimum, proven
optimal or not, seconds; and whether the schedule passed the validator. Variants other than the
originals have no published optimum here; for them it reports feasible or infeasible.
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import publish  # noqa: E402

from scheduling.dzn import read_dzn  # noqa: E402
from scheduling.solver import solve  # noqa: E402
from scheduling.validator import validate  # noqa: E402

INSTANCES = Path(os.environ.get("B2B_INSTANCES", ROOT.parent / "shared" / "b2b" / "instances"))
# JAIR 2022, Table 3 (d = 2): minimal total breaks of the original instances
KNOWN_OPTIMUM = {
    "forum-13crafc": 1, "forumt-14": 5, "forumt-14crafc": 5, "forumt-14crafd": 4, "forumt-14crafe": 5,
    "tic-12": 0, "tic-12crafc": 0, "tic-13": 0, "tic-13crafb": 0, "tic-13crafc": 4, "tic-14crafa": 0,
    "tic-14crafc": 0, "tic-14crafd": 0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--variants", default="original",
                        help="comma-separated: original, forb0003, forb0007, fixed020-Forb, fixed040-Forb, prec15, "
                             "prec25, or all")
    parser.add_argument("--only", default=None, help="comma-separated instance names")
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    variants = None if args.variants == "all" else set(args.variants.split(","))
    only = set(args.only.split(",")) if args.only else None
    rows = []
    print(f"{'instance':<32}{'all met':>8}{'breaks':>8}{'optimum':>8}{'proven':>8}{'status':>12}{'seconds':>9}{'valid':>7}")
    for path in sorted(INSTANCES.glob("*.dzn")):
        name, variant = path.name[:-len(".dzn")].split(".", 1)
        if (variants and variant not in variants) or (only and name not in only):
            continue
        event = read_dzn(path)
        result = solve(event, time_limit=args.time_limit, workers=args.workers)
        valid = result.schedule is not None and not validate(event, result.schedule)
        optimum = KNOWN_OPTIMUM.get(name) if variant == "original" else None
        row = {"instance": f"{name}.{variant}", "all_met": result.schedule is not None and not result.unmet,
               "breaks": result.breaks, "bound": result.breaks_bound, "known_optimum": optimum,
               "proven_optimal": result.status == "optimal", "status": result.status,
               "seconds": round(result.seconds, 1), "valid": valid if result.schedule else None,
               "explanation": result.explanation}
        rows.append(row)
        print(f"{row['instance']:<32}{str(row['all_met']):>8}{str(row['breaks']):>8}{str(optimum):>8}"
              f"{str(row['proven_optimal']):>8}{row['status']:>12}{row['seconds']:>9}{str(row['valid']):>7}",
              flush=True)
    originals = [r for r in rows if r["known_optimum"] is not None]
    summary = {"date": date.today().isoformat(), "time_limit_s": args.time_limit, "instances": len(rows),
               "originals": len(originals),
               "originals_at_known_optimum": sum(1 for r in originals if r["breaks"] == r["known_optimum"]),
               "originals_proven_optimal": sum(1 for r in originals if r["proven_optimal"]),
               "infeasible": sum(1 for r in rows if r["status"] == "infeasible"),
               "invalid_schedules": sum(1 for r in rows if r["valid"] is False), "cores": os.cpu_count()}
    publish("b2b", summary, {"summary": summary, "rows": rows})


if __name__ == "__main__":
    main()
