"""Readiness reports over small graphs where the right answer is known by construction."""
import re
from datetime import date, timedelta

import pytest

from matchmaker.repositories.enterprises import EnterpriseRepository
from matchmaker.repositories.sourcing import SourcingRepository

from conftest import wait_for

PLANT = (21.1219, 105.7872)


def firm(client, code, name, kind="sme", km_north=0.0, sector="automotive", employees=40, **extra):
    body = {"code": code, "name": name, "kind": kind, "sectors": sector, "employees": employees,
            "latitude": PLANT[0] + km_north / 111.0, "longitude": PLANT[1], "founded": 2012,
            "commune": "Thien Loc", **extra}
    assert client.post("/enterprises", json=body).status_code == 201


def request(client, reference, buyer, standards, capabilities=("cnc-milling",), max_km=40) -> str:
    """Post a request; its id, made by the service."""
    body = {"reference": reference, "buyer": buyer, "capabilities": list(capabilities), "max_distance_km": max_km,
            "monthly_volume": 1000, "standards": [{"id": s, "mandatory": m} for s, m in standards]}
    response = client.post("/sourcing-requests", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def world(client, catalogue):
    """SME 0300000001 holds ISO 9001 (valid) and IATF 16949 (expiring in 20 days) and CNC milling.
    ISO 14001 is the only gap for requests R1 (FDI buyer F1), R2 (FDI F2) and R3 (large L1);
    R4 (F1) also needs RoHS, which it lacks too; R5 needs only ISO 9001 (already eligible);
    R6 is 200 km away (out of reach)."""
    firm(client, "0300000001", "Minh An CNC")
    firm(client, "0300000101", "Fuji Parts Vietnam", kind="fdi", km_north=3, employees=900)
    firm(client, "0300000102", "Hana Motors Vietnam", kind="fdi", km_north=6, employees=1200)
    firm(client, "0300000103", "Thang Long Machinery", kind="large", km_north=4, employees=400)
    firm(client, "0300000104", "Far Away Assembly", kind="fdi", km_north=200, employees=700)
    for code, km in (("0300000201", 1), ("0300000202", 2), ("0300000203", 3)):   # peers in the commune
        firm(client, code, f"Peer {code}", km_north=km, employees=30)
    repo = EnterpriseRepository(catalogue)
    repo.set_capabilities([{"enterprise": e, "capability": "cnc-milling", "capacity": 5000.0, "unit": "pcs/month"}
                           for e in ("0300000001", "0300000201", "0300000202", "0300000203")])
    today = date.today()
    valid = {"issued": today - timedelta(days=300), "expires": today + timedelta(days=700)}
    repo.set_certifications([
        {"enterprise": "0300000001", "standard": "iso-9001", "number": "Q1", "issuer": "SGS", **valid},
        {"enterprise": "0300000001", "standard": "iatf-16949", "number": "T1", "issuer": "TUV",
         "issued": today - timedelta(days=1000), "expires": today + timedelta(days=20)},
        {"enterprise": "0300000201", "standard": "iso-14001", "number": "E1", "issuer": "BV", **valid},
        {"enterprise": "0300000202", "standard": "iso-14001", "number": "E2", "issuer": "BV", **valid},
        {"enterprise": "0300000202", "standard": "iso-9001", "number": "Q2", "issuer": "BV", **valid},
    ])
    both = [("iso-9001", True), ("iso-14001", True)]
    ids = {"R1": request(client, "R1", "0300000101", both),
           "R2": request(client, "R2", "0300000102", both + [("iso-45001", False)]),
           "R3": request(client, "R3", "0300000103", both),
           "R4": request(client, "R4", "0300000101", both + [("rohs", True)]),
           "R5": request(client, "R5", "0300000102", [("iso-9001", True)]),
           "R6": request(client, "R6", "0300000104", both, max_km=50)}
    from matchmaker.repositories.catalogues import CatalogueRepository
    CatalogueRepository(catalogue).set_buyer_requirements([
        {"buyer": "0300000101", "standard": "iso-9001", "mandatory": True},
        {"buyer": "0300000101", "standard": "iso-14001", "mandatory": True},
        {"buyer": "0300000101", "standard": "iatf-16949", "mandatory": False}])
    return ids


def test_gap_against_a_buyer(client, world):
    body = client.get("/smes/0300000001/gaps?buyer=0300000101&horizon_days=30").get_json()
    assert body["target"] == {"type": "buyer", "id": "0300000101", "name": "Fuji Parts Vietnam", "kind": "fdi",
                              "buyer": "0300000101", "buyer_name": "Fuji Parts Vietnam"}   # the buyer, as for a request
    assert [s["id"] for s in body["standards"]["missing_mandatory"]] == ["iso-14001"]
    assert [s["id"] for s in body["standards"]["met"]] == ["iso-9001"]
    assert body["standards"]["expiring"][0]["id"] == "iatf-16949"
    assert body["standards"]["expiring"][0]["days_left"] == 20
    assert body["readiness"]["eligible"] is False
    assert body["readiness"]["blocking"] == [{"type": "standard", "id": "iso-14001",
                                              "name": "ISO 14001 Environmental management"}]
    assert 0 <= body["readiness"]["score"] <= 1
    # kept out of the buyer's list: the score it would show there with ISO 14001 closed
    assert body["readiness"]["score"] < body["readiness"]["score_once_closed"] <= 1
    # capabilities its open requests need: CNC milling, met
    assert body["capabilities"]["met"] == [{"id": "cnc-milling", "name": "CNC milling", "has_related": None,
                                            "credit": None}]
    assert body["standards"]["missing_mandatory"][0]["name"] == "ISO 14001 Environmental management"
    # beside its standing terms, what its two open requests (R1, R4) ask: RoHS is beyond those terms
    assert body["standards"]["open_requests"] == 2
    assert body["standards"]["missing_mandatory"][0]["requests_mandatory"] == 2
    assert body["standards"]["asked_by_requests"] == [{"id": "rohs", "name": "RoHS compliance declaration", "held": False,
                                                       "requests_mandatory": 1, "requests_preferred": 0}]
    # with a horizon of 10 days the IATF certificate is not yet flagged
    body = client.get("/smes/0300000001/gaps?buyer=0300000101&horizon_days=10").get_json()
    assert {s["id"] for s in body["standards"]["met"]} == {"iatf-16949", "iso-9001"}
    assert body["certificates_to_renew"] == []


def test_gap_against_a_request_and_a_sector(client, world):
    body = client.get(f"/smes/0300000001/gaps?request={world['R4']}").get_json()
    assert body["target"]["buyer_name"]      # the request's buyer by name, not only its id
    assert [s["id"] for s in body["standards"]["missing_mandatory"]] == ["iso-14001", "rohs"]
    body = client.get("/smes/0300000001/gaps?sector=automotive").get_json()
    assert {s["id"] for s in body["standards"]["missing_mandatory"]} == {"apqp-ppap", "imds"}
    assert body["target"]["type"] == "sector" and body["target"]["buyer"] is None
    # one story: the sector's terms prefer ISO 14001, and 5 of its 6 open requests require it (R6 out of reach too)
    assert body["standards"]["open_requests"] == 6
    preferred = {s["id"]: s for s in body["standards"]["missing_preferred"]}
    assert (preferred["iso-14001"]["requests_mandatory"], preferred["iso-14001"]["requests_preferred"]) == (5, 0)
    assert (preferred["iso-45001"]["requests_mandatory"], preferred["iso-45001"]["requests_preferred"]) == (0, 1)
    assert [(a["id"], a["requests_mandatory"]) for a in body["standards"]["asked_by_requests"]] == [("rohs", 1)]
    page = client.get("/smes/0300000001/readiness?format=html&lang=en").get_data(as_text=True)
    assert "how many of the 6 open sourcing requests require or prefer" in page and "Missing (asked by open requests)" in page
    # ISO 14001: preferred by the sector's terms, required by 5 requests; the page says both
    assert re.search(r'data-standard="iso-14001"><td>[^<]*</td><td><span class="badge bad">Missing \(preferred in the '
                     r'terms; some requests require it\)', page)
    for query, status in (("", 422), ("?buyer=0300000101&sector=automotive", 422), ("?request=nope", 404),
                          ("?sector=nope", 404), ("?buyer=nope", 404), ("?buyer=0300000101&horizon_days=-1", 422)):
        assert client.get(f"/smes/0300000001/gaps{query}").status_code == status, query
    assert client.get("/smes/nobody/gaps?sector=automotive").status_code == 404
    # a buyer is a large or FDI firm; readiness is an SME's (each refusal names its field)
    for url, field in (("/smes/0300000001/gaps?buyer=0300000201", "buyer"), ("/smes/0300000001/gaps?buyer=0300000001", "buyer"),
                       ("/smes/0300000101/gaps?sector=automotive", "sme"), ("/smes/0300000101/priorities", "sme")):
        response = client.get(url)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], url
    assert "sector" in client.get("/smes/0300000001/gaps?sector=nope").get_json()["error"]["fields"]
    assert "request" in client.get("/smes/0300000001/gaps?request=R-nope").get_json()["error"]["fields"]
    # a misspelt or repeated parameter is refused by name, never ignored or half-read
    for query, field in (("?sector=automotive&foo=1", "foo"), ("?foo=1", "foo"),
                         ("?sector=automotive&sector=food", "sector")):
        response = client.get(f"/smes/0300000001/gaps{query}")
        assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == [field], query


