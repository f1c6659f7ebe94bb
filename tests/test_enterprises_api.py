"""Enterprise CRUD and filters over the real graph."""
from datetime import date, timedelta

import pytest


def create(client, **fields):
    response = client.post("/enterprises", json=fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def firms(client, catalogue):
    """Three firms around Thang Long IP and one far away, with capabilities and certificates."""
    from matchmaker.repositories.enterprises import EnterpriseRepository
    create(client, code="0100000001", name="Công ty TNHH Cơ khí Đức Anh", kind="sme", sectors="mechanical",
           latitude=21.1219, longitude=105.7872, zone="thang-long-ip", employees=40,
           description="Gia công CNC nhôm")
    create(client, code="0100000002", name="Minh Long Aluminium Die Casting", kind="sme", sectors="automotive",
           latitude=21.1300, longitude=105.7900, employees=120)
    create(client, code="0100000003", name="Kyo Precision Vietnam Co., Ltd.", kind="fdi", home_country="Japan",
           sectors="automotive", latitude=21.1250, longitude=105.7850, employees=900)
    create(client, code="0100000004", name="Bat Trang Ceramics Cooperative", kind="sme", sectors="handicrafts",
           latitude=20.9765, longitude=105.9128, zone="bat-trang-village", employees=15)
    repo = EnterpriseRepository(catalogue)
    repo.set_capabilities([
        {"enterprise": "0100000001", "capability": "cnc-milling", "capacity": 20000.0, "unit": "pcs/month"},
        {"enterprise": "0100000002", "capability": "aluminium-die-casting", "capacity": 50000.0, "unit": "pcs/month"},
        {"enterprise": "0100000004", "capability": "ceramics", "capacity": 3000.0, "unit": "pcs/month"}])
    today = date.today()
    repo.set_certifications([
        {"enterprise": "0100000001", "standard": "iso-9001", "number": "A", "issuer": "SGS",
         "issued": today - timedelta(days=400), "expires": today + timedelta(days=700)},
        {"enterprise": "0100000002", "standard": "iso-9001", "number": "B", "issuer": "SGS",
         "issued": today - timedelta(days=1200), "expires": today - timedelta(days=5)}])


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [e["id"] for e in response.get_json()["items"]]


def test_filters(client, firms):
    assert ids(client.get("/enterprises?kind=fdi")) == ["0100000003"]
    assert ids(client.get("/enterprises?sector=automotive&sort=name")) == ["0100000003", "0100000002"]
    assert ids(client.get("/enterprises?zone=bat-trang-village")) == ["0100000004"]
    # capability hierarchy: machining covers CNC milling; metal-forming covers aluminium die casting
    assert ids(client.get("/enterprises?capability=machining")) == ["0100000001"]
    assert ids(client.get("/enterprises?capability=metal-forming")) == ["0100000002"]
    # only valid certificates count: firm 2's ISO 9001 expired five days ago
    assert ids(client.get("/enterprises?standard=iso-9001")) == ["0100000001"]
    near = client.get("/enterprises?latitude=21.1219&longitude=105.7872&radius_km=2")
    assert ids(near) == ["0100000001", "0100000003", "0100000002"]  # sorted by distance
    assert near.get_json()["total"] == 3


def test_text_search_with_and_without_diacritics(client, firms):
    assert ids(client.get("/enterprises", query_string={"q": "Đức Anh"})) == ["0100000001"]
    assert ids(client.get("/enterprises", query_string={"q": "duc anh"})) == ["0100000001"]
    assert ids(client.get("/enterprises", query_string={"q": "nhôm"})) == ["0100000001"]
    assert client.get("/enterprises", query_string={"q": "((("}).status_code == 422


def test_pagination_is_deterministic(client, firms):
    pages = [ids(client.get(f"/enterprises?sort=name&per_page=3&page={p}")) for p in (1, 2)]
    assert len(pages[0]) == 3 and len(pages[1]) == 1 and not set(pages[0]) & set(pages[1])
    body = client.get("/enterprises?per_page=3&page=9").get_json()
    assert body["items"] == [] and body["total"] == 4


def test_bad_queries_name_the_field(client, firms):
    for query, field in [("latitude=21", "longitude"), ("radius_km=3", "radius_km"), ("sort=distance", "sort"),
                         ("kind=giant", "kind"), ("per_page=1000", "per_page"), ("latitude=abc&longitude=1", "latitude")]:
        response = client.get(f"/enterprises?{query}")
        assert response.status_code == 422, query
        assert field in response.get_json()["error"]["fields"], query


def test_create_conflicts_and_validation(client, firms):
    response = client.post("/enterprises", json={"code": "0100000001", "name": "Copy"})
    assert response.status_code == 409
    response = client.post("/enterprises", json={"id": "0100000002", "name": "Copy"})
    assert response.status_code == 409
    response = client.post("/enterprises", json={"name": "No Zone", "zone": "atlantis"})
    assert response.status_code == 422 and "zone" in response.get_json()["error"]["fields"]
    response = client.post("/enterprises", json={"kind": "sme"})
    assert response.status_code == 422 and "name" in response.get_json()["error"]["fields"]
    # nothing already stored was touched
    assert client.get("/enterprises/0100000001").get_json()["name"] == "Công ty TNHH Cơ khí Đức Anh"


def test_update_and_delete(client, firms):
    response = client.patch("/enterprises/0100000001", json={"employees": 55, "description": None})
    body = response.get_json()
    assert response.status_code == 200 and body["employees"] == 55 and body["description"] is None
    assert body["capabilities"][0]["capability"] == "cnc-milling"  # links kept
    assert client.patch("/enterprises/0100000001", json={"code": "0199999999"}).status_code == 422
    assert client.patch("/enterprises/0100000001", json={"employees": -3}).status_code == 422
    assert client.patch("/enterprises/missing", json={"employees": 3}).status_code == 404
    assert client.delete("/enterprises/0100000004").status_code == 204
    assert client.delete("/enterprises/0100000004").status_code == 404
    assert client.get("/enterprises/0100000004").status_code == 404


def test_catalogues(client, catalogue):
    standards = {s["id"]: s for s in client.get("/standards").get_json()["items"]}
    assert standards["iatf-16949"]["kind"] == "certificate"
    assert {"sector": "automotive", "mandatory": True} in standards["iatf-16949"]["required_by_sectors"]
    capabilities = {c["id"]: c for c in client.get("/capabilities").get_json()["items"]}
    assert capabilities["cnc-milling"]["parent"] == "machining"
    zones = client.get("/zones?kind=craft_village").get_json()["items"]
    assert zones and all(z["kind"] == "craft_village" for z in zones)
    assert client.get("/zones?kind=volcano").status_code == 422
    assert {s["id"] for s in client.get("/sectors").get_json()["items"]} >= {"automotive", "garments", "food"}
