"""Candidates by need, words by score (issue 13, item 5), over the real graph.

A need's capabilities and products bring suppliers in; its words only add to their score, matched against
what a firm says it does (its description), never against its name. Only a need that names no capability
and no product is answered from the words, through the full-text index over descriptions.
"""
from datetime import date, timedelta

import pytest

from graph_schema.migrations import MIGRATIONS
from matchmaker.repositories.catalogues import CatalogueRepository
from matchmaker.repositories.enterprises import EnterpriseRepository
from scoring.text import fold

PLANT = (21.1219, 105.7872)  # Thang Long Industrial Park
ALL_KINDS = {"kinds": ["sme", "large", "fdi"], "hard_distance": False, "hard_mandatory": False, "per_page": 100}


def firm(client, code, name, description=None, km_north=1.0, **extra):
    body = {"code": code, "name": name, "kind": "sme", "sectors": "automotive", "founded": 2012,
            "latitude": PLANT[0] + km_north / 111.0, "longitude": PLANT[1], **extra}
    if description is not None:
        body["description"] = description
    response = client.post("/enterprises", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def search(client, **need):
    options = need.pop("options", ALL_KINDS)
    response = client.post("/matches/search", json={**need, "options": options})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def ids(items):
    return [item["supplier"]["id"] for item in items]


@pytest.fixture
def market(client, catalogue):
    """Metal workers, and food and wood firms whose names share words with a metal need."""
    made = {
        "cnc_plain": firm(client, "0300000001", "Cơ khí An Phát", "Phay CNC. Đông Anh, Hà Nội."),
        "cnc_words": firm(client, "0300000002", "Cơ khí Bình Minh",
                          "Gia công kim loại: phay CNC nhôm, chi tiết chính xác. Đông Anh, Hà Nội."),
        "cnc_named": firm(client, "0300000003", "Nhôm Kim Loại CNC Hưng Thịnh", "Phay CNC. Đông Anh, Hà Nội."),
        "kim_long": firm(client, "0300000004", "Kim Long Food", "Thực phẩm đóng hộp, nước mắm. Sóc Sơn, Hà Nội."),
        "kim_wood": firm(client, "0300000005", "Gỗ Kim Loại Phú Mỹ", "Đồ gỗ nội thất. Chương Mỹ, Hà Nội."),
        "metal_words": firm(client, "0300000006", "Thương mại Đại Phong",
                            "Buôn bán kim loại, nhôm tấm, gia công theo yêu cầu. Long Biên, Hà Nội."),
        "kim_chi": firm(client, "0300000007", "Kim Long Kitchen", "Kim chi và dưa muối. Gia Lâm, Hà Nội."),
        "parts_maker": firm(client, "0300000008", "Phụ tùng Thành Công", "Phụ tùng xe máy, nhôm đúc."),
    }
    repo = EnterpriseRepository(catalogue)
    repo.set_capabilities([{"enterprise": made[key], "capability": "cnc-milling", "capacity": 30000.0,
                            "unit": "pcs/month"} for key in ("cnc_plain", "cnc_words", "cnc_named")])
    today = date.today()
    repo.set_certifications([{"enterprise": made[key], "standard": "iso-9001", "number": f"Q-{key}", "issuer": "SGS",
                              "issued": today - timedelta(days=100), "expires": today + timedelta(days=900)}
                             for key in ("cnc_plain", "cnc_words", "cnc_named")])
    CatalogueRepository(catalogue).set_products([{"enterprise": made["parts_maker"], "hs": "8714"}])
    return made


METAL_NEED = {"capabilities": ["cnc-milling"], "text": "gia công kim loại nhôm CNC",
              "standards": [{"id": "iso-9001", "mandatory": True}],
              "latitude": PLANT[0], "longitude": PLANT[1], "max_distance_km": 40}


def test_need_words_never_admit_a_firm_without_the_needed_capability(client, market):
    found = ids(search(client, **METAL_NEED))
    # "kim" of "kim loại" (metal) found "Kim Long Food" and a wood firm by their names: no more. Neither
    # is a firm that describes metal work without holding the capability: the words only add to the score.
    assert set(found) == {market["cnc_plain"], market["cnc_words"], market["cnc_named"]}
    # A product need works the same way: the maker of the product, not the firms with matching words.
    found = ids(search(client, products=["8714"], text="kim loại nhôm"))
    assert found == [market["parts_maker"]]


def test_description_words_lift_a_firm_and_a_name_does_not(client, market):
    items = {item["supplier"]["id"]: item for item in search(client, **METAL_NEED)}
    words, plain, named = (items[market[k]] for k in ("cnc_words", "cnc_plain", "cnc_named"))
    assert words["features"]["text_similarity"] > 0.4
    # "Nhôm Kim Loại CNC" in a name earns nothing; its description shares only "cnc" with the need.
    assert named["features"]["text_similarity"] == pytest.approx(plain["features"]["text_similarity"])
    # Equal firms otherwise (capability, certificate, distance, age): the one whose description says it first.
    order = ids(search(client, **METAL_NEED))
    assert order[0] == market["cnc_words"]
    assert words["score"] > plain["score"] and words["score"] > named["score"]


def test_a_words_only_need_finds_firms_by_their_descriptions(client, market):
    # Accents or none, as the buyer types it; the metal traders and workers, never the food and wood firms.
    for text in ("kim loại nhôm", "kim loai nhom"):
        found = ids(search(client, text=text))
        assert set(found) == {market["cnc_words"], market["metal_words"], market["parts_maker"],
                              market["kim_chi"]}, text
        assert set(found[:2]) == {market["cnc_words"], market["metal_words"]}     # the most words first
    found = ids(search(client, text="phụ tùng xe máy"))
    assert found == [market["parts_maker"]]


def test_a_firm_is_not_found_by_its_name(client, market):
    found = set(ids(search(client, text="kim")))
    assert market["kim_long"] not in found and market["kim_wood"] not in found
    assert market["cnc_named"] not in found
    # ... unless its description says it: Kim Long Kitchen makes kim chi; the metal workers say "kim loại".
    assert found == {market["kim_chi"], market["cnc_words"], market["metal_words"]}
    assert market["kim_long"] not in ids(search(client, text="Kim Long Food"))


def test_description_text_is_written_with_the_description_and_back_filled_by_the_migration(client, market, graph):
    def stored(enterprise_id):
        return graph.read(lambda tx: tx.run("MATCH (e:Enterprise {id: $id}) RETURN e.description_text AS t",
                                            id=enterprise_id).single()["t"])
    assert stored(market["kim_long"]) == "thuc pham dong hop nuoc mam soc son ha noi"
    assert client.patch(f"/enterprises/{market['kim_long']}",
                        json={"description": "Đồ hộp; Kim loại màu!"}).status_code == 200
    assert stored(market["kim_long"]) == "do hop kim loai mau"
    assert market["kim_long"] in ids(search(client, text="kim loai mau"))

    # Nodes written before the property existed get it from migration 8, folded as scoring.text.fold does.
    descriptions = ["Gia công CNC; ĐÚC nhôm (ADC12) — Đông Anh.", "Ølberg Straße & łódź", "  ", "Mạ kẽm nhúng nóng"]
    graph.write(lambda tx: tx.run(
        "UNWIND range(0, size($ds) - 1) AS i CREATE (:Enterprise:SME {id: 'old-' + i, kind: 'sme', "
        "description: $ds[i]})", ds=descriptions).consume())
    migration = next(m for m in MIGRATIONS if m.name == "description text")
    with graph.driver.session() as session:   # CALL ... IN TRANSACTIONS runs in an auto-commit transaction
        for statement in migration.statements:
            session.run(statement).consume()
    for i, description in enumerate(descriptions):
        assert stored(f"old-{i}") == fold(description), description
    with graph.driver.session() as session:
        session.run("CALL db.awaitIndexes(60)").consume()
    assert "old-3" in ids(search(client, text="ma kem"))