def test_which_gap_first_is_the_counterfactual_by_construction(client, world):
    body = client.get("/smes/0300000001/priorities").get_json()
    assert body["open_requests_considered"] == 5          # R6 is out of reach
    assert body["eligible_now"] == 1                      # R5
    first = body["items"][0]
    assert (first["type"], first["id"]) == ("standard", "iso-14001")
    unlocks = first["unlocks"]
    assert sorted(unlocks["request_ids"]) == sorted(world[r] for r in ("R1", "R2", "R3"))   # R4 still needs RoHS
    assert (unlocks["requests"], unlocks["buyers"], unlocks["fdi_buyers"], unlocks["large_buyers"]) == (3, 3, 2, 1)
    assert [(b["name"], b["kind"]) for b in unlocks["buyers_opened"]] == [          # whom the SME could sell to
        ("Fuji Parts Vietnam", "fdi"), ("Hana Motors Vietnam", "fdi"), ("Thang Long Machinery", "large")]
    # fewer than ten suppliers qualify for each request, so it would be in the top 10 of all three
    assert unlocks["top10"] == 3
    effort = first["effort"]
    assert (effort["class"], effort["months_min"], effort["months_max"]) == ("medium", 4, 8)
    assert effort["months_source"] and effort["cost_source"] and effort["certifier"]
    assert first["message"] == ("ISO 14001 Environmental management would make you eligible for 3 open requests "
                                "from 3 buyers, 2 of them FDI and 1 large; you would rank in the top 10 for 3 of "
                                "them. It typically takes 4-8 months.")
    # every missing mandatory item of a request in reach is listed, first, even one that opens nothing alone
    blockers = [(i["id"], i["blocker"]) for i in body["items"]]
    assert blockers[:2] == [("iso-14001", True), ("rohs", True)]
    assert all(not b for _, b in blockers[2:])
    rohs = body["items"][1]
    assert rohs["unlocks"]["requests"] == 0 and rohs["needed_by_requests"] == 1 and rohs["blocks_requests"] == 1
    assert "other gaps remain" in rohs["message"]
    # an item no request in reach requires says what it adds to the score instead (a new user's check)
    preferred = [i for i in body["items"] if not i["blocker"]]
    assert preferred
    for item in preferred:
        assert "required by none" in item["message"] and f"{item['mean_score_gain']:.3f}" in item["message"], item
    assert rohs["effort"]["months_max"] <= 2 and "17025" in rohs["effort"]["certifier"]
    assert first["mean_score_gain"] > 0
    # the rule ranks here: its scores are not rates, so no number of good outcomes is claimed
    assert first["unlocks"]["expected_good_outcomes"] is None
    # R4 needs both: ISO 14001 then RoHS opens four requests in 5-10 months, more per month than 14001 alone
    plan = body["plans"][0]
    assert [s["id"] for s in plan["steps"]] == ["iso-14001", "rohs"]
    assert (plan["months_min"], plan["months_max"], plan["unlocks"]["requests"]) == (5, 10, 4)
    assert sorted(plan["unlocks"]["request_ids"]) == sorted(world[r] for r in ("R1", "R2", "R3", "R4"))
    assert [s["id"] for s in body["plans"][1]["steps"]] == ["iso-14001"]


