"""Hostile and broken bodies, as seen from outside: none gets a 500, none loses or garbles stored data."""
from __future__ import annotations

import json

import pytest
from conftest import tenant_firm

from matchmaker.bodies import MAX_JSON_DEPTH, json_depth

NOT_OBJECTS = [[None, None], [], "x", 1, None, True]


def test_json_depth_counts_nesting_outside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert json_depth(b'"just a string with [ and {"') == 0
    assert json_depth(b'[' * 1000 + b']' * 1000) == 1000
    assert json_depth(b'{"a": "escaped \\" quote [", "b": [[1]]}') == 3


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=repr)
def test_a_json_body_that_is_not_an_object_gets_422(client, catalogue, body):
    assert client.post("/enterprises", json={"code": "0900000001", "name": "Kept"}).status_code == 201
    for method, path in (("POST", "/enterprises"), ("PATCH", "/enterprises/0900000001"),
                         ("POST", "/matches/search"), ("POST", "/outcomes"), ("POST", "/sourcing-requests"),
                         ("POST", "/events")):
        response = client.open(path, method=method, data=json.dumps(body), content_type="application/json")
        assert response.status_code in (400, 422), (method, path, response.status_code, response.get_data()[:300])
        assert response.get_json()["error"]["status"] == response.status_code
    assert client.get("/enterprises/0900000001").get_json()["name"] == "Kept"     # nothing lost


def test_malformed_json_gets_400_saying_where(client, catalogue):
    assert client.post("/enterprises", json={"code": "0900000003", "name": "Kept"}).status_code == 201
    for method, path, body in (("POST", "/matches/search", b'{"capabilities": ["cnc-milling"] "text": "x"}'),
                               ("PATCH", "/enterprises/0900000003", b'{"name": "Lost",\n "employees": }'),
                               ("POST", "/sourcing-requests", b'\xff\xfe{}')):
        response = client.open(path, method=method, data=body, content_type="application/json")
        assert response.status_code == 400, (path, response.get_data()[:300])
        error = response.get_json()["error"]
        assert error["code"] == "malformed_body" and error["fields"]["body"], error
    error = client.post("/matches/search", data=b'{"capabilities": ["cnc-milling"] "text": "x"}',
                        content_type="application/json").get_json()["error"]
    assert "line 1, column 34" in error["message"] and "delimiter" in error["fields"]["body"][0]
    error = client.patch("/enterprises/0900000003", data=b'{"name": "Lost",\n "employees": }',
                         content_type="application/json").get_json()["error"]
    assert "line 2, column 15" in error["message"]
    assert client.get("/enterprises/0900000003").get_json()["name"] == "Kept"     # nothing lost


def test_deeply_nested_json_is_refused_before_parsing(client, client_as, catalogue):
    deep = "[" * 1000 + "]" * 1000
    tenant_firm(client, "0900000002", "fdi")
    buyer = client_as("buyer", "0900000002")
    for caller, path in ((client, "/enterprises"), (buyer, "/matches/search"), (client, "/sourcing-requests"),
                         (client, "/events"), (client, "/imports/enterprises")):
        response = caller.post(path, data=deep, content_type="application/json")
        assert response.status_code == 422, (path, response.status_code)
        assert "body" in response.get_json()["error"]["fields"]
    nested = {"name": "x", "capabilities": [[[[["cnc"]]]]] * 1}
    for _ in range(MAX_JSON_DEPTH):
        nested = {"n": nested}
    assert client.post("/matches/search", json=nested).status_code == 422


