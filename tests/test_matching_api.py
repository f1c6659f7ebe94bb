"""Sourcing requests, ranked matches, outcomes and training, end to end over the real graph."""
from datetime import date, timedelta

import pytest
from conftest import tenant_firm

from matchmaker.repositories.enterprises import EnterpriseRepository

PLANT = (21.1219, 105.7872)  # Thang Long Industrial Park


def firm(client, code, name, kind="sme", km_north=0.0, **extra):
    body = {"code": code, "name": name, "kind": kind, "sectors": "automotive",
            "latitude": PLANT[0] + km_north / 111.0, "longitude": PLANT[1], "founded": 2012, **extra}
    response = client.post("/enterprises", json=body)
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def market(client, catalogue):
    """A buyer and suppliers whose right order is known by construction."""
    firm(client, "0200000000", "Kyo Precision Vietnam", kind="fdi", home_country="JP")
    firm(client, "0200000001", "An Phat CNC", km_north=2)               # everything, near
    firm(client, "0200000002", "Binh Minh CNC", km_north=3)             # IATF expired
    firm(client, "0200000003", "Cuong Thinh Machining", km_north=5)     # only the general capability
    firm(client, "0200000004", "Dong Nai CNC", km_north=80)             # too far
    firm(client, "0200000005", "Hai Phong Welding", km_north=1)         # another process
    firm(client, "0200000006", "Twin CNC A", km_north=10)               # two identical suppliers
    firm(client, "0200000007", "Twin CNC B", km_north=10)
    repo = EnterpriseRepository(catalogue)
    caps = [("0200000001", "cnc-milling"), ("0200000002", "cnc-milling"), ("0200000003", "machining"),
            ("0200000004", "cnc-milling"), ("0200000005", "welding"), ("0200000006", "cnc-milling"),
            ("0200000007", "cnc-milling")]
    repo.set_capabilities([{"enterprise": e, "capability": c, "capacity": 30000.0, "unit": "pcs/month"}
                           for e, c in caps])
    today = date.today()
    valid = {"issued": today - timedelta(days=100), "expires": today + timedelta(days=900)}
    expired = {"issued": today - timedelta(days=1200), "expires": today - timedelta(days=1)}
    certs = []
    for e in ("0200000001", "0200000002", "0200000003", "0200000004", "0200000005", "0200000006", "0200000007"):
        certs.append({"enterprise": e, "standard": "iso-9001", "number": f"Q-{e}", "issuer": "SGS", **valid})
        certs.append({"enterprise": e, "standard": "iatf-16949", "number": f"T-{e}", "issuer": "TUV",
                      **(expired if e == "0200000002" else valid)})
    repo.set_certifications(certs)
    repo.set_supply_links([{"supplier": "0200000001", "buyer": "0200000000", "since": 2020, "product": None}])


NEED = {"reference": "alu-2026", "buyer": "0200000000", "title": "Machined aluminium housings",
        "capabilities": ["cnc-milling"], "max_distance_km": 40, "monthly_volume": 20000,
        "standards": [{"id": "iso-9001", "mandatory": True}, {"id": "iatf-16949", "mandatory": True}],
        "text": "gia công nhôm CNC"}


def post_need(client, need=None) -> str:
    """Post the request; its id, made by the service."""
    response = client.post("/sourcing-requests", json=need or NEED)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def ranked(response):
    assert response.status_code == 200, response.get_json()
    return [item["supplier"]["id"] for item in response.get_json()["items"]]


def test_request_crud_and_retry(client, market):
    response = client.post("/sourcing-requests", json=NEED)
    assert response.status_code == 201
    body = response.get_json()
    rid = body["id"]
    assert rid.startswith("R-") and len(rid) == 34 and body["reference"] == "alu-2026"   # made by the service
    assert (body["latitude"], body["longitude"]) == pytest.approx(PLANT)  # the buyer's plant by default
    retry = client.post("/sourcing-requests", json=NEED)
    assert retry.status_code == 200 and retry.get_json()["id"] == rid       # a retry: same answer
    conflict = client.post("/sourcing-requests", json={**NEED, "monthly_volume": 5})
    assert conflict.status_code == 409 and "reference" in conflict.get_json()["error"]["fields"]
    unnamed = {k: v for k, v in NEED.items() if k != "reference"}
    assert client.post("/sourcing-requests", json=unnamed).get_json()["id"] not in (rid, None)  # no reference: new
    assert client.get("/sourcing-requests?buyer=0200000000").get_json()["total"] == 2
    assert client.post("/sourcing-requests", json={**NEED, "id": "mine"}).status_code == 422  # ids are not chosen
    patched = client.patch(f"/sourcing-requests/{rid}", json={"status": "closed"}).get_json()
    assert patched["status"] == "closed" and patched["capabilities"] == ["cnc-milling"]
    assert client.patch(f"/sourcing-requests/{rid}", json={"buyer": "0200000001"}).status_code == 422
    for bad, field in [({"capabilities": ["teleport"]}, "capabilities"),
                       ({"standards": [{"id": "iso-0"}]}, "standards"), ({"buyer": "nobody"}, "buyer"),
                       ({"capabilities": [], "text": None}, "capabilities"), ({"monthly_volume": -1}, "monthly_volume"),
                       ({"products": ["abc"]}, "products.0"), ({"reference": "a/b"}, "reference")]:
        response = client.post("/sourcing-requests", json={**NEED, "reference": "bad", **bad})
        assert response.status_code == 422, bad
        assert field in response.get_json()["error"]["fields"], (bad, response.get_json())
    assert client.delete(f"/sourcing-requests/{rid}").status_code == 204
    assert client.get(f"/sourcing-requests/{rid}").status_code == 404


