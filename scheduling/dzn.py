"""Reader of the published B2B meeting-scheduling instances (MiniZinc data, 1-based) into an Event."""
from __future__ import annotations

import re
from pathlib import Path

from .model import ANY_SESSION, Event, Meeting, Participant


def _scalar(text: str, name: str) -> int:
    return int(re.search(rf"\b{name}\s*=\s*(\d+)\s*;", text).group(1))


def _sets(text: str, name: str) -> list[list[int]]:
    body = re.search(rf"\b{name}\s*=\s*\[(.*?)\]\s*;", text, re.S).group(1)
    return [[int(v) for v in chunk.split(",") if v.strip()] for chunk in re.findall(r"\{([^}]*)\}", body)]


def read_dzn(path: str | Path, fairness: int = 2) -> Event:
    """All meetings are required, as in the published problem; slots and ids become 0-based."""
    text = Path(path).read_text()
    n_participants = _scalar(text, "nBusiness")
    n_meetings = _scalar(text, "nMeetings")
    n_slots, n_morning = _scalar(text, "nTotalSlots"), _scalar(text, "nMorningSlots")
    requested = re.search(r"\brequested\s*=\s*\[(.*?)\]\s*;", text, re.S).group(1)
    rows = [tuple(int(v) for v in row.split(",") if v.strip()) for row in requested.split("|") if row.strip()]
    assert len(rows) == n_meetings, (len(rows), n_meetings)
    fixed_body = re.search(r"\bfixed\s*=\s*\[(.*?)\]\s*;", text, re.S).group(1)
    fixed = [int(v) for v in fixed_body.split(",") if v.strip()]
    forbidden = _sets(text, "forbidden")
    precedences = _sets(text, "precedences") if re.search(r"\bprecedences\s*=", text) else [[]] * n_meetings
    sessions = (n_morning, n_slots) if 0 < n_morning < n_slots else (n_slots,)
    participants = tuple(Participant(id=str(i + 1), forbidden=frozenset(s - 1 for s in forbidden[i] if s > 0))
                         for i in range(n_participants))
    meetings = []
    for i, (a, b, session) in enumerate(rows):
        meetings.append(Meeting(id=str(i + 1), a=str(a), b=str(b), weight=1,
                                session=ANY_SESSION if session == 3 or len(sessions) == 1 else session,
                                fixed_slot=fixed[i] - 1 if fixed[i] else None, required=True))
    order = tuple((str(j), str(i + 1)) for i, before in enumerate(precedences) for j in before)
    return Event(n_slots=n_slots, session_ends=sessions, n_tables=_scalar(text, "nTables"),
                 participants=participants, meetings=tuple(meetings), precedences=order, fairness=fairness)
