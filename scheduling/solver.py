"""The meeting scheduler: OR-Tools CP-SAT, lexicographic objectives.

1. The weighted value of the meetings held (all of them when all fit; required ones always).
2. Then the number of breaks (a run of idle slots between two of a participant's meetings), under a
   fairness bound on how far apart two participants' breaks may be, and (when re-solving on the day)
   the number of meetings moved from the previous schedule.

How: phase 1 is CP-SAT, started from a greedy schedule in min-cost-flow order. Phase 2, when no
previous schedule is kept, first asks core-guided MaxSAT for the proven fewest breaks (events up to
1,000 meetings; the published B2B instances), then CP-SAT; above that size a local search lowers the
breaks before CP-SAT starts from its result.

Every meeting gets a table; every returned schedule passes the validator.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from .local import improve_breaks
from .maxsat import solve_breaks
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


class _Model:
    """CP-SAT variables of one event: x[m][t] = meeting m in slot t."""

    def __init__(self, event: Event, keep: Schedule | None, with_breaks: bool = True):
        self.event = event
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
            self.breaks[p.id] = br

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

    def hint(self, schedule: Schedule, into: cp_model.CpModel | None = None) -> None:
        """Suggest ``schedule`` to the solver (of this model, or of a clone of it)."""
        model = into or self.model
        placed = schedule.by_meeting()
        for k, meeting in enumerate(self.meetings):
            p = placed.get(meeting.id)
            for t, v in self.x[k].items():
                model.AddHint(v, 1 if p is not None and p.slot == t else 0)

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
    solver.parameters.random_seed = 1
    return solver


LOCAL_SHARE = 0.5       # of the time left, for local search on the breaks of large events
MAXSAT_SHARE = 0.5      # of the time left, for the MaxSAT proof of the fewest breaks
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


def solve(event: Event, time_limit: float = 60.0, workers: int = 8, hint: Schedule | None = None,
          keep: Schedule | None = None, progress: cp_model.CpSolverSolutionCallback | None = None) -> SolveResult:
    """Schedule ``event``; with ``keep`` (a previous schedule), move as few of its meetings as possible.
    ``progress`` is handed to every CP-SAT solve as its solution callback (it may call StopSearch)."""
    started = time.monotonic()
    if not event.meetings:
        return SolveResult(OPTIMAL, schedule=Schedule(()), breaks=0, breaks_bound=0, gap=0.0,
                           breaks_by_participant={p.id: 0 for p in event.participants})
    all_required = all(m.required for m in event.meetings)
    total_value = sum(m.weight for m in event.meetings)
    value = total_value
    value_bound = total_value

    if not all_required:
        # Phase 1: the most valuable set of meetings that fits (breaks ignored). A min-cost flow gives
        # a proven bound (two-sided requests) and the order of a strong first schedule.
        from .bounds import value_upper_bound
        from .greedy import greedy
        weights = {m.id: m.weight for m in event.meetings}
        flow = value_upper_bound(event)
        candidates = [s for s in (hint, greedy(event, _flow_order(event, flow[1]) if flow else None)) if s]
        candidates = [s for s in candidates if not validate(event, s, check_fairness=False)]
        start = max(candidates, key=lambda s: sum(weights[p.meeting] for p in s.placements), default=None)
        phase = _Model(event, keep=None, with_breaks=False)
        phase.keep = keep       # no move objective here, but its schedule keeps old tables where it can
        phase.model.Maximize(phase.value())
        if start:
            phase.hint(start)
        solver = _solver((time_limit - (time.monotonic() - started)) / 3, workers)
        status = solver.Solve(phase.model, progress)
        if status == cp_model.INFEASIBLE:
            return SolveResult(INFEASIBLE, explanation=explain_infeasible(event),
                               seconds=time.monotonic() - started)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value, value_bound = int(solver.ObjectiveValue()), int(solver.BestObjectiveBound())
            hint = phase.read(solver)
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
    phase = _Model(event, keep=keep)
    phase.add_fairness(event.fairness)
    if keep is None:
        phase.add_reversal_symmetry_break()
    big = len(event.participants) * event.n_slots + 1
    objective = phase.total_breaks()
    if phase.moves:
        objective = big * sum(phase.moves) + phase.total_breaks()
    reserve = min(1.0, 0.05 * time_limit)  # for reading, checking and assigning tables in time
    deadline = started + time_limit - reserve
    if keep is None and len(event.meetings) <= DEEPENING_MAX_MEETINGS:
        # Few breaks is the rule. Core-guided MaxSAT proves the fewest breaks from below, fastest on
        # the published instances; then CP-SAT asks for schedules with at most lower, lower + 1,
        # lower + 2 breaks as plain satisfaction problems, each in a share of the time. A "no" raises
        # the lower bound; a "yes" at the lowest bound is optimal.
        lower, found = 0, None
        if _within_limits(event):
            answer = solve_breaks(event, (deadline - time.monotonic()) * MAXSAT_SHARE)
            if answer.slots is not None:
                return _result(requested, assign_tables(event, answer.slots),
                               OPTIMAL if value_bound == value else FEASIBLE, value, value_bound,
                               answer.lower_bound, None, started)
            lower = answer.lower_bound
        for limit in range(lower, lower + 3):
            left = deadline - time.monotonic()
            if left < 1.0:
                break
            trial = phase.model.Clone()
            trial.Add(phase.total_breaks() <= limit)
            if hint:
                phase.hint(hint, into=trial)
            solver = _solver(left * DEEPENING_SHARE, workers)
            status = solver.Solve(trial, progress)
            if status == cp_model.INFEASIBLE:
                lower = limit + 1
                continue
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found = phase.read(solver)
            break
        if found is not None and _total_breaks(event, found) <= lower:
            return _result(requested, found, OPTIMAL if value_bound == value else FEASIBLE, value,
                           value_bound, lower, None, started)
        hint = found or hint
        phase.model.Add(phase.total_breaks() >= lower)
    elif keep is None and hint is not None:
        # Too large for CP-SAT to move far from its first schedule in time: local search takes the
        # breaks down first, and CP-SAT starts from its result.
        slots = improve_breaks(event, hint, time.monotonic() + (deadline - time.monotonic()) * LOCAL_SHARE)
        hint = assign_tables(event, slots)
    phase.model.Minimize(objective)
    if hint:
        phase.hint(hint)
    solver = _solver(deadline - time.monotonic(), workers)
    status = solver.Solve(phase.model, progress)
    seconds = time.monotonic() - started
    if status == cp_model.INFEASIBLE:
        return SolveResult(INFEASIBLE, explanation=explain_infeasible(event), seconds=seconds)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No better schedule in time: the first one stands if it keeps every rule (fairness included).
        if hint is not None and not validate(requested, hint):
            return _result(requested, hint, FEASIBLE, value, value_bound, 0, None, started)
        return SolveResult(UNKNOWN, explanation=["no schedule found within the time limit"], seconds=seconds)
    schedule = phase.read(solver)
    if keep is None and hint is not None and _total_breaks(event, hint) < _total_breaks(event, schedule) \
            and not validate(requested, hint):
        schedule = hint     # CP-SAT did not get back to its starting point in time
    moved = int(sum(solver.Value(v) for v in phase.moves)) if phase.moves else None
    bound = solver.BestObjectiveBound()
    breaks_bound = int(round(bound - big * moved)) if phase.moves else int(round(bound))
    proven = status == cp_model.OPTIMAL and value_bound == value
    return _result(requested, schedule, OPTIMAL if proven else FEASIBLE, value, value_bound, breaks_bound,
                   moved, started)


def _result(event: Event, schedule: Schedule, status: str, value: int, value_bound: int, breaks_bound: int,
            moved: int | None, started: float) -> SolveResult:
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
        unmet=unmet, breaks_by_participant=by_participant, seconds=time.monotonic() - started)