def test_every_unknown_reference_is_named_at_once_and_a_buyer_is_large_or_fdi(client, market):
    both = client.post("/sourcing-requests", json={**NEED, "capabilities": ["teleport"],
                                                   "standards": [{"id": "iso-0", "mandatory": True}]})
    assert both.status_code == 422 and set(both.get_json()["error"]["fields"]) == {"capabilities", "standards"}
    sme = client.post("/sourcing-requests", json={**NEED, "buyer": "0200000001"})
    assert sme.status_code == 422 and sme.get_json()["error"]["fields"] == {"buyer": ["an SME, not a large or FDI buyer"]}
    # nor does an SME search as a buyer (a new user's check found it searched)
    search = client.post("/matches/search", json={**{k: v for k, v in NEED.items() if k != "reference"},
                                                  "buyer": "0200000001"})
    assert search.status_code == 422, search.get_json()
    assert search.get_json()["error"]["fields"] == {"buyer": ["an SME, not a large or FDI buyer"]}
    assert client.get("/sourcing-requests").get_json()["total"] == 0


def test_a_buyer_deleted_takes_its_requests_with_it(client, market):
    rid = post_need(client)
    assert client.delete("/enterprises/0200000000").status_code == 204
    assert client.get(f"/sourcing-requests/{rid}").status_code == 404
    assert client.get("/sourcing-requests").get_json()["total"] == 0
    assert client.get(f"/sourcing-requests/{rid}/matches").status_code == 404


def test_matches_rank_by_construction_with_reasons_and_missing_items(client, market):
    rid = post_need(client)
    body = client.get(f"/sourcing-requests/{rid}/matches").get_json()
    assert body["model_version"] == "rule-based-baseline"
    ids = [item["supplier"]["id"] for item in body["items"]]
    # the IATF-expired, far-away, welding-only and buyer firms are filtered out
    assert ids == ["0200000001", "0200000006", "0200000007", "0200000003"]
    first = body["items"][0]
    assert 0 <= first["score"] <= 1 and first["rank"] == 1
    assert any("mandatory standard" in reason for reason in first["reasons"])
    partial = body["items"][-1]
    assert partial["missing"] == [{"type": "capability", "id": "cnc-milling", "mandatory": False,
                                   "reason": "related", "related": "machining",
                                   "note": "has the related 'machining'"}]
    assert {"reason": "holds_mandatory", "standards": ["iatf-16949", "iso-9001"]} in first["explanations"]
    assert len(first["explanations"]) == len(first["reasons"])
    # reasons name capabilities as people do, never by id
    covers = [r for r in (reason for item in body["items"] for reason in item["reasons"]) if "capabilities (" in r]
    assert covers and all("cnc-milling" not in r and "CNC milling" in r for r in covers), covers
    assert body["items"][1]["score"] == body["items"][2]["score"]  # a tie, broken by id

    soft = ranked(client.get(f"/sourcing-requests/{rid}/matches?hard_mandatory=false&hard_distance=false"))
    assert set(soft) == {"0200000001", "0200000002", "0200000003", "0200000004", "0200000006", "0200000007"}
    expired = next(i for i in client.get(f"/sourcing-requests/{rid}/matches?hard_mandatory=false")
                   .get_json()["items"] if i["supplier"]["id"] == "0200000002")
    assert expired["missing"][0] == {"type": "standard", "id": "iatf-16949", "mandatory": True,
                                     "reason": "expired", "note": "certificate expired"}
    page2 = ranked(client.get(f"/sourcing-requests/{rid}/matches?per_page=2&page=2"))
    assert page2 == ["0200000007", "0200000003"]
    assert client.get(f"/sourcing-requests/{rid}/matches?per_page=0").status_code == 422
    assert client.get("/sourcing-requests/nope/matches").status_code == 404