def test_a_request_changed_within_the_second_is_read_afresh(client, world):
    """What a request asks is kept between reports; a change (to as many needs, and mostly within the second
    of the report before it, so neither its number of needs nor its timestamp tells) is seen by the next
    report, as are a closed and a new request."""
    before = client.get("/smes/0300000001/priorities").get_json()
    assert (before["open_requests_considered"], before["eligible_now"]) == (5, 1)
    changed = client.patch(f"/sourcing-requests/{world['R5']}", json={"standards": [
        {"id": "rohs", "mandatory": True}]})
    assert changed.status_code == 200, changed.get_json()
    after = client.get("/smes/0300000001/priorities").get_json()
    assert after["eligible_now"] == 0
    rohs = next(i for i in after["items"] if i["id"] == "rohs")
    assert (rohs["needed_by_requests"], rohs["blocks_requests"], rohs["unlocks"]["request_ids"]) == (2, 2, [world["R5"]])
    assert client.patch(f"/sourcing-requests/{world['R5']}", json={"status": "closed"}).status_code == 200
    request(client, "R7", "0300000103", [("iso-9001", True)])
    again = client.get("/smes/0300000001/priorities").get_json()
    assert (again["open_requests_considered"], again["eligible_now"]) == (5, 1)


def test_a_plan_puts_the_standard_an_item_presupposes_first(client, world):
    """Peer 203 holds no standard: IATF 16949 (R7) presupposes ISO 9001, so that plan starts with it."""
    r7 = request(client, "R7", "0300000101", [("iatf-16949", True)])
    body = client.get("/smes/0300000203/priorities").get_json()
    iatf = next(p for p in body["plans"] if any(s["id"] == "iatf-16949" for s in p["steps"]))
    assert [s["id"] for s in iatf["steps"]] == ["iso-9001", "iatf-16949"]
    assert set(iatf["unlocks"]["request_ids"]) == {r7, world["R5"]}
    assert (iatf["months_min"], iatf["months_max"]) == (15, 24)
    item = next(i for i in body["items"] if i["id"] == "iatf-16949")
    assert item["effort"]["prerequisites"] == [{"id": "iso-9001", "name": "ISO 9001 Quality management",
                                                "held": False}]


