"""The event flow over the real graph: event -> participants -> requests -> schedule -> agenda -> changes
-> outcome."""
from datetime import datetime, timedelta, timezone

import pytest

from conftest import solved

HANOI = timezone(timedelta(hours=7))


def slots(n=6, lunch_after=3):
    out, start = [], datetime(2026, 12, 3, 9, 0, tzinfo=HANOI)
    for i in range(n):
        begin = start + timedelta(minutes=30 * i) + (timedelta(hours=2) if i >= lunch_after else timedelta())
        out.append({"start": begin.isoformat(), "end": (begin + timedelta(minutes=25)).isoformat(),
                    "session": 1 if i < lunch_after else 2})
    return out


@pytest.fixture
def event(client, catalogue):
    for code, name, kind in (("0400000001", "Fuji Parts Vietnam", "fdi"), ("0400000002", "Công ty Cơ khí An Phát", "sme"),
                             ("0400000003", "Minh Long Plastics", "sme")):
        assert client.post("/enterprises", json={"code": code, "name": name, "kind": kind}).status_code == 201
    response = client.post("/events", json={"reference": "supplier-day", "name": "Hanoi Supplier Day 2026",
                                             "location": "NCC, Hanoi", "slots": slots(), "tables": [{}, {}, {}],
                                             "fairness": 2})
    assert response.status_code == 201, response.get_json()
    ev = response.get_json()["id"]
    people = [{"id": "fuji", "name": "Fuji Parts Vietnam", "role": "buyer", "enterprise": "0400000001",
               "hosted_table": 1},
              {"id": "anphat", "name": "Công ty Cơ khí An Phát", "role": "supplier", "enterprise": "0400000002"},
              {"id": "minhlong", "name": "Minh Long Plastics", "role": "supplier", "enterprise": "0400000003",
               "forbidden_slots": [1]},
              {"id": "kyo", "name": "Kyo Precision", "role": "buyer"},
              {"id": "bank", "name": "Hanoi SME Fund", "role": "other", "max_meetings": 1}]
    assert client.post(f"/events/{ev}/participants", json={"participants": people}).status_code == 200
    requests = [{"from": "anphat", "to": "fuji", "priority": 2}, {"from": "fuji", "to": "anphat", "priority": 3},
                {"from": "minhlong", "to": "fuji"}, {"from": "anphat", "to": "kyo"},
                {"from": "minhlong", "to": "kyo", "after": ["fuji~minhlong"]},
                {"from": "bank", "to": "anphat"}, {"from": "bank", "to": "minhlong"}]
    response = client.post(f"/events/{ev}/requests", json={"requests": requests})
    assert response.status_code == 200, response.get_json()
    return {**response.get_json(), "event_id": ev}


def test_requests_merge_into_mutual_meetings(event):
    by_id = {r["id"]: r for r in event["requests"]}
    assert by_id["anphat~fuji"]["requested_by"] == "both" and by_id["anphat~fuji"]["priority"] == 3
    assert by_id["fuji~minhlong"]["requested_by"] == "minhlong"
    assert len(by_id) == 6


