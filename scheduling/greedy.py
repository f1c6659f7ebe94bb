"""A first-come-first-served scheduler: the baseline, and a first schedule for the optimiser."""
from __future__ import annotations

from collections import defaultdict

from .model import Event, Placement, Schedule


def greedy(event: Event, order: list[str] | None = None) -> Schedule:
    """First come, first served: requests in arrival order (or ``order``), each in the earliest slot free
    for both parties with a table left. The baseline an organiser's spreadsheet gives.

    A hosted buyer's meetings are at its own table (the first party's, when both host); the other
    meetings share the tables nobody hosts, as ``solver.assign_tables`` places them."""
    people = event.participant_index
    meetings = {m.id: m for m in event.meetings}
    sequence = [meetings[i] for i in order] if order is not None else list(event.meetings)
    hosted_tables = {p.hosted_table for p in event.participants if p.hosted_table is not None}
    free = [t for t in range(event.n_tables) if t not in hosted_tables]
    busy: dict[str, set[int]] = defaultdict(set)
    used = [0] * event.n_slots      # free tables taken in each slot
    count: dict[str, int] = defaultdict(int)
    placements = []
    for meeting in sequence:
        a, b = people[meeting.a], people[meeting.b]
        if any(p.max_meetings is not None and count[p.id] >= p.max_meetings for p in (a, b)):
            continue
        host = a.hosted_table if a.hosted_table is not None else b.hosted_table
        for slot in event.allowed_slots(meeting):
            if slot in busy[a.id] or slot in busy[b.id] or (host is None and used[slot] >= len(free)):
                continue
            if host is None:
                placements.append(Placement(meeting.id, slot, free[used[slot]]))
                used[slot] += 1
            else:
                placements.append(Placement(meeting.id, slot, host))
            busy[a.id].add(slot)
            busy[b.id].add(slot)
            count[a.id] += 1
            count[b.id] += 1
            break
    return Schedule(tuple(placements))
