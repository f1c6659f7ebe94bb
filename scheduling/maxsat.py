"""Fewest breaks by core-guided MaxSAT, for events where every meeting must be held.

The published B2B instances are solved fastest as MaxSAT (JAIR 2022): one soft clause per slot where
a participant's break could start, the optimum proven by refuting ever larger break counts from below
(RC2, PySAT, Glucose 4). CP-SAT stays in charge of everything this cannot prove in its time.

Fairness (no two participants' breaks more than d apart) is encoded as "at most d breaks each",
exact when some participant has no break. A schedule in which every participant has a break has at
least as many breaks as there are participants, so an optimum found below that count is the optimum
under the real fairness rule, and a refuted count below it is a real lower bound.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from pysat.card import CardEnc, EncType
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF

from .model import Event

# Above this share of table-slots in use, the "2 x tables participants per slot" counting clauses
# are tried first: they let the SAT solver see capacity arguments at once (tic-13crafc, forumt-14crafe);
# on loose events they only slow the search, so the encoding without them goes first there.
TIGHT_LOAD = 0.8


@dataclass
class MaxSatAnswer:
    slots: dict[str, int] | None        # meeting id -> slot of the optimal schedule, when proven
    breaks: int | None
    lower_bound: int                    # no fair schedule has fewer breaks


class _Encoding:
    """x[k][t]: meeting k in slot t. Hard: the event's rules; soft: no break starts at (p, t)."""

    def __init__(self, event: Event, seat_counting: bool):
        self.event = event
        self.wcnf = WCNF()
        self.top = 0
        self.impossible = False     # a participant has more meetings than usable slots
        T = event.n_slots
        self.x: list[dict[int, int]] = [{t: self._new() for t in event.allowed_slots(m)} for m in event.meetings]
        of: dict[str, list[int]] = defaultdict(list)
        for k, meeting in enumerate(event.meetings):
            of[meeting.a].append(k)
            of[meeting.b].append(k)
        hard = self.wcnf.append
        for row in self.x:
            self.impossible |= not row
            hard(list(row.values()))
            self._at_most(list(row.values()), 1)
        self.busy: dict[str, list[int | None]] = {}
        for p in event.participants:
            row: list[int | None] = []
            for t in range(T):
                lits = [self.x[k][t] for k in of.get(p.id, []) if t in self.x[k]]
                row.append(self._or(lits) if lits else None)
                if len(lits) > 1:
                    self._at_most(lits, 1)
            self.busy[p.id] = row
            present = [b for b in row if b is not None]
            n = len(of.get(p.id, []))
            if n > len(present):
                self.impossible = True
            elif n:             # implied: exactly n busy slots
                self._card(CardEnc.equals(present, bound=n, top_id=self.top, encoding=EncType.seqcounter))
        people = event.participant_index
        hosted = {p.id for p in event.participants if p.hosted_table is not None}
        free_tables = event.n_tables - len({people[h].hosted_table for h in hosted})
        for t in range(T):
            lits = [self.x[k][t] for k, m in enumerate(event.meetings)
                    if t in self.x[k] and m.a not in hosted and m.b not in hosted]
            self._at_most(lits, free_tables, EncType.cardnetwrk)
            if seat_counting:   # implied: a table seats two, so at most 2 x tables participants are busy
                seated = [row[t] for row in self.busy.values() if row[t] is not None]
                self._at_most(seated, 2 * event.n_tables, EncType.cardnetwrk)
        index = {m.id: k for k, m in enumerate(event.meetings)}
        for earlier, later in event.precedences:
            e, l = self.x[index[earlier]], self.x[index[later]]
            for t, lit in l.items():
                hard([-lit] + [v for s, v in e.items() if s < t])
            for t, lit in e.items():
                hard([-lit] + [v for s, v in l.items() if s > t])
        self.break_starts: dict[str, list[int]] = {}
        for p in event.participants:
            n = len(of.get(p.id, []))
            starts = self._break_starts(self.busy[p.id], n) if n > 1 else []
            self.break_starts[p.id] = starts
            for s in starts:
                self.wcnf.append([-s], weight=1)
            if event.fairness is not None and len(starts) > event.fairness:
                self._at_most(starts, event.fairness)

    def _new(self) -> int:
        self.top += 1
        return self.top

    def _card(self, encoded) -> None:
        for clause in encoded.clauses:
            self.wcnf.append(clause)
        self.top = max(self.top, encoded.nv)

    def _at_most(self, lits: list[int], bound: int, encoding: int | None = None) -> None:
        if len(lits) <= bound:
            return
        if bound == 0:
            for lit in lits:
                self.wcnf.append([-lit])
            return
        if encoding is None:
            encoding = EncType.pairwise if bound == 1 and len(lits) <= 6 else EncType.seqcounter
        self._card(CardEnc.atmost(lits, bound=bound, top_id=self.top, encoding=encoding))

    def _or(self, parts: list[int]) -> int | None:
        """A variable equal to the disjunction of ``parts`` (None when there are none)."""
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        v = self._new()
        self.wcnf.append([-v] + parts)
        for p in parts:
            self.wcnf.append([-p, v])
        return v

    def _break_starts(self, busy: list[int | None], n: int) -> list[int]:
        """s(t) <-> busy at t-1, idle at t, busy somewhere after t; plus implied span clauses."""
        T = len(busy)
        hard = self.wcnf.append
        after: list[int | None] = [None] * (T + 1)      # after[t]: busy at t or later
        before: list[int | None] = [None] * (T + 1)     # before[t]: busy before t
        for t in reversed(range(T)):
            after[t] = self._or([v for v in (busy[t], after[t + 1]) if v is not None])
        for t in range(T):
            before[t + 1] = self._or([v for v in (busy[t], before[t]) if v is not None])
        starts = []
        for t in range(1, T - 1):
            prev, now, later = busy[t - 1], busy[t], after[t + 1]
            if prev is None or later is None:
                continue
            s = self._new()
            hard([-s, prev])
            hard([-s, later])
            if now is not None:
                hard([-s, -now])
                hard([-prev, now, -later, s])
            else:
                hard([-prev, -later, s])
            starts.append(s)
        # n meetings take n distinct slots: none before f means one at f + n - 1 or later; none after
        # l means one at l - n + 1 or earlier
        for f in range(T):
            clause = [v for v in (before[f], after[f + n - 1] if f + n - 1 < T else None) if v is not None]
            if clause:
                hard(clause)
        for l in range(T):
            clause = [v for v in (after[l + 1], before[l - n + 2] if l - n + 2 >= 1 else None) if v is not None]
            if clause:
                hard(clause)
        return starts

    def slots(self, model: list[int]) -> dict[str, int]:
        true = {v for v in model if v > 0}
        return {m.id: next(t for t, v in self.x[k].items() if v in true) for k, m in enumerate(self.event.meetings)}


