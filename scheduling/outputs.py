"""What a schedule gives people: agendas (JSON, iCalendar), table sheets, the organiser's summary,
and the difference between two schedules (who must be told what)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from .model import Event, Schedule, breaks_of
from .validator import participant_slots


@dataclass(frozen=True)
class AgendaItem:
    """One meeting of a participant's agenda (or one cancelled since a calendar file was sent)."""
    meeting: str
    slot: int
    start: str                  # ISO times with their zone
    end: str
    table: int
    with_: str                  # the other participant
    with_name: str
    table_name: str | None = None
    sequence: int = 0           # the revision of its calendar entry (iCalendar SEQUENCE)

    def at(self, table_name: str | None, sequence: int) -> "AgendaItem":
        return replace(self, table_name=table_name, sequence=sequence)


@dataclass(frozen=True)
class TableMeeting:
    """A meeting on a table's sheet."""
    slot: int
    meeting: str
    a: str
    b: str


@dataclass(frozen=True)
class ScheduleSummary:
    """The organiser's figures: requests met (count and value), breaks, unmet requests with the reason."""
    requests: int
    met: int
    value: int
    value_requested: int
    breaks: int
    max_breaks: int
    participants_with_breaks: int
    unmet: list[dict]           # each with the reason (as the solver recorded it)


def agenda(event: Event, schedule: Schedule, participant: str, slot_times: list[tuple[datetime, datetime]],
           names: dict[str, str] | None = None) -> list[AgendaItem]:
    """One participant's meetings in time order: slot, times, table, with whom."""
    names = names or {}
    meetings = {m.id: m for m in event.meetings}
    items = []
    for placement in schedule.placements:
        meeting = meetings[placement.meeting]
        if participant not in (meeting.a, meeting.b):
            continue
        other = meeting.b if meeting.a == participant else meeting.a
        start, end = slot_times[placement.slot]
        items.append(AgendaItem(meeting=meeting.id, slot=placement.slot, start=start.isoformat(), end=end.isoformat(),
                                table=placement.table, with_=other, with_name=names.get(other) or other))
    return sorted(items, key=lambda i: i.slot)


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return [out[0]] + [" " + part for part in out[1:]]


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("slot times must carry a time zone")
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class CalendarWords:
    """What a calendar file says around the names, in its reader's language (default English)."""
    meeting_with: str = "Meeting with {name}"
    cancelled: str = "Cancelled: {summary}"
    cancelled_note: str = "{description} (cancelled)"
    table: str = "table"                # a table with no name of its own


def ics(event_id: str, event_name: str, participant_name: str, items: list[AgendaItem], location: str | None = None,
        stamp: datetime | None = None, cancelled: list[AgendaItem] | None = None,
        words: CalendarWords = CalendarWords()) -> str:
    """An iCalendar file of one participant's agenda. Each meeting keeps its UID across versions of the
    schedule and carries its SEQUENCE (raised whenever the meeting moved), so a re-sent file updates
    calendars; a meeting dropped since is sent again with STATUS:CANCELLED and a higher SEQUENCE
    (RFC 5545, 3.8.1.11 and 3.8.7.4), so calendars remove it. Items name their table by ``table_name``;
    ``words`` say the rest in the reader's language."""
    stamp = stamp or datetime.now(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//supply-matchmaker//agenda//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(event_name + ' - ' + participant_name)}"]
    for item, status in [(i, "CONFIRMED") for i in items] + [(i, "CANCELLED") for i in cancelled or []]:
        place = item.table_name or words.table
        summary = words.meeting_with.format(name=item.with_name)
        description = f"{event_name}: {place}"
        if status == "CANCELLED":
            summary, description = (words.cancelled.format(summary=summary),
                                    words.cancelled_note.format(description=description))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event_id}-{item.meeting}@supply-matchmaker",
            f"DTSTAMP:{_utc(stamp)}",
            f"SEQUENCE:{int(item.sequence or 0)}",
            f"STATUS:{status}",
            f"DTSTART:{_utc(datetime.fromisoformat(item.start))}",
            f"DTEND:{_utc(datetime.fromisoformat(item.end))}",
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape((location + ', ' if location else '') + place)}",
            f"DESCRIPTION:{_escape(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


