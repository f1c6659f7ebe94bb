"""Text normalisation for Vietnamese and English names: diacritics folded, legal forms dropped.

``fold``, ``tokens`` and ``slug`` serve search and ids. The rest serves duplicate detection:
``name_parts`` reduces a firm name as people spell it (legal forms with or without dots, spaced-out
letters, Vietnamese with or without accents) to its words, and ``blocking_keys`` gives the short keys
stored on each enterprise so that two spellings of one firm meet without a scan of all enterprises.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


@cache
def _without_combining() -> dict[int, None]:
    """A translate table dropping every combining character (built once: a scan of all code points)."""
    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


def fold(text: str | None) -> str:
    """Lower-case ASCII form of ``text``: 'Công ty Đồng Tâm' -> 'cong ty dong tam'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return " ".join(_NON_WORD.split(decomposed.translate(_without_combining()).lower())).strip()


def tokens(text: str | None) -> list[str]:
    return [t for t in fold(text).split() if t]


# -- firm names as people spell them -----------------------------------------------------------

def _phrases(text: str) -> list[tuple[str, ...]]:
    return [tuple(p.split()) for p in text.strip().split("\n") if p.strip()]


# Legal forms, matched as whole phrases on the folded words (longest first), so that a Vietnamese
# word that is also part of a form ("thanh" in "một thành viên", "han" in "hữu hạn") is kept in a name.
_LEGAL_PHRASES = _phrases("""
cong ty trach nhiem huu han mot thanh vien
cong ty trach nhiem huu han hai thanh vien tro len
cong ty trach nhiem huu han
trach nhiem huu han mot thanh vien
trach nhiem huu han
cong ty tnhh mtv
cong ty tnhh
cong ty co phan
cong ty cp
tong cong ty
cong ty
cty tnhh
cty cp
cty
ctcp
ct cp
tnhh mtv
tnhh
mot thanh vien
hai thanh vien
co phan
cp
mtv
doanh nghiep tu nhan
doanh nghiep tn
doanh nghiep
dntn
hop tac xa
htx
co operative
cooperative
ty
tap doan
chi nhanh
co ltd
co limited
company limited
private limited
pvt ltd
pte ltd
sdn bhd
joint stock company
joint stock
jointstock company
jointstock
s de rl de cv
s de rl
sa de cv
de cv
sde rl
company
co
corporation
corp
incorporated
inc
limited
ltd
ltda
llc
llp
lp
plc
pte
pvt
private
jsc
gmbh
ag
kg
srl
sarl
sas
sa
spa
sl
bv
nv
ab
oy
kk
cv
pt
tbk
""")

# Words about what a firm does or where it is, not which firm it is. Each maps to a tag so that
# "May mặc Minh Phát" and "Minh Phat Garment" agree, and "Minh Long Mechanical" and "Minh Long
# Electronics" do not (the tag differs).
_GENERIC_PHRASES: dict[tuple[str, ...], str] = {}
for _tag, _words in {
    "apparel": "may mac|det may|may|det|garment|garments|apparel|apparels|textile|textiles|knitting|knitwear|"
               "knitwears|knit|fashion|fashions|clothing|wear|wears|sweater|sweaters|tex|dyeing|weaving|"
               "spinning|sewing|socks|sock|headwear|underwear|intimate|sportswear|sportwear",
    "footwear": "giay|giay da|footwear|shoe|shoes|shoes factory",
    "leather": "da|leather",
    "mechanical": "cokhi|codien|mechanical|mechanics|engineering|ky thuat|machinery|che tao|precision|chinh xac",
    "electronics": "dien tu|electronic|electronics|dien|electric|electrical|thiet bi dien",
    "plastics": "nhua|plastic|plastics",
    "trade": "thuong mai|tm|trading|trade|commercial|xuat nhap khau|xnk|import export|export import|exports|export",
    "services": "dich vu|dv|service|services",
    "production": "san xuat|sx|manufacturing|manufacturer|mfg|production|industries|industry|industrial|"
                  "cong nghiep|factory|nha may|xuong|xi nghiep|works|mills|mill|plant",
    "construction": "xay dung|xd|construction|xay lap|builders",
    "investment": "dau tu|investment|investments|dt",
    "technology": "cong nghe|technology|technologies|tech|cn",
    "food": "thuc pham|food|foods|che bien|processing|nong nghiep|nong san|agriculture|agricultural",
    "packaging": "bao bi|packaging|pack",
    "printing": "in an|printing|print",
    "wood": "go|wood|wooden|noi that|furniture",
    "transport": "van tai|logistics|transport|giao nhan",
    "chemicals": "hoa chat|chemical|chemicals",
    "steel": "thep|steel|kim loai|metal|metals",
    "general": "tong hop|general|phat trien|development|enterprise|enterprises|vietnam|viet nam|vn|vina|"
               "asia|global|unit|branch|hanoi|ha noi|city",
}.items():
    for _phrase in _words.split("|"):
        _GENERIC_PHRASES[tuple(_phrase.split())] = _tag
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
          "x": "10", "ll": "2", "lll": "3", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}


