"""The open market kept in each process (repositories.market) against the graph itself, after every kind of
write that changes what it keeps: a readiness report must never see a request or a buyer as it was."""
import random
from datetime import date

import pytest

from matchmaker.repositories.catalogues import CatalogueRepository
from matchmaker.repositories.enterprises import EnterpriseRepository
from matchmaker.repositories.market import OpenMarket, market_of
from matchmaker.repositories.matching import BUYER_PROFILE, MatchRepository
from matchmaker.repositories.readiness import ReadinessRepository
from matchmaker.repositories.sourcing import SourcingRepository
from scoring.features import buyer_asks, request_asks

PLANT = (21.1219, 105.7872)

# The graph's own answer: what readiness read before the keep, one query per report.
ORACLE = f"""
CALL () {{
    MATCH (c:Capability) WHERE c.id IN $relevant
    MATCH (r:SourcingRequest {{status: 'open'}})-[:NEEDS]->(c) RETURN r
    UNION
    MATCH (s:Sector) WHERE s.id IN $sectors
    MATCH (s)<-[:IN_SECTOR]-(:Enterprise)-[:POSTED]->(r:SourcingRequest {{status: 'open'}}) RETURN r
}}
WITH r, CASE WHEN r.location IS NULL OR $latitude IS NULL THEN null
        ELSE point.distance(r.location, point({{latitude: $latitude, longitude: $longitude}})) / 1000.0 END AS km
WHERE r.max_distance_km IS NULL OR km IS NULL OR km <= r.max_distance_km
MATCH (b:Enterprise)-[:POSTED]->(r)
RETURN r {{.id, .title, .text, .monthly_volume, .max_distance_km, .cutoff_score, .cutoff_model,
    latitude: r.location.latitude, longitude: r.location.longitude, buyer: b.id,
    capabilities: [(r)-[:NEEDS]->(c:Capability) | c.id],
    products: [(r)-[:NEEDS]->(p:Product) | p.hs],
    standards: [(r)-[n:NEEDS]->(s:Standard) | {{id: s.id, mandatory: n.mandatory}}],
    distance_km: km, buyer_name: b.name, buyer_kind: b.kind, buyer_profile: b {{{BUYER_PROFILE}}},
    buyer_sectors: [(b)-[:IN_SECTOR]->(s) | s.id]}} AS r
ORDER BY r.id"""


def _canonical(rows: list[dict]) -> list[dict]:
    """Needs in id order (the graph returns relationships in no fixed order)."""
    return [{**r, "capabilities": sorted(r["capabilities"]), "products": sorted(r["products"]),
             "standards": sorted(r["standards"], key=lambda s: s["id"]), "buyer_sectors": sorted(r["buyer_sectors"])}
            for r in rows]


def _unordered(asks: tuple) -> tuple:
    return tuple(frozenset(part) if isinstance(part, tuple) and all(isinstance(x, str) for x in part) else part
                 for part in asks)


def same_as_graph(graph, relevant=("cnc-milling",), sectors=("automotive",), point=PLANT) -> list[str]:
    """Assert the keep's requests in reach are the graph's, field for field; their ids."""
    kept = ReadinessRepository(graph).open_requests_near(list(relevant), list(sectors), *point)
    truth = graph.read(lambda tx: [r["r"] for r in tx.run(ORACLE, relevant=list(relevant), sectors=list(sectors),
                                                          latitude=point[0], longitude=point[1])])
    kept, truth = _canonical(kept), _canonical(truth)
    assert [r["id"] for r in kept] == [r["id"] for r in truth]
    for k, t in zip(kept, truth):
        # numpy's sine and Java's may differ in the last bit: the distance is the graph's to ~1e-15
        assert k.pop("distance_km") == pytest.approx(t.pop("distance_km"), rel=1e-12, abs=1e-12), k["id"]
        # what the features read of it, worked out when kept: as of the graph now (needs in any order)
        assert _unordered(k.pop("asks")) == _unordered(request_asks(t)), k["id"]
        assert _unordered(k.pop("buyer_asks")) == _unordered(buyer_asks(t["buyer_profile"])), k["id"]
        assert {f: v for f, v in k.items() if t.get(f) != v} == {f: v for f, v in t.items() if k.get(f) != v}, k["id"]
    return [r["id"] for r in kept]


