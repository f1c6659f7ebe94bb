"""Words, numbers, dates and money in the reader's language: Vietnamese (default) or English.

Plain Python over Babel, free of Flask, so pages and tests share one source of wording.
"""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_LOCALES = {"vi": "vi_VN", "en": "en_US"}

MESSAGES: dict[str, dict[str, str]] = {
    "app.name": {"vi": "Kết nối chuỗi cung ứng", "en": "Supply-chain matchmaker"},
    "app.tagline": {"vi": "Kết nối doanh nghiệp nhỏ và vừa Hà Nội với chuỗi cung ứng của doanh nghiệp lớn và FDI",
                    "en": "Linking Hanoi's SMEs to the supply chains of large and FDI firms"},
    "nav.language": {"vi": "English", "en": "Tiếng Việt"},
    "nav.signin": {"vi": "Đăng nhập", "en": "Sign in"},
    "nav.signout": {"vi": "Đăng xuất", "en": "Sign out"},
    "signin.title": {"vi": "Đăng nhập bằng khóa API", "en": "Sign in with your API key"},
    "signin.key": {"vi": "Khóa API", "en": "API key"},
    "signin.help": {"vi": "Quản trị viên cấp khóa cho doanh nghiệp hoặc ban tổ chức của bạn.",
                    "en": "Your administrator issues a key for your firm or organisation."},
    "signin.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin.invalid": {"vi": "Khóa không hợp lệ, đã bị thu hồi hoặc sai định dạng.",
                       "en": "The key is not valid: unknown, revoked or malformed."},
    "home.signed_in_as": {"vi": "Đăng nhập với vai trò {role}", "en": "Signed in as {role}"},
    "role.admin": {"vi": "quản trị viên", "en": "administrator"},
    "role.buyer": {"vi": "bên mua {tenant}", "en": "buyer {tenant}"},
    "role.sme": {"vi": "doanh nghiệp {tenant}", "en": "SME {tenant}"},
    "role.organiser": {"vi": "ban tổ chức {tenant}", "en": "organiser {tenant}"},
    "journey.search": {"vi": "Tìm nhà cung cấp", "en": "Find suppliers"},
    "journey.readiness": {"vi": "Mức độ sẵn sàng của doanh nghiệp", "en": "SME readiness"},
    "journey.events": {"vi": "Sự kiện kết nối giao thương", "en": "Matchmaking events"},
}


def language_of(value: str | None) -> str:
    """A supported language code from a cookie, query or header value; else the default."""
    value = (value or "").lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str, **values) -> str:
    """The message in ``lang`` with ``values`` filled in; the English text if a translation is missing."""
    entry = MESSAGES[key]
    return entry.get(lang, entry["en"]).format(**values)


class Formats:
    """Numbers, dates and money as a reader of ``lang`` writes them."""

    def __init__(self, lang: str):
        self.lang = language_of(lang)
        self.locale = _LOCALES[self.lang]

    def number(self, value: float, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, amount: float, currency: str) -> str:
        """VND without decimals (the đồng has no minor unit in use), other currencies with their own."""
        return format_currency(amount, currency.upper(), locale=self.locale)

    def date(self, value: date | str) -> str:
        value = date.fromisoformat(value[:10]) if isinstance(value, str) else value
        return format_date(value, "medium", locale=self.locale)

    def datetime(self, value: datetime | str) -> str:
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_datetime(value, "short", tzinfo=value.tzinfo, locale=self.locale)
