"""Immutable value types of a matchmaking event and of its schedule."""
from __future__ import annotations

from dataclasses import dataclass, field

ANY_SESSION = 0


@dataclass(frozen=True)
class Participant:
    id: str
    forbidden: frozenset[int] = frozenset()     # slots (0-based) the participant cannot meet in
    max_meetings: int | None = None
    hosted_table: int | None = None            # hosted-buyer mode: this table all day


@dataclass(frozen=True)
class Meeting:
    """A requested meeting between two participants."""

    id: str
    a: str
    b: str
    weight: int = 1                            # value of holding it (mutual requests weigh most)
    session: int = ANY_SESSION                 # 0 any, else the 1-based session it must be in
    fixed_slot: int | None = None              # organiser-fixed: this slot
    required: bool = False                     # must be held (the published instances: all of them)


@dataclass(frozen=True)
class Event:
    """Slots 0..n_slots-1 split into consecutive sessions; tables 0..n_tables-1."""

    n_slots: int
    session_ends: tuple[int, ...]              # exclusive end slot of each session, ascending, last = n_slots
    n_tables: int
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]
    precedences: tuple[tuple[str, str], ...] = ()   # (earlier meeting id, later meeting id)
    fairness: int | None = 2                   # max difference of breaks between participants

    def session_of(self, slot: int) -> int:
        for index, end in enumerate(self.session_ends, start=1):
            if slot < end:
                return index
        raise ValueError(slot)

    def allowed_slots(self, meeting: Meeting) -> list[int]:
        """Slots a meeting may take: its session, both parties free, its fixed slot if any."""
        by_id = self.participant_index
        forbidden = by_id[meeting.a].forbidden | by_id[meeting.b].forbidden
        slots = [t for t in range(self.n_slots) if t not in forbidden
                 and (meeting.session == ANY_SESSION or self.session_of(t) == meeting.session)]
        if meeting.fixed_slot is not None:
            slots = [t for t in slots if t == meeting.fixed_slot]
        return slots

    @property
    def participant_index(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}


@dataclass(frozen=True)
class Placement:
    meeting: str
    slot: int
    table: int


@dataclass(frozen=True)
class Schedule:
    placements: tuple[Placement, ...] = field(default_factory=tuple)

    def by_meeting(self) -> dict[str, Placement]:
        return {p.meeting: p for p in self.placements}


def relative_gap(objective: float, bound: float) -> float:
    """How far a value is from its proven bound, relative to the value (1 at least)."""
    return abs(bound - objective) / max(abs(objective), 1)


def breaks_of(busy_slots: list[int]) -> int:
    """Runs of idle slots between a participant's first and last meeting."""
    ordered = sorted(busy_slots)
    return sum(1 for x, y in zip(ordered, ordered[1:]) if y - x > 1)
