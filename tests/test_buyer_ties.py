"""A supplier's ties to a buyer (customers in the buyer's sectors, supplying it, customers shared with the
buyer's other suppliers) are counted in Python (scoring.features.buyer_ties) from what the graph gives once
per supplier and once per buyer. Here, on the seeded demo, every way the product reads a supplier (search,
readiness, training rows, ranking many requests in a row) is checked against the ties counted by walking
the graph for each pair, as the candidate query did before."""
from datetime import date

import pytest
from conftest import plain

from matchmaker.repositories.matching import MatchRepository
from matchmaker.services.matching import POOL, MatchService

# The ties as one Cypher walk per (supplier, buyer) pair: the reference.
WALKED = """
UNWIND $pairs AS pair
MATCH (e:Enterprise {id: pair[0]}), (buyer:Enterprise {id: pair[1]})
WITH e, buyer, [(e)-[:SUPPLIES]->(b) | b] AS customers, [(buyer)-[:IN_SECTOR]->(s) | s.id] AS sectors
RETURN e.id AS supplier, buyer.id AS buyer,
       reduce(n = 0, b IN customers | n + CASE WHEN b.kind IN ['large', 'fdi']
              THEN COUNT { (b)-[:IN_SECTOR]->(s) WHERE s.id IN sectors } ELSE 0 END) AS same_sector_buyers,
       any(b IN customers WHERE b = buyer) AS supplies_buyer,
       COUNT { (e)-[:SUPPLIES]->(x)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->(buyer) WHERE x <> buyer } AS shared_customers
"""
TIES = ("same_sector_buyers", "supplies_buyer", "shared_customers")


@pytest.fixture(scope="module")
def pairs(demo, session_graph):
    """Suppliers with customers, each with the buyers their customers' other suppliers sell to, the buyers
    they supply themselves, and a buyer they have no tie to."""
    found = session_graph.read(lambda tx: [tuple(r) for r in tx.run("""
        MATCH (e:SME)-[:SUPPLIES]->(x)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->(b:Enterprise) WHERE x <> b
        RETURN DISTINCT e.id, b.id ORDER BY e.id, b.id LIMIT 60
        UNION
        MATCH (e:SME)-[:SUPPLIES]->(b:Enterprise) WHERE COUNT { (e)-[:SUPPLIES]->() } > 1
        RETURN DISTINCT e.id, b.id ORDER BY e.id, b.id LIMIT 30
        UNION
        MATCH (e:SME) WHERE EXISTS { (e)-[:SUPPLIES]->() }
        MATCH (b:FDIFirm) WHERE NOT EXISTS { (e)-[:SUPPLIES]->()<-[:SUPPLIES]-()-[:SUPPLIES]->(b) }
        RETURN e.id, b.id ORDER BY e.id, b.id LIMIT 10""")])
    walked = session_graph.read(lambda tx: {(r["supplier"], r["buyer"]): {k: r[k] for k in TIES}
                                            for r in tx.run(WALKED, pairs=[list(p) for p in found])})
    assert len(walked) >= 40
    # the demo exercises each tie, so that a wrong count cannot pass as zero against zero
    for tie in TIES:
        assert sum(1 for w in walked.values() if w[tie]) >= 5, tie
    return walked


def test_training_rows_and_readiness_count_the_ties_the_graph_walk_counts(session_graph, pairs):
    repo = MatchRepository(session_graph)
    today = date.today()
    by_supplier: dict[str, list[str]] = {}
    for supplier, buyer in pairs:
        by_supplier.setdefault(supplier, []).append(buyer)
    contexts = {b: repo.buyer_context(b) for b in {b for _, b in pairs}}
    for supplier, buyers in by_supplier.items():
        as_candidate = repo.supplier_as_candidate(supplier, [
            {"buyer": b, "sectors": contexts[b]["sectors"], "latitude": contexts[b]["latitude"],
             "longitude": contexts[b]["longitude"]} for b in buyers], today)
        for buyer, seen in zip(buyers, as_candidate):
            assert {k: seen[k] for k in TIES} == pairs[(supplier, buyer)], (supplier, buyer, "readiness")
            [row] = repo.supplier_inputs([{"id": supplier, "before": today.isoformat()}], contexts[buyer],
                                         contexts[buyer]["latitude"], contexts[buyer]["longitude"], today)
            assert {k: row[k] for k in TIES} == pairs[(supplier, buyer)], (supplier, buyer, "training")
            assert row["distance_km"] == pytest.approx(seen["distance_km"], abs=1e-9)


def test_search_counts_the_same_ties_and_ranking_in_a_row_reads_the_same_candidates(session_graph, demo, pairs):
    """For a request of each buyer whose pool holds a supplier of the sample: the search's candidates carry the
    walked ties; read as ranking reads them (ids, then the suppliers not read yet) they are the same dicts."""
    service = MatchService(session_graph, store=None)
    today = date.today()
    known: dict[str, dict] = {}
    checked = compared = 0
    requests = service.requests.open_requests()
    assert requests
    for request in requests[:80]:
        buyer = service.matches.buyer_context(request["buyer"])
        need = service.need({**request}, buyer, {"hard_mandatory": False, "hard_distance": False,
                                                 "kinds": ["sme", "large", "fdi"]})
        searched, passed = service.matches.candidates(need, POOL, today)
        ranked, passed_too = service.matches.candidates(need, POOL, today, known=known)
        assert passed_too == passed and len(ranked) == len(searched)
        for a, b in zip(ranked, searched):     # the search's distances are numpy's: the graph's to ~1e-12
            assert plain({**a, "distance_km": None}) == plain({**b, "distance_km": None})
            assert a["distance_km"] == pytest.approx(b["distance_km"], rel=1e-12, abs=1e-9)
        compared += len(searched)
        for c in searched:
            if (c["id"], request["buyer"]) in pairs:
                assert {k: c[k] for k in TIES} == pairs[(c["id"], request["buyer"])]
                checked += 1
    assert compared > 500 and known
    assert checked >= 1
