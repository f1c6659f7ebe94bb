import pytest

from matchmaker.importing.duplicates import duplicate_verdict
from matchmaker.importing.records import UnreadableFile, guess_format, read_records
from matchmaker.importing.rows import ROW_SCHEMAS, derived_id, enterprise_record, normalise_country


def test_csv_lines_count_the_header_and_multiline_cells():
    text = 'name,address\nA,"line one\nline two"\n\nB,x\n'
    assert list(read_records(text, "csv")) == [
        (2, {"name": "A", "address": "line one\nline two"}), (5, {"name": "B", "address": "x"})]


def test_csv_row_with_extra_cells_is_reported_not_dropped():
    rows = list(read_records("name,address\nA,x,surplus\nB,y\n", "csv"))
    assert rows[0][0] == 2 and isinstance(rows[0][1], str) and "3 cells" in rows[0][1]
    assert rows[1] == (3, {"name": "B", "address": "y"})


def test_jsonl_reports_the_bad_line():
    rows = list(read_records('{"name": "A"}\n{broken\n\n[1]\n', "jsonl"))
    assert rows[0] == (1, {"name": "A"})
    assert rows[1][0] == 2 and "not valid JSON" in rows[1][1]
    assert rows[2] == (4, "expected a JSON object")


def test_json_accepts_an_array_or_an_object_holding_one():
    assert list(read_records('[{"name": "A"}, 3]', "json")) == [(1, {"name": "A"}), (2, "expected a JSON object")]
    assert list(read_records('{"enterprises": [{"name": "A"}]}', "json", "enterprises")) == [(1, {"name": "A"})]
    with pytest.raises(UnreadableFile):
        list(read_records('{"name": "A"}', "json", "enterprises"))
    with pytest.raises(UnreadableFile):
        list(read_records('[{"name": ', "json"))


def test_guess_format():
    assert guess_format("x.CSV") == "csv"
    assert guess_format("x.ndjson") == "jsonl"
    assert guess_format(None, "json") == "json"
    with pytest.raises(UnreadableFile):
        guess_format("x.xlsx")


def test_enterprise_row_aliases_and_normalisation():
    row = ROW_SCHEMAS["enterprises"].load(
        {"Name": " Everpia Jointstock Company ", "Address": "Duong Xa, Gia Lam", "Country": "VN",
         "lat": "21.0024", "lng": "105.9641", "Sector": "Apparel; Home Textiles", "Tax Code": ""})
    record = enterprise_record(row, "test.csv")
    assert record["props"]["name"] == "Everpia Jointstock Company"
    assert record["props"]["country"] == "VN"
    assert record["latitude"] == 21.0024
    assert [s["id"] for s in record["sectors"]] == ["apparel", "home-textiles"]
    assert record["id"] == derived_id("Everpia Jointstock Company", "Duong Xa, Gia Lam", "VN")
    assert "code" not in record["props"]


@pytest.mark.parametrize("record,field", [
    ({"address": "x"}, "name"),
    ({"name": "A", "latitude": "21"}, "longitude"),
    ({"name": "A", "code": "12345"}, "code"),
    ({"name": "A", "kind": "giant"}, "kind"),
    ({"name": "A", "export_share": "1.5"}, "export_share"),
    ({"name": "A", "founded": "1066"}, "founded"),
])
def test_enterprise_row_errors_name_the_field(record, field):
    from marshmallow import ValidationError
    with pytest.raises(ValidationError) as err:
        ROW_SCHEMAS["enterprises"].load(record)
    assert field in err.value.messages


def test_certificate_cannot_expire_before_it_is_issued():
    from marshmallow import ValidationError
    with pytest.raises(ValidationError) as err:
        ROW_SCHEMAS["certifications"].load({"enterprise": "x", "standard": "iso-9001",
                                            "issued": "2025-01-01", "expires": "2024-01-01"})
    assert "expires" in err.value.messages


def test_countries_as_uploaded():
    assert [normalise_country(c) for c in ("Vietnam", "VN", "CHINA", "USA", "Atlantis", "")] == \
        ["VN", "VN", "CN", "US", "Atlantis", None]


def test_duplicate_verdicts():
    a = {"id": "1", "name": "PHI Co.,Ltd", "address": "XN10, Dai An Industrial Zone KM51, Tu Minh, Hai Duong",
         "country": "VN"}
    b = {"id": "2", "name": "PHI CO., LTD", "address": "No. 10, Dai An Industrial Zone, Tu Minh, Hai Duong",
         "country": "VN"}
    score, reason = duplicate_verdict(a, b)
    assert score >= 0.8 and reason == "same name, similar address"
    assert duplicate_verdict({**a, "code": "0100000001"}, {**b, "code": "0100000002"}) is None
    assert duplicate_verdict(a, {**b, "country": "CN"}) is None
    assert duplicate_verdict(a, {**b, "name": "Minh Long Garment"}) is None
