from datetime import datetime, timedelta, timezone

from icalendar import Calendar

from scheduling import Event, Meeting, Participant, Schedule
from scheduling.model import Placement
from scheduling.outputs import AgendaItem, TableMeeting, agenda, changes, ics, revisions, summary, table_sheets

HANOI = timezone(timedelta(hours=7))
SLOTS = [(datetime(2026, 12, 3, 9, 0, tzinfo=HANOI) + timedelta(minutes=30 * i),
          datetime(2026, 12, 3, 9, 25, tzinfo=HANOI) + timedelta(minutes=30 * i)) for i in range(4)]
EVENT = Event(n_slots=4, session_ends=(4,), n_tables=2,
              participants=(Participant("B"), Participant("S1"), Participant("S2")),
              meetings=(Meeting("m1", "B", "S1"), Meeting("m2", "B", "S2"), Meeting("m3", "S1", "S2")))
SCHEDULE = Schedule((Placement("m1", 0, 0), Placement("m2", 2, 1)))


def test_agenda_and_ics():
    items = agenda(EVENT, SCHEDULE, "B", SLOTS, names={"S1": "Công ty An Phát, Hà Nội"})
    assert [i.meeting for i in items] == ["m1", "m2"]
    items = [i.at(f"Table {i.table + 1}", 0) for i in items]
    text = ics("ev1", "Hanoi Supplier Day", "Buyer B", items, location="NCC Hall")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20261203T020000Z" in text          # 09:00 in Hanoi is 02:00 UTC
    assert "UID:ev1-m1@supply-matchmaker" in text
    assert "SUMMARY:Meeting with Công ty An Phát\\, Hà Nội" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = Calendar.from_ical(text)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    first = events["ev1-m1@supply-matchmaker"]
    assert first.decoded("DTSTART") == SLOTS[0][0] and str(first["LOCATION"]) == "NCC Hall, Table 1"
    assert str(first["STATUS"]) == "CONFIRMED" and int(first["SEQUENCE"]) == 0


def _sent(placements: list[dict], calendar: dict) -> dict:
    """The calendar file B would get for a version, parsed back: {uid: (status, sequence, start)}."""
    schedule = Schedule(tuple(Placement(p["meeting"], p["slot"], p["table"]) for p in placements))
    items = [i.at(None, calendar["sequence"][i.meeting]) for i in agenda(EVENT, schedule, "B", SLOTS)]
    meetings = {m.id: m for m in EVENT.meetings}
    cancelled = [AgendaItem(meeting=k, slot=c["slot"], start=SLOTS[c["slot"]][0].isoformat(),
                            end=SLOTS[c["slot"]][1].isoformat(), table=c["table"], with_=meetings[k].b,
                            with_name=meetings[k].b, table_name="Table 1", sequence=c["sequence"])
                 for k, c in calendar["cancelled"].items() if "B" in (meetings[k].a, meetings[k].b)]
    parsed = Calendar.from_ical(ics("ev1", "Day", "B", items, cancelled=cancelled))
    return {str(e["UID"]).split("-")[1].split("@")[0]: (str(e["STATUS"]), int(e["SEQUENCE"]), e.decoded("DTSTART"))
            for e in parsed.walk("VEVENT")}


def test_a_calendar_sent_again_updates_moved_meetings_and_cancels_dropped_ones():
    """RFC 5545: the same UID with a higher SEQUENCE replaces what a calendar holds; STATUS:CANCELLED
    removes it. A meeting that did not change keeps its sequence."""
    v1 = [{"meeting": "m1", "slot": 0, "table": 0}, {"meeting": "m2", "slot": 2, "table": 1}]
    first = revisions(None, v1, 1)
    assert _sent(v1, first) == {"m1": ("CONFIRMED", 0, SLOTS[0][0]), "m2": ("CONFIRMED", 0, SLOTS[2][0])}
    v2 = [{"meeting": "m2", "slot": 1, "table": 1}, {"meeting": "m3", "slot": 3, "table": 0}]   # m1 dropped, m2 moved
    second = revisions({"placements": v1, "calendar": first}, v2, 2)
    assert _sent(v2, second) == {"m1": ("CANCELLED", 1, SLOTS[0][0]), "m2": ("CONFIRMED", 1, SLOTS[1][0])}
    assert second["sequence"]["m3"] == 0            # never sent before: its first entry, whatever the version
    v3 = [{"meeting": "m2", "slot": 1, "table": 1}]          # nothing of B's changes: the same file again
    third = revisions({"placements": v2, "calendar": second}, v3, 3)
    assert _sent(v3, third) == _sent(v2, second) and third["cancelled"]["m3"]["sequence"] == 2
    v4 = [{"meeting": "m1", "slot": 3, "table": 0}, {"meeting": "m2", "slot": 1, "table": 1}]   # m1 back, later
    fourth = revisions({"placements": v3, "calendar": third}, v4, 4)
    assert _sent(v4, fourth) == {"m1": ("CONFIRMED", 3, SLOTS[3][0]), "m2": ("CONFIRMED", 1, SLOTS[1][0])}


def test_sheets_summary_and_changes():
    assert table_sheets(EVENT, SCHEDULE) == {0: [TableMeeting(slot=0, meeting="m1", a="B", b="S1")],
                                             1: [TableMeeting(slot=2, meeting="m2", a="B", b="S2")]}
    s = summary(EVENT, SCHEDULE)
    assert (s.met, s.breaks, s.max_breaks) == (2, 1, 1)
    assert [u["meeting"] for u in s.unmet] == ["m3"]
    after = Schedule((Placement("m1", 0, 0), Placement("m2", 1, 1), Placement("m3", 3, 0)))
    diff = changes(EVENT, SCHEDULE, after)
    assert diff["moved"] == [{"meeting": "m2", "was": {"slot": 2, "table": 1}, "now": {"slot": 1, "table": 1}}]
    assert diff["added"][0]["meeting"] == "m3" and diff["dropped"] == []
    assert diff["notify"] == ["B", "S1", "S2"]