def _rc2(encoding: _Encoding, seconds: float, should_stop=None) -> tuple[list[int] | None, bool, int]:
    """(model, refuted, cost): the optimum's model, or None with the cost proven so far."""
    rc2 = RC2(encoding.wcnf, solver="g4", adapt=True, exhaust=True, minz=True)
    fired, done = threading.Event(), threading.Event()
    deadline = time.monotonic() + max(seconds, 0.0)
    proven = [0]

    def watch():
        while not done.wait(min(0.1, max(deadline - time.monotonic(), 0.0))):
            if time.monotonic() >= deadline or (should_stop and should_stop()):
                # The cost so far is a lower bound; after an interrupt RC2 "finishes the current
                # iteration" on the core of the interrupted call, which may be the previous one
                # again (seen: a bound of 3 where a schedule with 1 break exists), so only the cost
                # at this moment stands.
                proven[0] = int(rc2.cost)
                fired.set()
                rc2.interrupt()
                return
    timer = threading.Thread(target=watch, daemon=True)
    timer.start()
    try:
        model = rc2.compute(expect_interrupt=True)
        # Our own flag, not rc2.interrupted: RC2 resets that after its preprocessing, and an interrupt
        # that lands during preprocessing ends the search with an empty core, which would read as a
        # proof that no schedule exists.
        if fired.is_set():
            return model, False, proven[0]
        return model, model is None, int(rc2.cost)
    finally:
        done.set()
        timer.join()
        rc2.delete()