def _post_chunked(base: str, path: str, key: str, body: bytes, chunk: int = 1024) -> tuple[int, dict]:
    """POST ``body`` over a real socket with Transfer-Encoding: chunked (no Content-Length)."""
    import http.client
    from urllib.parse import urlsplit
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    parts = (body[i:i + chunk] for i in range(0, len(body), chunk))
    try:
        connection.request("POST", path, body=parts, encode_chunked=True,
                           headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv",
                                    "Transfer-Encoding": "chunked"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_a_chunked_body_over_the_limit_is_refused_whole(neo4j_settings, graph, catalogue, tmp_path):
    from conftest import serving

    from matchmaker import create_app
    from matchmaker.config import Settings
    from matchmaker.services.access import KeyService
    app = create_app(Settings(neo4j=neo4j_settings, model_dir=str(tmp_path / "models"), max_upload_bytes=4096))
    _, key = KeyService(graph).issue("admin", None)
    rows = ("code,name\n" + "".join(f"09{i:08d},Firm {i}\n" for i in range(400))).encode()     # ~9 KB
    assert len(rows) > 4096
    with serving(app) as base:
        status, body = _post_chunked(base, "/imports/enterprises?format=csv", key, rows)
        assert status == 413 and body["error"]["code"] == "payload_too_large", body
        response = app.test_client().post("/imports/enterprises?format=csv", data=rows,
                                          headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"})
        assert response.status_code == 413 and response.get_json() == {"error": {**body["error"]}}   # the same
        assert graph.read(lambda tx: tx.run("MATCH (e:Enterprise) RETURN count(e) AS n").single()["n"]) == 0
        exactly = rows[:4096].rsplit(b"\n", 1)[0] + b"\n"
        status, body = _post_chunked(base, "/imports/enterprises?format=csv", key, exactly)
        assert status == 200 and body["created"] == exactly.count(b"\n") - 1 and body["rejected"] == 0
    app.extensions["graph"].close()


def test_invalid_utf8_is_refused_with_line_and_offset_and_nothing_is_stored(client, catalogue, graph):
    text = "code,name\n0900000011,Công ty Cơ khí An Phát\n0900000012,Công ty Bình Minh\n".encode()
    broken = text.replace("Bình".encode(), b"B\xecnh")           # one stray byte on line 3
    response = client.post("/imports/enterprises?format=csv", data=broken, content_type="text/csv")
    assert response.status_code == 422
    message = response.get_json()["error"]["message"]
    assert "line 3" in message and "0xec" in message and "UTF-8" in message
    assert graph.read(lambda tx: tx.run("MATCH (e:Enterprise) RETURN count(e) AS n").single()["n"]) == 0
    # Windows Vietnamese writes tone marks as combining characters; they are stored composed (NFC)
    legacy = "code,name\n0900000013,Công ty Ho\u0300a Bi\u0300nh\n".encode("cp1258")
    assert client.post("/imports/enterprises?format=csv", data=legacy, content_type="text/csv").status_code == 422
    told = client.post("/imports/enterprises?format=csv&encoding=cp1258", data=legacy, content_type="text/csv")
    assert told.status_code == 200 and told.get_json()["created"] == 1
    assert client.get("/enterprises/0900000013").get_json()["name"] == "Công ty Hòa Bình"
    assert client.post("/imports/enterprises?format=csv", data=text, content_type="text/csv").get_json()["created"] == 2
    assert client.get("/enterprises/0900000011").get_json()["name"] == "Công ty Cơ khí An Phát"


def test_the_same_firm_twice_in_one_file_is_reported(client, catalogue, graph):
    csv = ("code,name,employees\n"
           "0900000021,Firm A,10\n"
           "0900000021,Firm A,10\n"          # the same row again: a repeat, stored once
           "0900000022,Firm B,10\n"
           "0900000022,Firm B,99\n")         # the same code with other details: refused, the first stays
    report = client.post("/imports/enterprises?format=csv", data=csv.encode(), content_type="text/csv").get_json()
    assert (report["created"], report["repeated"], report["rejected"]) == (2, 1, 1)
    assert report["repeats"] == [{"line": 3, "same_as": 2}]
    assert report["errors"][0]["line"] == 5 and report["errors"][0]["field"] == "code"
    assert "line 4" in report["errors"][0]["reason"]
    assert client.get("/enterprises/0900000022").get_json()["employees"] == 10


@pytest.mark.parametrize("bad_id", ["a/b", "../x", "x y", "ä", "a" * 65, "-x", "a?b", "a#b"])
def test_ids_outside_the_safe_alphabet_are_refused_at_the_door(client, catalogue, bad_id):
    response = client.post("/enterprises", json={"id": bad_id, "name": "Slash Co"})
    assert response.status_code == 422 and "id" in response.get_json()["error"]["fields"]
    report = client.post("/imports/enterprises?format=json", json=[{"id": bad_id, "name": "Slash Co"}]).get_json()
    assert report["rejected"] == 1 and report["errors"][0]["field"] == "id"


def test_a_firm_cannot_reclassify_itself(client, client_as, catalogue):
    assert client.post("/enterprises", json={"code": "0900000031", "name": "Own Firm", "kind": "sme"}).status_code == 201
    owner = client_as("sme", "0900000031")
    for field, value in (("kind", "fdi"), ("code", "0900000099"), ("home_country", "JP"), ("id", "other")):
        response = owner.patch("/enterprises/0900000031", json={field: value})
        assert response.status_code == 403 and field in response.get_json()["error"]["fields"], field
    assert owner.patch("/enterprises/0900000031", json={"employees": 42}).get_json()["employees"] == 42
    unknown = owner.patch("/enterprises/0900000031", json={"verified": True})
    assert unknown.status_code == 422 and "verified" in unknown.get_json()["error"]["fields"]
    assert client.get("/enterprises/0900000031").get_json()["kind"] == "sme"
    assert client.patch("/enterprises/0900000031", json={"kind": "large"}).get_json()["kind"] == "large"   # admin may


def test_a_json_endpoint_sent_another_kind_of_body_gets_415_saying_so(client, catalogue):
    """JSON sent as text (or with no Content-Type) is refused with 415 naming what was sent, rather than read
    as an empty body ("buyer: missing"); an upload endpoint still takes its file."""
    assert client.post("/enterprises", json={"code": "0900000004", "name": "Kept"}).status_code == 201
    body = json.dumps({"name": "Lost"})
    for content_type in ("text/plain", None, "application/x-www-form-urlencoded"):
        response = client.patch("/enterprises/0900000004", data=body, content_type=content_type)
        assert response.status_code == 415, (content_type, response.get_data()[:300])
        error = response.get_json()["error"]
        assert error["code"] == "unsupported_media_type" and "application/json" in error["message"]
        assert error["fields"]["Content-Type"], error
    assert client.get("/enterprises/0900000004").get_json()["name"] == "Kept"     # nothing lost
    upload = client.post("/imports/enterprises", data="id,name\n0900000005,Uploaded\n", content_type="text/csv")
    assert upload.status_code == 200 and upload.get_json()["created"] == 1


def test_an_upload_in_another_field_and_an_outcome_dated_ahead_are_refused_saying_why(client, catalogue):
    """A multipart upload whose file is not in the field 'file' is told so (naming the field it used); an
    outcome dated after tomorrow is refused: it has not happened."""
    import io
    from datetime import date, timedelta
    response = client.post("/imports/capabilities", content_type="multipart/form-data",
                           data={"upload": (io.BytesIO(b"enterprise,capability\n"), "caps.csv")})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "'file'" in error["message"] and "'upload'" in error["fields"]["file"][0], error
    body = {"buyer": "0100000001", "supplier": "0100000002", "outcome": "contract",
            "occurred_on": (date.today() + timedelta(days=30)).isoformat()}
    response = client.post("/outcomes", json=body)
    assert response.status_code == 422 and "occurred_on" in response.get_json()["error"]["fields"]
