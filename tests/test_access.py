"""Nobody sees what is not theirs: every endpoint against callers of other roles and other tenants.

The world: buyer B1 (owns sourcing request r1) and buyer B2; SMEs S1 and S2; organiser O1 (owns event
ev1, where B1 and S1 take part) and organiser O2. Each row names an endpoint, who may call it and who
may not; a refused caller gets 403, a caller without a valid key 401, and nothing changes. What is private
to its owner (a sourcing request, an event, an outcome) answers another tenant exactly as an id that does
not exist (404, marked ``!`` below), so that ids cannot be probed. Request and event ids are made by the
service; the rules write them r1 and ev1.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from conftest import tenant_firm

HANOI = timezone(timedelta(hours=7))
B1, B2, S1, S2 = "0500000001", "0500000002", "0500000003", "0500000004"   # enterprise ids (tax codes)
NEED = {"reference": "r1", "buyer": B1, "title": "Aluminium housings", "capabilities": ["cnc-milling"]}
EVENT = {"reference": "ev1", "name": "Supplier day", "tables": [{}, {}],
         "slots": [{"start": datetime(2026, 12, 3, 9 + i, tzinfo=HANOI).isoformat(),
                    "end": datetime(2026, 12, 3, 9 + i, 30, tzinfo=HANOI).isoformat()} for i in range(3)]}


@pytest.fixture
def world(client, client_as, catalogue):
    for code, kind in ((B1, "fdi"), (B2, "large"), (S1, "sme"), (S2, "sme")):
        response = client.post("/enterprises", json={"code": code, "name": f"Firm {code}", "kind": kind})
        assert response.status_code == 201, response.get_json()
    posted = client_as("buyer", B1).post("/sourcing-requests", json=NEED)
    assert posted.status_code == 201
    o1 = client_as("organiser", "O1")
    created = o1.post("/events", json=EVENT)
    assert created.status_code == 201
    ids = {"r1": posted.get_json()["id"], "ev1": created.get_json()["id"]}
    people = [{"id": "b1", "name": "Firm B1", "role": "buyer", "enterprise": B1},
              {"id": "s1", "name": "Firm S1", "role": "supplier", "enterprise": S1}]
    assert o1.post(f"/events/{ids['ev1']}/participants", json={"participants": people}).status_code == 200
    assert o1.post(f"/events/{ids['ev1']}/requests", json={"requests": [{"from": "s1", "to": "b1"}]}).status_code == 200
    from matchmaker.services.events import EventService
    EventService(catalogue).schedule(ids["ev1"], time_limit=5)          # schedule version 1, solved here
    job = o1.post(f"/events/{ids['ev1']}/schedule?time_limit=5")     # queued (no worker here)
    assert job.status_code == 202
    ids["j1"] = job.get_json()["id"]
    clients = {name: client_as(role, tenant) for name, role, tenant in (
        ("admin", "admin", None), ("B1", "buyer", B1), ("B2", "buyer", B2), ("S1", "sme", S1),
        ("S2", "sme", S2), ("O1", "organiser", "O1"), ("O2", "organiser", "O2"))}
    return {**clients, "ids": ids}


def concrete(path: str, ids: dict) -> str:
    """A rule's path with the service-made ids of r1, ev1 and j1 (a schedule job of ev1)."""
    return path.replace("/r1", f"/{ids['r1']}").replace("/ev1", f"/{ids['ev1']}").replace("/j1", f"/{ids['j1']}")


