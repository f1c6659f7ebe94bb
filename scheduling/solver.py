"""The meeting scheduler: OR-Tools CP-SAT, lexicographic objectives.

1. The weighted value of the meetings held (all of them when all fit; required ones always).
2. Then the number of breaks (a run of idle slots between two of a participant's meetings), under a
   fairness bound on how far apart two participants' breaks may be, and (when re-solving on the day)
   the number of meetings moved from the previous schedule.

How: phase 1 is CP-SAT, started from a greedy schedule in min-cost-flow order. Phase 2 is anytime and
depends on nothing particular to one event: a first valid schedule (phase 1's, greedy, or a plain CP-SAT
model stopped at its first solution), then a portfolio from it: core-guided MaxSAT proving the fewest
breaks in its own process while CP-SAT improves the schedule on the plain model (events up to 1,000
meetings); "at most k breaks" questions at the proven bound; local moves and swaps; CP-SAT on the model
with implied constraints for the time left; and last, at no more breaks, meetings moved as early in
the day as the rules allow. Each phase starts from the best schedule so far; the answer is the best
valid schedule found, with its proven bound.

Every meeting gets a table; every returned schedule passes the validator.
"""
from __future__ import annotations

import math
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from .local import improve_breaks
from .maxsat import MaxSatSearch
from .model import Event, Placement, Schedule, breaks_of
from .validator import participant_slots, validate

OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN = "optimal", "feasible", "infeasible", "unknown"


@dataclass
class SolveResult:
    status: str                                  # optimal, feasible, infeasible or unknown (no answer in time)
    schedule: Schedule | None = None
    value: int = 0                               # weighted meetings held
    value_bound: int = 0
    breaks: int | None = None
    breaks_bound: int | None = None
    moved: int | None = None                     # meetings moved from the previous schedule
    gap: float | None = None                     # relative gap of the breaks objective
    unmet: list[dict] = field(default_factory=list)
    breaks_by_participant: dict[str, int] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)
    seconds: float = 0.0
    progress: list[dict] = field(default_factory=list)   # each improvement: stage, how, numbers, seconds


