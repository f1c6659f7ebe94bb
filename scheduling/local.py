"""Fewer breaks by local search, for events too large for the exact break phase to move far.

Starting from a valid schedule, it moves a meeting into a slot where both parties are free (a table
being free there), or swaps the slots of two meetings, whenever that lowers the total number of
breaks, until no such move is left or time runs out. Every move keeps every rule of the event:
allowed slots, one meeting per participant and slot, tables, precedences and the fairness bound.
"""
from __future__ import annotations

import random
import time
from collections import defaultdict

from .model import Event, Schedule, breaks_of


class _State:
    def __init__(self, event: Event, slots: dict[str, int]):
        self.event = event
        self.meetings = {m.id: m for m in event.meetings if m.id in slots}
        self.slot = dict(slots)
        self.allowed = {k: set(event.allowed_slots(m)) for k, m in self.meetings.items()}
        self.busy: dict[str, dict[int, str]] = defaultdict(dict)      # participant -> slot -> meeting
        for k, t in slots.items():
            m = self.meetings[k]
            self.busy[m.a][t] = k
            self.busy[m.b][t] = k
        people = event.participant_index
        self.hosted = {p.id for p in event.participants if p.hosted_table is not None}
        self.free_tables = event.n_tables - len({people[h].hosted_table for h in self.hosted})
        self.at_tables = defaultdict(int)       # slot -> meetings at the free tables
        for k, t in slots.items():
            if self._needs_table(k):
                self.at_tables[t] += 1
        self.before: dict[str, list[str]] = defaultdict(list)   # meeting -> meetings that must be earlier
        self.after: dict[str, list[str]] = defaultdict(list)
        for earlier, later in event.precedences:
            if earlier in self.slot and later in self.slot:
                self.before[later].append(earlier)
                self.after[earlier].append(later)
        self.breaks = {p: breaks_of(list(b)) for p, b in self.busy.items()}

    def _needs_table(self, k: str) -> bool:
        m = self.meetings[k]
        return m.a not in self.hosted and m.b not in self.hosted

    def _order_ok(self, k: str, t: int, other: str | None = None, other_t: int | None = None) -> bool:
        def slot_of(j):
            return t if j == k else other_t if j == other else self.slot[j]
        return (all(slot_of(j) < t for j in self.before[k]) and all(slot_of(j) > t for j in self.after[k]))

    def _breaks_with(self, who: str, remove: tuple[int, ...], add: tuple[int, ...]) -> int:
        slots = [s for s in self.busy[who] if s not in remove] + list(add)
        return breaks_of(slots)

    def move_gain(self, k: str, t: int) -> int | None:
        """Breaks saved by moving meeting k to slot t (None when not allowed)."""
        m, s = self.meetings[k], self.slot[k]
        if t == s or t not in self.allowed[k] or t in self.busy[m.a] or t in self.busy[m.b]:
            return None
        if self._needs_table(k) and self.at_tables[t] >= self.free_tables:
            return None
        if not self._order_ok(k, t):
            return None
        return sum(self.breaks[w] - self._breaks_with(w, (s,), (t,)) for w in (m.a, m.b))

    def swap_gain(self, k: str, j: str) -> int | None:
        """Breaks saved by exchanging the slots of meetings k and j (None when not allowed)."""
        mk, mj = self.meetings[k], self.meetings[j]
        s, t = self.slot[k], self.slot[j]
        if s == t or t not in self.allowed[k] or s not in self.allowed[j]:
            return None
        k_people, j_people = {mk.a, mk.b}, {mj.a, mj.b}
        for w in k_people:
            if t in self.busy[w] and self.busy[w][t] != j:
                return None
        for w in j_people:
            if s in self.busy[w] and self.busy[w][s] != k:
                return None
        if self._needs_table(k) != self._needs_table(j):
            return None
        if not (self._order_ok(k, t, j, s) and self._order_ok(j, s, k, t)):
            return None
        gain = 0
        for w in k_people | j_people:
            remove = tuple(x for x, on in ((s, w in k_people), (t, w in j_people)) if on)
            add = tuple(x for x, on in ((t, w in k_people), (s, w in j_people)) if on)
            gain += self.breaks[w] - self._breaks_with(w, remove, add)
        return gain

    def fair_after(self, moves: list[tuple[str, int]]) -> bool:
        """Whether the breaks stay within the fairness bound once ``moves`` are made."""
        d = self.event.fairness
        if d is None:
            return True
        counts = {**self.breaks, **self.changed_breaks(moves)}
        values = list(counts.values()) + ([0] if len(counts) < len(self.event.participants) else [])
        return max(values) - min(values) <= d

    def apply(self, moves: list[tuple[str, int]]) -> None:
        for k, _ in moves:
            m, s = self.meetings[k], self.slot[k]
            for w in (m.a, m.b):
                del self.busy[w][s]
            if self._needs_table(k):
                self.at_tables[s] -= 1
        for k, t in moves:
            m = self.meetings[k]
            self.slot[k] = t
            for w in (m.a, m.b):
                self.busy[w][t] = k
            if self._needs_table(k):
                self.at_tables[t] += 1
        for k, _ in moves:
            m = self.meetings[k]
            for w in (m.a, m.b):
                self.breaks[w] = breaks_of(list(self.busy[w]))

    def changed_breaks(self, moves: list[tuple[str, int]]) -> dict[str, int]:
        people = {w for k, _ in moves for w in (self.meetings[k].a, self.meetings[k].b)}
        removed = {w: tuple(self.slot[k] for k, _ in moves if w in (self.meetings[k].a, self.meetings[k].b))
                   for w in people}
        added = {w: tuple(t for k, t in moves if w in (self.meetings[k].a, self.meetings[k].b)) for w in people}
        return {w: self._breaks_with(w, removed[w], added[w]) for w in people}


def improve_breaks(event: Event, schedule: Schedule, deadline: float, seed: int = 1) -> dict[str, int]:
    """Slots of a schedule with fewer (never more) breaks, found before ``deadline`` (monotonic)."""
    state = _State(event, {p.meeting: p.slot for p in schedule.placements})
    rng = random.Random(seed)
    by_slot: dict[int, list[str]] = defaultdict(list)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        by_slot.clear()
        for k, t in state.slot.items():
            by_slot[t].append(k)
        # participants with breaks, in random order: try to pull a meeting into each of their gaps
        troubled = [w for w, b in state.breaks.items() if b > 0]
        rng.shuffle(troubled)
        for who in troubled:
            if time.monotonic() >= deadline:
                break
            if state.breaks[who] == 0:
                continue
            busy = sorted(state.busy[who])
            gaps = [t for t in range(busy[0], busy[-1] + 1) if t not in state.busy[who]]
            edges = {busy[0] - 1, busy[-1] + 1}
            for k in list(state.busy[who].values()):
                for t in gaps + [e for e in edges if 0 <= e < event.n_slots]:
                    gain = state.move_gain(k, t)
                    if gain is not None and gain > 0:
                        moves = [(k, t)]
                    else:
                        moves = None
                        for j in by_slot.get(t, []):
                            g = state.swap_gain(k, j)
                            if g is not None and g > 0:
                                moves = [(k, t), (j, state.slot[k])]
                                break
                    if moves and state.fair_after(moves):
                        old = [(k2, state.slot[k2]) for k2, _ in moves]
                        state.apply(moves)
                        for (k2, s2), (_, t2) in zip(old, moves):
                            by_slot[s2].remove(k2)
                            by_slot[t2].append(k2)
                        improved = True
                        break
                if state.breaks[who] == 0:
                    break
    return state.slot