def test_reads_never_write_and_a_new_model_ranks_again_in_the_background(app, client, world, graph, start_worker):
    """A GET leaves the stored cutoffs as they are; cutoffs ranked under another model count as pending
    until the worker's job ranks them again."""
    from matchmaker.context import job_queue

    def stored():
        return graph.read(lambda tx: sorted(tuple(r) for r in tx.run(
            "MATCH (r:SourcingRequest) RETURN r.id, r.cutoff_model, r.cutoff_at, r.cutoff_score")))
    SourcingRepository(graph).set_cutoffs([{"id": i, "score": score, "model": "an-older-model"}
                                            for i, _, _, score in stored()], "2026-01-01T00:00:00+00:00")
    before = stored()
    body = client.get("/smes/0300000001/priorities").get_json()
    assert stored() == before                              # the read wrote nothing
    assert body["cutoffs_pending"] == 5
    first = body["items"][0]
    assert (first["unlocks"]["top10"], first["unlocks"]["top10_pending"]) == (0, 3)
    assert "being recomputed" in first["message"]
    start_worker()
    with app.app_context():
        job_queue().refresh_cutoffs()
    wait_for(lambda: client.get("/smes/0300000001/priorities").get_json()["cutoffs_pending"] == 0)
    first = client.get("/smes/0300000001/priorities").get_json()["items"][0]
    assert (first["unlocks"]["top10"], first["unlocks"]["top10_pending"]) == (3, 0)
    assert all(model != "an-older-model" for _, model, _, _ in stored())


def test_top10_uses_the_stored_cutoff(client, world, graph):
    SourcingRepository(graph).set_cutoffs([{"id": world["R1"], "score": 0.999, "model": graph.read(lambda tx: tx.run(
        "MATCH (r:SourcingRequest {id: $id}) RETURN r.cutoff_model AS m", id=world["R1"]).single()["m"])}],
        "2026-01-01T00:00:00+00:00")
    first = client.get("/smes/0300000001/priorities").get_json()["items"][0]
    assert first["unlocks"]["requests"] == 3 and first["unlocks"]["top10"] == 2


