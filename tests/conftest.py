"""Fixtures: a real Neo4j server (started by the project's own code), a clean graph per test, the app."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from matchmaker import create_app
from matchmaker.config import JobSettings, Neo4jSettings, Settings
from matchmaker.db import Graph


@pytest.fixture(scope="session")
def local_server():
    """The local test server the suite started or reuses; None when MATCHMAKER_TEST_NEO4J_URI names one."""
    if os.environ.get("MATCHMAKER_TEST_NEO4J_URI"):
        yield None
        return
    from matchmaker.localdb import LocalNeo4jError, LocalServer, default_home
    server = LocalServer(home=default_home().parent / "neo4j-test",
                         port=int(os.environ.get("MATCHMAKER_TEST_NEO4J_PORT", "7688")),
                         heap="2g", pagecache="512m")
    started_here = server.pid() is None
    try:
        server.start(echo=lambda msg: print(msg, flush=True))
    except LocalNeo4jError as err:
        pytest.exit(f"cannot start Neo4j for the tests: {err}", returncode=1)
    yield server
    if started_here:
        server.stop(echo=lambda msg: None)


@pytest.fixture(autouse=True)
def responses_lose_nothing(monkeypatch):
    """Every documented response schema shows all a service returned: a field the schema does not declare
    would vanish from the answer without a word, so the test that met it fails. (Nested schemas are checked
    by their own dump; a schema's ``not_shown`` names what it keeps from callers on purpose.)"""
    import dataclasses

    import marshmallow
    dump, dropped = marshmallow.Schema.dump, set()

    def checked(self, obj, *, many=None):
        out = dump(self, obj, many=many)
        name = type(self).__name__
        if type(self).__module__ == "matchmaker.schemas" and name.endswith(("Out", "Page")):
            read = {f.attribute or key for key, f in self.dump_fields.items()} | set(getattr(self, "not_shown", ()))
            for item in (obj if (many if many is not None else self.many) else [obj]):
                # a service's dict, or its typed result (a dataclass: its fields)
                keys = item if isinstance(item, dict) else (
                    [f.name for f in dataclasses.fields(item)] if dataclasses.is_dataclass(item) else ())
                dropped.update(f"{name}.{key}" for key in keys if key not in read)
        return out
    monkeypatch.setattr(marshmallow.Schema, "dump", checked)
    yield
    assert not dropped, f"response fields the schema does not declare: {sorted(dropped)}"


@pytest.fixture(scope="session")
def neo4j_settings(local_server):
    """Bolt settings of the test server: MATCHMAKER_TEST_NEO4J_URI, else the local server on port 7688."""
    if local_server is not None:
        return Neo4jSettings(uri=local_server.uri)
    return Neo4jSettings(uri=os.environ["MATCHMAKER_TEST_NEO4J_URI"], user=os.environ.get("NEO4J_USER", "neo4j"),
                         password=os.environ.get("NEO4J_PASSWORD", "neo4j"),
                         database=os.environ.get("NEO4J_DATABASE") or None)


@pytest.fixture(scope="session")
def session_graph(neo4j_settings):
    from graph_schema import apply_migrations
    graph = Graph(neo4j_settings)
    graph.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    apply_migrations(graph.driver, neo4j_settings.database)
    yield graph
    graph.close()


@pytest.fixture
def graph(session_graph):
    """The graph, emptied of everything but the schema version before the test."""
    session_graph.write(lambda tx: tx.run("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n").consume())
    return session_graph


@pytest.fixture
def catalogue(graph):
    """The real catalogues (standards, sectors, capabilities, zones, associations), no enterprises."""
    from seeds.generator import catalogue_rows
    from seeds.load import load
    load(graph, catalogue_rows())
    return graph


def job_settings(folder: Path, **overrides) -> JobSettings:
    """Jobs on a SQLite file of the test's own; short beats and a short silence for a lost worker."""
    return JobSettings(**{"url": str(folder / "jobs.db"), "heartbeat_seconds": 0.5, "stale_seconds": 6.0,
                          "attempts": 2, **overrides})


@pytest.fixture
def app(neo4j_settings, graph, tmp_path):
    app = create_app(Settings(neo4j=neo4j_settings, model_dir=str(tmp_path / "models"), jobs=job_settings(tmp_path)))
    app.config["TESTING"] = True
    yield app
    app.extensions["graph"].close()


@pytest.fixture
def client_as(app, graph):
    """A test client holding a fresh API key of the given role and tenant (None: no key at all)."""
    from matchmaker.services.access import KeyService

    def make(role: str | None, tenant: str | None = None):
        client = app.test_client()
        if role is not None:
            _, key = KeyService(graph).issue(role, tenant, label=f"test {role}")
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client
    return make


def tenant_firm(admin_client, enterprise_id: str, kind: str = "sme") -> None:
    """A minimal enterprise of this kind, for a buyer's or an SME's key to act for."""
    response = admin_client.post("/enterprises", json={"id": enterprise_id, "name": f"Firm {enterprise_id}",
                                                       "kind": kind, "sectors": "mechanical"})
    assert response.status_code in (200, 201), response.get_json()


@pytest.fixture
def client(client_as):
    """An admin's client: the tests of behaviour; access rules have their own tests."""
    return client_as("admin")


DEMO_SIZE = 800      # enterprises of the seeded demo the page journeys run on (seed 7, as `./dev serve`)


@pytest.fixture(scope="module")
def demo(session_graph):
    """The graph holding the seeded demo (catalogues, firms, certificates, open requests), once per module."""
    from seeds.generator import generate
    from seeds.load import load
    session_graph.write(lambda tx: tx.run("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n").consume())
    data = generate(DEMO_SIZE, seed=7)
    load(session_graph, data)
    return data


@pytest.fixture(scope="module")
def demo_app(neo4j_settings, demo, tmp_path_factory):
    app = create_app(Settings(neo4j=neo4j_settings, model_dir=str(tmp_path_factory.mktemp("models")),
                              jobs=job_settings(tmp_path_factory.mktemp("jobs"))))
    app.config["TESTING"] = True
    yield app
    app.extensions["graph"].close()


# -- the pages in a real browser: Debian's Chromium, headless, driven by Playwright (./dev test installs it)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"      # screenshots, kept by CI, not committed
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def serving(app):
    """The app on a free loopback port, in a thread, for the browser; its base URL."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test."""
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), "Chromium is missing: ./dev test installs it (apt package chromium)"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# -- background jobs: the real Huey consumer, in a process of its own, on the app's SQLite queue ----------
class Worker:
    """A ``huey_consumer matchmaker.jobs.huey`` process on the test's queue and graph."""

    def __init__(self, neo4j: Neo4jSettings, jobs: JobSettings, log: Path, model_dir: str | None = None):
        env = {**os.environ, **({"MATCHMAKER_MODEL_DIR": model_dir} if model_dir else {}), "NEO4J_URI": neo4j.uri, "NEO4J_USER": neo4j.user, "NEO4J_PASSWORD": neo4j.password,
               "NEO4J_DATABASE": neo4j.database or "", "MATCHMAKER_JOBS_URL": jobs.url,
               "MATCHMAKER_JOB_HEARTBEAT_SECONDS": str(jobs.heartbeat_seconds),
               "MATCHMAKER_JOB_STALE_SECONDS": str(jobs.stale_seconds), "MATCHMAKER_JOB_ATTEMPTS": str(jobs.attempts)}
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "huey.bin.huey_consumer", "matchmaker.jobs.huey", "-w", "1", "-k", "thread",
                 "-d", "0.05", "-m", "0.2"], env=env, stdout=out, stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parents[1])

    def kill(self) -> None:
        """As a crash would: SIGKILL, no chance to clean up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(app, neo4j_settings, tmp_path):
    """Starts real workers on the app's queue (stopped after the test); ``start_worker(attempts=1)``."""
    workers = []

    def start(**overrides) -> Worker:
        jobs = JobSettings(**{**app.extensions["settings"].jobs.__dict__, **overrides})
        workers.append(Worker(neo4j_settings, jobs, tmp_path / f"worker{len(workers)}.log",
                              model_dir=app.extensions["settings"].model_dir))
        return workers[-1]
    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def worker(start_worker):
    """One real worker for the test."""
    return start_worker()


def plain(value):
    """Tuples as lists, all the way down: a search's kept firms hold tuples where the graph's query gives lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return [plain(v) for v in value] if isinstance(value, (list, tuple)) else value


def wait_for(check, seconds: float = 90.0, every: float = 0.2):
    """Poll ``check()`` until it returns something true; that value (fails after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(every)


def solved(client, event_id: str, time_limit: float = 10, seconds: float = 120.0) -> dict:
    """POST the schedule, follow the job (a worker must run) to its end; the finished job."""
    response = client.post(f"/events/{event_id}/schedule?time_limit={time_limit}")
    assert response.status_code == 202, response.get_json()
    url = response.headers["Location"]
    return wait_for(lambda: (lambda job: job if job["status"] in ("done", "failed", "cancelled") else None)(
        client.get(url).get_json()), seconds)
