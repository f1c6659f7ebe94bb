"""Wording and formats in Vietnamese and English (no Flask, no graph)."""
from datetime import date, datetime, timedelta, timezone

from matchmaker.web.i18n import LANGUAGES, MESSAGES, Formats, language_of, t


def test_every_message_exists_in_both_languages():
    assert all(set(LANGUAGES) <= set(entry) and all(entry[lang].strip() for lang in LANGUAGES)
               for entry in MESSAGES.values())


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


def test_messages_fill_their_values():
    assert t("home.signed_in_as", "en", role="SME 0100") == "Signed in as SME 0100"
