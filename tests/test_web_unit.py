"""Wording and formats in Vietnamese and English (no Flask, no graph)."""
import re
from datetime import date, datetime, timedelta, timezone

from matchmaker.web.i18n import LANGUAGES, MESSAGES, Formats, language_of, t


def test_every_message_exists_in_both_languages():
    assert all(set(LANGUAGES) <= set(entry) and all(entry[lang].strip() for lang in LANGUAGES)
               for entry in MESSAGES.values())
    for entry in MESSAGES.values():       # a singular form names the same values as its plural
        for form in [f for f in entry if f.endswith("_one")]:
            assert sorted(re.findall(r"{(\w+)}", entry[form])) == sorted(re.findall(r"{(\w+)}", entry[form[:2]]))


def test_language_falls_back_to_vietnamese():
    assert language_of("en-GB") == "en" and language_of("fr") == "vi" and language_of(None) == "vi"


def test_numbers_money_and_dates_follow_the_language():
    vi, en = Formats("vi"), Formats("en")
    assert (vi.number(20000), en.number(20000)) == ("20.000", "20,000")
    assert (vi.number(1234.5, 1), en.number(1234.5, 1)) == ("1.234,5", "1,234.5")
    assert vi.money(1250000, "VND").replace("\xa0", " ") == "1.250.000 ₫"
    assert en.money(1234.5, "usd") == "$1,234.50"
    assert vi.date(date(2026, 12, 3)) != en.date("2026-12-03") and "2026" in vi.date("2026-12-03")
    moment = datetime(2026, 12, 3, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    assert "09:30" in vi.datetime(moment) and "9:30" in en.datetime(moment.isoformat())
    # shares: whole percents by default; scores side by side get a decimal so close ones differ
    assert (vi.percent(0.7984), en.percent(0.7951)) == ("80%", "80%")
    assert (vi.percent(0.7984, 1), en.percent(0.7951, 1)) == ("79,8%", "79.5%")


def test_large_sums_and_revenue_bands_read_as_people_say_them():
    vi, en = Formats("vi"), Formats("en")
    assert (vi.money_compact(50e9, "VND"), en.money_compact(50e9, "vnd")) == ("50 tỷ đồng", "VND 50 billion")
    assert (vi.money_compact(2.5e6, "USD"), en.money_compact(2.5e6, "USD")) == ("2,5 triệu USD", "USD 2.5 million")
    assert vi.revenue_band("3-50bn VND") == "3 tỷ đồng – 50 tỷ đồng"
    assert en.revenue_band("<3bn VND") == "under VND 3 billion"
    assert en.revenue_band("about 3 billion") == "about 3 billion" and en.revenue_band(None) == ""


def test_english_says_one_in_the_singular():
    assert t("search.results", "en", quantity=1, total="1") == "1 matching supplier"
    assert t("search.results", "en", quantity=2, total="2") == "2 matching suppliers"
    assert t("search.results", "vi", quantity=1, total="1") == "1 nhà cung cấp phù hợp"


def test_messages_fill_their_values():
    assert t("home.signed_in_as", "en", role="SME 0100") == "Signed in as SME 0100"


def test_every_wording_the_pages_use_exists():
    """Keys named literally in templates and page code, and every value of the dynamic ones."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "matchmaker"
    sources = [p.read_text() for p in (root / "templates" / "web").glob("*.html")] + \
              [p.read_text() for p in (root / "web").glob("*.py")]
    used = {k for text in sources for k in re.findall(r'\bt\(\s*"([a-z_]+\.[a-z0-9_.]+)"', text)
            if not k.endswith(("_", "."))}      # prefixes completed at run time: the dynamic list below
    assert used and used - set(MESSAGES) == set()
    from matchmaker.web.events import CHANGES, OUTCOMES
    from scheduling.solver import FEASIBLE, OPTIMAL
    dynamic = ([f"kind.{k}" for k in ("sme", "large", "fdi")] + [f"role.{r}" for r in ("admin", "buyer", "sme", "organiser")]
               + [f"event.role_{r}" for r in ("buyer", "supplier", "other")]
               + [f"event.pstatus_{s}" for s in ("registered", "no_show", "cancelled")]
               + [f"event.status_{s}" for s in (OPTIMAL, FEASIBLE)] + [f"change.{c}" for c in CHANGES]
               + ["change.late_registration", "change.rollback"] + [f"cause.{c}" for c in ("scheduled", "change")]
               + [f"outcome.{o}" for o in OUTCOMES] + [f"ready.effort_{e}" for e in ("low", "medium", "high")]
               + [f"ready.type_{k}" for k in ("standard", "capability")]
               + [f"error.{s}" for s in (400, 403, 404, 409, 413, 422, 503)])
    from scoring.explain import REASON_TEXT
    dynamic += [f"reason.{r}" for r in REASON_TEXT] + [f"missing.{r}" for r in ("not_held", "expired", "related", "capacity")]
    assert [k for k in dynamic if k not in MESSAGES] == []


class _Catalogues:
    """The three catalogue lists Wording reads, as plain data."""
    def list_capabilities(self):
        return [{"id": "cnc-milling", "name_en": "CNC milling", "name_vi": "Phay CNC"},
                {"id": "machining", "name_en": "Machining", "name_vi": "Gia công cơ khí"}]

    def list_standards(self):
        return [{"id": "iso-9001", "name_en": "ISO 9001 Quality management", "name_vi": "ISO 9001 Quản lý chất lượng"}]

    def list_sectors(self):
        return [{"id": "mechanical", "name_en": "Mechanical engineering", "name_vi": "Cơ khí và sản phẩm kim loại"}]


def test_explanations_and_missing_items_in_each_language():
    from matchmaker.web.i18n import Wording
    vi, en = Wording("vi", _Catalogues()), Wording("en", _Catalogues())
    distance = {"reason": "distance", "km": 15.94}
    assert (vi.explanation(distance), en.explanation(distance)) == ("cách nhà máy 15,9 km", "15.9 km from the plant")
    covers = {"reason": "covers_all", "capabilities": ["cnc-milling"]}
    assert vi.explanation(covers) == "có đủ năng lực cần thiết (Phay CNC)"
    assert en.explanation({"reason": "covers_share", "share": 0.5}) == "covers 50% of the needed capabilities"
    assert en.explanation({"reason": "large_fdi_customers", "count": 1200}) == "already supplies 1,200 large or FDI firms"
    expired = {"type": "standard", "id": "iso-9001", "mandatory": True, "reason": "expired"}
    assert en.missing(expired) == "ISO 9001 Quality management: certificate expired (mandatory)"
    related = {"type": "capability", "id": "cnc-milling", "reason": "related", "related": "machining"}
    assert vi.missing(related) == "Phay CNC: mới có năng lực gần (Gia công cơ khí)"
    assert en.missing({"type": "capacity", "reason": "capacity", "capacity": 1990.0, "volume": 2000}) == \
        "declared capacity 1,990 of 2,000 a month"
    assert vi.name("unknown-id") == "unknown-id" and en.name("mechanical") == "Mechanical engineering"


def test_the_map_keeps_distances_true_and_the_plant_centred():
    from matchmaker.web.search import MAP_SIZE, map_points
    plant = (21.0, 105.8)
    north = {"id": "n", "latitude": 21.0 + 10 / 110.57, "longitude": 105.8}
    east = {"id": "e", "latitude": 21.0, "longitude": 105.8 + 10 / (111.32 * 0.93358)}
    drawn = map_points(plant, [north, east, {"id": "nowhere", "latitude": None}], radius_km=20)
    n, e = drawn["points"]
    centre = MAP_SIZE / 2
    assert n["x"] == centre and n["y"] < centre and e["y"] == centre and e["x"] > centre
    assert abs((centre - n["y"]) - (e["x"] - centre)) < 1.0        # 10 km north looks as far as 10 km east
    assert [r["km"] for r in drawn["rings"]] == [10, 20]
    assert map_points(None, [north], 20) is None and map_points(plant, [], 20) is None


def test_spreadsheet_cells_never_run_as_formulas():
    from matchmaker.downloads import _inert
    assert [_inert(v) for v in ("=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "Công ty", -3, 0.5)] == \
        ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)", "Công ty", -3, 0.5]


def test_spreadsheet_rows_in_csv_and_xlsx_read_the_same():
    import io

    from openpyxl import Workbook

    from matchmaker.errors import InvalidInput
    from matchmaker.importing.sheets import read_rows
    from matchmaker.web.events import participant_row, request_row
    book = Workbook()
    book.active.append(["Mã", "Tên", "Vai trò", "Forbidden slots", "Hosted table"])
    book.active.append([101, "Nhà cung cấp A", "nhà cung cấp", "1; 3", 2])
    book.active.append([None, None, None, None, None])
    xlsx = io.BytesIO()
    book.save(xlsx)
    csv_text = "\ufeffMã;Tên;Vai trò;Forbidden slots;Hosted table\n101;Nhà cung cấp A;nhà cung cấp;1, 3;2\n;;;;\n"
    for rows in (read_rows("p.xlsx", xlsx.getvalue()), read_rows("p.CSV", csv_text.encode())):
        assert [participant_row(r) for r in rows] == [{"id": "101", "name": "Nhà cung cấp A", "enterprise": None,
                                                       "max_meetings": None, "role": "supplier",
                                                       "forbidden_slots": [1, 3], "hosted_table": 2}]
    assert request_row({"tu": "a", "den": "b", "uu_tien": 2.0, "fixed_slot": "4", "after": "a~c; a~d"}) == \
        {"from": "a", "to": "b", "priority": "2", "fixed_slot": 4, "after": ["a~c", "a~d"]}
    # numbers as people write them; the API's schema takes them the same way (and keeps 0-based within)
    from matchmaker.schemas import MeetingRequestIn, ParticipantIn
    row = participant_row(read_rows("p.CSV", csv_text.encode())[0])
    assert ParticipantIn().load(row)["forbidden_slots"] == [0, 2] and ParticipantIn().load(row)["hosted_table"] == 1
    assert MeetingRequestIn().load({"from": "a", "to": "b", "fixed_slot": 4})["fixed_slot"] == 3
    for name, data in (("p.ods", b"x"), ("p.xlsx", b"not a zip"), ("p.csv", "a,b".encode("utf-16")), ("p.csv", b"")):
        try:
            read_rows(name, data)
            raise AssertionError(f"{name} should be refused")
        except InvalidInput as err:
            assert "file" in err.fields


def test_a_plant_typed_on_the_wrong_side_of_the_world_still_draws():
    from matchmaker.web.search import map_points
    far = map_points((21.0, -105.8), [{"id": "hanoi", "latitude": 21.0, "longitude": 105.8}], None)
    assert far["rings"] and far["points"][0]["x"] > 200


def test_downloads_keep_vietnamese_names():
    from matchmaker.downloads import attachment
    header = attachment("Hội chợ-bên mua.ics")
    assert header.startswith('attachment; filename="H') and header.isascii()
    assert "filename*=UTF-8''H%E1%BB%99i%20ch%E1%BB%A3-b%C3%AAn%20mua.ics" in header
