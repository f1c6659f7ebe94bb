"""One ranking: an SME's features and score for a request are the same whether they come from the buyer's
search, the SME's readiness view or the training data, over the real graph with a learned model."""
from datetime import date, timedelta

import numpy as np
import pytest

from matchmaker.repositories.enterprises import EnterpriseRepository
from matchmaker.services.learning import LearningService
from scoring.features import FEATURES

PLANT = (21.1219, 105.7872)
BUYER = "0610000000"
SMES = [f"06100000{i:02d}" for i in range(1, 9)]


@pytest.fixture
def market(client, catalogue):
    assert client.post("/enterprises", json={
        "code": BUYER, "name": "Kyo Precision Vietnam", "kind": "fdi", "home_country": "JP", "employees": 900,
        "sectors": "automotive", "latitude": PLANT[0], "longitude": PLANT[1]}).status_code == 201
    repo = EnterpriseRepository(catalogue)
    today = date.today()
    for i, code in enumerate(SMES):
        assert client.post("/enterprises", json={
            "code": code, "name": f"Supplier {i}", "kind": "sme", "sectors": "automotive", "founded": 2005 + i,
            "export_share": 0.1 * (i % 4), "description": "CNC milling of aluminium housings" if i % 2 else None,
            "latitude": PLANT[0] + (i + 1) / 111.0, "longitude": PLANT[1]}).status_code == 201
    repo.set_capabilities([{"enterprise": c, "capability": "cnc-milling" if i % 3 else "machining",
                            "capacity": 4000.0 * (i + 1), "unit": "pcs/month"} for i, c in enumerate(SMES)])
    repo.set_certifications([{"enterprise": c, "standard": "iso-9001", "number": f"Q{i}", "issuer": "SGS",
                              "issued": today - timedelta(days=100), "expires": today + timedelta(days=500)}
                             for i, c in enumerate(SMES) if i != 3])
    repo.set_supply_links([{"supplier": SMES[1], "buyer": BUYER, "since": 2021, "product": None}])
    need = {"buyer": BUYER, "capabilities": ["cnc-milling"], "max_distance_km": 40, "monthly_volume": 10000,
            "standards": [{"id": "iso-9001", "mandatory": True}], "text": "aluminium housings"}
    rid = client.post("/sourcing-requests", json=need).get_json()["id"]
    day = today - timedelta(days=90)
    for k in range(30):          # contacts on several days, two suppliers a day, so a version can be judged
        for j, outcome in ((k % 8, "contract" if k % 8 in (1, 5) else "no_interest"),
                           ((k + 3) % 8, "follow_up" if (k + 3) % 8 in (1, 5, 7) else "no_interest")):
            assert client.post("/outcomes", json={"buyer": BUYER, "supplier": SMES[j], "request": rid,
                                                  "outcome": outcome, "shown_rank": j + 1,
                                                  "occurred_on": (day + timedelta(days=k)).isoformat()}
                               ).status_code in (200, 201)
    trained = client.post("/model/train?force=true")
    assert trained.status_code == 201 and trained.get_json()["activated"]
    return rid


def test_search_readiness_and_training_see_the_same_supplier(client, market, graph, app):
    search = client.get(f"/sourcing-requests/{market}/matches?per_page=50&hard_mandatory=false").get_json()
    assert search["model_version"] == "v0001"
    by_supplier = {item["supplier"]["id"]: item for item in search["items"]}
    assert len(by_supplier) >= 6
    for sme, item in by_supplier.items():
        gaps = client.get(f"/smes/{sme}/gaps?request={market}").get_json()
        assert gaps["readiness"]["model_version"] == "v0001"
        assert gaps["readiness"]["score"] == pytest.approx(item["score"], abs=1e-4), sme
        assert gaps["readiness"]["eligible"] == ("iso-9001" not in {m["id"] for m in item["missing"]}), sme

    # the training rows of the latest contact day: the same features as the search shows (the suppliers
    # stand at distinct distances, which tells the rows apart; the outcome history counts only what came
    # before each contact, so it is left out of the comparison)
    learning = LearningService(graph, app.extensions["model_store"])
    data = learning.recorded_dataset()
    last_day = [k for k, g in enumerate(data["groups"]) if g.endswith(str(date.today() - timedelta(days=90 - 29)))]
    assert last_day, "the latest contact day is in the training data"
    for k in last_day:
        row = dict(zip(FEATURES, data["X"][k]))
        shown = next(item for item in search["items"]
                     if np.isclose(item["features"]["proximity"], row["proximity"], atol=1e-4))
        for name in ("capability_coverage", "mandatory_coverage", "proximity", "capacity_fit", "text_similarity",
                     "large_fdi_customers", "supplies_buyer", "buyer_fdi", "buyer_northeast_asia", "buyer_size"):
            assert shown["features"][name] == pytest.approx(row[name], abs=1e-4), name


def test_good_outcomes_are_expected_only_where_a_calibrated_score_enters_the_top_10(client, market):
    """With a learned (calibrated) model, an item's expected good outcomes are a sum of rates over the top-10
    places it opens: never more than those places, and a number (with the rule it is not claimed)."""
    body = client.get(f"/smes/{SMES[3]}/priorities").get_json()
    assert body["model_version"] == "v0001"
    iso = next(i for i in body["items"] if i["id"] == "iso-9001")
    unlocks = iso["unlocks"]
    assert unlocks["requests"] == 1 and unlocks["expected_good_outcomes"] is not None
    assert 0 <= unlocks["expected_good_outcomes"] <= unlocks["top10"]
