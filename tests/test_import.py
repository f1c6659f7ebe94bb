"""Import through the API and the service, over the real graph."""
import io
import json
from pathlib import Path

import pytest

FACILITY_LISTS = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "facility_lists"

ENTERPRISES_CSV = """code,name,kind,sector,address,commune,lat,lng,employees,founded,zone
0101000001,Công ty TNHH Cơ khí An Phát,sme,mechanical,"Lô 5, KCN Quang Minh",Quang Minh,21.187,105.770,45,2012,quang-minh-ip
0101000002,Hanse Precision Vietnam Co. Ltd,fdi,automotive,Thang Long IP,Thien Loc,21.122,105.787,800,2005,thang-long-ip
0101000003,,sme,food,somewhere,Ha Dong,20.97,105.77,10,2019,
0101000004,Xưởng may Hòa Bình,giant,garments,Ha Dong,Ha Dong,20.97,105.77,10,2019,
0101000005,Công ty Nhựa Sao Mai,sme,plastics,Soc Son,Soc Son,21.25,105.84,30,2015,no-such-zone
"""


def post_file(client, kind, name, content, **query):
    data = {"file": (io.BytesIO(content.encode("utf-8")), name)}
    return client.post(f"/imports/{kind}", data=data, query_string=query, content_type="multipart/form-data")


def test_csv_import_reports_each_bad_row_and_keeps_the_good_ones(client, catalogue):
    response = post_file(client, "enterprises", "firms.csv", ENTERPRISES_CSV)
    assert response.status_code == 200
    report = response.get_json()
    assert (report["rows"], report["created"], report["rejected"]) == (5, 2, 3)
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(4, "name"), (5, "kind"), (6, "zone")]
    firm = client.get("/enterprises/0101000002").get_json()
    assert firm["kind"] == "fdi" and firm["zone"] == "thang-long-ip" and firm["sectors"] == ["automotive"]


def test_columns_no_field_reads_are_named(client, catalogue):
    """A file whose columns are not ours is not stored quietly half-read: the report names what it ignored."""
    post_file(client, "enterprises", "firms.csv", ENTERPRISES_CSV)
    report = post_file(client, "capabilities", "caps.csv",
                       "enterprise_id,capability_id,capacity\n0101000002,cnc-milling,500\n").get_json()
    assert report["rejected"] == 1 and report["ignored_columns"] == ["capability_id", "enterprise_id"]
    report = post_file(client, "capabilities", "caps.csv",
                       "enterprise,capability,capacity\n0101000002,cnc-milling,500\n").get_json()
    assert report["created"] == 1 and report["ignored_columns"] == []


def test_importing_the_same_file_twice_changes_nothing(client, catalogue, graph):
    post_file(client, "enterprises", "firms.csv", ENTERPRISES_CSV)
    before = graph.read(lambda tx: tx.run(
        "MATCH (e:Enterprise) RETURN collect(properties(e)) AS p, COUNT { ()-->() } AS rels").single().data())
    report = post_file(client, "enterprises", "firms.csv", ENTERPRISES_CSV).get_json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    after = graph.read(lambda tx: tx.run(
        "MATCH (e:Enterprise) RETURN collect(properties(e)) AS p, COUNT { ()-->() } AS rels").single().data())
    assert after == before


def test_same_code_is_one_enterprise_and_a_change_is_an_update(client, catalogue):
    post_file(client, "enterprises", "firms.csv", ENTERPRISES_CSV)
    jsonl = json.dumps({"id": "other-id", "code": "0101000001", "name": "Công ty TNHH Cơ khí An Phát",
                        "employees": 60}) + "\n"
    report = post_file(client, "enterprises", "update.jsonl", jsonl).get_json()
    assert (report["created"], report["updated"]) == (0, 1)
    assert client.get("/enterprises/0101000001").get_json()["employees"] == 60
    assert client.get("/enterprises/other-id").status_code == 404


def test_links_import_in_json_with_unknown_references_reported(client, catalogue):
    post_file(client, "enterprises", "firms.csv", ENTERPRISES_CSV)
    certs = [{"enterprise": "0101000001", "standard": "iso-9001", "issuer": "QUACERT", "number": "Q-1",
              "issued": "2024-01-10", "expires": "2027-01-09"},
             {"enterprise": "0101000001", "standard": "iso-9999"},
             {"enterprise": "0109999999", "standard": "iso-9001"},
             {"enterprise": "0101000001", "standard": "iso-14001", "expires": "not a date"}]
    report = post_file(client, "certifications", "certs.json", json.dumps(certs)).get_json()
    assert report["created"] == 1
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(2, "standard"), (3, "enterprise"), (4, "expires")]
    caps = "enterprise,capability,capacity,unit\n0101000001,cnc-milling,20000,pcs/month\n0101000001,teleportation,1,x\n"
    report = post_file(client, "capabilities", "caps.csv", caps).get_json()
    assert (report["created"], report["rejected"]) == (1, 1)
    links = '{"supplier": "0101000001", "buyer": "0101000002", "since": 2020}\n{"supplier": "0101000001", "buyer": "0101000001"}\n'
    report = post_file(client, "supply-links", "links.jsonl", links).get_json()
    assert (report["created"], report["rejected"]) == (1, 1) and report["errors"][0]["field"] == "buyer"
    firm = client.get("/enterprises/0101000001").get_json()
    assert firm["certifications"][0]["standard"] == "iso-9001" and firm["certifications"][0]["valid"]
    assert firm["capabilities"][0]["capacity"] == 20000


