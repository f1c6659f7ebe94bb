"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright (installed by
./dev test). Screenshots are kept in tests/artifacts/ (not committed)."""
import pytest

from conftest import ARTIFACTS, serving, tenant_firm


@pytest.fixture
def site(app):
    with serving(app) as url:
        yield url


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang,expected", [("vi", "Đăng nhập với vai trò doanh nghiệp 0100000042"),
                                           ("en", "Signed in as SME 0100000042")])
def test_sign_in_in_each_language(site, page, graph, client, lang, expected):
    from matchmaker.services.access import KeyService
    tenant_firm(client, "0100000042", "sme")
    _, key = KeyService(graph).issue("sme", "0100000042")
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
