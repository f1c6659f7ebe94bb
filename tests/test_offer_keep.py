"""The firms' offers kept in each process (repositories.offers) against the graph's own candidate query, after
every kind of write that changes an offer: a search must never pool a firm as it was, nor miss one come since.
tests/test_pool_graph.py compares the two on a generated market under every search option."""
from datetime import date, timedelta

import pytest
from conftest import plain

from matchmaker.repositories.catalogues import CatalogueRepository
from matchmaker.repositories.enterprises import EnterpriseRepository
from matchmaker.repositories.matching import MatchRepository
from matchmaker.repositories.offers import OfferKeep, offers_of
from matchmaker.services.matching import POOL, MatchService
from scoring.model import ModelStore

PLANT = (21.1219, 105.7872)



def need_of(graph, capabilities=("cnc-milling",), standards=(), products=(), max_km=40.0, buyer=None,
            kinds=("sme",), point=PLANT) -> dict:
    request = {"buyer": buyer, "capabilities": list(capabilities), "products": list(products), "text": None,
               "standards": [{"id": s, "mandatory": True} for s in standards], "latitude": point[0],
               "longitude": point[1], "max_distance_km": max_km}
    return MatchService(graph, ModelStore("/nonexistent")).need(request, None, {"kinds": list(kinds)})


def same_as_graph(graph, today=None, **asked) -> list[str]:
    """Assert the kept pool is the query's, supplier for supplier and field for field; the pooled ids."""
    today = today or date.today()
    repo, need = MatchRepository(graph), need_of(graph, **asked)
    kept, passed = repo.candidates(need, POOL, today)
    truth, passed_truth = repo.candidates_by_query(need, POOL, today)
    assert passed == passed_truth
    assert [c["id"] for c in kept] == [c["id"] for c in truth]
    for k, t in zip(kept, truth):
        # numpy's sine and Java's may differ in the last bit: the distance is the graph's to ~1e-12
        assert k["distance_km"] == pytest.approx(t["distance_km"], rel=1e-12, abs=1e-12), k["id"]
        assert plain({**k, "distance_km": None}) == plain({**t, "distance_km": None})
    return [c["id"] for c in kept]


def firm(client, code, name, kind="sme", km_north=0.0, **extra):
    body = {"code": code, "name": name, "kind": kind, "sectors": "automotive", "employees": 40,
            "latitude": PLANT[0] + km_north / 111.0, "longitude": PLANT[1], "commune": "Thien Loc", **extra}
    assert client.post("/enterprises", json=body).status_code == 201


def capability(graph, enterprise, cap="cnc-milling", capacity=None):
    EnterpriseRepository(graph).set_capabilities([{"enterprise": enterprise, "capability": cap,
                                                   "capacity": capacity, "unit": None}])


def certificate(graph, enterprise, standard="iso-9001", expires=None):
    EnterpriseRepository(graph).set_certifications([{"enterprise": enterprise, "standard": standard, "number": "N1",
                                                     "issuer": "QUACERT", "issued": None, "expires": expires}])


@pytest.fixture
def market(client, catalogue):
    firm(client, "0300000001", "Minh An CNC", km_north=2)
    firm(client, "0300000002", "Hoa Binh Mechanical", km_north=5)
    firm(client, "0300000101", "Fuji Parts Vietnam", kind="fdi", km_north=3)
    for code in ("0300000001", "0300000002"):
        capability(catalogue, code)
    return catalogue


def test_the_keep_follows_every_write_of_an_offer(client, market):
    graph = market
    assert same_as_graph(graph) == ["0300000001", "0300000002"]
    keep = offers_of(graph)
    assert keep.offers is not None and len(keep.offers) == 3     # the pool came from the keep
    # a certificate: a mandatory standard now passes one of them; then it expires
    certificate(graph, "0300000002", expires=date.today() + timedelta(days=30))
    assert same_as_graph(graph, standards=["iso-9001"]) == ["0300000002"]
    certificate(graph, "0300000002", expires=date.today() - timedelta(days=1))
    assert same_as_graph(graph, standards=["iso-9001"]) == []
    # valid today, gone a month on: the day counts, not the day the keep read it
    certificate(graph, "0300000001", expires=date.today() + timedelta(days=3))
    assert same_as_graph(graph, standards=["iso-9001"]) == ["0300000001"]
    assert same_as_graph(graph, today=date.today() + timedelta(days=30), standards=["iso-9001"]) == []
    # a capability, a product, and the capacity (read by id, not kept) of one pooled
    capability(graph, "0300000101", "stamping")
    capability(graph, "0300000001", "cnc-milling", capacity=20000.0)
    CatalogueRepository(graph).set_products([{"enterprise": "0300000002", "hs": "8708"}])
    assert same_as_graph(graph, capabilities=["stamping"], kinds=["sme", "fdi"]) == ["0300000101"]
    assert same_as_graph(graph, capabilities=["stamping"], products=["8708"], kinds=["sme", "fdi"]) == [
        "0300000101", "0300000002"]
    # moved out of reach, of another kind, renamed (by id again)
    assert client.patch("/enterprises/0300000002", json={"latitude": PLANT[0] + 1.0, "longitude": PLANT[1]}).status_code == 200
    assert same_as_graph(graph) == ["0300000001"]
    assert client.patch("/enterprises/0300000001", json={"kind": "large", "name": "Minh An"}).status_code == 200
    assert same_as_graph(graph) == []
    assert same_as_graph(graph, kinds=["large"]) == ["0300000001"]
    # a firm come since, by the importer's upsert, and one deleted
    row = {"id": "0300000003", "props": {"name": "Dong Anh Tooling", "kind": "sme"}, "latitude": PLANT[0],
           "longitude": PLANT[1], "sectors": None, "zone": None, "associations": None}
    assert EnterpriseRepository(graph).upsert_many([row], "2026-01-01T00:00:00")["created"] == 1
    capability(graph, "0300000003")
    assert same_as_graph(graph, kinds=["sme", "large"]) == ["0300000003", "0300000001"]
    assert client.delete("/enterprises/0300000001").status_code == 204
    assert same_as_graph(graph, kinds=["sme", "large"]) == ["0300000003"]
    # the buyer is never its own supplier
    assert same_as_graph(graph, capabilities=["stamping"], kinds=["fdi"], buyer="0300000101") == []