def test_ranking_from_the_command_line_several_at_once_stores_what_one_at_a_time_does(
        app, client, world, graph, neo4j_settings, monkeypatch):
    from click.testing import CliRunner

    from matchmaker.cli import main

    def stored():
        return graph.read(lambda tx: dict(tuple(r) for r in tx.run(
            "MATCH (r:SourcingRequest {status: 'open'}) RETURN r.id, [r.cutoff_model, r.cutoff_score]")))
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("MATCHMAKER_MODEL_DIR", app.extensions["settings"].model_dir)
    runner = CliRunner()
    ranked = runner.invoke(main, ["requests", "rank", "--workers", "1"])
    assert ranked.exit_code == 0, ranked.output
    one_at_a_time = stored()
    graph.write(lambda tx: tx.run("MATCH (r:SourcingRequest) REMOVE r.cutoff_score, r.cutoff_model").consume())
    ranked = runner.invoke(main, ["requests", "rank", "--workers", "4"])
    assert ranked.exit_code == 0 and f"ranked {len(one_at_a_time)} open requests" in ranked.output, ranked.output
    assert stored() == one_at_a_time and all(model and score is not None for model, score in one_at_a_time.values())
    # a cutoff is the 10th score of the list the buyer sees (0.0 with fewer than 10)
    for request_id, (_, score) in one_at_a_time.items():
        items = client.get(f"/sourcing-requests/{request_id}/matches?per_page=10").get_json()["items"]
        assert score == (items[-1]["score"] if len(items) == 10 else 0.0), request_id


def test_peers(client, world):
    body = client.get("/smes/0300000001/peers").get_json()
    assert body["peers"] == 3 and body["few"] is True       # one peer moves a share by 33 points: said
    firm(client, "0300000009", "Lone Electronics", sector="electronics", km_north=30)
    alone = client.get("/smes/0300000009/peers").get_json()
    assert (alone["peers"], alone["few"], alone["standards"]) == (0, False, [])
    page = client.get("/smes/0300000009/readiness?format=html&lang=en").get_data(as_text=True)
    assert "there is no one to compare with here" in page and "Only 0" not in page
    shares = {row["id"]: row for row in body["standards"]}
    assert shares["iso-14001"]["share"] == pytest.approx(0.667, abs=0.001) and not shares["iso-14001"]["held"]
    assert shares["iso-9001"]["share"] == pytest.approx(0.333, abs=0.001) and shares["iso-9001"]["held"]
    assert body["capabilities"][0]["id"] == "cnc-milling" and body["capabilities"][0]["share"] == 1.0
    assert body["capabilities"][0]["name"] == "CNC milling"     # names, never ids, in every list


def test_report_as_json_and_printable_html(client, world):
    body = client.get("/smes/0300000001/readiness?horizon_days=30").get_json()
    assert body["priorities"]["items"][0]["id"] == "iso-14001"
    assert body["certificates_to_renew"][0]["standard"] == "iatf-16949"
    assert body["sector_gaps"][0]["target"]["id"] == "automotive"
    page = client.get("/smes/0300000001/readiness?format=html&lang=en")
    assert page.status_code == 200 and page.mimetype == "text/html" and page.headers["Content-Language"] == "en"
    html = page.get_data(as_text=True)
    assert "Minh An CNC" in html and "4–8 months" in html and "then <strong>RoHS" in html
    assert "VND 50–150 million for 40 staff (x1.00 the quote for 26–45 staff, by IAF MD 5 audit time)" in html
    assert "audit days (4 for 26-45 staff" in re.sub(r"<[^>]+>", " ", html)   # printed, not only on hover
    # names, not ids: the sector, the missing standards, the peers' capabilities
    shown = re.sub(r"<[^>]+>", " ", html)
    assert "Only 3 peers: each one moves a share by 33 points" in shown
    assert "Automotive and motorcycle parts" in shown and "CNC milling" in shown and "apqp-ppap" not in shown
    assert "required by none: your score there rises by 0." in shown     # an item no request requires
    # the same report in the reader's language: the query's, else the Accept-Language header's
    for vi in (client.get("/smes/0300000001/readiness?format=html&lang=vi"),
               client.get("/smes/0300000001/readiness?format=html", headers={"Accept-Language": "vi-VN,vi;q=0.9"})):
        html = vi.get_data(as_text=True)
        assert vi.headers["Content-Language"] == "vi" and '<html lang="vi">' in html
        assert "Linh kiện ô tô, xe máy" in html and "4–8 tháng" in html and "rồi <strong>" in html
        assert "cho 40 lao động (x1,00 báo giá cho 26–45 lao động" in html and "months" not in re.sub(r"<[^>]+>", " ", html)
        assert "không yêu cầu nào bắt buộc: điểm của bạn tăng trung bình 0," in html
    assert client.get("/smes/0300000001/readiness?format=html&lang=fr").status_code == 422
    assert client.get("/smes/0300000001/readiness?format=pdf").status_code == 422


