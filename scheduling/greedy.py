"""A first-come-first-served scheduler: the baseline, and a first schedule for the optimiser."""
from __future__ import annotations

from collections import defaultdict

from .model import Event, Placement, Schedule


def greedy(event: Event, order: list[str] | None = None) -> Schedule:
    """First come, first served: requests in arrival order (or ``order``), each in the earliest slot free
    for both parties with a table left. The baseline an organiser's spreadsheet gives."""
    people = event.participant_index
    meetings = {m.id: m for m in event.meetings}
    sequence = [meetings[i] for i in order] if order is not None else list(event.meetings)
    busy: dict[str, set[int]] = defaultdict(set)
    used = [0] * event.n_slots
    count: dict[str, int] = defaultdict(int)
    placements = []
    for meeting in sequence:
        a, b = people[meeting.a], people[meeting.b]
        if any(p.max_meetings is not None and count[p.id] >= p.max_meetings for p in (a, b)):
            continue
        for slot in event.allowed_slots(meeting):
            if slot in busy[a.id] or slot in busy[b.id] or used[slot] >= event.n_tables:
                continue
            placements.append(Placement(meeting.id, slot, used[slot]))
            used[slot] += 1
            busy[a.id].add(slot)
            busy[b.id].add(slot)
            count[a.id] += 1
            count[b.id] += 1
            break
    return Schedule(tuple(placements))
