"""Faults: the real Neo4j server stopped and started again under a running app."""
import json
import time

import pytest


@pytest.mark.skipif("os.environ.get('MATCHMAKER_TEST_NEO4J_URI')",
                    reason="the suite does not own an external server; it stops only its own")
def test_service_answers_503_while_neo4j_is_down_and_recovers_by_itself(local_server, client, catalogue):
    assert client.post("/enterprises", json={"code": "0600000001", "name": "Before"}).status_code == 201
    assert client.get("/ready").status_code == 200
    local_server.stop(echo=lambda msg: None)
    try:
        started = time.monotonic()
        response = client.get("/enterprises/0600000001")
        assert response.status_code == 503
        error = response.get_json()["error"]
        assert error["code"] == "graph_unavailable" and "not reachable" in error["message"]
        assert time.monotonic() - started < 30            # the retry window is short, callers are not kept
        ready = client.get("/ready")
        assert ready.status_code == 503 and ready.get_json()["neo4j"] == "unreachable"
        assert client.post("/enterprises", json={"code": "0600000002", "name": "During"}).status_code == 503
    finally:
        local_server.start(echo=lambda msg: None)
    # the same app and driver, no restart: it answers again, and nothing stored before was lost
    for _ in range(30):
        if client.get("/ready").status_code == 200:
            break
        time.sleep(1)
    assert client.get("/ready").status_code == 200
    assert client.get("/enterprises/0600000001").get_json()["name"] == "Before"
    assert client.post("/enterprises", json={"code": "0600000002", "name": "After"}).status_code == 201


def test_an_import_killed_halfway_and_run_again_ends_complete_without_duplicates(neo4j_settings, catalogue, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    rows = 30_000
    path = tmp_path / "firms.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("code,name,kind,sector,commune\n")
        for i in range(rows):
            out.write(f"07{i:08d},Công ty Thử nghiệm {i},sme,mechanical,Quang Minh\n")
    env = {**os.environ, "NEO4J_URI": neo4j_settings.uri, "NEO4J_USER": neo4j_settings.user,
           "NEO4J_PASSWORD": neo4j_settings.password}
    command = [sys.executable, "-m", "matchmaker.cli", "import", "enterprises", str(path)]

    def stored():
        return catalogue.read(lambda tx: tx.run(
            "MATCH (e:Enterprise) WHERE e.code STARTS WITH '07' RETURN count(e) AS n, count(DISTINCT e.code) AS codes"
        ).single().data())

    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while stored()["n"] == 0 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    halfway = stored()
    assert 0 < halfway["n"] < rows, halfway                     # killed with part of the file stored
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    report = json.loads(again.stdout)
    assert report["rejected"] == 0 and report["created"] == rows - halfway["n"]
    assert stored() == {"n": rows, "codes": rows}


def test_no_secret_in_logs_or_responses(caplog, graph, tmp_path):
    import logging

    from matchmaker import create_app
    from matchmaker.config import Neo4jSettings, Settings
    from matchmaker.services.access import KeyService
    caplog.set_level(logging.DEBUG)
    _, key = KeyService(graph).issue("admin", None)
    password = "pw-that-must-not-leak-42"
    down = create_app(Settings(neo4j=Neo4jSettings(uri="bolt://127.0.0.1:1", password=password, retry_seconds=1),
                               model_dir=str(tmp_path)))
    bodies = []
    for headers in ({"Authorization": f"Bearer {key}"}, {"Authorization": f"Bearer {key}x"}, {}):
        for path in ("/enterprises", "/ready", "/model"):
            bodies.append(down.test_client().get(path, headers=headers).get_data(as_text=True))
    secret = key.split("_")[-1]
    for text in bodies + [caplog.text]:
        assert password not in text and secret not in text


def test_a_read_running_too_long_is_stopped_with_a_clear_503(neo4j_settings, graph, client_as, tmp_path):
    from matchmaker import create_app
    from matchmaker.config import Settings
    app = create_app(Settings(neo4j=neo4j_settings, model_dir=str(tmp_path), read_timeout_seconds=0.5))

    @app.route("/test-only/slow")
    def slow():     # stands for any costly search: the limit is on every read of the app
        return {"sum": app.extensions["graph"].read(
            lambda tx: tx.run("UNWIND range(1, 2000000000) AS x RETURN sum(x) AS s").single()["s"])}
    from matchmaker.services.access import KeyService
    _, key = KeyService(graph).issue("admin", None)
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        started = time.monotonic()
        response = client.get("/test-only/slow")
        assert response.status_code == 503 and response.get_json()["error"]["code"] == "query_timeout"
        assert time.monotonic() - started < 20
    finally:
        app.extensions["graph"].close()


def test_an_upload_over_the_limit_is_refused_and_stores_nothing(neo4j_settings, graph, tmp_path):
    from matchmaker import create_app
    from matchmaker.config import Settings
    from matchmaker.services.access import KeyService
    app = create_app(Settings(neo4j=neo4j_settings, model_dir=str(tmp_path), max_upload_bytes=10_000))
    _, key = KeyService(graph).issue("admin", None)
    body = "code,name\n" + "".join(f"09{i:08d},Firm {i}\n" for i in range(2000))
    response = app.test_client().post("/imports/enterprises", data=body, content_type="text/csv",
                                      headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "request_entity_too_large"
    assert graph.read(lambda tx: tx.run("MATCH (e:Enterprise) RETURN count(e) AS n").single()["n"]) == 0
    app.extensions["graph"].close()
