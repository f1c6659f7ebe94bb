import pytest

from graph_schema import LATEST_VERSION, apply_migrations, applied_version


def test_migrations_are_idempotent_and_create_the_indexes(graph):
    assert apply_migrations(graph.driver) == []  # already applied by the fixture
    assert graph.read(applied_version) == LATEST_VERSION
    indexes = graph.read(lambda tx: {r["name"]: r["type"] for r in tx.run("SHOW INDEXES YIELD name, type")})
    assert indexes["enterprise_location"] == "POINT"
    assert indexes["enterprise_text"] == "FULLTEXT"
    constraints = graph.read(lambda tx: {r["name"] for r in tx.run("SHOW CONSTRAINTS YIELD name")})
    assert {"enterprise_id", "enterprise_code", "standard_id", "capability_id", "zone_id"} <= constraints


def test_ready_reports_the_schema_version(client):
    assert client.get("/health").get_json() == {"status": "ok"}
    body = client.get("/ready").get_json()
    assert body["status"] == "ready" and body["schema_version"] == LATEST_VERSION


def test_ready_is_503_when_the_schema_is_behind(client, graph):
    graph.write(lambda tx: tx.run("MATCH (m:SchemaMigration {version: $v}) SET m.version = -1",
                                  v=LATEST_VERSION).consume())
    try:
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.get_json()["status"] == "schema_not_applied"
    finally:
        graph.write(lambda tx: tx.run("MATCH (m:SchemaMigration {version: -1}) SET m.version = $v",
                                      v=LATEST_VERSION).consume())


def test_ready_is_503_when_neo4j_is_unreachable(neo4j_settings, graph):
    from matchmaker import create_app
    from matchmaker.config import Neo4jSettings, Settings
    app = create_app(Settings(neo4j=Neo4jSettings(uri="bolt://127.0.0.1:1")))
    response = app.test_client().get("/ready")
    assert response.status_code == 503 and response.get_json()["neo4j"] == "unreachable"
    assert app.test_client().get("/enterprises").status_code == 401   # no key: refused before the graph
    well_formed = "Bearer mmk_" + "0" * 16 + "_" + "a" * 43        # checking it needs the graph
    response = app.test_client().get("/enterprises", headers={"Authorization": well_formed})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "graph_unavailable"


def test_errors_have_one_shape(client):
    for response, status in ((client.get("/nowhere"), 404), (client.delete("/enterprises"), 405)):
        assert response.status_code == status
        assert set(response.get_json()["error"]) >= {"status", "code", "message"}


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/openapi.json").get_json()
    assert {"/enterprises", "/enterprises/{enterprise_id}", "/imports/{kind}", "/standards", "/ready"} <= set(spec["paths"])


def test_interactive_docs_are_served_with_their_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200 and b"/docs-assets/swagger-ui-bundle.js" in page.data
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_settings_come_from_the_environment_and_accept_aura_uris(monkeypatch):
    from matchmaker.config import Neo4jSettings
    from matchmaker.db import Graph
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://abcd1234.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    monkeypatch.setenv("NEO4J_DATABASE", "suppliers")
    settings = Neo4jSettings.from_env()
    assert (settings.uri, settings.user, settings.database) == (
        "neo4j+s://abcd1234.databases.neo4j.io", "reader", "suppliers")
    graph = Graph(settings)
    assert graph.driver.encrypted  # the driver is built (lazily, without connecting) with TLS on
    graph.close()


def test_service_runs_over_a_neo4j_routing_uri(neo4j_settings, graph, client_as, tmp_path):
    """neo4j:// (cluster routing, as with Aura or a cluster) against the same server: reads go to
    readers, writes to the leader, through the same managed transactions."""
    from matchmaker import create_app
    from matchmaker.config import Neo4jSettings, Settings
    from matchmaker.services.access import KeyService
    if not neo4j_settings.uri.startswith("bolt://"):
        pytest.skip("the test server is not reached over bolt://")
    routed = Neo4jSettings(uri="neo4j://" + neo4j_settings.uri[len("bolt://"):], user=neo4j_settings.user,
                           password=neo4j_settings.password, database=neo4j_settings.database)
    app = create_app(Settings(neo4j=routed, model_dir=str(tmp_path)))
    try:
        _, key = KeyService(app.extensions["graph"]).issue("admin", None)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        assert client.get("/ready").status_code == 200
        assert client.post("/enterprises", json={"code": "0800000001", "name": "Routed"}).status_code == 201
        assert client.get("/enterprises/0800000001").get_json()["name"] == "Routed"
    finally:
        app.extensions["graph"].close()


def test_a_worker_warms_up_on_the_demo_and_never_fails_for_want_of_a_graph(app, graph, tmp_path):
    """The warm-up runs a search and an SME's readiness on a graph with firms; on a graph it cannot reach it
    stops at the first call, within the retry window, and returns instead of raising."""
    import time

    from matchmaker import create_app
    from matchmaker.config import Neo4jSettings, Settings
    from matchmaker.warmup import warm
    from seeds.generator import generate
    from seeds.load import load
    load(graph, generate(300, seed=3))
    import gc
    assert list(warm(app)) == ["text folding", "graph connection", "key check", "model", "examples", "firm offers",
                               "search", "open requests", "readiness", "freeze"]
    assert gc.get_freeze_count() > 0        # what it loaded is out of the collector's sight
    gc.unfreeze()
    from matchmaker.repositories.readiness import ReadinessRepository
    open_requests = graph.read(lambda tx: tx.run(
        "MATCH (r:SourcingRequest {status: 'open'}) RETURN count(r) AS n").single()["n"])
    assert open_requests > 0 and ReadinessRepository(graph).keep_open_requests() == open_requests
    from matchmaker.repositories.offers import offers_of
    assert len(offers_of(app.extensions["graph"]).offers) == 300      # every firm's offer, kept for the search
    down = create_app(Settings(neo4j=Neo4jSettings(uri="bolt://127.0.0.1:1", retry_seconds=1.0),
                               model_dir=str(tmp_path / "models")))
    started = time.monotonic()
    assert list(warm(down)) == ["text folding", "freeze"] and time.monotonic() - started < 10
    gc.unfreeze()
