"""What a schedule gives people: agendas (JSON, iCalendar), table sheets, the organiser's summary,
and the difference between two schedules (who must be told what)."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from .model import Event, Schedule, breaks_of
from .validator import participant_slots


def agenda(event: Event, schedule: Schedule, participant: str, slot_times: list[tuple[datetime, datetime]],
           names: dict[str, str] | None = None) -> list[dict]:
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
        items.append({"meeting": meeting.id, "slot": placement.slot, "start": start.isoformat(),
                      "end": end.isoformat(), "table": placement.table, "with": other,
                      "with_name": names.get(other) or other})
    return sorted(items, key=lambda i: i["slot"])


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


def ics(event_id: str, event_name: str, participant_name: str, items: list[dict], location: str | None = None,
        stamp: datetime | None = None) -> str:
    """An iCalendar file of one participant's agenda; UIDs are stable, so a re-sent file updates events."""
    stamp = stamp or datetime.now(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//supply-matchmaker//agenda//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(event_name + ' - ' + participant_name)}"]
    for item in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event_id}-{item['meeting']}@supply-matchmaker",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART:{_utc(datetime.fromisoformat(item['start']))}",
            f"DTEND:{_utc(datetime.fromisoformat(item['end']))}",
            f"SUMMARY:{_escape('Meeting with ' + item['with_name'])}",
            f"LOCATION:{_escape((location + ', ' if location else '') + 'table ' + str(item['table'] + 1))}",
            f"DESCRIPTION:{_escape(event_name + ': slot ' + str(item['slot'] + 1) + ', table ' + str(item['table'] + 1))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


def table_sheets(event: Event, schedule: Schedule) -> dict[int, list[dict]]:
    """For each table, its meetings slot by slot (what the table host prints)."""
    meetings = {m.id: m for m in event.meetings}
    sheets: dict[int, list[dict]] = defaultdict(list)
    for placement in sorted(schedule.placements, key=lambda p: (p.table, p.slot)):
        meeting = meetings[placement.meeting]
        sheets[placement.table].append({"slot": placement.slot, "meeting": meeting.id, "a": meeting.a, "b": meeting.b})
    return dict(sheets)


def summary(event: Event, schedule: Schedule, unmet: list[dict] | None = None) -> dict:
    """The organiser's view: requests met (count and value), breaks, unmet requests with the reason."""
    placed = schedule.by_meeting()
    breaks = {who: breaks_of(slots) for who, slots in participant_slots(event, schedule).items()}
    value = sum(m.weight for m in event.meetings if m.id in placed)
    return {"requests": len(event.meetings), "met": len(placed),
            "value": value, "value_requested": sum(m.weight for m in event.meetings),
            "breaks": sum(breaks.values()), "max_breaks": max(breaks.values(), default=0),
            "participants_with_breaks": sum(1 for b in breaks.values() if b),
            "unmet": unmet if unmet is not None else
            [{"meeting": m.id, "a": m.a, "b": m.b, "reason": "not scheduled"} for m in event.meetings
             if m.id not in placed]}


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
