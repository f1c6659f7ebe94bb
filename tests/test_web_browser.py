"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright (installed by
./dev test). Screenshots are kept in tests/artifacts/ (not committed)."""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def site(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), "Chromium is missing: ./dev test installs it (apt package chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page()
        browser.close()


@pytest.mark.parametrize("lang,expected", [("vi", "Đăng nhập với vai trò doanh nghiệp 0100000042"),
                                           ("en", "Signed in as SME 0100000042")])
def test_sign_in_in_each_language(site, page, graph, lang, expected):
    from matchmaker.services.access import KeyService
    _, key = KeyService(graph).issue("sme", "0100000042")
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{site}/app/lang/{lang}?next=/app/")
    assert "/app/signin" in page.url                     # not signed in yet
    page.fill("input[name=key]", "mmk_not_a_key")
    page.click("#signin")
    assert page.locator("[role=alert]").is_visible()
    page.fill("input[name=key]", key)
    page.click("#signin")
    page.wait_for_selector("#who")
    assert page.inner_text("#who") == expected
    assert page.get_attribute("html", "lang") == lang
    page.screenshot(path=str(ARTIFACTS / f"home-{lang}.png"), full_page=True)
    page.click("#switch-language")
    assert page.get_attribute("html", "lang") == ("en" if lang == "vi" else "vi")
    page.click("#signout")
    assert "/app/signin" in page.url
