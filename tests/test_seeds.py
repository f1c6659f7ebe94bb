import pytest

from graph_schema.projection import STALE
from seeds.generator import generate
from seeds.hanoi import ZONES


def test_generator_is_reproducible_and_realistic():
    a, b = generate(600, seed=3), generate(600, seed=3)
    assert a.enterprises == b.enterprises and a.certifications == b.certifications
    assert generate(600, seed=4).enterprises != a.enterprises
    kinds = [e["props"]["kind"] for e in a.enterprises]
    assert kinds.count("sme") / len(kinds) > 0.97
    assert {e["id"] for e in a.enterprises} == {e["props"]["code"] for e in a.enterprises}
    assert len({e["id"] for e in a.enterprises}) == 600
    for e in a.enterprises:  # all in greater Hanoi
        assert 20.5 < e["latitude"] < 21.45 and 105.3 < e["longitude"] < 106.1
    fdi = [e for e in a.enterprises if e["props"]["kind"] == "fdi"]
    assert fdi and all(e["props"].get("home_country") for e in fdi)
    assert a.supply_links and a.buyer_requirements
    assert {z[0] for z in ZONES} >= {"thang-long-ip", "hoa-lac-htp", "bat-trang-village"}


def test_the_demo_has_open_demand_enough_for_advice_to_mean_something():
    """At least 300 open requests for the 3,000-firm demo, one for about every ten firms at any scale,
    from every buyer, over the sectors, with standards that differ between a buyer's requests."""
    demo = generate()
    requests = demo.sourcing_requests
    assert len(requests) >= 300
    buyers = {e["id"] for e in demo.enterprises if e["props"]["kind"] in ("fdi", "large")}
    assert {r["buyer"] for r in requests} == buyers
    assert len({r["title"].split(":")[0] for r in requests}) >= 8
    assert len({tuple(sorted((s["id"], s["mandatory"]) for s in r["standards"])) for r in requests}) > len(buyers)
    assert len({r["reference"] for r in requests}) == len(requests)
    small = generate(600, seed=3).sourcing_requests
    assert 0.05 < len(small) / 600 < 0.2 and 0.05 < len(requests) / 3000 < 0.2


def test_loading_the_demo_twice_changes_nothing(graph):
    from seeds.load import load
    data = generate(300, seed=5)
    first = load(graph, data)
    second = load(graph, data)
    assert first["enterprises"]["created"] == 300
    assert second["enterprises"] == {"created": 0, "updated": 0, "unchanged": 300}
    counts = graph.read(lambda tx: tx.run(
        "RETURN COUNT { (:Enterprise) } AS e, COUNT { ()-[:SUPPLIES]->() } AS s, "
        "COUNT { ()-[:CERTIFIED]->() } AS c").single().data())
    assert counts == {"e": 300, "s": len(data.supply_links), "c": len(data.certifications)}
    # Requests by their buyers' references, once; the search projection agrees with every firm's links,
    # though two writers loaded the batches side by side.
    assert graph.read(lambda tx: tx.run("RETURN COUNT { (:SourcingRequest) } AS n").single()["n"]) == len(
        data.sourcing_requests)
    assert graph.read(lambda tx: [r["id"] for r in tx.run(STALE, limit=10)]) == []


def test_two_writers_keep_the_projection_of_a_firm_whose_links_span_batches(graph, monkeypatch):
    import seeds.load
    monkeypatch.setattr(seeds.load, "BATCH", 7)     # many small batches: one firm's rows in two at once
    data = generate(120, seed=11)
    seeds.load.load(graph, data, bulk=False)        # kept batch by batch, as into a graph in use
    assert graph.read(lambda tx: [r["id"] for r in tx.run(STALE, limit=10)]) == []


def _feed(graph) -> dict:
    return graph.read(lambda tx: tx.run("MATCH (f:ChangeFeed {name: 'market'}) RETURN f.epoch AS epoch, "
                                        "f.bulk_load AS bulk_load, COUNT { (e:Enterprise) WHERE e.offer_changed "
                                        "IS NOT NULL } AS stamped").single().data())


def test_a_first_load_makes_the_projection_whole_at_its_end_and_one_stopped_halfway_is_finished(graph, monkeypatch):
    """Into an empty graph firms and links are written without the projection's upkeep or the feed's stamps,
    then every projection is worked out and the feed gets a new epoch (every keep reads everything again). A
    load stopped halfway leaves its mark: the next load does the same, so no firm is left out of the search."""
    from datetime import date

    import seeds.load
    from graph_schema.projection import day_number
    from matchmaker.repositories.enterprises import EnterpriseRepository
    from matchmaker.repositories.offers import offers_of
    data = generate(150, seed=13)
    real = EnterpriseRepository.set_certifications

    def stopped(self, rows, maintain=True):
        raise RuntimeError("the machine went down")
    monkeypatch.setattr(EnterpriseRepository, "set_certifications", stopped)
    with pytest.raises(RuntimeError):
        seeds.load.load(graph, data)
    assert _feed(graph)["bulk_load"] is True and _feed(graph)["stamped"] == 0
    assert graph.read(lambda tx: [r["id"] for r in tx.run(STALE, limit=10)])   # firms the search cannot see yet
    monkeypatch.setattr(EnterpriseRepository, "set_certifications", real)
    before = _feed(graph)["epoch"]
    second = seeds.load.load(graph, data)
    assert second["enterprises"]["unchanged"] == 150        # written by the first, finished by the second
    feed = _feed(graph)
    assert feed["bulk_load"] is None and feed["stamped"] == 0 and feed["epoch"] != before
    assert graph.read(lambda tx: [r["id"] for r in tx.run(STALE, limit=10)]) == []
    # the search's keep of every firm's offer holds all of them
    assert graph.read(lambda tx: offers_of(graph).sync(tx, day_number(date.today()))) == 150
    # a load into the graph now in use keeps the projection batch by batch, with its stamps
    changed = [{**data.enterprises[0], "props": {**data.enterprises[0]["props"], "employees": 777}}]
    seeds.load.load(graph, type(data)(**{**data.__dict__, "enterprises": changed, "sourcing_requests": []}))
    assert _feed(graph)["stamped"] >= 1 and _feed(graph)["bulk_load"] is None
