"""One validator that checks any schedule against every constraint of its event."""
from __future__ import annotations

from dataclasses import dataclass

from .model import ANY_SESSION, Event, Schedule, breaks_of


@dataclass(frozen=True)
class Violation:
    constraint: str
    detail: str


def participant_slots(event: Event, schedule: Schedule) -> dict[str, list[int]]:
    meetings = {m.id: m for m in event.meetings}
    busy: dict[str, list[int]] = {p.id: [] for p in event.participants}
    for placement in schedule.placements:
        meeting = meetings.get(placement.meeting)
        if meeting is not None:
            busy.setdefault(meeting.a, []).append(placement.slot)
            busy.setdefault(meeting.b, []).append(placement.slot)
    return busy


def validate(event: Event, schedule: Schedule, check_fairness: bool = True, slot_name=str,
             table_name=str) -> list[Violation]:
    """Every way ``schedule`` breaks the event's rules; an empty list means valid. ``slot_name`` and
    ``table_name`` say a slot or table index in the details (default: the index itself)."""
    slot, table = slot_name, table_name
    out: list[Violation] = []
    meetings = {m.id: m for m in event.meetings}
    people = event.participant_index
    hosted_tables = {p.hosted_table: p.id for p in event.participants if p.hosted_table is not None}
    seen: set[str] = set()
    per_slot_table: dict[tuple[int, int], str] = {}
    for placement in schedule.placements:
        meeting = meetings.get(placement.meeting)
        if meeting is None:
            out.append(Violation("unknown_meeting", placement.meeting))
            continue
        if placement.meeting in seen:
            out.append(Violation("one_placement_per_meeting", placement.meeting))
        seen.add(placement.meeting)
        if not 0 <= placement.slot < event.n_slots:
            out.append(Violation("slot_range", f"{placement.meeting} in slot {slot(placement.slot)}"))
            continue
        if not 0 <= placement.table < event.n_tables:
            out.append(Violation("table_range", f"{placement.meeting} at table {table(placement.table)}"))
        key = (placement.slot, placement.table)
        if key in per_slot_table:
            out.append(Violation("one_meeting_per_table", f"{per_slot_table[key]} and {placement.meeting} "
                                                          f"at table {table(placement.table)} in slot {slot(placement.slot)}"))
        per_slot_table[key] = placement.meeting
        if meeting.session != ANY_SESSION and event.session_of(placement.slot) != meeting.session:
            out.append(Violation("session", f"{meeting.id} must be in session {meeting.session}"))
        for who in (meeting.a, meeting.b):
            if placement.slot in people[who].forbidden:
                out.append(Violation("forbidden_slot", f"{who} cannot meet in slot {slot(placement.slot)}"))
        if meeting.fixed_slot is not None and placement.slot != meeting.fixed_slot:
            out.append(Violation("fixed_slot", f"{meeting.id} is fixed to slot {slot(meeting.fixed_slot)}"))
        hosts = [people[w].hosted_table for w in (meeting.a, meeting.b) if people[w].hosted_table is not None]
        if hosts and placement.table not in hosts:
            out.append(Violation("hosted_table", f"{meeting.id} must be at table {table(hosts[0])}"))
        if not hosts and placement.table in hosted_tables:
            out.append(Violation("hosted_table", f"table {table(placement.table)} belongs to {hosted_tables[placement.table]}"))
    for meeting in event.meetings:
        if meeting.required and meeting.id not in seen:
            out.append(Violation("required_meeting", f"{meeting.id} is not scheduled"))
    busy = participant_slots(event, schedule)
    for who, slots in busy.items():
        duplicates = {t for t in slots if slots.count(t) > 1}
        for t in sorted(duplicates):
            out.append(Violation("one_meeting_per_participant", f"{who} has two meetings in slot {slot(t)}"))
        limit = people[who].max_meetings if who in people else None
        if limit is not None and len(slots) > limit:
            out.append(Violation("max_meetings", f"{who} has {len(slots)} meetings, at most {limit}"))
    placed = schedule.by_meeting()
    for earlier, later in event.precedences:
        if earlier in placed and later in placed and placed[earlier].slot >= placed[later].slot:
            out.append(Violation("precedence", f"{earlier} must come before {later}"))
    if check_fairness and event.fairness is not None and busy:
        counts = [breaks_of(slots) for slots in busy.values()]
        if max(counts) - min(counts) > event.fairness:
            out.append(Violation("fairness", f"breaks range from {min(counts)} to {max(counts)}, "
                                             f"more than {event.fairness} apart"))
    return out