GRACE_SECONDS = 0.3     # past its time, the MaxSAT process is ended


def solve_breaks(event: Event, time_limit: float, should_stop=None) -> MaxSatAnswer:
    """Fewest breaks of an event whose meetings are all required, within ``time_limit`` seconds.

    Two encodings take turns (the one suited to the event's load first, half the time each); an
    answer is returned only when proven, with the best lower bound found either way."""
    search = MaxSatSearch(event, time_limit)
    try:
        while not search.poll(wait=0.1):
            if should_stop and should_stop():
                break
    finally:
        search.end()
    return search.result()


class MaxSatSearch:
    """``solve_breaks`` running beside the caller. RC2 cannot be interrupted inside its preprocessing and
    heuristics (it once took 70-95 s for 20) and holds Python's lock meanwhile, so where the system can
    fork it runs in a child process, ended at its deadline (or by ``end``); the lower bounds it sent by
    then stand. Without fork it runs in place when first polled."""

    def __init__(self, event: Event, time_limit: float):
        self.event, self.time_limit = event, time_limit
        self.deadline = time.monotonic() + time_limit
        self.lower, self.answer, self.finished = 0, None, False
        self.pid = self.source = None
        if not hasattr(os, "fork"):
            return
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:                               # the child: solve, send, leave at once
            code = 0
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as out:
                    def send(kind, payload):
                        pickle.dump((kind, payload), out)
                        out.flush()
                    send("answer", _solve_breaks(event, time_limit, None, lambda lower: send("lower", lower)))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self.source = os.fdopen(read_end, "rb")

    def poll(self, wait: float = 0.0) -> bool:
        """Read what the search has sent (waiting up to ``wait`` s); True once it has finished."""
        if self.finished:
            return True
        if self.pid is None:
            self.answer = _solve_breaks(self.event, self.time_limit, None, lambda lower: None)
            self.lower = self.answer.lower_bound
            self.finished = True
            return True
        while not self.finished:
            left = self.deadline + GRACE_SECONDS - time.monotonic()
            if left <= 0:
                self.end()
                break
            ready, _, _ = select.select([self.source], [], [], max(0.0, min(left, wait)))
            if not ready:
                break
            try:
                kind, payload = pickle.load(self.source)
            except EOFError:                # the child ended without an answer
                self.end()
                break
            if kind == "lower":
                self.lower = max(self.lower, payload)
            else:
                self.answer = payload
                self.lower = max(self.lower, payload.lower_bound)
                self.end()
        return self.finished

    def end(self) -> None:
        """Stop the search (if it still runs) and release its process."""
        if self.finished:
            return
        self.finished = True
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.source.close()

    def result(self) -> MaxSatAnswer:
        return self.answer if self.answer is not None else MaxSatAnswer(None, None, self.lower)


def _solve_breaks(event: Event, time_limit: float, should_stop, tell) -> MaxSatAnswer:
    """``solve_breaks`` in this process; ``tell(lower)`` hears each lower bound as it is proven."""
    deadline = time.monotonic() + time_limit
    everyone = len(event.participants)
    load = len(event.meetings) / max(event.n_slots * event.n_tables, 1)
    order = (True, False) if load >= TIGHT_LOAD else (False, True)
    lower = 0
    for turn, seat_counting in enumerate(order):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        encoding = _Encoding(event, seat_counting)
        if encoding.impossible:     # CP-SAT explains infeasible events
            return MaxSatAnswer(None, None, 0)
        left = deadline - time.monotonic()
        model, refuted, cost = _rc2(encoding, left / 2 if turn == 0 else left, should_stop)
        if refuted:         # no schedule keeps "at most d each": every fair one gives everyone a break
            return MaxSatAnswer(None, None, everyone)
        if model is not None and cost < everyone:
            return MaxSatAnswer(encoding.slots(model), cost, cost)
        lower = max(lower, min(cost, everyone))
        tell(lower)
    return MaxSatAnswer(None, None, lower)