def revisions(before: dict | None, placements: list[dict], number: int) -> dict:
    """The calendar history that version ``number`` of a schedule carries, from the version before it
    (None: the first): each meeting's ``sequence`` (0 until the meeting first moves, then the number
    before that of the version where it last moved; 0 for a meeting never sent before), and the meetings
    ``cancelled`` since they were last sent (their last place, with a sequence above any sent for them). A meeting placed again
    leaves ``cancelled``."""
    before = before or {}
    old = {p["meeting"]: p for p in before.get("placements", [])}
    history = before.get("calendar") or {}
    old_sequence = history.get("sequence") or {}
    sequence_now = number - 1
    sequence, cancelled = {}, dict(history.get("cancelled") or {})
    sent = set(old) | set(old_sequence) | set(cancelled)       # meetings some calendar file may hold
    for p in placements:
        was = old.get(p["meeting"])
        same = was is not None and (was["slot"], was["table"]) == (p["slot"], p["table"])
        sequence[p["meeting"]] = old_sequence.get(p["meeting"], 0) if same else \
            sequence_now if p["meeting"] in sent else 0
        cancelled.pop(p["meeting"], None)
    placed = {p["meeting"] for p in placements}
    for meeting, p in old.items():
        if meeting not in placed:
            cancelled[meeting] = {"slot": p["slot"], "table": p["table"], "sequence": sequence_now}
    return {"sequence": sequence, "cancelled": cancelled}


def table_sheets(event: Event, schedule: Schedule) -> dict[int, list[TableMeeting]]:
    """For each table, its meetings slot by slot (what the table host prints)."""
    meetings = {m.id: m for m in event.meetings}
    sheets: dict[int, list[TableMeeting]] = defaultdict(list)
    for placement in sorted(schedule.placements, key=lambda p: (p.table, p.slot)):
        meeting = meetings[placement.meeting]
        sheets[placement.table].append(TableMeeting(placement.slot, meeting.id, meeting.a, meeting.b))
    return dict(sheets)


def summary(event: Event, schedule: Schedule, unmet: list[dict] | None = None) -> ScheduleSummary:
    """The organiser's view: requests met (count and value), breaks, unmet requests with the reason
    (``unmet``: as the solver gave them; default: every request not placed, 'not scheduled')."""
    placed = schedule.by_meeting()
    breaks = {who: breaks_of(slots) for who, slots in participant_slots(event, schedule).items()}
    value = sum(m.weight for m in event.meetings if m.id in placed)
    return ScheduleSummary(
        requests=len(event.meetings), met=len(placed), value=value,
        value_requested=sum(m.weight for m in event.meetings), breaks=sum(breaks.values()),
        max_breaks=max(breaks.values(), default=0), participants_with_breaks=sum(1 for b in breaks.values() if b),
        unmet=unmet if unmet is not None else
        [{"meeting": m.id, "a": m.a, "b": m.b, "reason": "not scheduled"} for m in event.meetings
         if m.id not in placed])


def changes(event: Event, before: Schedule, after: Schedule) -> dict:
    """Exactly what moved between two schedules, and who must be told."""
    meetings = {m.id: m for m in event.meetings}
    old, new = before.by_meeting(), after.by_meeting()
    moved, dropped, added = [], [], []
    for meeting_id, placement in sorted(old.items()):
        if meeting_id not in new:
            dropped.append({"meeting": meeting_id, "was": {"slot": placement.slot, "table": placement.table}})
        elif (new[meeting_id].slot, new[meeting_id].table) != (placement.slot, placement.table):
            moved.append({"meeting": meeting_id, "was": {"slot": placement.slot, "table": placement.table},
                          "now": {"slot": new[meeting_id].slot, "table": new[meeting_id].table}})
    for meeting_id, placement in sorted(new.items()):
        if meeting_id not in old:
            added.append({"meeting": meeting_id, "now": {"slot": placement.slot, "table": placement.table}})
    notify = set()
    for change in moved + dropped + added:
        meeting = meetings.get(change["meeting"])
        if meeting is not None:
            notify.update((meeting.a, meeting.b))
    return {"moved": moved, "dropped": dropped, "added": added, "notify": sorted(notify)}
