"""Probable duplicates over the real graph: two spellings of one firm are flagged once, two codes never."""
import json

from matchmaker.services.imports import ImportService
from scoring.text import BLOCKING_KEY_PROPS


def flagged(graph):
    return graph.read(lambda tx: [r.data() for r in tx.run(
        "MATCH (a:Enterprise)-[d:PROBABLE_DUPLICATE]->(b:Enterprise) "
        "RETURN a.name AS a, b.name AS b, d.reason AS reason, d.status AS status ORDER BY a, b")])


def import_jsonl(service, rows, name="firms.jsonl"):
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    return service.import_bytes("enterprises", data, filename=name, source=name)


def test_two_spellings_of_one_firm_are_flagged_once_and_kept(catalogue):
    service = ImportService(catalogue)
    report = import_jsonl(service, [
        {"name": "Hanes Ink", "address": "Zip Choloma, Edificio DF, Choloma, Cortes", "country": "Honduras"},
        {"name": "HANES INK S.A. DE C.V.", "address": "Zip Choloma,Edificio DF,Choloma,Cortes", "country": "HN"},
    ])
    assert report.created == 2 and report.probable_duplicates == 1
    pairs = flagged(catalogue)
    assert len(pairs) == 1 and pairs[0]["status"] == "open"
    assert {pairs[0]["a"], pairs[0]["b"]} == {"Hanes Ink", "HANES INK S.A. DE C.V."}
    # Flagged for review, never merged; the same file again flags nothing new.
    assert catalogue.read(lambda tx: tx.run("MATCH (e:Enterprise) RETURN count(e) AS n").single()["n"]) == 2
    again = import_jsonl(service, [
        {"name": "Hanes Ink", "address": "Zip Choloma, Edificio DF, Choloma, Cortes", "country": "Honduras"}])
    assert again.unchanged == 1 and again.probable_duplicates == 0 and len(flagged(catalogue)) == 1


def test_a_later_import_meets_an_earlier_spelling_through_the_blocking_keys(catalogue):
    service = ImportService(catalogue)
    import_jsonl(service, [{"name": "Công ty TNHH Cơ khí An Phát", "address": "Lô 5, KCN Quang Minh, Mê Linh, Hà Nội",
                            "commune": "Quang Minh"},
                           {"name": "Công ty TNHH Cơ khí Tân Phát", "address": "Lô 9, KCN Quang Minh, Mê Linh, Hà Nội",
                            "commune": "Quang Minh"}], "first.jsonl")
    keys = catalogue.read(lambda tx: tx.run(
        "MATCH (e:Enterprise) WHERE e.name STARTS WITH 'Công ty TNHH Cơ khí An' RETURN properties(e) AS p").single()["p"])
    assert all(keys.get(prop) for prop in BLOCKING_KEY_PROPS)
    report = import_jsonl(service, [{"name": "AN PHAT MECHANICAL CO., LTD",
                                     "address": "Lot 5, Quang Minh Industrial Park, Me Linh District, Hanoi",
                                     "country": "Vietnam"}], "second.jsonl")
    assert report.probable_duplicates == 1
    assert [(p["a"], p["b"]) for p in flagged(catalogue)] in (
        [("AN PHAT MECHANICAL CO., LTD", "Công ty TNHH Cơ khí An Phát")],
        [("Công ty TNHH Cơ khí An Phát", "AN PHAT MECHANICAL CO., LTD")])


def test_two_enterprise_codes_are_never_flagged(catalogue):
    service = ImportService(catalogue)
    report = import_jsonl(service, [
        {"code": "0101000001", "name": "Hanes Ink", "address": "Zip Choloma, Cortes", "latitude": 15.6,
         "longitude": -87.95},
        {"code": "0101000002", "name": "HANES INK S.A. DE C.V.", "address": "Zip Choloma, Cortes", "latitude": 15.6,
         "longitude": -87.95},
        {"name": "Hanes Brands", "address": "Zip Choloma, Cortes", "latitude": 15.6, "longitude": -87.95},
    ])
    assert report.created == 3 and report.probable_duplicates == 0 and flagged(catalogue) == []


def test_blocking_keys_are_indexed(graph):
    indexed = graph.read(lambda tx: {p for r in tx.run(
        "SHOW INDEXES YIELD labelsOrTypes, properties WHERE 'Enterprise' IN labelsOrTypes RETURN properties")
        for p in r["properties"]})
    assert set(BLOCKING_KEY_PROPS) | {"name_key"} <= indexed


def test_a_firm_with_a_code_meets_a_nearby_firm_without_one_and_the_label_follows_the_code(catalogue):
    service = ImportService(catalogue)
    import_jsonl(service, [{"name": "Hanes Ink", "address": "Zip Choloma, Cortes", "latitude": 15.6,
                            "longitude": -87.95}], "first.jsonl")
    report = import_jsonl(service, [{"code": "0101000001", "name": "HANES INK S.A. DE C.V.",
                                     "address": "Zip Choloma, Cortes", "latitude": 15.6001, "longitude": -87.95}],
                          "second.jsonl")
    assert report.probable_duplicates == 1

    def without_code():
        return catalogue.read(lambda tx: sorted(r["name"] for r in tx.run(
            "MATCH (e:WithoutCode) RETURN e.name AS name")))
    assert without_code() == ["Hanes Ink"]
    # the firm's code found later: it leaves the label (a coded firm no longer meets it by the label's indexes)
    firm = catalogue.read(lambda tx: tx.run("MATCH (e:Enterprise {name: 'Hanes Ink'}) RETURN e.id AS id").single()["id"])
    again = import_jsonl(service, [{"id": firm, "code": "0101000003", "name": "Hanes Ink",
                                    "address": "Zip Choloma, Cortes", "latitude": 15.6, "longitude": -87.95}],
                         "third.jsonl")
    assert again.updated == 1 and without_code() == []


def test_the_label_of_firms_without_a_code_has_the_indexes_duplicates_are_found_by(graph):
    indexed = graph.read(lambda tx: {p for r in tx.run(
        "SHOW INDEXES YIELD labelsOrTypes, properties WHERE 'WithoutCode' IN labelsOrTypes RETURN properties")
        for p in r["properties"]})
    assert set(BLOCKING_KEY_PROPS) | {"name_key", "location"} <= indexed
