"""Pages over the seeded demo: the same roles and tenants as the API, every page endpoint covered;
bad input gets a page naming the field (4xx, nothing stored); retries change nothing."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import pytest

from matchmaker.services.access import KeyService

BUYER, OTHER_BUYER = "0110000019", "0110071290"
SME, OTHER_SME = "0111631333", "0110285103"
ORGANISER, OTHER_ORGANISER = "org-a", "org-b"
EVENT = "E-page-access-day"      # the pages' tests store the event under a known id, as an import could


@pytest.fixture(scope="module")
def event(demo, session_graph):
    """An event of organiser A with a schedule: the buyer meets the SME and another supplier."""
    from matchmaker.services.events import EventService
    service = EventService(session_graph)
    start = datetime(2026, 12, 3, 9, tzinfo=timezone(timedelta(hours=7)))
    created, _ = service.create({"name": "Access day", "fairness": 2,
                                 "slots": [{"start": start + timedelta(minutes=20 * i),
                                            "end": start + timedelta(minutes=20 * (i + 1)), "session": 1}
                                           for i in range(4)],
                                 "tables": [{"seats": 4}, {"seats": 4}]}, organiser=ORGANISER)
    session_graph.write(lambda tx: tx.run("MATCH (ev:Event {id: $id}) SET ev.id = $fixed", id=created["id"],
                                          fixed=EVENT).consume())
    service.add_participants(EVENT, [
        {"id": "buyer", "name": "Hwaorient", "role": "buyer", "enterprise": BUYER, "forbidden_slots": []},
        {"id": "sme", "name": "Đông Á", "role": "supplier", "enterprise": SME, "forbidden_slots": []},
        {"id": "other", "name": "Quang Vinh", "role": "supplier", "enterprise": OTHER_SME, "forbidden_slots": []}])
    service.add_requests(EVENT, [{"from": "buyer", "to": "sme", "priority": 2, "after": []},
                                 {"from": "buyer", "to": "other", "priority": 1, "after": []}])
    service.schedule(EVENT, time_limit=5)
    return EVENT


@pytest.fixture(scope="module")
def people(demo_app, session_graph, event):
    """A signed-in browser (test client) and its form token for each kind of person."""
    out = {}
    for name, role, tenant in (("admin", "admin", None), ("buyer", "buyer", BUYER), ("other_buyer", "buyer", OTHER_BUYER),
                               ("sme", "sme", SME), ("other_sme", "sme", OTHER_SME),
                               ("organiser", "organiser", ORGANISER), ("other_organiser", "organiser", OTHER_ORGANISER)):
        _, key = KeyService(session_graph).issue(role, tenant)
        browser = demo_app.test_client()
        browser.set_cookie("lang", "en")
        token = _token(browser, "/app/signin")
        assert browser.post("/app/signin", data={"key": key, "csrf": token}).status_code == 302
        out[name] = (browser, _token(browser, "/app/"))
    return out


def _token(browser, path):
    return re.search(r'name="csrf" value="([^"]+)"', browser.get(path).get_data(as_text=True)).group(1)


SEARCH = "/app/search?run=1&capabilities=cnc-milling&max_distance_km=30"
AGENDA = f"/app/events/{EVENT}/participants/sme/agenda"
# endpoint -> (method, path, form, {person: expected status}); people not named get 403. Another organiser's
# event, or an agenda of someone else's, answers 404, as an event that does not exist (HIDDEN).
HIDDEN = {"other_organiser": 404}
HIDDEN_AGENDA = {p: 404 for p in ("other_organiser", "buyer", "other_buyer", "other_sme")}
RULES = {
    "web.search": ("GET", SEARCH, None, {"admin": 200, "buyer": 200, "other_buyer": 200}),
    "web.search_csv": ("GET", SEARCH.replace("/search?", "/search.csv?"), None,
                       {"admin": 200, "buyer": 200, "other_buyer": 200}),
    "web.suppliers": ("GET", "/app/suppliers?q=co khi", None, {p: 200 for p in (
        "admin", "buyer", "other_buyer", "sme", "other_sme", "organiser", "other_organiser")}),
    "web.supplier": ("GET", f"/app/suppliers/{SME}", None, {p: 200 for p in (
        "admin", "buyer", "other_buyer", "sme", "other_sme", "organiser", "other_organiser")}),
    "web.shortlist": ("GET", f"/app/shortlist?buyer={BUYER}", None, {"admin": 200, "buyer": 200, "other_buyer": 200}),
    "web.shortlist_csv": ("GET", f"/app/shortlist.csv?buyer={BUYER}", None,
                          {"admin": 200, "buyer": 200, "other_buyer": 200}),
    "web.shortlist_change": ("POST", "/app/shortlist", {"supplier": SME, "buyer": BUYER},
                             {"admin": 302, "buyer": 302, "other_buyer": 302}),
    "web.readiness_home": ("GET", "/app/readiness", None, {"admin": 200, "sme": 302, "other_sme": 302}),
    "web.readiness_page": ("GET", f"/app/smes/{SME}", None, {"admin": 200, "sme": 200}),
    "web.readiness_report": ("GET", f"/app/smes/{SME}/report", None, {"admin": 200, "sme": 200}),
    "web.programme": ("GET", "/app/programme?sector=automotive", None, {"admin": 200}),
    "web.events": ("GET", "/app/events", None, {"admin": 200, "organiser": 200, "other_organiser": 200}),
    "web.event": ("GET", f"/app/events/{EVENT}", None, {"admin": 200, "organiser": 200, **HIDDEN}),
    "web.event_import": ("POST", f"/app/events/{EVENT}/import", {"what": "participants"},
                         {"admin": 422, "organiser": 422, **HIDDEN}),     # allowed, but no file: 422
    "web.event_schedule": ("POST", f"/app/events/{EVENT}/schedule", {"time_limit": "999"},
                           {"admin": 422, "organiser": 422, **HIDDEN}),   # allowed, but longer than allowed
    "web.event_schedule_job": ("GET", f"/app/events/{EVENT}/schedule-jobs/J-0", None,
                               {"admin": 404, "organiser": 404, **HIDDEN}),   # allowed, but no such job
    "web.event_schedule_cancel": ("POST", f"/app/events/{EVENT}/schedule-jobs/J-0/cancel", {},
                                  {"admin": 404, "organiser": 404, **HIDDEN}),
    "web.event_change": ("POST", f"/app/events/{EVENT}/changes", {"type": "no_show"},
                         {"admin": 422, "organiser": 422, **HIDDEN}),     # allowed, but no participant named
    "web.event_outcome": ("POST", f"/app/events/{EVENT}/meetings/nobody~sme/outcome", {"outcome": "held"},
                          {"admin": 404, "organiser": 404, **HIDDEN}),
    "web.event_version": ("GET", f"/app/events/{EVENT}/versions/1", None, {"admin": 200, "organiser": 200, **HIDDEN}),
    "web.event_rollback": ("POST", f"/app/events/{EVENT}/versions/1/rollback", {},
                           {"admin": 302, "organiser": 302, **HIDDEN}),     # version 1 is current: nothing new
    "web.agenda": ("GET", AGENDA, None, {"admin": 200, "organiser": 200, "sme": 200, **HIDDEN_AGENDA}),
    "web.agenda_ics": ("GET", AGENDA + ".ics", None, {"admin": 200, "organiser": 200, "sme": 200, **HIDDEN_AGENDA}),
}
OPEN_TO_ALL = {"web.home", "web.signout", "web.signin", "web.language"}


def test_every_page_has_an_access_rule(demo_app):
    pages = {rule.endpoint for rule in demo_app.url_map.iter_rules() if rule.endpoint.startswith("web.")}
    assert pages - OPEN_TO_ALL == set(RULES), "a page was added or removed without its access rule"


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_pages_follow_the_api_roles_and_tenants(people, endpoint):
    method, path, form, allowed = RULES[endpoint]
    for person, (browser, token) in people.items():
        if method == "GET":
            response = browser.get(path)
        else:
            response = browser.post(path, data={**form, "csrf": token})
        expected = allowed.get(person, 403)
        assert response.status_code == expected, (person, response.get_data(as_text=True)[-1500:])
        if expected == 403:
            assert "may not see or change this" in response.get_data(as_text=True)


def test_a_buyer_cannot_act_for_another_buyer(people, session_graph):
    from matchmaker.services.shortlists import ShortlistService
    browser, token = people["other_buyer"]
    # a buyer's key always acts for its own firm: a 'buyer' field naming another one is ignored
    browser.post("/app/shortlist", data={"csrf": token, "supplier": OTHER_SME, "buyer": BUYER})
    assert OTHER_SME not in {s["id"] for s in ShortlistService(session_graph).list(BUYER)}
    assert OTHER_SME in {s["id"] for s in ShortlistService(session_graph).list(OTHER_BUYER)}
    page = browser.get(f"/app/search?run=1&capabilities=cnc-milling&buyer={BUYER}").get_data(as_text=True)
    assert "Hwaorient Precision" not in page and "Toan Thang" in page   # from the other buyer's own plant


def test_an_unknown_event_is_not_found_for_anyone(people):
    for person in ("sme", "buyer", "organiser"):
        browser, _ = people[person]
        assert browser.get("/app/events/no-such-event/participants/sme/agenda").status_code == 404


def test_forms_without_the_session_token_are_refused(people, session_graph):
    from matchmaker.services.shortlists import ShortlistService
    browser, _ = people["buyer"]
    before = ShortlistService(session_graph).list(BUYER)
    assert browser.post("/app/shortlist", data={"supplier": OTHER_SME}).status_code == 400
    assert browser.post("/app/shortlist", data={"supplier": OTHER_SME, "csrf": "forged"}).status_code == 400
    assert ShortlistService(session_graph).list(BUYER) == before


def test_bad_search_input_names_the_field(people):
    browser, _ = people["buyer"]
    response = browser.get("/app/search?run=1&capabilities=cnc-milling&max_distance_km=-5")
    assert response.status_code == 422 and "max_distance_km" in response.get_data(as_text=True)
    response = browser.get("/app/search?run=1&capabilities=cnc-milling&plant=atlantis")
    assert response.status_code == 422 and "no zone" in response.get_data(as_text=True)
    response = browser.get("/app/search?run=1&capabilities=cnc-milling&latitude=91&longitude=105")
    assert response.status_code == 422 and "latitude" in response.get_data(as_text=True)


def test_shortlisting_twice_keeps_one_entry(people, session_graph):
    from matchmaker.services.shortlists import ShortlistService
    browser, token = people["buyer"]
    for _ in range(2):
        assert browser.post("/app/shortlist", data={"csrf": token, "supplier": "0110293022"}).status_code == 302
    assert [s["id"] for s in ShortlistService(session_graph).list(BUYER)].count("0110293022") == 1
    response = browser.post("/app/shortlist", data={"csrf": token, "supplier": "no-such-firm"})
    assert response.status_code == 404


def _upload(browser, token, what, name, data):
    return browser.post(f"/app/events/{EVENT}/import", data={"csrf": token, "what": what,
                                                             "file": (io.BytesIO(data), name)})


def test_spreadsheet_imports_are_all_or_nothing_and_name_the_line(people, session_graph):
    from matchmaker.services.events import EventService
    browser, token = people["organiser"]
    count = lambda: len(EventService(session_graph).get(EVENT)["participants"])   # noqa: E731
    before = count()
    bad = "id,name,role\nn1,New One,buyer\nn2,New Two,astronaut\n".encode()
    response = _upload(browser, token, "participants", "people.csv", bad)
    assert response.status_code == 422 and "line 3: role" in response.get_data(as_text=True)
    assert count() == before
    response = _upload(browser, token, "participants", "people.xlsx", b"not a workbook")
    assert response.status_code == 422 and "Excel" in response.get_data(as_text=True)
    response = _upload(browser, token, "participants", "people.pdf", b"%PDF")
    assert response.status_code == 422
    response = _upload(browser, token, "requests", "requests.csv", "from;to\nbuyer;ghost\n".encode())
    assert response.status_code == 422 and "line 2: to" in response.get_data(as_text=True)
    response = _upload(browser, token, "participants", "people.csv", "id,hosted_table\nh1,99\n".encode())
    assert response.status_code == 422 and "no table 99" in response.get_data(as_text=True)   # counted from 1
    good = "\ufeffMã;Tên;Vai trò;Khung giờ bận\nn1;Nhà cung cấp Mới;nhà cung cấp;1;2\n".encode()
    for _ in range(2):      # a retry of the same file changes nothing
        assert _upload(browser, token, "participants", "people.csv", good).status_code == 302
    added = [p for p in EventService(session_graph).get(EVENT)["participants"] if p["id"] == "n1"]
    assert count() == before + 1 and added[0]["role"] == "supplier" and added[0]["name"] == "Nhà cung cấp Mới"


def test_bad_event_forms_name_the_field_and_store_nothing(people, session_graph):
    from matchmaker.services.events import EventService
    browser, token = people["organiser"]
    before = len(EventService(session_graph).list(ORGANISER))
    response = browser.post("/app/events", data={"csrf": token, "name": "X", "date": "03/12/2026", "start": "09:00"})
    assert response.status_code == 422 and "date" in response.get_data(as_text=True)
    response = browser.post("/app/events", data={"csrf": token, "name": "X", "date": "2026-12-03", "start": "09:00",
                                                  "tables": "0"})
    assert response.status_code == 422 and "tables" in response.get_data(as_text=True)
    assert len(EventService(session_graph).list(ORGANISER)) == before
    response = browser.post(f"/app/events/{EVENT}/meetings/buyer~sme/outcome", data={"csrf": token, "outcome": "maybe"})
    assert response.status_code == 422 and "outcome" in response.get_data(as_text=True)


def test_outcomes_from_the_page_are_safe_to_send_again(people, session_graph):
    from matchmaker.services.events import EventService
    browser, token = people["organiser"]
    for _ in range(2):
        response = browser.post(f"/app/events/{EVENT}/meetings/buyer~sme/outcome",
                                data={"csrf": token, "outcome": "sample_order", "note": "đã gửi mẫu"})
        assert response.status_code == 302
    assert EventService(session_graph).recorded_outcomes(EVENT) == {"buyer~sme": "sample_order"}
    count = session_graph.read(lambda tx: tx.run(
        "MATCH (o:MatchOutcome) WHERE o.key STARTS WITH $p RETURN count(o) AS n", p=f"meeting:{EVENT}/").single()["n"])
    assert count == 1


def test_a_buyer_sees_which_suppliers_already_supply_it_whatever_ranks_them(people, session_graph):
    """A fact, not a reason: the rule does not weigh it, yet a buyer reading the list wants to know."""
    browser, _ = people["buyer"]
    found = session_graph.read(lambda tx: [dict(r) for r in tx.run(
        "MATCH (s:SME)-[:SUPPLIES]->(:Enterprise {id: $buyer}), (s)-[:HAS_CAPABILITY]->(c:Capability) "
        "RETURN s.id AS supplier, c.id AS capability ORDER BY s.id, c.id", buyer=BUYER)])
    assert found, "the demo buyer has SME suppliers"
    seen = 0
    for row in found[:3]:
        page = browser.get(f"/app/search?run=1&capabilities={row['capability']}&max_distance_km=100"
                           "&hard_mandatory=0").get_data(as_text=True)
        rows = re.findall(r'<tr class="result" data-supplier="([^"]+)">(.*?)</tr>', page, re.S)
        assert rows
        suppliers = {r["supplier"] for r in found}
        for supplier, html in rows:
            assert ("already supplies this buyer" in html) == (supplier in suppliers), supplier
            seen += supplier in suppliers
    assert seen >= 1