def test_a_site_audit_is_priced_for_the_sme_s_own_staff(client, world):
    def effort_of(standard):
        items = client.get("/smes/0300000001/priorities").get_json()["items"]
        return next(i["effort"] for i in items if i["id"] == standard)
    big = effort_of("iso-14001")        # 40 staff: the catalogue's quote (26-45 staff, 4 audit days)
    assert (big["cost_min_mvnd"], big["cost_max_mvnd"], big["cost_staff"], big["cost_scale"]) == (50, 150, 40, 1)
    rohs = effort_of("rohs")            # a declaration with test reports: the same whatever the size
    assert rohs["cost_staff"] is None
    assert client.patch("/enterprises/0300000001", json={"employees": 8}).status_code == 200
    small = effort_of("iso-14001")      # 8 staff: 2 audit days
    assert (small["cost_min_mvnd"], small["cost_max_mvnd"], small["cost_staff"], small["cost_scale"]) == (25, 75, 8, 0.5)
    assert (effort_of("rohs")["cost_min_mvnd"], effort_of("rohs")["cost_max_mvnd"]) == (rohs["cost_min_mvnd"], rohs["cost_max_mvnd"])


def test_the_programme_view_links_smes_to_fdi_demand(client, world, catalogue):
    """Across the automotive SMEs: ISO 9001 would newly link two of them (Peer 201 to R1, R2, R5; Peer 203 to
    R5), CNC milling one (a CNC turning shop holding both standards), ISO 14001 only adds requests for an SME
    already linked; R3 is a large buyer's (not FDI demand) and R6 is out of reach."""
    firm(client, "0300000204", "Turning Shop", km_north=2)
    repo = EnterpriseRepository(catalogue)
    repo.set_capabilities([{"enterprise": "0300000204", "capability": "cnc-turning", "capacity": 3000.0,
                            "unit": "pcs/month"}])
    today = date.today()
    repo.set_certifications([{"enterprise": "0300000204", "standard": s, "number": f"T-{s}", "issuer": "BV",
                              "issued": today - timedelta(days=30), "expires": today + timedelta(days=700)}
                             for s in ("iso-9001", "iso-14001")])
    body = client.get("/programme?sector=automotive").get_json()
    assert (body["smes"], body["smes_linked_now"], body["smes_one_item_away"]) == (5, 2, 3)
    assert (body["open_fdi_requests"], body["fdi_buyers"]) == (5, 3)
    items = [(i["id"], i["smes_newly_linked"], i["smes"], i["fdi_requests"], i["fdi_buyers"]) for i in body["items"]]
    assert items == [("iso-9001", 2, 2, 3, 2), ("cnc-milling", 1, 1, 3, 2), ("iso-14001", 0, 1, 2, 2),
                     ("rohs", 0, 1, 1, 1)]
    assert body["items"][0]["name"] == "ISO 9001 Quality management"
    shortlist = [(s["sme"]["id"], s["item"]["id"], s["requests"], s["buyers"]) for s in body["shortlist"]]
    assert shortlist == [("0300000201", "iso-9001", 3, 2), ("0300000204", "cnc-milling", 3, 2),
                         ("0300000203", "iso-9001", 1, 1)]
    assert body["shortlist"][0]["sme"]["name"] == "Peer 0300000201"
    # the same SMEs by commune; a zone or sector that does not exist is said so
    for commune in ("Thien Loc", "Thiên Lộc", "xã thiên lộc"):
        assert client.get("/programme", query_string={"commune": commune}).get_json()["smes_one_item_away"] == 3
    assert client.get("/programme?sector=&zone=&commune=").get_json()["scope"] == {"sector": None, "zone": None,
                                                                                  "commune": None}
    for field, value in (("sector", "nope"), ("zone", "nope"), ("commune", "Nowhere")):
        response = client.get("/programme", query_string={field: value})
        assert response.status_code == 404 and field in response.get_json()["error"]["fields"]
    assert client.get("/programme?limit=0").status_code == 422
    csv = client.get("/programme?sector=automotive&format=csv&part=shortlist")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("\ufeffsme_id,sme_name") and lines[1].startswith("0300000201,Peer 0300000201,")
    assert len(lines) == 4
    # a page of the view holds `limit` rows; a download holds them all unless told otherwise
    assert len(client.get("/programme?sector=automotive&limit=1").get_json()["shortlist"]) == 1
    assert len(client.get("/programme?sector=automotive&format=csv&part=shortlist").get_data(as_text=True)
               .splitlines()) == 1 + body["smes_one_item_away"]
    response = client.get("/programme?sector=automotive&part=items")
    assert response.status_code == 422 and "part" in response.get_json()["error"]["fields"]
    items_csv = client.get("/programme?sector=automotive&format=csv&part=items").get_data(as_text=True)
    assert items_csv.splitlines()[1] == "standard,iso-9001,ISO 9001 Quality management,2,2,3,2"


