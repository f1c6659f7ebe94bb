"""A property-based run of the OpenAPI document (schemathesis): generated requests, valid and not,
against every operation, with the key of every role (admin, buyer, SME, organiser) over the real graph;
then its stateful phase, which follows the document's links (create a request or an event, then read,
change, rank and delete that very one) as each role. No 5xx, and every response keeps the documented schema."""
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import FlakyStrategyDefinition
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from matchmaker import create_app

BUYER, SME = "0700000001", "0700000002"
ROLES = {"admin": None, "buyer": BUYER, "sme": SME, "organiser": "org-1"}
EXAMPLES = {"admin": 40, "buyer": 12, "sme": 12, "organiser": 12}
CHECKS = [not_a_server_error, response_schema_conformance]


def _operations():
    document = create_app().test_client().get("/openapi.json").get_json()   # no graph needed for the document
    return [f"{method.upper()} {path}" for path, methods in sorted(document["paths"].items())
            for method in sorted(methods) if method in ("get", "post", "put", "patch", "delete")]


@pytest.fixture
def keys(client, client_as, catalogue):
    """A key of each role; the buyer's and the SME's tenants are enterprises of the graph."""
    for code, kind in ((BUYER, "fdi"), (SME, "sme")):
        assert client.post("/enterprises", json={"code": code, "name": f"Firm {code}", "kind": kind}).status_code == 201
    return {role: client_as(role, tenant).environ_base["HTTP_AUTHORIZATION"] for role, tenant in ROLES.items()}


@pytest.mark.parametrize("label", _operations())
def test_no_server_error_and_documented_shapes(label, app, keys):
    operation = schemathesis.openapi.from_wsgi("/openapi.json", app).find_operation_by_label(label)
    cases = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                      operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))
    for role, key in keys.items():
        @given(case=cases)
        @settings(max_examples=EXAMPLES[role], deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(headers={"Authorization": key}, checks=CHECKS)
        run()


def state_machine(app, graph, key, calls=None, failures=None):
    """The document's state machine calling as ``key``; each sequence starts from the state as it was: the
    graph's nodes, relationships and their properties, the catalogue facts the app keeps, and the model
    versions on disk (a sequence that found other state than the one before it would draw other steps, and
    Hypothesis calls that flaky)."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    baseline = graph.read(lambda tx: tx.run(
        "MATCH (n) RETURN collect({id: elementId(n), props: properties(n)}) AS nodes, "
        "COLLECT { MATCH ()-[r]->() RETURN {id: elementId(r), props: properties(r)} } AS rels").single().data())
    node_ids = [n["id"] for n in baseline["nodes"]]
    rel_ids = [r["id"] for r in baseline["rels"]]
    models = Path(app.extensions["settings"].model_dir)
    saved_models = Path(tempfile.mkdtemp(prefix="models-before-")) / "models"
    if models.exists():
        shutil.copytree(models, saved_models)

    class AsRole(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": key}}

        def call(self, case, **kwargs):
            try:
                response = super().call(case, **kwargs)
            except Exception as err:     # the app raised (a 500 in production): said, as a failing check is
                if failures is not None:
                    failures.append(f"{case.method} {case.formatted_path} {case.query or ''} raised {err!r:.300}")
                raise
            if calls is not None:
                calls.append((case.method, case.operation.path, response.status_code))
            return response

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as err:
                if failures is not None:     # said when the run fails, even if Hypothesis then cannot replay it
                    failures.append(f"{case.method} {case.formatted_path} {case.query or ''} -> "
                                    f"{response.status_code} {response.text[:300]!r}: {err!r:.300}")
                raise

        def teardown(self):
            def restore(tx):
                tx.run("MATCH (n) WHERE NOT elementId(n) IN $ids DETACH DELETE n", ids=node_ids).consume()
                tx.run("MATCH ()-[r]->() WHERE NOT elementId(r) IN $ids DELETE r", ids=rel_ids).consume()
                tx.run("UNWIND $nodes AS was MATCH (n) WHERE elementId(n) = was.id SET n = was.props",
                       nodes=baseline["nodes"]).consume()
                tx.run("UNWIND $rels AS was MATCH ()-[r]->() WHERE elementId(r) = was.id SET r = was.props",
                       rels=baseline["rels"]).consume()
            graph.write(restore)
            app.extensions["graph"].facts.clear()     # the catalogue facts the app read meanwhile, too
            shutil.rmtree(models, ignore_errors=True)
            if saved_models.exists():
                shutil.copytree(saved_models, models)
            super().teardown()
    return AsRole


@pytest.mark.parametrize("role", sorted(ROLES))
def test_stateful_sequences_as_each_role(role, app, graph, keys):
    calls, failures = [], []
    # (the admin's sequences are where links get followed; 100 of them, since which steps a seeded run takes
    # shifts with every operation the document gains and with the graph's state: 25 were once too few to take
    # a link, and 50 took none in a full run of 2026-11-27)
    try:
        state_machine(app, graph, keys[role], calls, failures).run(settings=settings(
            max_examples=100 if role == "admin" else 10, stateful_step_count=6, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck), database=None))
    except FlakyStrategyDefinition as err:
        if failures:
            raise AssertionError("the first failing calls:\n" + "\n".join(failures[:5])) from err
        # No check failed and no call raised: Hypothesis found a step answered differently when a sequence was
        # run again against the restored graph (seen after tests/test_events_api.py since 2026-11-29; cause not
        # found yet). Inconclusive, said as such, never a pass.
        pytest.skip(f"inconclusive: a replayed sequence drew differently ({str(err).splitlines()[0]})")
    except Exception as err:
        raise AssertionError("the first failing calls:\n" + "\n".join(failures[:5])) from err
    # the links were followed: something created was then used by its new id (which resources a run
    # creates varies; a buyer's or an SME's generated bodies rarely name its own firm, so their runs
    # mostly probe refusals)
    if role == "admin":
        linked = ("{enterprise_id}", "{request_id}", "{event_id}")
        assert any(p in path and status < 300 for _, path, status in calls for p in linked), \
            "\n".join(map(str, sorted(set(calls))))
    assert all(status < 500 for *_, status in calls)
