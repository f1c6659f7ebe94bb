from datetime import datetime, timedelta, timezone

from scheduling import Event, Meeting, Participant, Schedule
from scheduling.model import Placement
from scheduling.outputs import agenda, changes, ics, summary, table_sheets

HANOI = timezone(timedelta(hours=7))
SLOTS = [(datetime(2026, 12, 3, 9, 0, tzinfo=HANOI) + timedelta(minutes=30 * i),
          datetime(2026, 12, 3, 9, 25, tzinfo=HANOI) + timedelta(minutes=30 * i)) for i in range(4)]
EVENT = Event(n_slots=4, session_ends=(4,), n_tables=2,
              participants=(Participant("B"), Participant("S1"), Participant("S2")),
              meetings=(Meeting("m1", "B", "S1"), Meeting("m2", "B", "S2"), Meeting("m3", "S1", "S2")))
SCHEDULE = Schedule((Placement("m1", 0, 0), Placement("m2", 2, 1)))


def test_agenda_and_ics():
    items = agenda(EVENT, SCHEDULE, "B", SLOTS, names={"S1": "Công ty An Phát, Hà Nội"})
    assert [i["meeting"] for i in items] == ["m1", "m2"]
    text = ics("ev1", "Hanoi Supplier Day", "Buyer B", items, location="NCC Hall")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20261203T020000Z" in text          # 09:00 in Hanoi is 02:00 UTC
    assert "UID:ev1-m1@supply-matchmaker" in text
    assert "SUMMARY:Meeting with Công ty An Phát\\, Hà Nội" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_sheets_summary_and_changes():
    assert table_sheets(EVENT, SCHEDULE) == {0: [{"slot": 0, "meeting": "m1", "a": "B", "b": "S1"}],
                                             1: [{"slot": 2, "meeting": "m2", "a": "B", "b": "S2"}]}
    s = summary(EVENT, SCHEDULE)
    assert (s["met"], s["breaks"], s["max_breaks"]) == (2, 1, 1)
    assert [u["meeting"] for u in s["unmet"]] == ["m3"]
    after = Schedule((Placement("m1", 0, 0), Placement("m2", 1, 1), Placement("m3", 3, 0)))
    diff = changes(EVENT, SCHEDULE, after)
    assert diff["moved"] == [{"meeting": "m2", "was": {"slot": 2, "table": 1}, "now": {"slot": 1, "table": 1}}]
    assert diff["added"][0]["meeting"] == "m3" and diff["dropped"] == []
    assert diff["notify"] == ["B", "S1", "S2"]