def test_schedule_agenda_and_summary(client, event, worker):
    job = solved(client, event["event_id"], time_limit=10)      # a background job, run by the worker
    assert job["status"] == "done", job
    body = job["result"]
    assert body["status"] == "optimal"
    placed = {p["meeting"]: p for p in body["placements"]}
    # the bank may hold one meeting only; everything else fits
    assert len(placed) == 5 and len(body["unmet"]) == 1 and "bank" in body["unmet"][0]["meeting"].split("~")
    assert body["unmet"][0]["reason"] == "bank reached its maximum of 1 meetings"
    assert (body["unmet"][0]["code"], body["unmet"][0]["who"], body["unmet"][0]["limit"]) == ("max_meetings", "bank", 1)
    assert placed["anphat~fuji"]["table"] == 1 and placed["fuji~minhlong"]["table"] == 1   # hosted buyer (table 1)
    assert placed["fuji~minhlong"]["slot"] != 1                                             # forbidden slot 1
    assert placed["fuji~minhlong"]["slot"] < placed["kyo~minhlong"]["slot"]                  # precedence
    agenda = client.get(f"/events/{event['event_id']}/participants/anphat/agenda").get_json()
    assert [m["with"] for m in agenda["meetings"]][:1] and agenda["participant"]["name"] == "Công ty Cơ khí An Phát"
    ics = client.get(f"/events/{event['event_id']}/participants/fuji/agenda?format=ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    text = ics.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 2 and f"UID:{event['event_id']}-anphat~fuji@supply-matchmaker" in text
    english = client.get(f"/events/{event['event_id']}/participants/fuji/agenda?format=ics&lang=en")
    assert "SUMMARY:Meeting with Công ty Cơ khí An Phát" in english.get_data(as_text=True).replace("\r\n ", "")
    vi = client.get(f"/events/{event['event_id']}/participants/fuji/agenda?format=ics&lang=vi")
    assert vi.headers["Content-Language"] == "vi"       # the same meetings, said in Vietnamese
    unfolded = vi.get_data(as_text=True).replace("\r\n ", "")
    assert "SUMMARY:Gặp Công ty Cơ khí An Phát" in unfolded and "Meeting with" not in unfolded
    html = client.get(f"/events/{event['event_id']}/participants/fuji/agenda?format=html").get_data(as_text=True)
    assert "Fuji Parts Vietnam" in html and "Công ty Cơ khí An Phát" in html
    sheets = client.get(f"/events/{event['event_id']}/tables").get_json()["tables"]
    assert sheets[0]["number"] == 1 and {m["meeting"] for m in sheets[0]["meetings"]} == {"anphat~fuji", "fuji~minhlong"}
    summary = client.get(f"/events/{event['event_id']}/summary").get_json()
    assert (summary["requests"], summary["met"]) == (6, 5) and summary["unmet"][0]["reason"]


def test_changes_on_the_day_move_only_what_they_must(client, event, worker):
    first = solved(client, event["event_id"], time_limit=10)["result"]
    before = {p["meeting"]: p for p in first["placements"]}
    response = client.post(f"/events/{event['event_id']}/changes", json={"type": "cancel_meeting", "meeting": "anphat~kyo"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["changes"]["dropped"][0]["meeting"] == "anphat~kyo"
    assert set(body["changes"]["notify"]) >= {"anphat", "kyo"}
    after = {p["meeting"]: p for p in body["placements"]}
    assert all(after[m]["slot"] == before[m]["slot"] for m in after if m in before)   # nothing else moved
    late = {"type": "late_registration", "participant_data": {"id": "hana", "name": "Hana Motors", "role": "buyer"},
            "requests": [{"from": "hana", "to": "minhlong", "priority": 3}]}
    body = client.post(f"/events/{event['event_id']}/changes", json=late).get_json()
    assert [a["meeting"] for a in body["changes"]["added"]] == ["hana~minhlong"]
    assert body["changes"]["moved"] == [] or all(m["meeting"] in ("hana~minhlong",) for m in body["changes"]["moved"])
    body = client.post(f"/events/{event['event_id']}/changes", json={"type": "table_lost", "table": 3}).get_json()
    assert all(p["table"] != 3 for p in body["placements"]) and body["changes"]["change"]["table"] == 3
    assert client.post(f"/events/{event['event_id']}/changes", json={"type": "no_show"}).status_code == 422
    missing = client.post(f"/events/{event['event_id']}/changes", json={"type": "table_lost", "table": 9})
    assert missing.status_code == 404 and "no table 9" in missing.get_json()["error"]["message"]
    zero = client.post(f"/events/{event['event_id']}/changes", json={"type": "table_lost", "table": 0})
    assert zero.status_code == 422 and "numbered from 1" in str(zero.get_json()["error"]["fields"])


def test_outcomes_go_into_the_graph(client, event, graph, worker):
    assert solved(client, event["event_id"], time_limit=10)["status"] == "done"
    response = client.post(f"/events/{event['event_id']}/meetings/anphat~fuji/outcome", json={"outcome": "sample_order"})
    assert response.status_code == 201
    outcome_id = response.get_json()["id"]
    retry = client.post(f"/events/{event['event_id']}/meetings/anphat~fuji/outcome", json={"outcome": "sample_order"})
    assert retry.status_code == 200 and retry.get_json()["id"] == outcome_id    # a retry: the same record
    row = graph.read(lambda tx: tx.run(
        "MATCH (o:MatchOutcome {id: $id})-[:BUYER]->(b), (o)-[:SUPPLIER]->(s) "
        "RETURN b.id AS buyer, s.id AS supplier, o.label AS label, toString(o.occurred_on) AS day",
        id=outcome_id).single().data())
    assert row == {"buyer": "0400000001", "supplier": "0400000002", "label": 1, "day": "2026-12-03"}
    # kyo represents no enterprise: no business outcome to learn from
    placed = client.get(f"/events/{event['event_id']}").get_json()["schedule"]["placements"]
    if any(p["meeting"] == "anphat~kyo" for p in placed):
        assert client.post(f"/events/{event['event_id']}/meetings/anphat~kyo/outcome",
                           json={"outcome": "follow_up"}).status_code == 422
    assert client.post(f"/events/{event['event_id']}/meetings/nope/outcome", json={"outcome": "nda"}).status_code == 404


def test_bad_event_input_names_the_field(client, catalogue, worker):
    bad = {"name": "x", "slots": [{"start": "2026-12-03T10:00+07:00", "end": "2026-12-03T09:00+07:00"}],
           "tables": [{}]}
    response = client.post("/events", json=bad)
    assert response.status_code == 422 and "slots.0.end" in response.get_json()["error"]["fields"]
    naive = {"name": "x", "slots": [{"start": "2026-12-03T10:00", "end": "2026-12-03T11:00"}], "tables": [{}]}
    assert client.post("/events", json=naive).status_code == 422
    assert client.get("/events/nope").status_code == 404
    ok = {"reference": "e2", "name": "x", "slots": slots(2, 2), "tables": [{}]}
    created = client.post("/events", json=ok)
    assert created.status_code == 201
    e2 = created.get_json()["id"]
    retry = client.post("/events", json=ok)
    assert retry.status_code == 200 and retry.get_json()["id"] == e2                   # a retry: the same event
    other = client.post("/events", json={**ok, "name": "y"})
    assert other.status_code == 409 and "reference" in other.get_json()["error"]["fields"]
    assert client.post("/events", json={**ok, "id": "mine"}).status_code == 422        # ids are not chosen
    response = client.post(f"/events/{e2}/requests", json={"requests": [{"from": "a", "to": "b"}]})
    assert response.status_code == 422 and "requests.0.from" in response.get_json()["error"]["fields"]
    empty = solved(client, e2, time_limit=2)
    assert empty["status"] == "done" and empty["result"]["placements"] == []


def test_misspelt_fields_of_participants_requests_and_changes_are_refused(client, event):
    """A misspelt field is named in a 422, never dropped: 'prio' would otherwise store priority 1."""
    ev = event["event_id"]
    before = client.get(f"/events/{ev}").get_json()
    refused = client.post(f"/events/{ev}/requests", json={"requests": [{"from": "kyo", "to": "minhlong", "prio": 3}]})
    assert refused.status_code == 422 and "requests.0.prio" in refused.get_json()["error"]["fields"], refused.get_json()
    refused = client.post(f"/events/{ev}/participants", json={"participants": [{"id": "x1", "colour": "red"}]})
    assert refused.status_code == 422 and "participants.0.colour" in refused.get_json()["error"]["fields"], refused.get_json()
    refused = client.post(f"/events/{ev}/changes", json={"type": "cancel_meeting", "meeting": "anphat~kyo",
                                                          "from": 2})
    assert refused.status_code == 422 and "from" in refused.get_json()["error"]["fields"], refused.get_json()
    after = client.get(f"/events/{ev}").get_json()
    assert (after["participants"], after["requests"]) == (before["participants"], before["requests"])


def test_a_scheduled_event_with_a_hosted_table_takes_new_people_and_changes(client, catalogue, worker):
    """Two tables, one hosted all day, every meeting required: a schedule, a late participant and request, a
    change and a new schedule. Seen on a fresh clone: the change answered 500 and the event could not be
    scheduled again (the first-come schedule the solver starts from counted the hosted table as free)."""
    response = client.post("/events", json={"name": "Tight day", "slots": slots(3, 3), "tables": [{}, {}]})
    ev = response.get_json()["id"]
    people = [{"id": "h", "role": "buyer", "hosted_table": 1}] + [{"id": f"s{i}", "role": "supplier"} for i in range(4)] \
        + [{"id": "b1", "role": "buyer"}, {"id": "b2", "role": "buyer"}]
    assert client.post(f"/events/{ev}/participants", json={"participants": people}).status_code == 200
    requests = [{"from": "s0", "to": "h"}, {"from": "s1", "to": "h"}, {"from": "s2", "to": "b1"},
                {"from": "s3", "to": "b2"}, {"from": "s0", "to": "b1"}]
    assert client.post(f"/events/{ev}/requests", json={"requests": requests, "organiser": True}).status_code == 200
    assert solved(client, ev, time_limit=5)["status"] == "done"
    assert client.post(f"/events/{ev}/participants", json={"participants": [{"id": "x1"}]}).status_code == 200
    assert client.post(f"/events/{ev}/requests", json={"requests": [{"from": "x1", "to": "b2", "priority": 2}],
                                                        "organiser": True}).status_code == 200
    changed = client.post(f"/events/{ev}/changes", json={"type": "cancel_meeting", "meeting": "b1~s0",
                                                         "time_limit": 5})
    assert changed.status_code == 200, changed.get_json()
    again = solved(client, ev, time_limit=5)
    assert again["status"] == "done", again
    placed = again["result"]["placements"]
    tables = {(p["slot"], p["table"]) for p in placed}
    assert len(tables) == len(placed)                       # one meeting a table a slot
    assert all(p["table"] == 1 for p in placed if p["meeting"] in ("h~s0", "h~s1"))


def test_scorer_suggestions_fill_free_capacity(client, catalogue, graph, worker):
    from datetime import date as day
    from matchmaker.repositories.catalogues import CatalogueRepository
    from matchmaker.repositories.enterprises import EnterpriseRepository
    for code, name, kind, km in (("0500000001", "Hana Motors", "fdi", 0), ("0500000002", "Certified CNC", "sme", 2),
                                 ("0500000003", "Uncertified CNC", "sme", 2), ("0500000004", "Far CNC", "sme", 90)):
        body = {"code": code, "name": name, "kind": kind, "latitude": 21.12 + km / 111.0, "longitude": 105.78}
        assert client.post("/enterprises", json=body).status_code == 201
    CatalogueRepository(graph).set_buyer_requirements([{"buyer": "0500000001", "standard": "iso-9001",
                                                         "mandatory": True}])
    EnterpriseRepository(graph).set_certifications([{"enterprise": "0500000002", "standard": "iso-9001",
                                                      "number": "Q", "issuer": "SGS", "issued": day(2025, 1, 1),
                                                      "expires": day(2030, 1, 1)}])
    fair = client.post("/events", json={"name": "Fair", "slots": slots(4, 4), "tables": [{}, {}]}).get_json()["id"]
    people = [{"id": "hana", "role": "buyer", "enterprise": "0500000001"},
              {"id": "cert", "role": "supplier", "enterprise": "0500000002"},
              {"id": "uncert", "role": "supplier", "enterprise": "0500000003"},
              {"id": "far", "role": "supplier", "enterprise": "0500000004"}]
    client.post(f"/events/{fair}/participants", json={"participants": people})
    body = client.post(f"/events/{fair}/suggestions?per_buyer=1").get_json()
    assert [(s["buyer"], s["supplier"]) for s in body["suggestions"]] == [("hana", "cert")]
    assert body["suggestions"][0]["reasons"]
    # suggested meetings are not scheduled until accepted
    assert solved(client, fair, time_limit=5)["result"]["placements"] == []
    assert client.post(f"/events/{fair}/requests/cert~hana/decision", json={"accept": True}).status_code == 200
    placed = solved(client, fair, time_limit=5)["result"]["placements"]
    assert [p["meeting"] for p in placed] == ["cert~hana"]
    # asking again suggests someone new, never the pair already suggested
    again = client.post(f"/events/{fair}/suggestions?per_buyer=1").get_json()["suggestions"]
    assert [s["supplier"] for s in again] in (["uncert"], ["far"])


def test_suggestions_follow_what_the_buyer_looks_for_and_a_party_s_decision_shows_only_its_request(
        client, client_as, catalogue, graph, worker):
    """A buyer with an open request for CNC milling is suggested the CNC shop, not the printer next door (who
    does nothing it looks for); the reasons name the capability; a supplier deciding sees its request, not the
    organiser's event; the summary accounts for every request (met, or unmet with why)."""
    from matchmaker.repositories.enterprises import EnterpriseRepository
    for code, name, kind, km in (("0500000011", "Kyo Motors", "fdi", 0), ("0500000012", "Phay CNC Tiến", "sme", 6),
                                 ("0500000013", "In Offset Hà", "sme", 1)):
        body = {"code": code, "name": name, "kind": kind, "latitude": 21.12 + km / 111.0, "longitude": 105.78}
        assert client.post("/enterprises", json=body).status_code == 201
    EnterpriseRepository(graph).set_capabilities([
        {"enterprise": "0500000012", "capability": "cnc-milling", "capacity": 20000.0, "unit": "pcs/month"},
        {"enterprise": "0500000013", "capability": "offset-printing", "capacity": 90000.0, "unit": "sheets/month"}])
    posted = client.post("/sourcing-requests", json={"buyer": "0500000011", "title": "Housings",
                                                     "capabilities": ["cnc-milling"]})
    assert posted.status_code == 201, posted.get_json()
    fair = client.post("/events", json={"name": "Kyo day", "slots": slots(4, 4), "tables": [{}, {}]}).get_json()["id"]
    people = [{"id": "kyo", "role": "buyer", "enterprise": "0500000011"},
              {"id": "tien", "role": "supplier", "enterprise": "0500000012"},
              {"id": "ha", "role": "supplier", "enterprise": "0500000013"}]
    client.post(f"/events/{fair}/participants", json={"participants": people})
    found = client.post(f"/events/{fair}/suggestions?per_buyer=3").get_json()["suggestions"]
    assert [(s["buyer"], s["supplier"]) for s in found] == [("kyo", "tien")]
    assert any("CNC milling" in reason for reason in found[0]["reasons"])
    assert not any("()" in reason for reason in found[0]["reasons"])
    # the supplier accepts: it gets the request it decided on, not the event's participants and requests
    supplier = client_as("sme", "0500000012")
    decided = supplier.post(f"/events/{fair}/requests/kyo~tien/decision", json={"accept": True})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "accepted" and "participants" not in decided.get_json()
    assert supplier.get(f"/events/{fair}").status_code == 403
    # scheduled before another request comes: the summary says why each request not placed is not met
    assert [p["meeting"] for p in solved(client, fair, time_limit=5)["result"]["placements"]] == ["kyo~tien"]
    client.post(f"/events/{fair}/requests", json={"requests": [{"from": "kyo", "to": "ha"}]})
    summary = client.get(f"/events/{fair}/summary").get_json()
    assert summary["met"] + len(summary["unmet"]) == summary["requests"] == 2
    assert [(u["meeting"], u["code"]) for u in summary["unmet"]] == [("ha~kyo", "request_new")]

def test_the_schedule_the_change_and_the_summary_report_the_same_value_and_breaks(client, event, worker):
    ev = event["event_id"]
    first = solved(client, ev, time_limit=10)["result"]
    summary = client.get(f"/events/{ev}/summary").get_json()
    assert (first["value"], first["breaks"]) == (summary["value"], summary["breaks"])
    # the value weighs each meeting as the solver does: mutual anphat~fuji 2 x 3 + 2, the others their priority
    assert summary["value"] == 8 + sum(1 for p in first["placements"] if p["meeting"] != "anphat~fuji")
    # a no-show from slot 3: the meetings before it were held and stay; the day's breaks count them too
    change = client.post(f"/events/{ev}/changes", json={"type": "no_show", "participant": "kyo", "from_slot": 3})
    assert change.status_code == 200, change.get_json()
    body = change.get_json()
    summary = client.get(f"/events/{ev}/summary").get_json()
    assert (body["value"], body["breaks"], body["max_breaks"]) == \
        (summary["value"], summary["breaks"], summary["max_breaks"])
    assert body["breaks_bound"] <= body["breaks"] and body["value"] <= body["value_bound"]
    assert body["version"] == summary["version"] == 2


def _calendar(client, ev, who):
    from icalendar import Calendar
    response = client.get(f"/events/{ev}/participants/{who}/agenda?format=ics&lang=en")
    assert response.status_code == 200
    return {str(e["UID"]): e for e in Calendar.from_ical(response.get_data(as_text=True)).walk("VEVENT")}


def test_a_calendar_sent_again_cancels_the_meetings_dropped(client, event, worker):
    ev = event["event_id"]
    solved(client, ev, time_limit=10)
    before = _calendar(client, ev, "fuji")
    uid = f"{ev}-fuji~minhlong@supply-matchmaker"
    assert str(before[uid]["STATUS"]) == "CONFIRMED" and "Table 1" in str(before[uid]["LOCATION"])
    assert client.post(f"/events/{ev}/changes", json={"type": "cancel_meeting", "meeting": "fuji~minhlong"}).status_code == 200
    after = _calendar(client, ev, "fuji")
    assert set(after) == set(before)                       # the same UIDs: calendars update what they hold
    assert str(after[uid]["STATUS"]) == "CANCELLED" and int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    assert after[uid].decoded("DTSTART") == before[uid].decoded("DTSTART")
    kept = f"{ev}-anphat~fuji@supply-matchmaker"
    assert str(after[kept]["STATUS"]) == "CONFIRMED"
    assert int(after[kept]["SEQUENCE"]) >= int(before[kept]["SEQUENCE"])
    if after[kept].decoded("DTSTART") != before[kept].decoded("DTSTART"):      # moved: a higher sequence
        assert int(after[kept]["SEQUENCE"]) > int(before[kept]["SEQUENCE"])
    agenda = client.get(f"/events/{ev}/participants/fuji/agenda").get_json()
    assert [c["meeting"] for c in agenda["cancelled"]] == ["fuji~minhlong"] and agenda["event"]["dates"] == ["2026-12-03"]
    assert all(m["slot"] >= 1 and m["table"] == 1 for m in agenda["meetings"])     # the hosted buyer's table 1
    html = client.get(f"/events/{ev}/participants/fuji/agenda?format=html&lang=en").get_data(as_text=True)
    assert "Thursday, December 3, 2026" in html and "Cancelled" in html and "<td>Table 1</td>" in html
    page = client.get(f"/events/{ev}/participants/fuji/agenda?format=html", headers={"Accept-Language": "vi"})
    html = page.get_data(as_text=True)      # the reader's language: Vietnamese asked by the browser
    assert page.headers["Content-Language"] == "vi" and 'lang="vi"' in html and page.headers["Vary"] == "Accept-Language"
    assert "ngày 3 tháng 12 năm 2026" in html and "Cuộc gặp đã hủy" in html and "<td>Bàn 1</td>" in html


def test_schedule_versions_are_compared_and_rolled_back(client, event, worker, graph):
    ev = event["event_id"]
    v1 = solved(client, ev, time_limit=10)["result"]
    late = {"type": "late_registration", "participant_data": {"id": "hana", "name": "Hana Motors", "role": "buyer"},
            "requests": [{"from": "hana", "to": "minhlong", "priority": 3}]}
    assert client.post(f"/events/{ev}/changes", json=late).status_code == 200
    listed = client.get(f"/events/{ev}/schedule-versions").get_json()
    assert listed["current"] == 2 and [v["number"] for v in listed["versions"]] == [2, 1]
    assert [(v["cause"], v["change"], v["current"]) for v in listed["versions"]] == \
        [("change", "late_registration", True), ("scheduled", None, False)]
    assert graph.read(lambda tx: tx.run("MATCH (v:ScheduleVersion)-[:OF_EVENT]->(:Event {id: $id}) RETURN count(v) AS n",
                                        id=ev).single()["n"]) == 2
    one = client.get(f"/events/{ev}/schedule-versions/1").get_json()
    assert one["placements"] == v1["placements"] and one["comparison"]["current"] == 2
    assert [a["meeting"] for a in one["comparison"]["added"]] == ["hana~minhlong"]
    assert one["comparison"]["met_before"] + 1 == one["comparison"]["met_after"]
    assert one["comparison"]["breaks_before"] == v1["breaks"]

    back = client.post(f"/events/{ev}/schedule-versions/1/rollback")
    assert back.status_code == 201, back.get_json()
    body = back.get_json()
    assert body["version"] == 3 and body["rolled_back_to"] == 1 and body["cause"] == "rollback"
    assert sorted(map(str, body["placements"])) == sorted(map(str, v1["placements"]))
    assert [d["meeting"] for d in body["changes"]["dropped"]] == ["hana~minhlong"]
    assert {"hana", "minhlong"} <= set(body["changes"]["notify"])
    summary = client.get(f"/events/{ev}/summary").get_json()
    assert summary["version"] == 3 and summary["breaks"] == body["breaks"] == v1["breaks"]
    assert "hana~minhlong" in [u["meeting"] for u in summary["unmet"]]
    again = client.post(f"/events/{ev}/schedule-versions/1/rollback")          # a retry: nothing new
    assert again.status_code == 200 and again.get_json()["version"] == 3
    assert len(client.get(f"/events/{ev}/schedule-versions").get_json()["versions"]) == 3

    # a version that no longer fits the event as it is now is refused, with the reasons
    assert client.post(f"/events/{ev}/changes", json={"type": "cancel_participant", "participant": "kyo"}).status_code == 200
    refused = client.post(f"/events/{ev}/schedule-versions/2/rollback")
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "version_no_longer_valid" and "Kyo Precision" in " ".join(error["fields"]["version"])
    assert len(client.get(f"/events/{ev}/schedule-versions").get_json()["versions"]) == 4
    assert client.get(f"/events/{ev}/schedule-versions/9").status_code == 404
    assert client.post(f"/events/{ev}/schedule-versions/9/rollback").status_code == 404


def test_a_rollback_is_checked_against_the_tables_in_use(client, event, worker):
    ev = event["event_id"]
    first = solved(client, ev, time_limit=10)["result"]
    used = sorted({p["table"] for p in first["placements"]})
    lost = used[-1]
    assert client.post(f"/events/{ev}/changes", json={"type": "table_lost", "table": lost}).status_code == 200
    refused = client.post(f"/events/{ev}/schedule-versions/1/rollback")
    assert refused.status_code == 409
    assert f"(table {lost}) is no longer in use" in " ".join(refused.get_json()["error"]["fields"]["version"])


def test_a_schedule_stored_on_the_event_before_versions_becomes_its_version(client, event, graph):
    import json

    from graph_schema.migrations import schedule_versions_of_stored_schedules
    ev = event["event_id"]
    body = {"status": "optimal", "value": 9, "breaks": 2, "solved_at": "2026-11-20T10:00:00+00:00", "gap": 0.0,
            "placements": [{"meeting": "anphat~fuji", "slot": 1, "table": 0}], "unmet": []}
    graph.write(lambda tx: tx.run("MATCH (ev:Event {id: $id}) SET ev.schedule = $s, ev.schedule_version = 4",
                                  id=ev, s=json.dumps(body)).consume())
    for _ in range(2):      # idempotent
        graph.write(schedule_versions_of_stored_schedules)
    listed = client.get(f"/events/{ev}/schedule-versions").get_json()
    assert listed["current"] == 4 and [(v["number"], v["breaks"], v["value"], v["meetings"]) for v in listed["versions"]] \
        == [(4, 2, 9, 1)]
    stored = client.get(f"/events/{ev}").get_json()
    assert stored["schedule"]["placements"] == [{"meeting": "anphat~fuji", "slot": 2, "table": 1}]
    assert graph.read(lambda tx: tx.run("MATCH (ev:Event {id: $id}) RETURN ev.schedule AS s", id=ev).single()["s"]) is None


def test_an_organiser_lists_its_events_newest_first(client, client_as, catalogue):
    """GET /events: an organiser's own events, newest first, a page at a time; an admin sees every one; a
    buyer or an SME has no list of events (their agendas come through the events they take part in)."""
    mine, theirs = client_as("organiser", "org-a"), client_as("organiser", "org-b")
    created = []
    for k, (who, name) in enumerate([(mine, "First"), (theirs, "Theirs"), (mine, "Second"), (mine, "Third")]):
        response = who.post("/events", json={"reference": f"day-{k}", "name": name, "slots": slots(2, 2),
                                             "tables": [{}]})
        assert response.status_code == 201, response.get_json()
        created.append(response.get_json()["id"])
    page = mine.get("/events?per_page=2").get_json()
    assert (page["total"], page["page"], page["per_page"]) == (3, 1, 2)
    rest = mine.get("/events?per_page=2&page=2").get_json()["items"]
    listed = page["items"] + rest
    assert sorted(e["name"] for e in listed) == ["First", "Second", "Third"] and len(rest) == 1
    assert [e["created_at"] for e in listed] == sorted((e["created_at"] for e in listed), reverse=True)
    assert all(e["organiser"] == "org-a" and e["participants"] == 0 and e["requests"] == 0 for e in listed)
    assert listed[0]["first_slot"] == slots(2, 2)[0]["start"]
    assert {e["id"] for e in client.get("/events?per_page=50").get_json()["items"]} >= set(created)
    assert [e["name"] for e in theirs.get("/events").get_json()["items"]] == ["Theirs"]
    assert client.post("/enterprises", json={"code": "0400000001", "name": "Fuji", "kind": "fdi"}).status_code == 201
    refused = client_as("buyer", "0400000001").get("/events")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    bad = mine.get("/events?per_page=0")
    assert bad.status_code == 422 and "per_page" in bad.get_json()["error"]["fields"]