# (method, path, body, allowed callers, refused callers)
RULES = [
    ("GET", "/enterprises", None, "admin B1 S1 O1", ""),
    ("GET", f"/enterprises/{S1}", None, "admin B1 B2 S2 O2", ""),
    ("POST", "/enterprises", {"code": "0500000009", "name": "New"}, "admin", "B1 S1 O1"),
    ("PATCH", f"/enterprises/{S1}", {"employees": 40}, "admin S1", "S2 B1 O1"),
    ("DELETE", f"/enterprises/{S1}", None, "", "S1 S2 B1 O1"),
    ("GET", "/enterprises/duplicates", None, "admin", "B1 S1 O1"),
    ("POST", "/imports/enterprises", [], "", "B1 S1 O1"),
    ("GET", "/model", None, "admin B1 S1 O1", ""),
    ("POST", "/model/train", None, "", "B1 S1 O1"),
    ("POST", "/model/rollback", None, "", "B1 S1 O1"),
    ("POST", "/model/activate", {"version": "v1"}, "", "B1 S1 O1"),
    ("GET", "/sourcing-requests", None, "admin B1 B2", "S1 O1"),
    ("GET", f"/sourcing-requests?buyer={B1}", None, "admin B1", "B2 S1"),
    ("POST", "/sourcing-requests", {**NEED, "reference": "r2"}, "admin B1", "B2 S1 O1"),
    ("GET", "/sourcing-requests/r1", None, "admin B1", "B2! S1 O1"),
    ("PATCH", "/sourcing-requests/r1", {"title": "Changed"}, "admin B1", "B2! S1 O1"),
    ("DELETE", "/sourcing-requests/r1", None, "", "B2! S1 O1"),
    ("GET", "/sourcing-requests/r1/matches", None, "admin B1", "B2! S1 O1"),
    ("POST", "/matches/search", {"capabilities": ["cnc-milling"]}, "admin B1 B2", "S1 O1"),
    ("POST", "/matches/search", {"buyer": B1, "capabilities": ["cnc-milling"]}, "admin B1", "B2 S1"),
    ("POST", "/outcomes", {"buyer": B1, "supplier": S1, "outcome": "held", "occurred_on": "2026-11-01"},
     "admin B1", "B2 S1 O1"),
    ("GET", f"/smes/{S1}/gaps?sector=automotive", None, "admin S1", "S2 B1 O1"),
    ("GET", f"/smes/{S1}/priorities", None, "admin S1", "S2 B1 O1"),
    ("GET", f"/smes/{S1}/peers", None, "admin S1", "S2 B1 O1"),
    ("GET", f"/smes/{S1}/readiness", None, "admin S1", "S2 B1 O1"),
    ("GET", "/programme?sector=automotive", None, "admin", "B1 S1 O1"),
    ("GET", "/events", None, "admin O1 O2", "B1 S1"),
    ("POST", "/events", {**EVENT, "reference": "ev2"}, "admin O1", "B1 S1"),
    ("GET", "/events/ev1", None, "admin O1", "O2! B1 S1"),
    ("POST", "/events/ev1/participants", {"participants": [{"id": "x", "name": "X"}]}, "admin O1", "O2! B1 S1"),
    ("POST", "/events/ev1/requests", {"requests": [{"from": "b1", "to": "s1"}]}, "admin O1", "O2! B1 S1"),
    ("POST", "/events/ev1/suggestions", None, "admin O1", "O2! B1 S1"),
    ("POST", "/events/ev1/schedule?time_limit=5", None, "admin O1", "O2! B1 S1"),
    ("GET", "/events/ev1/schedule-jobs/j1", None, "admin O1", "O2! B1 S1"),
    ("DELETE", "/events/ev1/schedule-jobs/j1", None, "", "O2! B1 S1"),
    ("GET", "/events/ev1/summary", None, "admin O1", "O2! B1 S1"),
    ("GET", "/events/ev1/tables", None, "admin O1", "O2! B1 S1"),
    ("POST", "/events/ev1/changes", {"type": "cancel_participant", "participant": "s1"}, "", "O2! B1 S1"),
    ("GET", "/events/ev1/participants/s1/agenda", None, "admin O1 S1", "O2! B1! S2! B2!"),
    ("GET", "/events/ev1/participants/b1/agenda", None, "admin O1 B1", "O2! S1! B2!"),
    ("POST", "/events/ev1/meetings/b1~s1/outcome", {"outcome": "follow_up"}, "", "O2! B1 S1"),
    ("POST", "/events/ev1/requests/b1~s1/decision", {"accept": True}, "", "O2! S2! B2!"),
    ("GET", "/events/ev1/schedule-versions", None, "admin O1", "O2! B1 S1"),
    ("GET", "/events/ev1/schedule-versions/1", None, "admin O1", "O2! B1 S1"),
    ("POST", "/events/ev1/schedule-versions/1/rollback", None, "admin O1", "O2! B1 S1"),   # already current: 200
]


def _call(client, method, path, body):
    return client.open(path, method=method, json=body) if body is not None else client.open(path, method=method)


@pytest.mark.parametrize("method,path,body,allowed,refused", RULES, ids=[f"{r[0]} {r[1]}" for r in RULES])
def test_each_endpoint_refuses_other_roles_and_tenants(world, client_as, method, path, body, allowed, refused):
    path = concrete(path, world["ids"])
    r1, ev1 = world["ids"]["r1"], world["ids"]["ev1"]
    snapshot = world["admin"].get(f"/events/{ev1}").get_json(), world["admin"].get(f"/sourcing-requests/{r1}").get_json()
    for name in refused.split():
        hidden = name.endswith("!")
        response = _call(world[name.rstrip("!")], method, path, body)
        assert response.status_code == (404 if hidden else 403), (name, response.get_json())
        assert response.get_json()["error"]["code"] == ("not_found" if hidden else "forbidden")
        if hidden:      # the very answer an unknown id gets: nothing tells that it exists
            unknown = _call(world[name.rstrip("!")], method, path.replace(r1, "R-0").replace(ev1, "E-0"), body)
            assert unknown.status_code == 404
            assert _shape(unknown.get_json()) == _shape(response.get_json()), (unknown.get_json(), response.get_json())
    assert _call(client_as(None), method, path, body).status_code == 401
    assert (world["admin"].get(f"/events/{ev1}").get_json(),
            world["admin"].get(f"/sourcing-requests/{r1}").get_json()) == snapshot      # refused: nothing changed
    for name in allowed.split():
        response = _call(world[name], method, path, body)
        assert response.status_code not in (401, 403, 404), (name, response.status_code, response.get_json())