class _Model:
    """CP-SAT variables of one event: x[m][t] = meeting m in slot t."""

    def __init__(self, event: Event, keep: Schedule | None, with_breaks: bool = True, implied: bool = True):
        self.event = event
        self.implied = implied
        self.leaning = None     # with the reversal symmetry break: > 0 for a schedule it excludes
        self.keep = keep
        self.model = cp_model.CpModel()
        m = self.model
        self.meetings = list(event.meetings)
        self.index = {meeting.id: k for k, meeting in enumerate(self.meetings)}
        self.x: list[dict[int, cp_model.IntVar]] = []
        self.held = []
        for k, meeting in enumerate(self.meetings):
            slots = event.allowed_slots(meeting)
            self.x.append({t: m.NewBoolVar(f"x{k}_{t}") for t in slots})
            held = m.NewBoolVar(f"held{k}")
            m.Add(sum(self.x[k].values()) == held)
            if meeting.required:
                m.Add(held == 1)
            self.held.append(held)
        T = event.n_slots
        people = event.participant_index
        self.of: dict[str, list[int]] = defaultdict(list)
        for k, meeting in enumerate(self.meetings):
            self.of[meeting.a].append(k)
            self.of[meeting.b].append(k)
        self.busy: dict[str, list] = {}
        for p in event.participants:
            ks = self.of.get(p.id, [])
            row = []
            for t in range(T):
                terms = [self.x[k][t] for k in ks if t in self.x[k]]
                if not terms:
                    row.append(0)
                    continue
                b = m.NewBoolVar(f"busy{p.id}_{t}")
                m.Add(sum(terms) == b)        # at most one meeting per participant and slot
                row.append(b)
            self.busy[p.id] = row
            if p.max_meetings is not None:
                m.Add(sum(self.held[k] for k in ks) <= p.max_meetings)
        # Tables: hosted buyers keep theirs; every other meeting needs one of the free tables.
        hosted = {p.id for p in event.participants if p.hosted_table is not None}
        free_tables = event.n_tables - len({people[h].hosted_table for h in hosted})
        for t in range(T):
            terms = [self.x[k][t] for k, meeting in enumerate(self.meetings)
                     if t in self.x[k] and meeting.a not in hosted and meeting.b not in hosted]
            if terms:
                m.Add(sum(terms) <= free_tables)
        self.slot_of = []
        for k in range(len(self.meetings)):
            s = m.NewIntVar(0, max(T - 1, 0), f"slot{k}")
            m.Add(s == sum(t * v for t, v in self.x[k].items()))
            self.slot_of.append(s)
        for earlier, later in event.precedences:
            e, l = self.index[earlier], self.index[later]
            both = [self.held[e], self.held[l]]
            m.Add(self.slot_of[e] + 1 <= self.slot_of[l]).OnlyEnforceIf(both)
        self.no_breaks = []
        self.breaks = {}
        if with_breaks:
            self._breaks()
        if self.no_breaks:
            # Search: try to keep participants break-free first (the fixed-search worker follows this).
            m.AddDecisionStrategy(self.no_breaks, cp_model.CHOOSE_FIRST, cp_model.SELECT_MAX_VALUE)
        self.moves = []
        if keep is not None:
            for placement in keep.placements:
                k = self.index.get(placement.meeting)
                if k is not None:
                    same = self.x[k].get(placement.slot)
                    moved = m.NewBoolVar(f"moved{k}")
                    m.Add(moved == 1 - same) if same is not None else m.Add(moved == 1)
                    self.moves.append(moved)

    def _breaks(self) -> None:
        """breaks(p) = blocks of consecutive busy slots - 1, with implied constraints on idle slots."""
        m, T = self.model, self.event.n_slots
        self.breaks = {}
        for p in self.event.participants:
            busy = self.busy[p.id]
            ks = self.of.get(p.id, [])
            if len(ks) <= 1 or T <= 2:
                self.breaks[p.id] = 0
                continue
            starts = []
            for t in range(T):
                if isinstance(busy[t], int):
                    continue
                s = m.NewBoolVar(f"start{p.id}_{t}")
                prev = busy[t - 1] if t > 0 else 0
                if isinstance(prev, int):
                    m.Add(s == busy[t])
                else:
                    m.AddBoolOr([busy[t].Not(), prev, s])
                    m.AddImplication(s, busy[t])
                    m.AddImplication(s, prev.Not())
                starts.append(s)
            any_busy = m.NewBoolVar(f"any{p.id}")
            m.AddMaxEquality(any_busy, [b for b in busy if not isinstance(b, int)])
            br = m.NewIntVar(0, T // 2, f"breaks{p.id}")
            m.Add(br == sum(starts) - any_busy)
            self.breaks[p.id] = br
            if not self.implied:
                continue
            # Implied: the participant's span (first to last meeting) holds its meetings and its idle
            # slots; no idle slot inside the span means no break, and each break needs one.
            before, after = [], []
            for t in range(T):
                b = m.NewBoolVar(f"bef{p.id}_{t}")
                terms = ([before[-1]] if before else []) + ([busy[t]] if not isinstance(busy[t], int) else [])
                m.AddMaxEquality(b, terms) if terms else m.Add(b == 0)
                before.append(b)
            for t in reversed(range(T)):
                a = m.NewBoolVar(f"aft{p.id}_{t}")
                terms = ([after[-1]] if after else []) + ([busy[t]] if not isinstance(busy[t], int) else [])
                m.AddMaxEquality(a, terms) if terms else m.Add(a == 0)
                after.append(a)
            after.reverse()
            idle = []
            for t in range(T):
                i = m.NewBoolVar(f"idle{p.id}_{t}")
                # idle inside the span: met before, meets after, not busy now
                m.AddBoolAnd([before[t], after[t]]).OnlyEnforceIf(i)
                if not isinstance(busy[t], int):
                    m.AddImplication(i, busy[t].Not())
                    m.AddBoolOr([before[t].Not(), after[t].Not(), busy[t], i])
                else:
                    m.AddBoolOr([before[t].Not(), after[t].Not(), i])
                idle.append(i)
            m.Add(br <= sum(idle))
            for i in idle:
                m.Add(br >= 1).OnlyEnforceIf(i)
            if all(self.meetings[k].required for k in ks):
                self._windows(p, busy, len(ks), br)

    def _windows(self, p, busy: list, n: int, br) -> None:
        """A participant without a break holds its n meetings in one window of n consecutive slots:
        one Boolean per possible window, so the relaxation sees which windows remain."""
        m, T = self.model, self.event.n_slots
        windows = {}
        for s in range(T - n + 1):
            if all(not isinstance(busy[t], int) for t in range(s, s + n)):
                windows[s] = m.NewBoolVar(f"win{p.id}_{s}")
        no_break = m.NewBoolVar(f"nobreak{p.id}")
        self.no_breaks.append(no_break)
        m.Add(sum(windows.values()) == no_break)
        # The same on slot numbers: the meetings are all different slots, within the span from the
        # first to the last; no break exactly when the span is as long as the meetings are many.
        slots = [self.slot_of[k] for k in self.of[p.id]]
        m.AddAllDifferent(slots)
        first, last = m.NewIntVar(0, T - 1, f"first{p.id}"), m.NewIntVar(0, T - 1, f"last{p.id}")
        m.AddMinEquality(first, slots)
        m.AddMaxEquality(last, slots)
        m.Add(last - first + 1 == n).OnlyEnforceIf(no_break)
        m.Add(last - first + 1 >= n + 1).OnlyEnforceIf(no_break.Not())
        m.Add(br <= last - first + 1 - n)
        m.Add(br == 0).OnlyEnforceIf(no_break)
        m.Add(br >= 1).OnlyEnforceIf(no_break.Not())
        for t in range(T):
            if isinstance(busy[t], int):
                continue
            cover = [w for s, w in windows.items() if s <= t < s + n]
            # in no-break mode, busy exactly where the chosen window is
            m.Add(busy[t] >= sum(cover))
            m.Add(busy[t] <= sum(cover)).OnlyEnforceIf(no_break)

    def total_breaks(self):
        return sum(self.breaks.values())

    def add_fairness(self, d: int | None) -> None:
        if d is None:
            return
        m, T = self.model, self.event.n_slots
        hi, lo = m.NewIntVar(0, T, "max_breaks"), m.NewIntVar(0, T, "min_breaks")
        values = list(self.breaks.values())
        if not values:
            return
        m.AddMaxEquality(hi, values)
        m.AddMinEquality(lo, values)
        m.Add(hi - lo <= d)

    def value(self):
        return sum(meeting.weight * self.held[k] for k, meeting in enumerate(self.meetings))

    def add_reversal_symmetry_break(self) -> None:
        """Reversing time maps a schedule to one with the same breaks: keep the half where the busiest
        participant's meetings lean early. Only when nothing in the event tells early from late."""
        e = self.event
        if e.precedences or len(e.session_ends) > 1 or any(m.fixed_slot is not None for m in e.meetings):
            return
        if any(p.forbidden for p in e.participants) or not e.meetings:
            return
        busiest = max(e.participants, key=lambda p: (len(self.of.get(p.id, [])), p.id))
        busy = self.busy[busiest.id]
        T = e.n_slots
        self.model.Add(sum((2 * t - (T - 1)) * b for t, b in enumerate(busy) if not isinstance(b, int)) <= 0)
        mine = [k for k in self.of.get(busiest.id, [])]
        ids = {self.meetings[k].id for k in mine}
        self.leaning = lambda schedule: sum(2 * p.slot - (T - 1) for p in schedule.placements if p.meeting in ids)

    def hint(self, schedule: Schedule, into: cp_model.CpModel | None = None) -> None:
        """Suggest ``schedule`` to the solver (of this model, or of a clone of it); its mirror image in
        time when the symmetry break excludes it (the mirror keeps every rule and the breaks then)."""
        model = into or self.model
        if self.leaning is not None and self.leaning(schedule) > 0:
            T = self.event.n_slots
            schedule = Schedule(tuple(replace(p, slot=T - 1 - p.slot) for p in schedule.placements))
        model.ClearHints()
        placed = schedule.by_meeting()
        busy = defaultdict(set)
        for k, meeting in enumerate(self.meetings):
            p = placed.get(meeting.id)
            for t, v in self.x[k].items():
                model.AddHint(v, 1 if p is not None and p.slot == t else 0)
            # the variables that follow from the slots too: a partial hint leaves CP-SAT to complete it,
            # which on a large event takes longer than the time it has
            model.AddHint(self.held[k], 1 if p is not None else 0)
            model.AddHint(self.slot_of[k], p.slot if p is not None else 0)
            if p is not None:
                busy[meeting.a].add(p.slot)
                busy[meeting.b].add(p.slot)
        for who, row in self.busy.items():
            for t, b in enumerate(row):
                if not isinstance(b, int):
                    model.AddHint(b, 1 if t in busy[who] else 0)

    def read(self, solver: cp_model.CpSolver) -> Schedule:
        slots = {}
        for k, meeting in enumerate(self.meetings):
            for t, v in self.x[k].items():
                if solver.Value(v):
                    slots[meeting.id] = t
        return assign_tables(self.event, slots, keep=self.keep)


def assign_tables(event: Event, slots: dict[str, int], keep: Schedule | None = None) -> Schedule:
    """Hosted buyers' meetings at their table; the others at the free tables, in meeting-id order.
    With ``keep`` (the schedule before a change), a meeting still in its old slot keeps its old table
    when that table is free, so that a change moves as few people as it must."""
    people = event.participant_index
    meetings = {m.id: m for m in event.meetings}
    hosted_tables = {p.hosted_table for p in event.participants if p.hosted_table is not None}
    free = [t for t in range(event.n_tables) if t not in hosted_tables]
    before = keep.by_meeting() if keep is not None else {}
    by_slot: dict[int, list[str]] = defaultdict(list)
    for meeting_id, slot in slots.items():
        by_slot[slot].append(meeting_id)
    placements = []
    for slot, ids in sorted(by_slot.items()):
        table_of = {}
        for meeting_id in ids:
            meeting = meetings[meeting_id]
            host = next((people[w].hosted_table for w in (meeting.a, meeting.b)
                         if people[w].hosted_table is not None), None)
            if host is not None:
                table_of[meeting_id] = host
        taken = set()
        for meeting_id in sorted(ids, key=_natural):      # first, meetings that stay where they were
            old = before.get(meeting_id)
            if meeting_id not in table_of and old is not None and old.slot == slot and old.table in free \
                    and old.table not in taken:
                table_of[meeting_id] = old.table
                taken.add(old.table)
        tables = iter(t for t in free if t not in taken)
        for meeting_id in sorted(ids, key=_natural):
            if meeting_id not in table_of:
                table_of[meeting_id] = next(tables)
        placements.extend(Placement(meeting_id, slot, table_of[meeting_id]) for meeting_id in ids)
    return Schedule(tuple(sorted(placements, key=lambda p: (p.slot, p.table))))


def _natural(text: str):
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _solver(time_limit: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = workers
    # On one worker CP-SAT runs a single search and no neighbourhood search; interleaved, that one thread
    # takes turns among its subsolvers, LNS included (beside MaxSAT on the training family: 94 breaks in
    # all against 101).
    solver.parameters.interleave_search = workers == 1
    solver.parameters.random_seed = 1
    return solver


FIRST_WORKERS = 8       # CP-SAT's first-solution heuristics (feasibility jump, local search) come with its
                        # fuller portfolio, worth it even on 2 cores: 0.6 s where 2 workers took 2-10 s or more
FINAL_IMPLIED = True    # the break phase's model carries the implied constraints (windows, spans)
POLISH_SHARE = 0.05     # of the time limit, kept for the earlier-slots tie-break ...
POLISH_MAX_SECONDS = 3.0  # ... at most this long
LOCAL_SHARE = 0.2       # of the time left, for local search on the breaks
MAXSAT_SHARE = 0.5      # of the time left, for the MaxSAT proof of the fewest breaks (in its own process),
                        # while CP-SAT on the plain model improves the best schedule, then alone to the end
DEEPENING_SHARE = 0.3   # of the time left, for each "at most k breaks" question
DEEPENING_MAX_MEETINGS = 1000  # above this, few-break schedules are out of reach: optimise directly


def _total_breaks(event: Event, schedule: Schedule) -> int:
    return sum(breaks_of(slots) for slots in participant_slots(event, schedule).values())


def _within_limits(event: Event) -> bool:
    """No participant must attend more meetings than its maximum (else CP-SAT reports infeasible)."""
    load: dict[str, int] = defaultdict(int)
    for meeting in event.meetings:
        load[meeting.a] += 1
        load[meeting.b] += 1
    return all(p.max_meetings is None or load[p.id] <= p.max_meetings for p in event.participants)


def _flow_order(event: Event, chosen: set[str]) -> list[str]:
    """The flow's meetings first, heaviest first; then the rest, heaviest first."""
    return [m.id for m in sorted(event.meetings, key=lambda m: (m.id not in chosen, -m.weight, m.id))]


def _unmet_reason(event: Event, meeting, busy: dict[str, list[int]]) -> dict:
    """Why a requested meeting is not in the schedule: a code, its values, and the organiser's words."""
    people = event.participant_index
    for who in (meeting.a, meeting.b):
        limit = people[who].max_meetings
        if limit is not None and len(busy.get(who, [])) >= limit:
            return {"code": "max_meetings", "who": who, "limit": limit,
                    "reason": f"{who} reached its maximum of {limit} meetings"}
    allowed = event.allowed_slots(meeting)
    if not allowed:
        return {"code": "no_common_slot",
                "reason": "no slot is allowed for both parties (forbidden slots, session or fixed slot)"}
    free = [t for t in allowed if t not in busy.get(meeting.a, []) and t not in busy.get(meeting.b, [])]
    if not free:
        return {"code": "slots_taken", "reason": "every slot allowed for both parties is taken by meetings of higher value"}
    return {"code": "no_table", "reason": "no table left in the slots free for both parties (more valuable meetings were kept)"}


def explain_infeasible(event: Event) -> list[str]:
    """Plain reasons an event cannot be scheduled, found by simple counting (no solver)."""
    reasons = []
    people = event.participant_index
    for meeting in event.meetings:
        if meeting.required and not event.allowed_slots(meeting):
            reasons.append(f"meeting {meeting.id} ({meeting.a} with {meeting.b}) has no slot allowed by its "
                           f"session, fixed slot and both parties' forbidden slots")
    load = defaultdict(list)
    for meeting in event.meetings:
        if meeting.required:
            load[meeting.a].append(meeting)
            load[meeting.b].append(meeting)
    for who, meetings in sorted(load.items()):
        free = [t for t in range(event.n_slots) if t not in people[who].forbidden]
        if len(meetings) > len(free):
            reasons.append(f"participant {who} must attend {len(meetings)} meetings but has {len(free)} free slots")
        limit = people[who].max_meetings
        if limit is not None and len(meetings) > limit:
            reasons.append(f"participant {who} must attend {len(meetings)} meetings, more than its maximum {limit}")
    fixed = defaultdict(list)
    for meeting in event.meetings:
        if meeting.fixed_slot is not None:
            for who in (meeting.a, meeting.b):
                fixed[(who, meeting.fixed_slot)].append(meeting.id)
    for (who, slot), ids in sorted(fixed.items()):
        if len(ids) > 1:
            reasons.append(f"participant {who} has meetings {', '.join(ids)} all fixed to slot {slot}")
    required = sum(1 for m in event.meetings if m.required)
    if required > event.n_slots * event.n_tables:
        reasons.append(f"{required} required meetings but only {event.n_slots} slots x {event.n_tables} tables")
    if not reasons:
        reasons.append("no schedule meets every constraint together (precedences, sessions, forbidden and fixed "
                       "slots, tables, fairness); no single constraint is impossible alone")
    return reasons


class _Run:
    """One solve's clock, workers, progress reports and stop requests, shared by its phases."""

    def __init__(self, started: float, time_limit: float, workers: int, on_progress, should_stop):
        self.started, self.workers = started, workers
        # a little time kept back for reading, checking and assigning tables
        self.deadline = started + time_limit - min(3.0, 0.05 * time_limit)
        self.on_progress, self.should_stop = on_progress, should_stop
        self.points: list[dict] = []

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def stopped(self) -> bool:
        return bool(self.should_stop and self.should_stop())

    def report(self, **point) -> None:
        point = {"seconds": round(time.monotonic() - self.started, 2), **point}
        self.points.append(point)
        if self.on_progress:
            self.on_progress(point)

    def solve(self, model: cp_model.CpModel, seconds: float, stage: str, best=None,
              first_only: bool = False, until=None, workers: int | None = None) -> tuple[cp_model.CpSolver, str]:
        """CP-SAT on ``model`` for ``seconds`` at most; each solution is reported under ``stage``;
        a stop request, or ``until()`` turning true, ends it within a fraction of a second."""
        solver = _solver(min(seconds, self.left()), workers or self.workers)
        solver.parameters.stop_after_first_solution = first_only
        callback = _Reporter(self, stage, best)
        watcher = None
        checks = [c for c in (self.should_stop, until) if c]
        if checks:
            watcher = threading.Thread(target=_stop_when_asked, args=(solver, lambda: any(c() for c in checks)),
                                       daemon=True)
            watcher.start()
        status = solver.Solve(model, callback)
        solver.finished = True
        if watcher:
            watcher.join()
        return solver, solver.StatusName(status)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _stop_when_asked(solver: cp_model.CpSolver, should_stop) -> None:
    while not getattr(solver, "finished", False):
        if should_stop():
            solver.stop_search()
            return
        time.sleep(0.1)


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports each solution of a CP-SAT solve: meetings value and bound, or breaks and bound."""

    def __init__(self, run: _Run, stage: str, best):
        super().__init__()
        self.run, self.stage, self.best = run, stage, best

    def on_solution_callback(self) -> None:
        objective, bound = self.ObjectiveValue(), self.BestObjectiveBound()
        if self.stage == "meetings":
            self.run.report(stage="meetings", value=int(round(objective)), value_bound=int(round(bound)))
        elif self.best is not None:
            self.best.reached(objective, bound)


class _Best:
    """The best valid schedule of the break phase so far (fewest moves from ``keep``, then fewest breaks),
    and the proven lower bound on breaks; every improvement is reported."""

    def __init__(self, event: Event, requested: Event, keep: Schedule | None, run: _Run, big: int):
        self.event, self.requested, self.keep, self.run, self.big = event, requested, keep, run, big
        self.schedule: Schedule | None = None
        self.breaks: int | None = None
        self.moved: int | None = None
        self.lower = 0

    def key(self) -> tuple:
        return (self.moved or 0, self.breaks) if self.schedule is not None else (math.inf, math.inf)

    def offer(self, schedule: Schedule | None, how: str) -> bool:
        """Keep ``schedule`` if it keeps every rule (of the phase and of the event) and is better."""
        if schedule is None or validate(self.event, schedule) or validate(self.requested, schedule):
            return False
        breaks = _total_breaks(self.event, schedule)
        moved = _moved(self.event, self.keep, schedule) if self.keep is not None else None
        if ((moved or 0), breaks) >= self.key():
            return False
        self.schedule, self.breaks, self.moved = schedule, breaks, moved
        self.run.report(stage="breaks", how=how, breaks=breaks, breaks_bound=min(self.lower, breaks),
                        moved=moved)
        return True

    def reached(self, objective: float, bound: float) -> None:
        """A CP-SAT solution of the break phase (read in full when the solve ends): report its numbers."""
        if self.keep is not None:
            return
        breaks = int(round(objective))
        if self.breaks is None or breaks < self.breaks:
            self.run.report(stage="breaks", how="cp-sat", breaks=breaks,
                            breaks_bound=min(max(self.lower, int(math.ceil(bound - 1e-6))), breaks), moved=None)

    def raise_lower(self, lower: int) -> None:
        if lower > self.lower:
            self.lower = lower
            self.run.report(stage="breaks", how="bound", breaks=self.breaks, breaks_bound=lower, moved=self.moved)


def _plain(event: Event) -> _Model:
    """The plain model (no implied constraints) with the fairness bound: first schedules, improvement
    beside MaxSAT and the earlier-slots tie-break."""
    model = _Model(event, keep=None, implied=False)
    model.add_fairness(event.fairness)
    return model


def _infeasible(event: Event, started: float) -> SolveResult:
    return SolveResult(INFEASIBLE, explanation=explain_infeasible(event), seconds=time.monotonic() - started)


def _earlier_slots(event: Event, best: _Best, run: _Run, seconds: float) -> None:
    """The organiser's last tie-break: at no more breaks, meetings as early in the day as the rules allow
    (so free tables do not leave the first slots empty while later ones are full)."""
    polish = _plain(event)
    polish.model.Add(polish.total_breaks() <= best.breaks)
    polish.model.Minimize(sum(polish.slot_of))
    polish.hint(best.schedule)
    solver, status = run.solve(polish.model, seconds, "earlier")
    if status not in ("OPTIMAL", "FEASIBLE"):
        return
    schedule = polish.read(solver)
    if validate(best.event, schedule) or validate(best.requested, schedule):
        return
    if _total_breaks(event, schedule) <= best.breaks and \
            sum(p.slot for p in schedule.placements) < sum(p.slot for p in best.schedule.placements):
        best.schedule, best.breaks = schedule, _total_breaks(event, schedule)


def _moved(event: Event, keep: Schedule, schedule: Schedule) -> int:
    """Meetings of ``keep`` still in the event that are not in the same slot in ``schedule``."""
    now = schedule.by_meeting()
    ids = {m.id for m in event.meetings}
    return sum(1 for p in keep.placements if p.meeting in ids and (p.meeting not in now or now[p.meeting].slot != p.slot))


def solve(event: Event, time_limit: float = 60.0, workers: int = 8, hint: Schedule | None = None,
          keep: Schedule | None = None, on_progress=None, should_stop=None) -> SolveResult:
    """Schedule ``event``; with ``keep`` (a previous schedule), move as few of its meetings as possible.

    Anytime: a first valid schedule comes early, by a method that does not depend on the event's
    particulars (the phase-1 or greedy schedule, else a plain CP-SAT model stopped at its first
    solution); every later phase starts from the best schedule so far, and the answer is the best one
    found with its proven bounds. ``on_progress(point)`` gets each improvement (stage, breaks, bounds,
    seconds); ``should_stop()`` ends the solve early with the best schedule so far."""
    started = time.monotonic()
    run = _Run(started, time_limit, workers, on_progress, should_stop)
    if not event.meetings:
        return SolveResult(OPTIMAL, schedule=Schedule(()), breaks=0, breaks_bound=0, gap=0.0,
                           breaks_by_participant={p.id: 0 for p in event.participants})
    all_required = all(m.required for m in event.meetings)
    total_value = sum(m.weight for m in event.meetings)
    value = total_value
    value_bound = total_value
    from .greedy import greedy

    if not all_required:
        # Phase 1: the most valuable set of meetings that fits (breaks ignored). A min-cost flow gives
        # a proven bound (two-sided requests) and the order of a strong first schedule.
        from .bounds import value_upper_bound
        weights = {m.id: m.weight for m in event.meetings}
        flow = value_upper_bound(event)
        candidates = [s for s in (hint, greedy(event, _flow_order(event, flow[1]) if flow else None)) if s]
        candidates = [s for s in candidates if not validate(event, s, check_fairness=False)]
        start = max(candidates, key=lambda s: sum(weights[p.meeting] for p in s.placements), default=None)
        if start is not None:
            run.report(stage="meetings", how="greedy", value=sum(weights[p.meeting] for p in start.placements),
                       value_bound=flow[0] if flow else total_value)
        phase = _Model(event, keep=None, with_breaks=False)
        phase.keep = keep       # no move objective here, but its schedule keeps old tables where it can
        phase.model.Maximize(phase.value())
        if start:
            phase.hint(start)
        solver, status = run.solve(phase.model, run.left() / 3, "meetings")
        if status == "INFEASIBLE":
            return SolveResult(INFEASIBLE, explanation=explain_infeasible(event),
                               seconds=time.monotonic() - started)
        start_value = sum(weights[p.meeting] for p in start.placements) if start is not None else -1
        if status in ("OPTIMAL", "FEASIBLE") and solver.ObjectiveValue() >= start_value:
            value, value_bound = int(solver.ObjectiveValue()), int(solver.BestObjectiveBound())
            hint = phase.read(solver)
        elif status == "FEASIBLE":       # never below the schedule it started from
            hint, value, value_bound = start, start_value, int(solver.BestObjectiveBound())
        elif start is not None:  # no answer from the solver in time: the first schedule stands
            hint = start
            value, value_bound = sum(weights[p.meeting] for p in start.placements), total_value
        else:
            return SolveResult(UNKNOWN, explanation=["no schedule found within the time limit"],
                               seconds=time.monotonic() - started)
        if flow:
            value_bound = min(value_bound, flow[0])

    # Phase 2: the meetings phase 1 holds (all of them when all fit) become required; then fewest
    # breaks (and fewest moves from a previous schedule), fairly spread.
    requested = event
    if not all_required:
        held = hint.by_meeting()
        event = replace(event, meetings=tuple(replace(m, required=True) for m in event.meetings if m.id in held),
                        precedences=tuple(p for p in event.precedences if p[0] in held and p[1] in held))
    big = len(event.participants) * event.n_slots + 1
    best = _Best(event, requested, keep, run, big)
    held_value = value

    polish = keep is None and len(event.meetings) <= DEEPENING_MAX_MEETINGS
    reserve = min(POLISH_SHARE * time_limit, POLISH_MAX_SECONDS) if polish else 0.0

    def answer(status_if_proven: str = OPTIMAL) -> SolveResult:
        if polish and best.schedule is not None and not run.stopped() and run.left() > 0.2:
            _earlier_slots(event, best, run, min(run.left(), max(reserve, 0.5)))
        proven = best.breaks is not None and best.breaks <= best.lower and value_bound == held_value
        return _result(requested, best.schedule, status_if_proven if proven else FEASIBLE, held_value,
                       value_bound, best.lower, best.moved, started, run.points)

    # 1. A first schedule: the one given or found so far, the greedy one, else (below) a plain model's.
    best.offer(hint, "start")
    if keep is not None:
        best.offer(keep, "previous")
    if best.schedule is None:
        best.offer(assign_tables(event, {p.meeting: p.slot for p in greedy(event).placements}), "greedy")
    searches: list[MaxSatSearch] = []
    try:
        return _break_phase(event, requested, keep, run, best, searches, answer, reserve, started)
    finally:
        for search in searches:
            search.end()


def _break_phase(event: Event, requested: Event, keep: Schedule | None, run: _Run, best: _Best,
                 searches: list, answer, reserve: float, started: float) -> SolveResult:
    """Phase 2 from a first schedule to the best one found, with MaxSAT alongside (its search is put in
    ``searches`` for the caller to end); ``answer()`` makes the result; ``reserve`` seconds are kept for it."""
    big = best.big
    search = None

    def maxsat_news() -> bool:
        """Take MaxSAT's bound and schedule if it has finished; True when the best is proven optimal."""
        if search is not None and search.poll():
            found = search.result()
            best.raise_lower(found.lower_bound)
            if found.slots is not None:
                best.offer(assign_tables(event, found.slots), "maxsat")
        return keep is None and best.breaks is not None and best.breaks <= best.lower

    # 1. Without a first schedule yet: the plain model's first solution, with every core and all the time
    # it takes (a schedule matters more than anything after it).
    if best.schedule is None and not run.stopped():
        plain = _plain(event)
        solver, status = run.solve(plain.model, run.left(), "first", first_only=True,
                                   workers=max(FIRST_WORKERS, run.workers))
        if status == "INFEASIBLE":
            return _infeasible(requested, started)
        if status in ("OPTIMAL", "FEASIBLE"):
            best.offer(plain.read(solver), "first")
    # Core-guided MaxSAT proves the fewest breaks from below (fastest on the published instances): from
    # here it runs in its own process until it proves or its share of the time ends, and keeps one core
    # to itself while it runs.
    if keep is None and best.schedule is not None and len(event.meetings) <= DEEPENING_MAX_MEETINGS \
            and _within_limits(event) and not run.stopped():
        search = MaxSatSearch(event, run.left() * MAXSAT_SHARE)
        searches.append(search)
    if maxsat_news() or (run.stopped() and best.schedule is not None):
        return answer()

    # 2. While MaxSAT works, CP-SAT improves the schedule on the plain model from the best so far, with a
    # core kept for MaxSAT while it runs and with all of them once it has ended unproven, to the end:
    # whichever proves the optimum ends both. (On the training family, stopping CP-SAT part-way for the
    # phases below gave more breaks: its own neighbourhood search does better with the time.)
    if search is not None:
        plain = _plain(event)
        plain.model.Minimize(plain.total_breaks())
        plain_until = run.deadline - reserve
        beside_maxsat = max(1, min(run.workers, _cores()) - 1)
        for workers, until in ((beside_maxsat, search.poll), (None, None)):
            if plain_until - time.monotonic() < 0.5 or maxsat_news() or run.stopped() \
                    or (until and until()):
                continue
            if best.schedule:
                plain.hint(best.schedule)
            solver, status = run.solve(plain.model, plain_until - time.monotonic(), "breaks", best=best,
                                       until=until, workers=workers)
            if status in ("OPTIMAL", "FEASIBLE"):
                best.offer(plain.read(solver), "cp-sat")
                best.raise_lower(int(math.ceil(solver.BestObjectiveBound() - 1e-6)))
            if status == "OPTIMAL":
                break
        if not (best.breaks is not None and best.breaks <= best.lower):
            while not search.poll(wait=0.1) and not run.stopped():
                pass
        maxsat_news()
        return answer()
    phase = _Model(event, keep=keep, implied=bool(FINAL_IMPLIED))
    phase.add_fairness(event.fairness)
    if keep is None:
        phase.add_reversal_symmetry_break()
        # Without MaxSAT (changes keep the schedule; events beyond its limits), CP-SAT asks for schedules
        # with at most lower, lower + 1 and lower + 2 breaks as plain satisfaction questions, each in a
        # share of the time, each started from the best schedule so far; a "no" raises the lower bound.
        if len(event.meetings) <= DEEPENING_MAX_MEETINGS and not run.stopped():
            for limit in range(best.lower, best.lower + 3):
                # only with a schedule in hand: without one, these questions would only gamble the time
                if run.left() < 1.0 or run.stopped() or best.breaks is None or best.breaks <= limit:
                    break
                trial = phase.model.Clone()
                trial.Add(phase.total_breaks() <= limit)
                if best.schedule:
                    phase.hint(best.schedule, into=trial)
                solver, status = run.solve(trial, run.left() * DEEPENING_SHARE, "breaks", first_only=True)
                if status == "INFEASIBLE":
                    best.raise_lower(limit + 1)
                    continue
                if status in ("OPTIMAL", "FEASIBLE"):
                    best.offer(phase.read(solver), "cp-sat")
                break
            if best.breaks is not None and best.breaks <= best.lower:
                return answer()
        # 3. Local moves and swaps take the breaks down fast (large events most of all).
        if best.schedule is not None and not run.stopped():
            slots = improve_breaks(event, best.schedule, time.monotonic() + run.left() * LOCAL_SHARE)
            best.offer(assign_tables(event, slots), "local search")
        phase.model.Add(phase.total_breaks() >= best.lower)

    # 4. CP-SAT on the full model for the time left, from the best schedule so far.
    objective = phase.total_breaks()
    if phase.moves:
        objective = big * sum(phase.moves) + phase.total_breaks()
    phase.model.Minimize(objective)
    if best.schedule:
        phase.hint(best.schedule)
    if not run.stopped() and run.left() > 0.1:
        solver, status = run.solve(phase.model, max(run.left() - reserve, 0.1), "breaks", best=best)
        if status == "INFEASIBLE" and best.schedule is None:
            return _infeasible(requested, started)
        if status in ("OPTIMAL", "FEASIBLE"):
            best.offer(phase.read(solver), "cp-sat")
            bound = solver.BestObjectiveBound()
            if phase.moves:
                if status == "OPTIMAL":
                    best.raise_lower(best.breaks)
            else:
                best.raise_lower(int(math.ceil(bound - 1e-6)))
    if best.schedule is None:
        why = "stopped before a schedule was found" if run.stopped() else \
            "no schedule found within the time limit, and none shown impossible"
        return SolveResult(UNKNOWN, explanation=[why], seconds=time.monotonic() - started)
    return answer()


def _result(event: Event, schedule: Schedule, status: str, value: int, value_bound: int, breaks_bound: int,
            moved: int | None, started: float, progress: list[dict] | None = None) -> SolveResult:
    """The answer, after the validator has checked the schedule against every rule of the event."""
    violations = validate(event, schedule)
    if violations:  # never hand out a broken schedule
        raise AssertionError(f"solver returned an invalid schedule: {violations[:5]}")
    busy = participant_slots(event, schedule)
    by_participant = {who: breaks_of(slots) for who, slots in busy.items()}
    breaks = sum(by_participant.values())
    breaks_bound = min(max(breaks_bound, 0), breaks)
    placed = schedule.by_meeting()
    unmet = [{"meeting": m.id, "a": m.a, "b": m.b, "weight": m.weight, **_unmet_reason(event, m, busy)}
             for m in event.meetings if m.id not in placed]
    return SolveResult(
        status=status, schedule=schedule, value=value, value_bound=value_bound,
        breaks=breaks, breaks_bound=breaks_bound, moved=moved,
        gap=0.0 if breaks == breaks_bound else (breaks - breaks_bound) / max(breaks, 1),
        unmet=unmet, breaks_by_participant=by_participant, seconds=time.monotonic() - started,
        progress=progress or [])