def test_raw_body_import_and_unreadable_files(client, catalogue):
    response = client.post("/imports/enterprises", data='[{"name": "Raw Body Co"}]', content_type="application/json")
    assert response.status_code == 200 and response.get_json()["created"] == 1
    response = client.post("/imports/enterprises", data="[{", content_type="application/json")
    assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"]
    response = client.post("/imports/enterprises", data="x", content_type="application/octet-stream")
    assert response.status_code == 422
    response = client.post("/imports/dragons", data="[]", content_type="application/json")
    assert response.status_code == 422 and "kind" in response.get_json()["error"]["fields"]
    response = post_file(client, "enterprises", "x.csv", "name\nA\n", mapping="{not json")
    assert response.status_code == 422 and "mapping" in response.get_json()["error"]["fields"]


def test_column_mapping(client, catalogue):
    csv_text = "Facility Name,Where\nMapped Firm,Some street\n"
    report = post_file(client, "enterprises", "m.csv", csv_text,
                       mapping=json.dumps({"name": "Facility Name", "address": "Where"})).get_json()
    assert report["created"] == 1
    items = client.get("/enterprises", query_string={"q": "mapped firm"}).get_json()["items"]
    assert items[0]["address"] == "Some street"


@pytest.mark.skipif(not FACILITY_LISTS.exists(), reason="shared/realdata is not beside the repository")
def test_real_facility_lists_lose_no_row_and_flag_cross_list_duplicates(catalogue):
    from matchmaker.services.imports import ImportService
    service = ImportService(catalogue)
    total_rows = stored = report_repeats = 0
    for path in sorted(FACILITY_LISTS.glob("*.csv")):
        report = service.import_bytes("enterprises", path.read_bytes(), filename=path.name, source=path.name)
        assert report.rejected == 0, report.errors
        total_rows += report.rows
        stored += report.created + report.updated + report.unchanged
        report_repeats += report.repeated     # one list names three facilities twice: stored once each
    assert total_rows == stored + report_repeats == 932 and report_repeats == 3
    pairs = catalogue.read(lambda tx: [r.data() for r in tx.run(
        "MATCH (a)-[d:PROBABLE_DUPLICATE]->(b) RETURN a.name AS a, b.name AS b, d.reason AS reason")])
    names = {frozenset((p["a"].lower(), p["b"].lower())) for p in pairs}
    assert frozenset(("phi co.,ltd", "phi co.,ltd")) in names or any(
        "phi co" in " ".join(n) for n in names)
    assert len(pairs) >= 15
    # Flagged for review, never merged: both records are still there.
    assert catalogue.read(lambda tx: tx.run(
        "MATCH (e:Enterprise) WHERE e.name_key = 'phi' RETURN count(e) AS n").single()["n"]) == 2


def test_a_sector_is_one_of_the_catalogue_and_a_row_reports_all_its_problems_at_once(client, catalogue):
    """A sector by id, name or another name files use for it (Apparel: garments); an unknown one is a row
    error, never a new sector; a row with several problems names them all."""
    csv_text = ("id,name,kind,sectors,zone,employees,export_share\n"
                "0700000001,Alias Firm,sme,Apparel,,10,\n"
                "0700000002,Named Firm,sme,Food processing; mechanical,,10,\n"
                "0700000003,Bad Firm,sme,Dragons,nowhere-park,many,lots\n")
    report = post_file(client, "enterprises", "sectors.csv", csv_text).get_json()
    assert (report["created"], report["rejected"]) == (2, 1)
    # the field checks come first, each failing field named (the catalogue's are checked once they pass)
    assert sorted(e["field"] for e in report["errors"] if e["line"] == 4) == ["employees", "export_share"], report["errors"]
    assert client.get("/enterprises/0700000001").get_json()["sectors"] == ["garments"]
    assert sorted(client.get("/enterprises/0700000002").get_json()["sectors"]) == ["food", "mechanical"]
    assert "dragons" not in {s["id"] for s in client.get("/sectors").get_json()["items"]}
    # the catalogue's own problems are all reported for a row that passed the field checks
    report = post_file(client, "enterprises", "s2.csv", "id,name,sectors,zone\n0700000004,X,Dragons,nowhere-park\n").get_json()
    assert sorted(e["field"] for e in report["errors"]) == ["sectors", "zone"] and report["rejected"] == 1


