"""The pool worked out in memory (scoring.pool) against the graph's candidate query, on a generated market
no other test uses (its own seed): the same suppliers in the same order, the same count passing the
filters, the same distances, for every open request under each search option (both for a rank run's offers
read once and a search's offers kept current); and a rank run stores the same cutoffs either way."""
from datetime import date

import pytest
from conftest import plain

from matchmaker.repositories.matching import MatchRepository
from matchmaker.services.matching import POOL, MatchService
from scoring.model import ModelStore

MARKET_SIZE = 1500
MARKET_SEED = 20261129      # not the demo's (7) nor any other test's

OPTIONS = {
    "as searched": {},
    "mandatory standards scored, not required": {"hard_mandatory": False},
    "every kind of firm": {"kinds": ["sme", "large", "fdi"]},
    "no distance limit": {"hard_distance": False},
    "all filters off": {"hard_mandatory": False, "hard_distance": False, "kinds": ["sme", "large", "fdi"]},
}


@pytest.fixture(scope="module")
def market(session_graph):
    from seeds.generator import generate
    from seeds.load import load
    session_graph.write(lambda tx: tx.run("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n").consume())
    data = generate(MARKET_SIZE, seed=MARKET_SEED)
    load(session_graph, data)
    return data


@pytest.fixture(scope="module")
def service(session_graph, market, tmp_path_factory):
    return MatchService(session_graph, ModelStore(str(tmp_path_factory.mktemp("models"))))


def _needs(service: MatchService, options: dict):
    """Each open request's need under ``options``; every third also asks for a product some firm makes."""
    products = sorted({row["product"] for row in service.graph.read(lambda tx: tx.run(
        "MATCH (:Enterprise)-[:MAKES]->(p:Product) RETURN DISTINCT p.hs AS product").data())})
    for k, request in enumerate(service.requests.open_requests()):
        if products and k % 3 == 0:
            request = {**request, "products": [products[k % len(products)]]}
        buyer = service.matches.buyer_context(request["buyer"]) if request.get("buyer") else None
        yield request["id"], service.need(request, buyer, options)


@pytest.mark.parametrize("label", list(OPTIONS))
def test_the_pool_in_memory_is_the_graph_s(session_graph, service, label):
    today = date.today()
    repo = MatchRepository(session_graph)
    offers = repo.firm_offers(today)
    checked = passing = 0
    for request_id, need in _needs(service, OPTIONS[label]):
        for pool in (POOL, 25):
            by_query, passed_query = repo.candidates_by_query(need, pool, today, known={})
            in_memory, passed_memory = repo.candidates(need, pool, today, known={}, offers=offers)
            assert passed_memory == passed_query, (request_id, pool)
            assert [c["id"] for c in in_memory] == [c["id"] for c in by_query], (request_id, pool)
            for a, b in zip(in_memory, by_query):
                assert a["distance_km"] == pytest.approx(b["distance_km"], rel=1e-12, abs=1e-9)
            # a search's pool, from the process's keep of the offers, the pooled kept or read by id: the same
            # suppliers as the query projects them
            kept, passed_kept = repo.candidates(need, pool, today)
            projected, _ = repo.candidates_by_query(need, pool, today)
            assert passed_kept == passed_query
            for a, b in zip(kept, projected, strict=True):
                assert plain({**a, "distance_km": None}) == plain({**b, "distance_km": None}), (request_id, pool)
                assert a["distance_km"] == pytest.approx(b["distance_km"], rel=1e-12, abs=1e-9)
            checked += 1
            passing += passed_query > 0
    assert checked >= 100 and passing >= checked // 2      # the market holds enough cases to tell


def test_a_rank_run_stores_the_same_cutoffs_either_way(service):
    by_query = service.refresh_cutoffs(in_memory=False, workers=3)          # three threads
    in_memory = service.refresh_cutoffs(in_memory=True)
    in_processes = service.refresh_cutoffs(in_memory=True, workers=2)       # two forked processes
    assert len(by_query) >= 50 and in_memory == by_query and in_processes == by_query
    stored = dict(service.graph.read(lambda tx: [tuple(r.values()) for r in tx.run(
        "MATCH (r:SourcingRequest {status: 'open'}) RETURN r.id, r.cutoff_score")]))
    assert stored == by_query          # the parent stored what the processes ranked, its connection opened again
    assert sum(1 for score in by_query.values() if score > 0) >= 40     # enough requests with ten candidates to tell
