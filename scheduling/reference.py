"""The untuned reference: a plain CP-SAT model of the B2B problem, the baseline the scheduler is measured
against (issue 14). Deliberately plain, and it must stay so: no hints, no first schedule, no implied
constraints, no symmetry breaking, no search strategy, default parameters except the time limit and
the number of workers.

Model: one Boolean per meeting and allowed slot (its session, both participants free, its fixed slot),
exactly one slot per meeting (every meeting is held, as in the published problem), at most one meeting
per participant and slot, at most ``n_tables`` meetings per slot, each precedence as slot(earlier) <
slot(later); a participant's breaks are its blocks of consecutive busy slots minus one; fairness
max - min <= d over all participants; minimise the total breaks.
"""
from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model import Event, Placement, Schedule, breaks_of
from .validator import participant_slots

OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN = "optimal", "feasible", "infeasible", "unknown"


@dataclass
class ReferenceResult:
    status: str                        # optimal, feasible, infeasible or unknown (nothing in time)
    schedule: Schedule | None = None
    breaks: int | None = None
    breaks_bound: int | None = None
    seconds: float = 0.0

    @property
    def proven(self) -> bool:
        """Proven optimal (an infeasible status is a proof too, of another kind)."""
        return self.status == OPTIMAL


def solve_reference(event: Event, time_limit: float = 60.0, workers: int = 2) -> ReferenceResult:
    """Fewest total breaks by the plain model, within ``time_limit`` seconds on ``workers`` workers."""
    started = time.monotonic()
    if any(p.max_meetings is not None or p.hosted_table is not None for p in event.participants):
        raise ValueError("meeting limits and hosted tables are not part of the published problem")
    m = cp_model.CpModel()
    T = event.n_slots
    x: list[dict[int, cp_model.IntVar]] = []
    for k, meeting in enumerate(event.meetings):
        x.append({t: m.NewBoolVar(f"x{k}_{t}") for t in event.allowed_slots(meeting)})
        if x[k]:
            m.AddExactlyOne(x[k].values())
        else:
            m.AddBoolOr([])                       # no slot it may take: no schedule
    of: dict[str, list[int]] = defaultdict(list)
    for k, meeting in enumerate(event.meetings):
        of[meeting.a].append(k)
        of[meeting.b].append(k)
    for t in range(T):
        here = [x[k][t] for k in range(len(event.meetings)) if t in x[k]]
        if here:
            m.Add(sum(here) <= event.n_tables)
    slot = []
    for k in range(len(event.meetings)):
        s = m.NewIntVar(0, max(T - 1, 0), f"slot{k}")
        m.Add(s == sum(t * v for t, v in x[k].items()))
        slot.append(s)
    index = {meeting.id: k for k, meeting in enumerate(event.meetings)}
    for earlier, later in event.precedences:
        m.Add(slot[index[earlier]] < slot[index[later]])
    breaks = []
    for p in event.participants:
        ks = of.get(p.id, [])
        busy = []
        for t in range(T):
            here = [x[k][t] for k in ks if t in x[k]]
            if not here:
                busy.append(None)
                continue
            m.AddAtMostOne(here)
            b = m.NewBoolVar(f"busy{p.id}_{t}")
            m.Add(b == sum(here))
            busy.append(b)
        starts = []                               # start of a block: busy now, idle in the slot before
        for t in range(T):
            if busy[t] is None:
                continue
            before = busy[t - 1] if t > 0 else None
            if before is None:
                starts.append(busy[t])
                continue
            s = m.NewBoolVar(f"start{p.id}_{t}")
            m.AddImplication(s, busy[t])
            m.AddImplication(s, before.Not())
            m.AddBoolOr([busy[t].Not(), before, s])
            starts.append(s)
        if ks:
            br = m.NewIntVar(0, T, f"breaks{p.id}")
            m.Add(br == sum(starts) - 1)
            breaks.append(br)
        else:
            breaks.append(0)
    if event.fairness is not None and breaks:
        hi, lo = m.NewIntVar(0, T, "most_breaks"), m.NewIntVar(0, T, "fewest_breaks")
        for br in breaks:
            m.Add(hi >= br)
            m.Add(lo <= br)
        m.Add(hi - lo <= event.fairness)
    total = sum(breaks)
    m.Minimize(total)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (time.monotonic() - started))
    solver.parameters.num_workers = workers
    status = solver.Solve(m)
    if status == cp_model.INFEASIBLE:
        return ReferenceResult(INFEASIBLE, seconds=time.monotonic() - started)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.MODEL_INVALID:
            raise ValueError(m.Validate())
        return ReferenceResult(UNKNOWN, seconds=time.monotonic() - started)
    slots = {meeting.id: t for k, meeting in enumerate(event.meetings) for t, v in x[k].items() if solver.Value(v)}
    schedule = _with_tables(slots)
    found = sum(breaks_of(s) for s in participant_slots(event, schedule).values())
    bound = min(found, max(0, math.ceil(solver.BestObjectiveBound() - 1e-6)))
    return ReferenceResult(OPTIMAL if status == cp_model.OPTIMAL else FEASIBLE, schedule, found, bound,
                           time.monotonic() - started)


def _with_tables(slots: dict[str, int]) -> Schedule:
    """Tables 0, 1, ... in each slot, in the order of the meetings."""
    used: dict[int, int] = defaultdict(int)
    placements = []
    for meeting, t in slots.items():
        placements.append(Placement(meeting, t, used[t]))
        used[t] += 1
    return Schedule(tuple(placements))
