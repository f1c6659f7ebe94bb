"""The three journeys in a real browser (Debian's Chromium, headless, through Playwright) on the
seeded demo, in Vietnamese and in English. Screenshots are kept in tests/artifacts/ (not committed)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import ARTIFACTS, Worker, serving
from scoring.text import fold

BUYER = "0110000019"          # Hwaorient Precision Vietnam (FDI, mechanical) in the seed-7 demo
SME = "0111631333"            # Công ty TNHH Cơ khí Đông Á (SME, mechanical, 9 peers)
SUPPLIERS = ["0110285103", "0110293022", "0110324698", "0110380131", "0110451402", "0110459321"]
WORDS = {"vi": {"results": "nhà cung cấp phù hợp", "reason": "tiêu chuẩn bắt buộc", "optimal": "Tối ưu",
                "csv_header": "Hạng", "priorities": "Nên bổ sung gì trước", "report": "Báo cáo",
                "imported": "Đã nhập", "tell": "Cần báo cho", "money": "tỷ đồng"},
         "en": {"results": "matching suppliers", "reason": "mandatory standard", "optimal": "Optimal",
                "csv_header": "Rank", "priorities": "Which gap to close first", "report": "Readiness report",
                "imported": "imported", "tell": "Tell:", "money": "VND"}}


@pytest.fixture(scope="module")
def site(demo_app, neo4j_settings, tmp_path_factory):
    """The demo served, with a real worker for its scheduling jobs."""
    worker = Worker(neo4j_settings, demo_app.extensions["settings"].jobs, tmp_path_factory.mktemp("worker") / "log")
    try:
        with serving(demo_app) as url:
            yield url
    finally:
        worker.stop()


@pytest.fixture
def sign_in(site, chromium, session_graph):
    """A fresh browser context signed in with a new key of the role, in the language asked for."""
    from matchmaker.services.access import KeyService
    contexts = []

    def make(role, tenant, lang):
        _, key = KeyService(session_graph).issue(role, tenant, label=f"browser {role}")
        context = chromium.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        offsite = []
        page.on("request", lambda r: offsite.append(r.url) if not r.url.startswith((site, "data:", "about:")) else None)
        page.offsite = offsite
        page.goto(f"{site}/app/lang/{lang}?next=/app/")
        page.fill("input[name=key]", key)
        page.click("#signin")
        page.wait_for_selector("#who")
        assert page.get_attribute("html", "lang") == lang
        return page
    yield make
    for context in contexts:
        context.close()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_buyer_finds_suppliers_shortlists_and_exports(sign_in, lang):
    words = WORDS[lang]
    page = sign_in("buyer", BUYER, lang)
    page.click("#nav-search")
    page.select_option("#capabilities", ["cnc-milling"])
    page.select_option("#mandatory", ["iso-9001"])
    page.fill("#max_distance_km", "30")
    page.fill("#monthly_volume", "2000")
    page.click("#run-search")
    page.wait_for_selector("#results")
    assert words["results"] in page.inner_text("#result-count")
    rows = page.locator("tr.result")
    assert rows.count() >= 3
    assert words["reason"] in rows.first.inner_text()
    # every supplier on the page is a dot on the map around the buyer's plant, numbered by rank
    assert page.locator("#supplier-map .map-supplier").count() == rows.count()
    shot(page, f"search-results-{lang}")

    candidate = page.locator("tr.result:has(button.shortlist-add)").first   # not on the list yet
    first = candidate.get_attribute("data-supplier")
    candidate.locator("button.shortlist-add").click()
    page.wait_for_selector(f"tr.result[data-supplier='{first}'] .badge.good")
    with page.expect_download() as download:
        page.click("#export-csv")
    table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert table[0][0] == words["csv_header"] and first in [r[2] for r in table[1:]]
    assert len(table) - 1 == min(200, int(re.sub(r"\D", "", page.inner_text("#result-count"))))

    page.click(f"tr.result[data-supplier='{first}'] a")
    page.wait_for_selector("#firm-name")
    assert page.locator("#certifications").inner_text()
    assert words["money"] in page.inner_text("#revenue")          # its revenue band, in the reader's words
    shot(page, f"supplier-profile-{lang}")

    page.click("#nav-search")
    page.click("#open-shortlist")
    assert page.locator(f"tr.shortlisted[data-supplier='{first}']").count() == 1
    with page.expect_download() as download:
        page.click("#shortlist-csv")
    assert first in Path(download.value.path()).read_text(encoding="utf-8-sig")
    shot(page, f"shortlist-{lang}")

    # names with Vietnamese accents are found the same without them
    found = {}
    for query in ("Phúc Lộc", "phuc loc"):
        page.goto(page.url.split("/app/")[0] + "/app/suppliers")
        page.fill("#q", query)
        page.click("#find-firm")
        page.wait_for_selector("#firms")
        found[query] = page.locator("tr.firm").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert found["Phúc Lộc"] == found["phuc loc"] and found["phuc loc"]
    assert "phuc loc" in fold(page.locator("tr.firm a").first.inner_text())
    shot(page, f"firm-search-{lang}")
    assert page.offsite == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sme_sees_its_gaps_priorities_peers_and_report(sign_in, lang):
    words = WORDS[lang]
    page = sign_in("sme", SME, lang)
    page.click("#nav-readiness")
    page.wait_for_selector("#gaps")
    assert "Cơ khí Đông Á" in page.inner_text("#firm-name")
    assert page.locator("#gaps table.standards tr[data-standard]").count() >= 1
    assert words["priorities"] in page.content()
    assert page.locator("#priority-section").inner_text()
    assert page.locator("#peers-standards rect.held, #peers-standards rect.lacking").count() >= 1
    shot(page, f"readiness-sector-{lang}")

    page.select_option("#target", f"buyer:{BUYER}")
    page.click("#show-gaps")
    page.wait_for_selector("#gaps")
    assert "Hwaorient" in page.inner_text("#gaps h3")
    assert f"target=buyer%3A{BUYER}" in page.url or f"target=buyer:{BUYER}" in page.url
    shot(page, f"readiness-buyer-{lang}")

    page.click("#open-report")
    page.wait_for_selector("#report-title")
    assert words["report"] in page.inner_text("#report-title")
    page.emulate_media(media="print")
    assert not page.locator("#print").is_visible()        # the print view hides the buttons
    shot(page, f"readiness-report-print-{lang}")
    pdf = page.pdf()                                       # what the SME hands to an advisor
    assert pdf[:4] == b"%PDF"
    assert page.offsite == []


def _participants_csv() -> bytes:
    rows = ["id,name,role,enterprise,forbidden_slots",
            f"hw,Hwaorient Precision,buyer,{BUYER},",
            "tt,Cơ khí Toàn Thắng,bên mua,0110071290,6"]
    rows += [f"s{i},Nhà cung cấp {i},nhà cung cấp,{e}," for i, e in enumerate(SUPPLIERS, start=1)]
    return ("\n".join(rows) + "\n").encode("utf-8")


def _requests_xlsx() -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["From", "To", "Priority"])
    for i in range(1, 7):
        sheet.append(["hw", f"s{i}", 2 if i <= 2 else 1])
    for i in (1, 3, 5):
        sheet.append(["tt", f"s{i}", 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_organiser_builds_runs_and_changes_an_event(sign_in, lang):
    words = WORDS[lang]
    page = sign_in("organiser", f"hanoi-ipa-{lang}", lang)
    page.click("#nav-events")
    page.fill("#event-name", "Kết nối nhà cung cấp Thăng Long")
    page.fill("#event-date", "2026-12-03")
    page.fill("#event-start", "09:00")
    page.fill("#event-slots", "6")
    page.fill("#event-tables", "3")
    page.click("#create")
    page.wait_for_selector("#event-title")
    assert page.inner_text("#event-title") == "Kết nối nhà cung cấp Thăng Long"

    page.set_input_files("#import-participants input[type=file]",
                         files=[{"name": "participants.csv", "mimeType": "text/csv", "buffer": _participants_csv()}])
    page.click("#import-participants button")
    page.wait_for_selector(".flash")
    assert words["imported"] in page.inner_text(".flash")
    page.set_input_files("#import-requests input[type=file]", files=[{
        "name": "requests.xlsx", "buffer": _requests_xlsx(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("#import-requests button")
    page.wait_for_selector(".flash")
    shot(page, f"event-imported-{lang}")

    page.fill("#time-limit", "5")
    page.click("#schedule-button")
    page.wait_for_selector("#job")                          # the job, polled while the worker solves
    page.wait_for_selector("#schedule-grid", timeout=90_000)
    assert words["optimal"] in page.inner_text("#schedule-summary")
    assert page.get_attribute("#job", "data-status") == "done"
    assert page.inner_text("#job-progress tr[data-stage=meetings] .best").strip() not in ("", "–")   # the solver's own numbers
    cells = page.locator("#schedule-grid td[data-meeting]")
    assert cells.count() == 9
    shot(page, f"event-schedule-{lang}")

    # a participant's agenda: printable, and a calendar file
    page.click("#participants summary")
    page.click("tr[data-participant='hw'] a.agenda-link")
    page.wait_for_selector("#agenda")
    assert page.locator("#agenda tbody tr").count() == 6
    with page.expect_download() as download:
        page.click("#ics")
    assert Path(download.value.path()).read_text().count("BEGIN:VEVENT") == 6
    assert "2026" in page.inner_text("#agenda-event")          # the agenda names the event's day
    shot(page, f"agenda-{lang}")
    page.go_back()

    # on the day: a table is lost; its meetings move and are highlighted, and the people to tell are named
    lost = page.locator("#schedule-grid thead th").nth(1).inner_text()
    displaced = page.locator("#schedule-grid tbody td:nth-of-type(1)[data-meeting]").count()
    assert displaced >= 1
    page.select_option("#change-type", "table_lost")
    page.select_option("#change-table", label=lost)
    page.click("#apply-change")
    page.wait_for_selector("#last-change")
    # exactly the meetings of the lost table move (two tables still fit every slot); nothing else does
    assert page.locator("#schedule-grid td.moved").count() == displaced
    assert page.locator("#dropped li").count() == 0 and cells.count() == 9
    assert words["tell"] in page.inner_text("#notify")
    shot(page, f"event-change-{lang}")

    # the versions: compare the first with the current one, then go back to it (the table is still lost: refused)
    event_url = page.url.split("#")[0]
    page.click("#versions summary")
    page.click("tr[data-version='1'] a.compare-link")
    page.wait_for_selector("#version-title")
    assert page.locator("#moved li").count() == displaced
    shot(page, f"event-version-{lang}")
    page.click("#rollback button")
    page.wait_for_selector("#field-errors")
    assert "no longer in use" in page.inner_text("#field-errors")
    page.goto(event_url)

    # a large event is worked slot by slot: the outcomes (and meetings to cancel) of the slot chosen
    page.select_option("#shown-slot", "2")                  # slots as people number them: the second one
    page.click("#slot-chooser button")
    page.wait_for_selector("#outcome-table")
    firsts = page.locator("#outcome-table tbody tr td:first-child").all_inner_texts()
    assert firsts and all(text.startswith("2.") for text in firsts)
    row = page.locator("#outcome-table tbody tr").first
    row.locator("select[name=outcome]").select_option("follow_up")
    row.locator("button").click()
    page.wait_for_selector("#outcome-table tbody tr .badge.good")
    assert page.locator("#outcome-table tbody tr").first.locator("select[name=outcome]").input_value() == "follow_up"
    assert page.offsite == []
