"""Text normalisation for Vietnamese and English names: diacritics folded, legal forms dropped."""
from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L"})
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Legal-form words that say nothing about which firm it is (English and Vietnamese, folded).
LEGAL_FORM_WORDS = frozenset("""
co company corp corporation ltd limited llc inc jsc plc pte pvt sdn bhd gmbh sa srl de cv sas spa bv
joint stock jointstock group holdings holding international intl the and of
cong ty tnhh cp co phan trach nhiem huu han mtv mot thanh vien doanh nghiep tu nhan hop tac xa dntn htx
""".split())


def fold(text: str | None) -> str:
    """Lower-case ASCII form of ``text``: 'Công ty Đồng Tâm' -> 'cong ty dong tam'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.split(ascii_only.lower())).strip()


def tokens(text: str | None) -> list[str]:
    return [t for t in fold(text).split() if t]


def name_key(name: str | None) -> str:
    """A blocking key for duplicate detection: the distinctive words of a firm name, sorted."""
    words = [t for t in tokens(name) if t not in LEGAL_FORM_WORDS]
    return " ".join(sorted(set(words))) or fold(name)


def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def slug(text: str) -> str:
    return "-".join(tokens(text)) or "unspecified"