def test_an_sme_s_link_to_its_gaps_against_a_buyer_keeps_the_buyer(client, world, app, graph):
    """/app/readiness?buyer=<id> (a link an adviser sends) takes the SME to its page with the gaps against
    that buyer, not its sector's."""
    from matchmaker.services.access import KeyService
    _, key = KeyService(graph).issue("sme", "0300000001")
    page = app.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', page.get("/app/signin").get_data(as_text=True)).group(1)
    page.post("/app/signin", data={"key": key, "csrf": token})
    moved = page.get("/app/readiness?buyer=0300000101&lang=en")
    assert moved.status_code == 302 and "buyer=0300000101" in moved.headers["Location"]
    shown = page.get(moved.headers["Location"]).get_data(as_text=True)
    assert re.search(r'<option value="buyer:0300000101" selected>Fuji Parts Vietnam', shown)


def admin_pages(app, graph):
    """A browser signed in to the pages as an admin, reading English."""
    from matchmaker.services.access import KeyService
    _, key = KeyService(graph).issue("admin", None)
    page = app.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', page.get("/app/signin").get_data(as_text=True)).group(1)
    page.post("/app/signin", data={"key": key, "csrf": token})
    page.get("/app/lang/en")
    return page


def test_the_programme_page_shows_the_table_the_chart_and_the_shortlist(client, world, app, graph):
    page = admin_pages(app, graph)
    html = page.get("/app/programme?sector=automotive").get_data(as_text=True)
    assert 'id="items-chart"' in html and 'id="shortlist"' in html
    assert "ISO 9001" in html and "Peer 0300000201" in html and "iso-9001</td>" not in html
    assert page.get("/app/programme?sector=automotive&format=csv&part=items").mimetype == "text/csv"
    page.get("/app/lang/vi")    # the page's download speaks the reader's language, Excel-ready (UTF-8 with a BOM)
    items = page.get("/app/programme?sector=automotive&format=csv&part=items").get_data(as_text=True).splitlines()
    assert items[0].startswith("\ufeffLoại,Mã,Tên") and items[1].startswith("tiêu chuẩn,iso-9001,ISO 9001 Quản lý chất lượng,")
    # a shortlist cut to the page's limit says so; a refusal reads in the page's language
    html = page.get("/app/programme?sector=automotive&limit=1").get_data(as_text=True)
    assert 'id="shortlist-shown"' in html and re.search(r"Hiển thị 1 đầu tiên trong [2-9] DNNVV", html)
    html = page.get("/app/programme?commune=nowhere").get_data(as_text=True)
    assert "không phải phường, xã nào của Hà Nội" in html


def test_the_page_links_each_buyer_an_item_opens_to_the_gaps_against_that_buyer(client, world, app, graph):
    import html as html_module

    page = admin_pages(app, graph)
    shown = page.get("/app/smes/0300000001").get_data(as_text=True)
    links = re.findall(r'<span class="muted buyers-opened">Buyers: <a href="([^"]+)">([^<]+)</a>', shown)
    assert links, "no buyer an item opens is linked"
    target, name = html_module.unescape(links[0][0]), links[0][1]
    assert "target=buyer" in target
    gaps = page.get(target).get_data(as_text=True)
    assert re.search(rf'<option value="buyer:[^"]+" selected>{re.escape(name)}', gaps)
