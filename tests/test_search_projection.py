"""The per-firm projection the search filters on (graph_schema/projection.py, issue 17), over the real graph.

The candidate query reads what a firm holds off its node and the full-text index ``enterprise_offer``, not
off its relationships. These tests change firms through every write path and check that the projection
agrees with the relationships afterwards, and that the search answers as the relationships say.
"""
from datetime import date, timedelta

from graph_schema.migrations import apply_migrations
from graph_schema.projection import STALE
from matchmaker.repositories.catalogues import CatalogueRepository
from matchmaker.repositories.enterprises import EnterpriseRepository

PLANT = (21.1219, 105.7872)
NEED = {"capabilities": ["cnc-milling"], "standards": [{"id": "iso-9001", "mandatory": True}],
        "latitude": PLANT[0], "longitude": PLANT[1], "max_distance_km": 30}


def firm(client, code, name, km_north=1.0, kind="sme"):
    response = client.post("/enterprises", json={
        "code": code, "name": name, "kind": kind, "sectors": "automotive", "founded": 2012,
        "latitude": PLANT[0] + km_north / 111.0, "longitude": PLANT[1]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def found(client, options=None, **need):
    response = client.post("/matches/search", json={**NEED, **need, "options": {"per_page": 100, **(options or {})}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return {item["supplier"]["id"] for item in body["items"]}, body["candidates_passing_filters"]


def stale(graph):
    return graph.read(lambda tx: [r["id"] for r in tx.run(STALE, limit=50)])


def certify(repo, enterprise, standard, expires):
    repo.set_certifications([{"enterprise": enterprise, "standard": standard, "number": f"C-{enterprise}",
                              "issuer": "SGS", "issued": date.today() - timedelta(days=400), "expires": expires}])


def test_every_write_keeps_the_projection_and_the_search_answers_as_the_relationships_say(client, catalogue):
    repo = EnterpriseRepository(catalogue)
    near, far = firm(client, "0300000101", "Cơ khí Gần"), firm(client, "0300000102", "Cơ khí Xa", km_north=5)
    assert stale(catalogue) == []
    assert found(client) == (set(), 0)

    repo.set_capabilities([{"enterprise": e, "capability": "cnc-milling", "capacity": 20000.0, "unit": "pcs/month"}
                           for e in (near, far)])
    certify(repo, near, "iso-9001", date.today() + timedelta(days=300))
    certify(repo, far, "iso-9001", None)                   # a certificate without expiry stays valid
    assert stale(catalogue) == []
    assert found(client) == ({near, far}, 2)

    # A certificate that ran out yesterday: held, so the index still names it, but not valid today.
    certify(repo, far, "iso-9001", date.today() - timedelta(days=1))
    assert stale(catalogue) == []
    assert found(client) == ({near}, 1)
    assert found(client, {"hard_mandatory": False})[0] == {near, far}

    # Kind and location live in the tokens: a change through the API moves the firm out of the search.
    response = client.patch(f"/enterprises/{near}", json={"kind": "large"})
    assert response.status_code == 200, response.get_json()
    assert stale(catalogue) == []
    assert found(client)[0] == set()
    assert found(client, {"kinds": ["large"]})[0] == {near}
    response = client.patch(f"/enterprises/{near}", json={"kind": "sme", "latitude": PLANT[0] + 0.6,
                                                           "longitude": PLANT[1]})   # ~67 km north
    assert response.status_code == 200, response.get_json()
    assert stale(catalogue) == []
    assert found(client)[0] == set()
    assert found(client, max_distance_km=80)[0] == {near}

    # A product maker comes in by its product; a buyer is never its own candidate.
    CatalogueRepository(catalogue).set_products([{"enterprise": far, "hs": "8714"}])
    assert stale(catalogue) == []
    assert found(client, capabilities=[], products=["8714"], standards=[])[0] == {far}
    assert client.patch(f"/enterprises/{far}", json={"kind": "large"}).status_code == 200    # a buyer is large or FDI
    large = {"kinds": ["sme", "large"]}
    assert found(client, large, capabilities=[], products=["8714"], standards=[])[0] == {far}
    assert found(client, large, capabilities=[], products=["8714"], standards=[], buyer=far)[0] == set()


def test_the_migration_fills_in_the_projection_of_a_graph_written_before_it(client, catalogue, session_graph):
    repo = EnterpriseRepository(catalogue)
    supplier = firm(client, "0300000103", "Cơ khí Cũ")
    repo.set_capabilities([{"enterprise": supplier, "capability": "cnc-milling", "capacity": None, "unit": None}])
    certify(repo, supplier, "iso-9001", date.today() + timedelta(days=30))
    # As a graph of schema version 10 held it: the relationships, no projection.
    catalogue.write(lambda tx: tx.run(
        "MATCH (e:Enterprise) REMOVE e.capability_ids, e.certified_ids, e.certified_until, e.product_codes, "
        "e.offer_text WITH count(*) AS n MATCH (m:SchemaMigration) WHERE m.version >= 11 DELETE m").consume())
    assert stale(catalogue) == [supplier]
    assert found(client)[0] == set()
    assert apply_migrations(session_graph.driver)[0] == 11
    assert stale(catalogue) == []
    assert found(client)[0] == {supplier}


def test_an_operator_checks_and_repairs_the_projection_from_the_command_line(client, catalogue, neo4j_settings,
                                                                             monkeypatch):
    from click.testing import CliRunner

    from matchmaker.cli import main
    repo = EnterpriseRepository(catalogue)
    supplier = firm(client, "0300000104", "Cơ khí Sửa")
    repo.set_capabilities([{"enterprise": supplier, "capability": "cnc-milling", "capacity": None, "unit": None}])
    certify(repo, supplier, "iso-9001", None)
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    runner = CliRunner()
    assert runner.invoke(main, ["schema", "projection"]).exit_code == 0
    # A projection that disagrees with the links (as a write that bypassed the repositories would leave it).
    catalogue.write(lambda tx: tx.run("MATCH (e:Enterprise {id: $id}) SET e.offer_text = 'kind.sme', "
                                      "e.capability_ids = []", id=supplier).consume())
    checked = runner.invoke(main, ["schema", "projection"])
    assert checked.exit_code == 1 and f'"examples": ["{supplier}"]' in checked.output, checked.output
    assert found(client)[0] == set()
    repaired = runner.invoke(main, ["schema", "projection", "--repair"])
    assert repaired.exit_code == 0 and '"stale": 0' in repaired.output, repaired.output
    assert found(client)[0] == {supplier}