def firm(client, code, name, kind="sme", km_north=0.0, sector="automotive", employees=40):
    body = {"code": code, "name": name, "kind": kind, "sectors": sector, "employees": employees,
            "latitude": PLANT[0] + km_north / 111.0, "longitude": PLANT[1], "commune": "Thien Loc"}
    assert client.post("/enterprises", json=body).status_code == 201


def post_request(client, reference, buyer, capabilities=("cnc-milling",), max_km=40, **extra) -> str:
    body = {"reference": reference, "buyer": buyer, "capabilities": list(capabilities), "max_distance_km": max_km,
            "standards": [{"id": "iso-9001", "mandatory": True}], **extra}
    response = client.post("/sourcing-requests", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def market(client, catalogue):
    firm(client, "0300000001", "Minh An CNC")
    firm(client, "0300000101", "Fuji Parts Vietnam", kind="fdi", km_north=3, employees=900)
    firm(client, "0300000103", "Thang Long Machinery", kind="large", km_north=4, employees=400, sector="electronics")
    return catalogue


def test_the_keep_follows_every_write_of_requests(client, market):
    graph = market
    assert same_as_graph(graph) == []
    r1 = post_request(client, "R1", "0300000101")
    r2 = post_request(client, "R2", "0300000103", capabilities=("stamping",))      # not in reach: other process
    r3 = post_request(client, "R3", "0300000103", max_km=1)                        # 4 km away: out of reach
    assert same_as_graph(graph) == [r1]
    assert sorted(same_as_graph(graph, relevant=("stamping", "cnc-milling"), sectors=())) == sorted([r1, r2])
    # a retry of the same post writes nothing and changes nothing
    retry = client.post("/sourcing-requests", json={"reference": "R1", "buyer": "0300000101", "max_distance_km": 40,
                                                    "capabilities": ["cnc-milling"],
                                                    "standards": [{"id": "iso-9001", "mandatory": True}]})
    assert retry.status_code == 200 and retry.get_json()["id"] == r1, retry.get_json()
    assert same_as_graph(graph) == [r1]
    # changed needs, distance, words; closed; reopened; deleted
    patched = client.patch(f"/sourcing-requests/{r3}", json={"max_distance_km": 30, "title": "Brackets",
                                                             "standards": [{"id": "iso-14001", "mandatory": False}]})
    assert patched.status_code == 200, patched.get_json()
    assert same_as_graph(graph) == sorted([r1, r3])
    assert client.patch(f"/sourcing-requests/{r1}", json={"status": "closed"}).status_code == 200
    assert same_as_graph(graph) == [r3]
    assert client.patch(f"/sourcing-requests/{r1}", json={"status": "open"}).status_code == 200
    assert same_as_graph(graph) == sorted([r1, r3])
    assert client.delete(f"/sourcing-requests/{r1}").status_code == 204
    assert same_as_graph(graph) == [r3]
    # a stored cutoff (ranking) is read from the keep too
    SourcingRepository(graph).set_cutoffs([{"id": r3, "score": 0.4321, "model": "v-test"}], "2026-01-01T00:00:00")
    assert same_as_graph(graph) == [r3]
    # many at once (the demo's and the importer's path)
    created = SourcingRepository(graph).create_many(
        [{"id": f"RX{k}", "reference": f"X{k}", "buyer": "0300000101", "title": f"x{k}", "status": "open",
          "capabilities": ["cnc-milling"], "latitude": PLANT[0], "longitude": PLANT[1]} for k in range(3)],
        "2026-01-01T00:00:00")
    assert created == 3 and same_as_graph(graph) == sorted([r3, "RX0", "RX1", "RX2"])


def test_the_keep_follows_every_write_of_buyers(client, market):
    graph = market
    r1 = post_request(client, "R1", "0300000101")
    r2 = post_request(client, "R2", "0300000103", capabilities=("stamping",))
    both = dict(relevant=("cnc-milling",), sectors=("electronics",))
    assert same_as_graph(graph, **both) == sorted([r1, r2])
    # the buyer's name, size and sectors (its profile as the features read it)
    assert client.patch("/enterprises/0300000103", json={"name": "TLM Holdings", "employees": 2500,
                                                         "sectors": "automotive"}).status_code == 200
    assert same_as_graph(graph, **both) == [r1]
    assert same_as_graph(graph, relevant=(), sectors=("automotive",)) == sorted([r1, r2])
    # what it asks of every supplier
    CatalogueRepository(graph).set_buyer_requirements([{"buyer": "0300000101", "standard": "iso-14001",
                                                        "mandatory": True}])
    assert same_as_graph(graph, **both) == [r1]
    # the same firm through the importer's upsert: a change of kind
    row = {"id": "0300000101", "props": {"kind": "large"}, "latitude": None, "longitude": None, "sectors": None,
           "zone": None, "associations": None}
    assert EnterpriseRepository(graph).upsert_many([row], "2026-01-01T00:00:00")["updated"] == 1
    assert same_as_graph(graph, **both) == [r1]
    # a sector's code (part of every buyer's profile) changed in the catalogue
    sector = next(s for s in CatalogueRepository(graph).list_sectors() if s["id"] == "automotive")
    CatalogueRepository(graph).upsert_sectors([{**sector, "isic": "2999", "search_text": None}])
    assert same_as_graph(graph, relevant=(), sectors=("automotive",)) == sorted([r1, r2])
    # a buyer deleted: its requests go with it
    assert client.delete("/enterprises/0300000103").status_code == 204
    assert same_as_graph(graph, relevant=("cnc-milling", "stamping"), sectors=("automotive",)) == [r1]


def test_a_graph_emptied_or_migrated_is_read_again(client, market, graph, neo4j_settings):
    from graph_schema.feed import RESET
    r1 = post_request(client, "R1", "0300000101")
    assert same_as_graph(graph) == [r1]
    before = market_of(graph).epoch
    graph.write(lambda tx: tx.run(RESET).consume())     # what a migration run ends with
    assert same_as_graph(graph) == [r1] and market_of(graph).epoch != before
    graph.write(lambda tx: tx.run("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n").consume())
    assert same_as_graph(graph) == []


def test_the_demo_market_in_reach_of_many_points_is_the_graphs(demo, session_graph):
    """SMEs' views of the demo's open market: the same requests, distances, buyers."""
    graph = session_graph
    smes = [e for e in demo.enterprises if e["props"]["kind"] == "sme" and e["latitude"] is not None]
    capabilities = sorted(c["id"] for c in demo.capabilities)
    sectors = sorted(s["id"] for s in demo.sectors)
    draw = random.Random(17)
    seen = 0
    for sme in draw.sample(smes, 25):
        seen += len(same_as_graph(graph, relevant=draw.sample(capabilities, draw.randint(0, 4)),
                                  sectors=draw.sample(sectors, draw.randint(0, 2)),
                                  point=(sme["latitude"], sme["longitude"])))
    assert seen > 50        # the comparison looked at requests, not only at empty answers


def test_an_sme_as_the_candidate_of_its_requests_in_reach_is_the_same_with_the_kept_distances(demo, session_graph):
    """A readiness report gives the SME as a candidate the distances the keep worked out for its requests in
    reach (the kept search's formula): field for field what the graph's distances give, to ~1e-12."""
    repo = MatchRepository(session_graph)
    smes = [e for e in demo.enterprises if e["props"]["kind"] == "sme" and e["latitude"] is not None]
    capabilities = sorted(c["id"] for c in demo.capabilities)
    compared = 0
    for sme in random.Random(29).sample(smes, 8):
        near = ReadinessRepository(session_graph).open_requests_near(capabilities, [], sme["latitude"],
                                                                     sme["longitude"])
        targets = [{"buyer": r["buyer"], "sectors": r["buyer_sectors"], "latitude": r["latitude"],
                    "longitude": r["longitude"]} for r in near]
        graphs = repo.supplier_as_candidate(sme["id"], targets, date.today())
        kept = repo.supplier_as_candidate(sme["id"], [{**t, "distance_km": r["distance_km"]}
                                                      for t, r in zip(targets, near)], date.today())
        for g, k in zip(graphs, kept, strict=True):
            assert k["distance_km"] == pytest.approx(g["distance_km"], rel=1e-12, abs=1e-12)
            assert ({f: v for f, v in k.items() if f != "distance_km"}
                    == {f: v for f, v in g.items() if f != "distance_km"})
            compared += 1
    assert compared > 50


def test_a_keep_of_its_own_reads_everything_once_then_only_changes(client, market):
    """Two keeps of one graph (two web workers) agree; a keep up to date reads nothing but the feed."""
    graph = market
    post_request(client, "R1", "0300000101")
    other = OpenMarket()
    assert graph.read(other.sync) == graph.read(market_of(graph).sync) == 1
    post_request(client, "R2", "0300000101")
    assert graph.read(other.sync) == 2
    seq = other.seq
    assert graph.read(other.sync) == 2 and other.seq == seq
    assert graph.read(market_of(graph).sync) == 2
    assert other.near(["cnc-milling"], [], *PLANT) == market_of(graph).near(["cnc-milling"], [], *PLANT)


def test_old_tombstones_go_and_a_keep_behind_them_reads_everything(client, market):
    """Deletions are kept as tombstones for TOMBSTONE_WINDOW stamps; a keep that last looked before the
    oldest one left cannot tell what was deleted, and reads the whole market again."""
    from graph_schema.feed import TOMBSTONE_WINDOW
    graph = market
    r1, r2 = post_request(client, "R1", "0300000101"), post_request(client, "R2", "0300000101")
    behind = OpenMarket()
    assert graph.read(behind.sync) == 2
    assert client.delete(f"/sourcing-requests/{r1}").status_code == 204
    # as if many writes of other things had been stamped since
    graph.write(lambda tx: tx.run("MATCH (f:ChangeFeed) SET f.seq = f.seq + $n", n=TOMBSTONE_WINDOW + 5).consume())
    assert client.delete(f"/sourcing-requests/{r2}").status_code == 204
    assert graph.read(lambda tx: tx.run("MATCH (g:Removed) RETURN g.key AS key").value()) == [f"request:{r2}"]
    assert graph.read(behind.sync) == 0 and behind.near(["cnc-milling"], [], *PLANT) == []
    assert same_as_graph(graph) == []


def test_the_index_is_built_again_only_when_the_market_moved(client, market):
    """A new cutoff or a buyer's new name is read by id (~150 ms of rebuilding saved at Hanoi scale); a request
    moved, needing something else, come or gone, or a buyer in other sectors, builds the index again."""
    graph = market
    r1 = post_request(client, "R1", "0300000101")
    assert same_as_graph(graph) == [r1]
    built = market_of(graph)._index
    SourcingRepository(graph).set_cutoffs([{"id": r1, "score": 0.5, "model": "v-test"}], "2026-01-01T00:00:00")
    assert client.patch("/enterprises/0300000101", json={"name": "Fuji Parts"}).status_code == 200
    assert same_as_graph(graph) == [r1] and market_of(graph)._index is built
    assert client.patch(f"/sourcing-requests/{r1}", json={"max_distance_km": 2}).status_code == 200
    assert same_as_graph(graph) == [] and market_of(graph)._index is not built
    built = market_of(graph)._index
    assert client.patch("/enterprises/0300000101", json={"sectors": "electronics"}).status_code == 200
    assert same_as_graph(graph, sectors=("electronics",), point=(PLANT[0] + 3 / 111.0, PLANT[1])) == [r1]
    assert market_of(graph)._index is not built