def _shape(body: dict) -> dict:
    """An error with the ids taken out of its message."""
    error = dict(body["error"])
    error["message"] = re.sub(r"'[^']*'", "'?'", error["message"])
    return error


# What anyone may read without a key: liveness, readiness, the catalogues and the API's description.
PUBLIC = {"health.health", "health.ready", "catalogues.capabilities", "catalogues.sectors", "catalogues.standards",
          "catalogues.zones", "catalogues.communes", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "swagger_assets", "static"}


def test_a_refusal_names_the_field_that_named_another_tenant(world, client_as):
    """A buyer's key asking for another buyer's search, request list or request: the 403 names ``buyer``,
    the field the caller can correct; a path that names another tenant names ``tenant``."""
    buyer = client_as("buyer", B2)
    for response in (buyer.post("/matches/search", json={"buyer": B1, "capabilities": ["cnc-milling"]}),
                     buyer.get(f"/sourcing-requests?buyer={B1}"),
                     buyer.post("/sourcing-requests", json={**NEED, "reference": "r2"})):
        body = response.get_json()
        assert response.status_code == 403 and list(body["error"]["fields"]) == ["buyer"], body
        assert B2 in body["error"]["fields"]["buyer"][0]
    refused = client_as("sme", S1).get(f"/smes/{S2}/peers")
    assert refused.status_code == 403 and list(refused.get_json()["error"]["fields"]) == ["tenant"]