def test_catalogue_entries_by_their_vietnamese_or_english_names(client, catalogue):
    """A Vietnamese file names sectors, capabilities and standards in Vietnamese (with or without
    accents), an English one in English: both land on the catalogue's ids, which carry both names."""
    csv_text = "id,name,kind,sectors\n0700000011,Cơ khí Việt,sme,Cơ khí và sản phẩm kim loại\n"
    assert post_file(client, "enterprises", "vi.csv", csv_text).get_json()["created"] == 1
    caps = ("enterprise,capability,capacity\n0700000011,Phay CNC,5000\n0700000011,Tien CNC,3000\n"
            "0700000011,Sheet metal stamping,1000\n0700000011,Bay lượn,1\n")
    report = post_file(client, "capabilities", "caps.csv", caps).get_json()
    assert (report["created"], report["rejected"]) == (3, 1) and report["errors"][0]["line"] == 5
    certs = "enterprise,standard,expires\n0700000011,ISO 9001 Quản lý chất lượng,2030-01-01\n"
    assert post_file(client, "certifications", "certs.csv", certs).get_json()["created"] == 1
    firm = client.get("/enterprises/0700000011").get_json()
    assert firm["sectors"] == ["mechanical"]
    held = {c["capability"]: c for c in firm["capabilities"]}
    assert set(held) == {"cnc-milling", "cnc-turning", "stamping"}
    assert (held["cnc-milling"]["name_en"], held["cnc-milling"]["name_vi"]) == ("CNC milling", "Phay CNC")
    assert held["cnc-milling"]["unit"] == "pcs/month"    # no unit in the file: the catalogue's
    assert firm["certifications"][0]["standard"] == "iso-9001"
    standards = {s["id"]: s for s in client.get("/standards").get_json()["items"]}
    assert standards["iatf-16949"]["name_vi"].startswith("IATF 16949") and "iso-9001" in standards["iatf-16949"]["prerequisites"]


def test_a_commune_is_one_of_hanoi_s_however_it_is_written(client, catalogue):
    """Hanoi's 126 wards and communes since 1 July 2025: a file may write one without accents, with its prefix
    or by its code, and the firm carries the official name; any other place is a row error for a firm in
    Vietnam (a pre-2025 ward included), while a firm abroad keeps its locality as written."""
    csv_text = ("id,name,commune,country\n"
                "0700000021,Firm A,thien loc,\n"
                "0700000022,Firm B,Xã Thiên Lộc,VN\n"
                "0700000023,Firm C,P. Cau Giay,\n"
                "0700000024,Firm D,00004,\n"
                "0700000025,Firm E,Dich Vong Hau,\n"
                "0700000026,Firm F,Ouhai,China\n")
    report = post_file(client, "enterprises", "communes.csv", csv_text).get_json()
    assert (report["created"], report["rejected"]) == (5, 1)
    [error] = report["errors"]
    assert (error["line"], error["field"]) == (6, "commune") and "Dich Vong Hau" in error["reason"]
    communes = {i: client.get(f"/enterprises/07000000{i}").get_json()["commune"] for i in (21, 22, 23, 24, 26)}
    assert communes == {21: "Thiên Lộc", 22: "Thiên Lộc", 23: "Cầu Giấy", 24: "Ba Đình", 26: "Ouhai"}
    for written in ("Thiên Lộc", "thien-loc", "Xa Thien Loc"):
        listed = client.get("/enterprises", query_string={"commune": written}).get_json()["items"]
        assert sorted(e["id"] for e in listed) == ["0700000021", "0700000022"], written
    # the same rule for a firm written through the API
    response = client.post("/enterprises", json={"code": "0700000027", "name": "Firm G", "commune": "Nowhere"})
    assert response.status_code == 422 and "commune" in response.get_json()["error"]["fields"]
    assert client.patch("/enterprises/0700000021", json={"commune": "phuong ba dinh"}).get_json()["commune"] == "Ba Đình"
    assert client.patch("/enterprises/0700000021", json={"commune": "Atlantis"}).status_code == 422
    assert client.get("/enterprises/0700000021").get_json()["commune"] == "Ba Đình"     # nothing lost
    listed = client.get("/communes").get_json()["items"]
    assert len(listed) == 126 and sum(c["kind"] == "ward" for c in listed) == 51
    by_name = {c["name_vi"]: c for c in listed}
    assert (by_name["Thiên Lộc"]["enterprises"], by_name["Ba Đình"]["enterprises"]) == (1, 2)
    assert by_name["Thiên Lộc"]["name_en"] == "Thien Loc" and by_name["Ba Đình"]["id"] == "00004"