def test_ad_hoc_search_takes_the_same_parameters(client, market):
    body = {k: v for k, v in NEED.items() if k != "reference"}
    rid = post_need(client)
    adhoc = client.post("/matches/search", json={**body, "options": {"per_page": 10}})
    assert ranked(adhoc) == ranked(client.get(f"/sourcing-requests/{rid}/matches"))
    # Words alone find firms by what they say they do, never by their names (issue 13): "Twin CNC A" and
    # "Twin CNC B" describe nothing, so nobody is found until one of them says it.
    words = {"text": "Twin CNC", "options": {"kinds": ["sme"]}}
    assert ranked(client.post("/matches/search", json=words)) == []
    assert client.patch("/enterprises/0200000006", json={"description": "Twin-spindle CNC milling"}).status_code == 200
    assert ranked(client.post("/matches/search", json=words)) == ["0200000006"]
    assert client.post("/matches/search", json={"options": {"kinds": ["giant"]}}).status_code == 422


def test_a_misspelt_field_is_refused_not_ignored(client, market):
    """'max_distance' for max_distance_km once searched the whole city without a word."""
    body = {k: v for k, v in NEED.items() if k not in ("reference", "max_distance_km")}
    for misspelt, where in (({**body, "max_distance": 5}, "max_distance"),
                            ({**body, "options": {"per_pag": 5}}, "options.per_pag")):
        response = client.post("/matches/search", json=misspelt)
        assert response.status_code == 422, response.get_json()
        assert where in response.get_json()["error"]["fields"], response.get_json()
    rid = post_need(client)
    response = client.patch(f"/sourcing-requests/{rid}", json={"max_distance": 5})
    assert response.status_code == 422 and "max_distance" in response.get_json()["error"]["fields"]
    assert client.get(f"/sourcing-requests/{rid}").get_json()["max_distance_km"] == NEED["max_distance_km"]


def test_training_from_outcomes_recorded_through_the_api(client, market):
    rid = post_need(client)
    day = date.today() - timedelta(days=60)
    outcomes = []
    for i in range(40):
        supplier, outcome = [("0200000001", "contract"), ("0200000006", "follow_up"), ("0200000003", "no_interest"),
                             ("0200000007", "no_interest")][i % 4]
        outcomes.append({"buyer": "0200000000", "supplier": supplier, "request": rid, "outcome": outcome,
                         "occurred_on": (day + timedelta(days=i)).isoformat()})
    for outcome in outcomes:
        assert client.post("/outcomes", json=outcome).status_code == 201
    assert client.post("/outcomes", json=outcomes[0]).status_code == 200   # a retry changes nothing
    bad = client.post("/outcomes", json={**outcomes[0], "outcome": "maybe"})
    assert bad.status_code == 422 and "outcome" in bad.get_json()["error"]["fields"]
    assert client.post("/outcomes", json={**outcomes[0], "supplier": "nobody"}).status_code == 422

    # one contact a day: no held-out day shows two suppliers side by side, so nothing shows the new
    # version ranks better, and it is kept without being activated
    kept = client.post("/model/train?bootstrap=false")
    assert kept.status_code == 201, kept.get_json()
    assert kept.get_json()["activated"] is False and "kept, not activated" in kept.get_json()["decision"]
    assert client.get("/model").get_json()["active"] == "rule-based-baseline"
    trained = client.post("/model/train?bootstrap=false&force=true")
    assert trained.status_code == 201, trained.get_json()
    meta = trained.get_json()
    assert meta["version"] == "v0002" and meta["training"]["recorded_rows"] == 40 and meta["activated"]
    assert meta["sklearn_version"] and meta["features"][0] == "capability_coverage"
    assert set(meta["metrics"]) == {"model", "rule_based_baseline", "random_order", "gain_over_rule"}
    info = client.get("/model").get_json()
    assert info["active"] == "v0002" and len(info["versions"]) == 2
    body = client.get(f"/sourcing-requests/{rid}/matches").get_json()
    assert body["model_version"] == "v0002"
    # the history feature now counts the recorded outcomes
    by_id = {i["supplier"]["id"]: i for i in body["items"]}
    assert by_id["0200000001"]["features"]["outcome_count"] > 0

    assert client.post("/model/train?bootstrap=false&force=true").get_json()["version"] == "v0003"
    assert client.post("/model/rollback").get_json()["active"] == "v0002"
    assert client.post("/model/activate", json={"version": "v0009"}).status_code == 404


def test_training_needs_both_kinds_of_outcome(client, market):
    client.post("/outcomes", json={"buyer": "0200000000", "supplier": "0200000001", "outcome": "contract",
                                   "occurred_on": "2026-01-05"})
    response = client.post("/model/train?bootstrap=false")
    assert response.status_code == 422


def test_admin_endpoints_need_an_admin_key(client_as, catalogue):
    assert client_as(None).post("/model/rollback").status_code == 401
    tenant_firm(client_as("admin"), "0200000000", "fdi")
    assert client_as("buyer", "0200000000").post("/model/rollback").status_code == 403
    assert client_as("admin").post("/model/rollback").status_code == 422  # allowed; nothing to roll back to