@dataclass(frozen=True)
class NameParts:
    """A firm name reduced: ``words`` without legal forms; ``distinctive`` also without the generic
    words (sector, place, 'factory'); ``tags`` what the generic words say; ``numbers`` unit numbers."""
    words: tuple[str, ...]
    distinctive: tuple[str, ...]
    tags: frozenset
    numbers: frozenset

    @property
    def joined(self) -> str:
        """The distinctive words without spaces: 'Han es Ink' and 'HanesInk' are both 'hanesink'."""
        return "".join(self.distinctive or self.words)


def _join_spaced_letters(words: list[str]) -> list[str]:
    """'h a n e s' -> 'hanes', 's a de c v' -> 'sa de cv' (letters written with dots or spaces)."""
    out: list[str] = []
    run: list[str] = []
    for w in words + [""]:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        if run:
            out.append("".join(run))
            run = []
        if w:
            out.append(w)
    return out


_GLUED_PREFIXES = ("tnhh", "ctcp", "cty")
_GLUED_BEFORE = frozenset(("ltd", "limited", "jsc", "inc", "ltda"))


def _unglue_legal_forms(words: list[str]) -> list[str]:
    """'TNHHCường' -> 'tnhh cuong'; 'DELTACo., Ltd' -> 'delta co ltd' (a form typed without a space)."""
    out = []
    for i, w in enumerate(words):
        prefix = next((p for p in _GLUED_PREFIXES if w.startswith(p) and len(w) >= len(p) + 2), None)
        if prefix:
            out.extend((prefix, w[len(prefix):]))
        elif w.endswith("co") and len(w) >= 5 and i + 1 < len(words) and words[i + 1] in _GLUED_BEFORE:
            out.extend((w[:-2], "co"))
        else:
            out.append(w)
    return out


def _split_digits(words: list[str]) -> list[str]:
    """'mk2' -> 'mk', '2'; numbers become their own words so that unit numbers compare."""
    out = []
    for w in words:
        out.extend(p for p in re.split(r"(\d+)", w) if p)
    return out


class _PhraseBook:
    """Phrases of words, looked up by their first word (most words of a name start none)."""

    def __init__(self, phrases):
        self.phrases = frozenset(phrases)
        sizes: dict[str, set[int]] = {}
        for phrase in self.phrases:
            sizes.setdefault(phrase[0], set()).add(len(phrase))
        self.sizes = {first: tuple(sorted(n, reverse=True)) for first, n in sizes.items()}   # longest first

    def strip(self, words: list[str], keep: bool = False) -> tuple[list[str], list[tuple[str, ...]]]:
        """Words without the phrases found (longest first); with ``keep``, each phrase joined into one word."""
        kept, found, i = [], [], 0
        while i < len(words):
            for size in self.sizes.get(words[i], ()):
                phrase = tuple(words[i:i + size])
                if len(phrase) == size and phrase in self.phrases:
                    found.append(phrase)
                    if keep:
                        kept.append("".join(phrase))
                    i += size
                    break
            else:
                kept.append(words[i])
                i += 1
        return kept, found