def test_every_endpoint_of_the_api_is_in_the_rules_or_public(app):
    from matchmaker.api import authenticate
    keyed = {name for name, hooks in app.before_request_funcs.items() if authenticate in hooks}
    unkeyed = {r.endpoint for r in app.url_map.iter_rules()
               if r.endpoint.split(".")[0] not in keyed and not r.endpoint.startswith("web.")}
    assert unkeyed == PUBLIC      # a new blueprint is keyed unless it is named public in create_app
    covered = {(method, path.split("?")[0]) for method, path, *_ in RULES}
    concrete = {"enterprise_id": S1, "request_id": "r1", "sme_id": S1, "event_id": "ev1", "kind": "enterprises",
                "participant_id": "s1", "meeting_id": "b1~s1", "job_id": "j1"}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith("web."):
            continue    # pages sign in with a session; tests/test_web_pages.py covers them
        path = rule.rule
        for name, value in concrete.items():
            path = path.replace(f"<string:{name}>", value)
        path = path.replace("<int:number>", "1")
        if "request_id" in rule.rule and "decision" in rule.rule:
            path = path.replace("/r1/", "/b1~s1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (method, path) not in covered:
                missing.append(f"{method} {path}")
    assert not missing, missing


def test_keys_are_stored_hashed_and_revocation_is_immediate(app, graph, client_as):
    from matchmaker.services.access import KeyService
    tenant_firm(client_as("admin"), S1, "sme")
    keys = KeyService(graph)
    record, key = keys.issue("sme", S1, label="owner's phone")
    stored = graph.read(lambda tx: tx.run("MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS k",
                                          id=record["id"]).single()["k"])
    secret = key.split("_", 2)[2]  # the secret itself may hold "_" (token_urlsafe)
    assert len(secret) >= 40 and secret not in str(stored) and len(stored["hash"]) == 64
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert client.get("/model").status_code == 200
    keys.revoke(record["id"])
    assert client.get("/model").status_code == 401
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert client.get("/model", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    response = client.get("/model", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert [k for k in keys.list() if k["id"] == record["id"]][0]["revoked_at"]


def test_admin_manages_keys_from_the_command_line(neo4j_settings, graph, app, client_as, monkeypatch):
    from click.testing import CliRunner

    from matchmaker.cli import main
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    runner = CliRunner()
    # a buyer's or an SME's key acts for an enterprise of that kind: another is refused, in one line
    refused = runner.invoke(main, ["keys", "create", "--role", "sme", "--tenant", S1])
    assert refused.exit_code == 1 and f"'{S1}' is no enterprise" in refused.output, refused.output
    tenant_firm(client_as("admin"), S1, "sme")
    refused = runner.invoke(main, ["keys", "create", "--role", "buyer", "--tenant", S1])
    assert refused.exit_code == 1 and f"'{S1}' is an SME enterprise" in refused.output, refused.output
    assert "Traceback" not in refused.output
    created = runner.invoke(main, ["keys", "create", "--role", "sme", "--tenant", S1, "--label", "An Phat owner"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    key_id = key.split("_")[1]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert client.get(f"/smes/{S2}/peers").status_code == 403          # a real key, of S1
    listed = runner.invoke(main, ["keys", "list"])
    assert key_id in listed.output and "An Phat owner" in listed.output and key.split("_", 2)[2] not in listed.output
    assert runner.invoke(main, ["keys", "create", "--role", "buyer"]).exit_code == 1   # a buyer key needs a tenant
    assert runner.invoke(main, ["keys", "revoke", key_id]).exit_code == 0
    assert client.get(f"/smes/{S2}/peers").status_code == 401
    assert runner.invoke(main, ["keys", "revoke", "0000000000000000"]).exit_code == 1


def test_the_command_line_finds_the_local_server_by_its_port_alone(neo4j_settings, graph, monkeypatch):
    """MATCHMAKER_NEO4J_PORT, as the README sets it for `matchmaker neo4j start`, is enough for every command;
    an unreachable one is one line naming where Neo4j was looked for, not a traceback."""
    from urllib.parse import urlsplit

    from click.testing import CliRunner

    from matchmaker.cli import main
    url = urlsplit(neo4j_settings.uri)
    if url.hostname not in ("127.0.0.1", "localhost"):
        pytest.skip("the suite runs against an external server named by MATCHMAKER_TEST_NEO4J_URI")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("MATCHMAKER_NEO4J_PORT", str(url.port))
    created = CliRunner().invoke(main, ["keys", "create", "--role", "admin", "--label", "by port"])
    assert created.exit_code == 0, created.output
    monkeypatch.setenv("MATCHMAKER_NEO4J_PORT", "1")
    down = CliRunner().invoke(main, ["keys", "list"])
    assert down.exit_code == 1 and "cannot reach Neo4j at bolt://127.0.0.1:1" in down.output
    assert "Traceback" not in down.output


def test_the_command_line_names_firms_of_the_demo_to_try_keys_with(neo4j_settings, demo, monkeypatch, tmp_path):
    """`keys examples` (which ./dev serve prints) names a buyer and an SME in its search results, as commands a
    new shell can run (the graph's address included); their keys are issued."""
    from click.testing import CliRunner

    from matchmaker.cli import main
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    runner = CliRunner()
    shown = runner.invoke(main, ["keys", "examples"])
    assert shown.exit_code == 0, shown.output
    commands = [line.split() for line in shown.output.splitlines() if " keys create " in line]
    assert all(c[0] == f"NEO4J_URI={neo4j_settings.uri}" and c[1].endswith("matchmaker") for c in commands)
    assert [c[5] for c in commands] == ["buyer", "sme", "organiser"]
    for command in commands:
        created = runner.invoke(main, command[2:])
        assert created.exit_code == 0, created.output
    # the SME named has peers to compare with on its readiness page, and is in the buyer's search results
    from datetime import date

    from matchmaker.config import Neo4jSettings
    from matchmaker.db import Graph
    from matchmaker.repositories.readiness import ReadinessRepository
    from matchmaker.services.matching import MatchService
    from scoring.model import ModelStore
    sme, buyer = (next(c[-1] for c in commands if c[5] == role) for role in ("sme", "buyer"))
    graph = Graph(Neo4jSettings(uri=neo4j_settings.uri))
    try:
        assert ReadinessRepository(graph).peer_shares(sme, date.today())["peers"] >= 3
        requests = graph.read(lambda tx: [r["id"] for r in tx.run(
            "MATCH (:Enterprise {id: $b})-[:POSTED]->(r:SourcingRequest {status: 'open'}) RETURN r.id AS id", b=buyer)])
        search = MatchService(graph, ModelStore(tmp_path))
        assert any(sme in {i.supplier.id for i in search.matches_for(r, {"per_page": 200}).items} for r in requests)
    finally:
        graph.close()


def test_every_action_of_the_policy_is_decided_somewhere_and_only_there():
    """One policy: each action of POLICY is asked for by some view or service, and nothing outside
    services/access.py compares roles to decide."""
    from pathlib import Path

    from matchmaker.services.access import POLICY
    source = {p: p.read_text() for p in (Path(__file__).resolve().parents[1] / "matchmaker").rglob("*.py")}
    code = "\n".join(text for path, text in source.items() if path.name != "access.py" or path.parent.name != "services")
    assert [a for a in POLICY if f'"{a}"' not in code] == []
    deciding = [str(p) for p, text in source.items()
                if re.search(r"\.role (?:==|in|not in) \(?['\"]", text) and p.name != "access.py"]
    assert deciding == [], deciding
