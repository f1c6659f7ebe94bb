"""Outcomes, requests and events belong to their writer: tried as another tenant over the real graph."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from matchmaker.services.events import EventService

B1, B2, S1, S2 = "0800000001", "0800000002", "0800000003", "0800000004"
HANOI = timezone(timedelta(hours=7))


@pytest.fixture
def tenants(client, client_as, catalogue):
    for code, kind in ((B1, "fdi"), (B2, "fdi"), (S1, "sme"), (S2, "sme")):
        assert client.post("/enterprises", json={"code": code, "name": f"Firm {code}", "kind": kind}).status_code == 201
    b1, b2 = client_as("buyer", B1), client_as("buyer", B2)
    rid = b1.post("/sourcing-requests", json={"buyer": B1, "capabilities": ["cnc-milling"]}).get_json()["id"]
    return {"B1": b1, "B2": b2, "admin": client, "request": rid}


def edges(graph, outcome_id):
    return graph.read(lambda tx: tx.run(
        "MATCH (o:MatchOutcome {id: $id}) RETURN o.outcome AS outcome, "
        "[(o)-[:BUYER]->(b) | b.id] AS buyers, [(o)-[:SUPPLIER]->(s) | s.id] AS suppliers, "
        "[(o)-[:FOR_REQUEST]->(r) | r.id] AS requests", id=outcome_id).single().data())


def test_another_buyer_cannot_overwrite_an_outcome(tenants, graph):
    b1, b2 = tenants["B1"], tenants["B2"]
    body = {"buyer": B1, "supplier": S1, "request": tenants["request"], "outcome": "contract",
            "occurred_on": "2026-10-01"}
    created = b1.post("/outcomes", json=body)
    assert created.status_code == 201
    oid = created.get_json()["id"]
    assert oid.startswith("O-") and len(oid) == 34                              # made by the service
    retry = b1.post("/outcomes", json=body)
    assert retry.status_code == 200 and retry.get_json() == {"id": oid, "result": "unchanged", "label": 1}

    # B2 takes B1's outcome id: the answer of an id that does not exist, and nothing changes
    stolen = b2.post("/outcomes", json={"id": oid, "buyer": B2, "supplier": S2, "outcome": "no_interest",
                                         "occurred_on": "2026-10-01"})
    unknown = b2.post("/outcomes", json={"id": "O-00000000000000000000000000000000", "buyer": B2, "supplier": S2,
                                          "outcome": "no_interest", "occurred_on": "2026-10-01"})
    assert stolen.status_code == unknown.status_code == 404
    assert stolen.get_json()["error"]["message"].replace(oid, "?") == \
        unknown.get_json()["error"]["message"].replace("O-00000000000000000000000000000000", "?")
    assert b2.post("/outcomes", json={**body, "id": oid, "outcome": "no_interest"}).status_code == 403  # as B1
    assert edges(graph, oid) == {"outcome": "contract", "buyers": [B1], "suppliers": [S1],
                                 "requests": [tenants["request"]]}

    # the owner may change it; who it is about may not change
    changed = b1.post("/outcomes", json={**body, "id": oid, "outcome": "sample_order"})
    assert changed.status_code == 200 and changed.get_json()["result"] == "updated"
    moved = b1.post("/outcomes", json={**body, "id": oid, "supplier": S2})
    assert moved.status_code == 422 and "supplier" in moved.get_json()["error"]["fields"]
    assert edges(graph, oid) == {"outcome": "sample_order", "buyers": [B1], "suppliers": [S1],
                                 "requests": [tenants["request"]]}
    # a record written twice over in the past would be left out of training, never learnt from
    from matchmaker.repositories.sourcing import SourcingRepository
    assert [o["id"] for o in SourcingRepository(graph).labelled_outcomes()] == [oid]


def test_an_outcome_cannot_name_another_buyers_request(tenants, graph):
    body = {"buyer": B2, "supplier": S1, "outcome": "follow_up", "occurred_on": "2026-10-02"}
    foreign = tenants["B2"].post("/outcomes", json={**body, "request": tenants["request"]})
    unknown = tenants["B2"].post("/outcomes", json={**body, "request": "R-0"})
    assert foreign.status_code == unknown.status_code == 404
    assert graph.read(lambda tx: tx.run("MATCH (o:MatchOutcome) RETURN count(o) AS n").single()["n"]) == 0
    # an admin recording for B2 is told the request is another buyer's
    mixed = tenants["admin"].post("/outcomes", json={**body, "request": tenants["request"]})
    assert mixed.status_code == 422 and "request" in mixed.get_json()["error"]["fields"]


def test_a_meeting_outcome_is_not_reachable_through_contact_outcomes(tenants, client, graph):
    slots = [{"start": datetime(2026, 12, 3, 9 + i, tzinfo=HANOI).isoformat(),
              "end": datetime(2026, 12, 3, 9 + i, 30, tzinfo=HANOI).isoformat()} for i in range(2)]
    ev = client.post("/events", json={"name": "Day", "slots": slots, "tables": [{}]}).get_json()["id"]
    client.post(f"/events/{ev}/participants", json={"participants": [
        {"id": "b1", "role": "buyer", "enterprise": B1}, {"id": "s1", "role": "supplier", "enterprise": S1}]})
    client.post(f"/events/{ev}/requests", json={"requests": [{"from": "s1", "to": "b1"}]})
    EventService(graph).schedule(ev, time_limit=5)      # the solve a schedule job runs, here in the test
    recorded = client.post(f"/events/{ev}/meetings/b1~s1/outcome", json={"outcome": "nda"})
    assert recorded.status_code == 201
    oid = recorded.get_json()["id"]
    for caller, buyer in ((tenants["B2"], B2), (tenants["B1"], B1)):
        response = caller.post("/outcomes", json={"id": oid, "buyer": buyer, "supplier": S2, "outcome": "no_interest",
                                                  "occurred_on": "2026-10-03"})
        assert response.status_code == 404
    assert edges(graph, oid) == {"outcome": "nda", "buyers": [B1], "suppliers": [S1], "requests": []}


def test_request_and_event_ids_cannot_be_guessed_or_claimed(tenants, client_as):
    b1 = tenants["B1"]
    ids = {b1.post("/sourcing-requests", json={"buyer": B1, "capabilities": ["cnc-milling"]}).get_json()["id"]
           for _ in range(3)}
    assert len(ids) == 3 and all(i.startswith("R-") and len(i) == 34 for i in ids)
    assert B1 not in "".join(ids)
    # B2 using B1's reference makes B2's own request, and learns nothing of B1's
    b1.post("/sourcing-requests", json={"buyer": B1, "reference": "PO-7", "capabilities": ["cnc-milling"]})
    mine = tenants["B2"].post("/sourcing-requests", json={"buyer": B2, "reference": "PO-7", "capabilities": ["welding"]})
    assert mine.status_code == 201 and mine.get_json()["buyer"] == B2
    o1, o2 = client_as("organiser", "O1"), client_as("organiser", "O2")
    event = {"reference": "spring", "name": "Spring", "tables": [{}],
             "slots": [{"start": "2026-12-03T09:00:00+07:00", "end": "2026-12-03T09:30:00+07:00"}]}
    first = o1.post("/events", json=event).get_json()["id"]
    second = o2.post("/events", json={**event, "name": "Other"})
    assert second.status_code == 201 and second.get_json()["id"] != first
    assert o2.get(f"/events/{first}").status_code == 404