def test_the_firms_kept_as_the_search_reads_them_follow_their_customers_and_outcomes(client, market):
    """What a search reads of a pooled firm is kept too (its profile, customers, outcome record): each write
    that changes it, or its customer, is seen by the next search."""
    from matchmaker.repositories.sourcing import SourcingRepository
    graph = market
    firm(client, "0300000102", "Canon Vietnam", kind="fdi", km_north=8, sectors="electronics")
    assert same_as_graph(graph) == ["0300000001", "0300000002"]
    keep = offers_of(graph)
    assert sorted(keep.suppliers(["0300000001", "0300000002"])) == ["0300000001", "0300000002"]
    # a new customer, then the customer's sectors and kind change, then it is deleted
    links = EnterpriseRepository(graph)
    links.set_supply_links([{"supplier": "0300000002", "buyer": "0300000101", "since": 2019, "product": None}])
    assert same_as_graph(graph, buyer="0300000102") == ["0300000001", "0300000002"]
    assert client.patch("/enterprises/0300000101", json={"sectors": "electronics"}).status_code == 200
    assert same_as_graph(graph, buyer="0300000102") == ["0300000001", "0300000002"]
    assert client.delete("/enterprises/0300000101").status_code == 204
    assert same_as_graph(graph, buyer="0300000102") == ["0300000001", "0300000002"]
    # an outcome of a contact, then the same outcome said of another supplier
    outcome = {"key": "contact:0300000102:0300000001:2026-01-05", "new_id": "O1", "buyer": "0300000102",
               "supplier": "0300000001", "request": None, "outcome": "order", "label": 1,
               "occurred_on": (date.today() - timedelta(days=1)).isoformat(), "note": None, "source": "test",
               "shown_rank": None}
    outcomes = SourcingRepository(graph)
    assert outcomes.record_outcome(outcome, "2026-01-06T00:00:00")[1] == "created"
    assert same_as_graph(graph, buyer="0300000102") == ["0300000001", "0300000002"]
    assert outcomes.record_outcome({**outcome, "supplier": "0300000002"}, "2026-01-06T00:00:00")[1] == "updated"
    assert same_as_graph(graph, buyer="0300000102") == ["0300000001", "0300000002"]     # the pool's order: nearest
    assert [c["outcomes_positive"] for c in MatchRepository(graph).candidates(
        need_of(graph, buyer="0300000102"), POOL, date.today())[0]] == [0, 1]


def test_a_keep_of_its_own_reads_everything_once_then_only_changes(client, market):
    """Two keeps (two web workers) agree; one up to date reads nothing but the feed; an emptied or migrated
    graph is read again."""
    from graph_schema.feed import RESET
    graph = market
    other = OfferKeep()
    assert graph.read(lambda tx: other.sync(tx, 20261129)) == 3
    offers = other.offers
    firm(client, "0300000004", "Soc Son Casting", km_north=1)
    capability(graph, "0300000004")
    assert graph.read(lambda tx: other.sync(tx, 20261129)) == 4 and other.offers is offers   # changes only
    need = need_of(graph)
    assert graph.read(lambda tx: other.pool(tx, need, POOL, 20261129)) == graph.read(
        lambda tx: offers_of(graph).pool(tx, need, POOL, 20261129))
    graph.write(lambda tx: tx.run(RESET).consume())     # what a migration run ends with
    assert graph.read(lambda tx: other.sync(tx, 20261129)) == 4 and other.offers is not offers
    graph.write(lambda tx: tx.run("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n").consume())
    assert graph.read(lambda tx: other.sync(tx, 20261129)) == 0


def test_words_alone_ask_the_graph(client, market):
    """A need that names no capability and no product finds its firms by the descriptions' index."""
    assert client.patch("/enterprises/0300000002",
                        json={"description": "Gia cong nhom dinh hinh"}).status_code == 200
    request = {"buyer": None, "capabilities": [], "products": [], "text": "nhom", "standards": [],
               "latitude": PLANT[0], "longitude": PLANT[1], "max_distance_km": 40.0}
    need = MatchService(market, ModelStore("/nonexistent")).need(request, None, {})
    found, passed = MatchRepository(market).candidates(need, POOL, date.today())
    assert [c["id"] for c in found] == ["0300000002"] and passed == 1