# "cơ khí" (mechanical) and "cơ điện" fold to "co ...", which is not the legal form "Co."
_TRADE_WORDS = _PhraseBook([("co", "khi"), ("co", "dien")])
_LEGAL_BOOK = _PhraseBook(_LEGAL_PHRASES)
_GENERIC_BOOK = _PhraseBook(_GENERIC_PHRASES)


@lru_cache(maxsize=65536)  # an import compares one record with many candidates
def name_parts(name: str | None) -> NameParts:
    words = _split_digits(_unglue_legal_forms(_join_spaced_letters(tokens(name))))
    words, _ = _TRADE_WORDS.strip(words, keep=True)
    words, _ = _LEGAL_BOOK.strip(words)
    words = [w for w in words if w not in ("and", "the", "of", "va")]
    numbers = frozenset(w.lstrip("0") or "0" for w in words if w.isdigit())
    rest, generic = _GENERIC_BOOK.strip(words)
    distinctive = tuple(w for w in rest if not w.isdigit())
    if any(len(w) > 1 for w in distinctive):  # a stray letter left over from a mistyped form
        distinctive = tuple(w for w in distinctive if len(w) > 1)
    # Roman numerals at the end ("Saigon II", "Unit - ll") are unit numbers too.
    if len(distinctive) > 1 and distinctive[-1] in _ROMAN:
        numbers = numbers | {_ROMAN[distinctive[-1]]}
        distinctive = distinctive[:-1]
    return NameParts(words=tuple(words), distinctive=distinctive,
                     tags=frozenset(_GENERIC_PHRASES[p] for p in generic) - {"general", "production"},
                     numbers=numbers)


def name_key(name: str | None) -> str:
    """A blocking key for duplicate detection: the words of a firm name without legal forms, sorted.

    Legal forms are dropped with or without dots and spaces ('Co.,Ltd', 'S.A. de C.V.', 'Công ty
    TNHH', 'Cty CP'); letters written apart are joined ('H A N E S' -> 'hanes').
    """
    words = [w for w in name_parts(name).words]
    return " ".join(sorted(set(words))) or fold(name)


_SOUND_RULES = (("ngh", "ng"), ("ph", "f"), ("gh", "g"), ("kh", "k"), ("ck", "k"), ("qu", "k"), ("q", "k"),
                ("c", "k"), ("z", "d"), ("gi", "d"), ("x", "s"), ("w", "v"))


def sound_key(text: str) -> str:
    """A rough phonetic skeleton: first letter, then consonants with look-alike spellings merged."""
    if not text:
        return ""
    s = text
    for a, b in _SOUND_RULES:
        s = s.replace(a, b)
    head, tail = s[0], re.sub(r"[aeiouy]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", head + tail)


BLOCKING_KEY_PROPS = ("dup_key_start", "dup_key_end", "dup_key_ends", "dup_key_sound", "dup_key_letters")


def blocking_keys(name: str | None) -> dict[str, str]:
    """Short keys under which two spellings of one firm most likely meet (stored on the node, indexed).

    From the distinctive words joined without spaces: the first and last 7 letters (a change at the
    other end), the first 3 plus last 3 (a typo in the middle), a consonant skeleton (vowel typos,
    ph/f, c/k), and the letters sorted (word order, stray spaces, swapped letters).
    """
    joined = name_parts(name).joined
    if not joined:
        return {}
    return {
        "dup_key_start": joined[:7],
        "dup_key_end": joined[-7:],
        "dup_key_ends": joined[:3] + "~" + joined[-3:] if len(joined) > 6 else joined,
        "dup_key_sound": sound_key(joined),
        "dup_key_letters": "".join(sorted(joined)),
    }


def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def slug(text: str) -> str:
    return "-".join(tokens(text)) or "unspecified"


_COMMUNE_PREFIXES = {"phuong", "xa", "p", "x", "ward", "commune"}


def commune_key(text: str | None) -> str:
    """A ward's or commune's name reduced for comparison: accents, case, punctuation and its prefix
    ('Phường', 'Xã', 'P.', 'ward') dropped: 'Xã Thiên Lộc' and 'thien loc' give 'thien-loc'."""
    words = tokens(text)
    if len(words) > 1 and words[0] in _COMMUNE_PREFIXES:
        words = words[1:]
    return "-".join(words)
