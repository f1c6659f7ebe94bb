"""Page sign-in and language over the real graph (the browser journeys come with the pages)."""
import re

from conftest import tenant_firm


def csrf_of(browser, path="/app/signin"):
    """The form token of the browser's page session, read from a page as a person's browser would."""
    return re.search(r'name="csrf" value="([^"]+)"', browser.get(path).get_data(as_text=True)).group(1)


def test_pages_need_a_signed_in_key_and_respect_revocation(app, graph, client):
    from matchmaker.services.access import KeyService
    tenant_firm(client, "0100000042", "sme")
    keys = KeyService(graph)
    record, key = keys.issue("sme", "0100000042")
    browser = app.test_client()
    response = browser.get("/app/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/signin?next=/app/")
    assert browser.get("/app/search?run=1").headers["Location"].endswith("/app/signin?next=/app/search?run%3D1")
    assert browser.post("/app/signin", data={"key": key}).status_code == 400     # no form token
    response = browser.post("/app/signin", data={"key": key + "x", "csrf": csrf_of(browser)},
                            headers={"Accept-Language": "en"})
    assert response.status_code == 401 and "not valid" in response.get_data(as_text=True)
    assert browser.post("/app/signin?next=/app/", data={"key": key, "csrf": csrf_of(browser)}).status_code == 302
    page = browser.get("/app/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Signed in as SME 0100000042" in page and key not in page
    keys.revoke(record["id"])
    assert browser.get("/app/").status_code == 302          # revoked: signed out at once


def test_language_switch_is_remembered_and_vietnamese_is_the_default(app, graph):
    from matchmaker.services.access import KeyService
    _, key = KeyService(graph).issue("organiser", "hanoi-ipa")
    browser = app.test_client()
    browser.post("/app/signin", data={"key": key, "csrf": csrf_of(browser)})
    assert "ban tổ chức hanoi-ipa" in browser.get("/app/").get_data(as_text=True)
    response = browser.get("/app/lang/en?next=/app/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/")
    assert "Signed in as organiser hanoi-ipa" in browser.get("/app/").get_data(as_text=True)
    assert browser.get("/app/lang/vi?next=//evil.example").headers["Location"].endswith("/app/")
    # a link that names its language shows that page in it, without changing the reader's choice
    assert "ban tổ chức hanoi-ipa" in browser.get("/app/").get_data(as_text=True)
    assert "Signed in as organiser hanoi-ipa" in browser.get("/app/?lang=en").get_data(as_text=True)
    assert "ban tổ chức hanoi-ipa" in browser.get("/app/").get_data(as_text=True)


def test_only_pages_of_this_site_come_after_sign_in_or_a_language_switch(app):
    browser = app.test_client()
    for target in ("/%09/evil.example", "/%5Cevil.example", "//evil.example", "https://evil.example/app/",
                   "/%0d%0aSet-Cookie:x=1", "javascript:alert(1)"):
        response = browser.get(f"/app/lang/en?next={target}")
        assert response.status_code == 302 and response.headers["Location"] in ("/app/", "http://localhost/app/"), target
    assert browser.get("/app/lang/en?next=/app/search%3Frun%3D1").headers["Location"].endswith("/app/search?run=1")


def test_the_page_session_keeps_no_key_and_odd_tokens_are_refused(app, graph, client):
    from matchmaker.services.access import KeyService
    tenant_firm(client, "0100000001", "fdi")
    _, key = KeyService(graph).issue("buyer", "0100000001")
    browser = app.test_client()
    assert browser.post("/app/signin", data={"key": key, "csrf": csrf_of(browser)}).status_code == 302
    cookie = browser.get_cookie("session").value
    assert key.split("_", 2)[2] not in cookie
    stored = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert "key" not in stored and stored["key_id"] == key.split("_")[1]
    assert browser.get("/app/").status_code == 200
    assert browser.post("/app/signout", data={"csrf": "tökén"}).status_code == 400     # not a 500


def test_the_event_page_numbers_from_one_shows_the_lunch_break_and_rolls_back(app, graph, client):
    """Slots and tables as people number them in the grid and forms, the break between the sessions,
    the versions with a comparison and a rollback, the agenda's date."""
    from datetime import datetime, timedelta, timezone

    from matchmaker.services.access import KeyService
    from matchmaker.services.events import EventService
    hanoi = timezone(timedelta(hours=7))
    start = [datetime(2026, 12, 3, 9, tzinfo=hanoi) + timedelta(minutes=30 * i) for i in range(2)] + \
            [datetime(2026, 12, 3, 13, tzinfo=hanoi) + timedelta(minutes=30 * i) for i in range(2)]
    slots = [{"start": s.isoformat(), "end": (s + timedelta(minutes=25)).isoformat(), "session": 1 + (i >= 2)}
             for i, s in enumerate(start)]
    ev = client.post("/events", json={"name": "Lunch day", "slots": slots, "tables": [{}, {}]}).get_json()["id"]
    people = [{"id": "b", "name": "Buyer B", "role": "buyer"}, {"id": "s1", "name": "Supplier One", "role": "supplier"},
              {"id": "s2", "name": "Supplier Two", "role": "supplier", "forbidden_slots": [1, 2]}]
    client.post(f"/events/{ev}/participants", json={"participants": people})
    client.post(f"/events/{ev}/requests", json={"requests": [{"from": "s1", "to": "b"}, {"from": "s2", "to": "b"}]})
    EventService(graph).schedule(ev, time_limit=5)                         # version 1
    assert client.post(f"/events/{ev}/changes", json={"type": "cancel_meeting", "meeting": "b~s2"}).status_code == 200

    _, key = KeyService(graph).issue("admin", None)
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    browser.post("/app/signin", data={"key": key, "csrf": csrf_of(browser)})
    page = browser.get(f"/app/events/{ev}").get_data(as_text=True)
    assert 'class="muted">Lunch break 9:55\u202fAM–1:00\u202fPM</td>' in page      # between the sessions
    assert re.search(r'<th>1\. 9:00', page) and re.search(r'<th>4\. 1:30', page)       # slots from 1
    assert '<option value="1">' in page and '<option value="0">' not in page             # forms send numbers from 1
    assert 'data-version="2"' in page and 'data-version="1"' in page
    compare = browser.get(f"/app/events/{ev}/versions/1").get_data(as_text=True)
    assert "Version 1 compared with the current one (2)" in compare and "Buyer B ↔ Supplier Two" in compare
    token = re.search(r'name="csrf" value="([^"]+)"', compare).group(1)
    refused = browser.post(f"/app/events/{ev}/versions/1/rollback", data={"csrf": token})
    assert refused.status_code == 409 and "no longer requested" in refused.get_data(as_text=True)
    response = browser.post(f"/app/events/{ev}/versions/2/rollback", data={"csrf": token})
    assert response.status_code == 302
    assert "The schedule is version 2 already" in browser.get(f"/app/events/{ev}").get_data(as_text=True)
    agenda = browser.get(f"/app/events/{ev}/participants/b/agenda").get_data(as_text=True)
    assert "Dec 3, 2026" in agenda and "Supplier Two" in agenda          # the day, and the meeting cancelled


def test_an_error_page_names_the_field_and_the_reason_in_the_reader_s_language(app, graph, client):
    from matchmaker.services.access import KeyService
    tenant_firm(client, "0100000043", "sme")
    _, key = KeyService(graph).issue("sme", "0100000043")
    browser = app.test_client()
    browser.post("/app/signin", data={"key": key, "csrf": csrf_of(browser)})
    vi = browser.get("/app/smes/0100000043?horizon_days=-1")
    assert vi.status_code == 422
    shown = re.sub(r"<[^>]+>", "", vi.get_data(as_text=True))
    assert "Số ngày cảnh báo hết hạn: Phải từ 0 đến 3650." in shown and "horizon_days" not in shown
    browser.get("/app/lang/en")
    shown = re.sub(r"<[^>]+>", "", browser.get("/app/smes/0100000043?horizon_days=-1").get_data(as_text=True))
    assert "Days ahead to warn of expiry: Must be greater than or equal to 0 and less than or equal to 3650." in shown
