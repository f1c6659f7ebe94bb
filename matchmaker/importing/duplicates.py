"""Which pairs of enterprise records look like one firm under two spellings (flagged, never merged).

A pair is judged on several fields, each compared with rapidfuzz after the names are reduced by
``scoring.text.name_parts`` (legal forms, dotted abbreviations, spaced-out letters and accents folded):

* **name**: the distinctive words (without legal forms and without words that only say the sector,
  the country or "factory") compared joined without spaces: equal, one edit apart (two for long names),
  one contained in the other, or >= 0.9 similar (rapidfuzz ratio, or token-sorted ratio of the words);
* **what the names say besides the name**: sector words that disagree ("Minh Long Mechanical" and
  "Minh Long Electronics") or different unit numbers ("Unit 3", "Unit 4") mean two firms;
* **address**: token-set and token-sort similarity of the folded addresses with street, ward,
  district and park words unified; house or lot numbers that share nothing cap it at 0.5;
* **country** (normalised: "VN", "Vietnam", "Viet Nam" are one), **enterprise code**, **distance**.

The rule, written once here and measured by ``benchmarks/bench_duplicates.py``:

1. two different enterprise codes, two countries, disagreeing sector words or unit numbers: never;
2. the same name: flagged unless the addresses clearly differ (then only when the whole names agree);
3. a near name: flagged only with a similar address (>= 0.75) or within 250 m, or, when the names
   are very close (>= 0.9), with a fairly similar address (>= 0.5) or within 1 km.

Anything else is not flagged: the same address alone (co-tenants of one industrial park) is not
evidence. A flag is a review item (PROBABLE_DUPLICATE), never a merge.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from scoring.features import haversine_km
from scoring.text import NameParts, fold, name_parts

from .rows import normalise_country

NEAR_METRES = 1000.0
CLOSE_METRES = 250.0
FAR_METRES = 5000.0


def distance_m(a, b) -> float | None:
    """Distance in metres between two Neo4j WGS-84 points (or None when one is missing)."""
    a, b = _latlng(a), _latlng(b)
    if a is None or b is None:
        return None
    return haversine_km(a[0], a[1], b[0], b[1]) * 1000.0


def _latlng(point):
    if point is None:
        return None
    if hasattr(point, "y"):
        return point.y, point.x
    if isinstance(point, dict):
        return (point["latitude"], point["longitude"]) if point.get("latitude") is not None else None
    return tuple(point)


# -- addresses ---------------------------------------------------------------------------------

def _address_phrases() -> dict[tuple[str, ...], str]:
    table = {
        "kcn": "khu cong nghiep|kcn|khu cn|industrial park|industrial zone|industrial estate|industrial area|"
               "ind zone|ind park|ip|iz|cum cong nghiep|ccn|industrial cluster|export processing zone|epz|"
               "khu che xuat|kcx|economic zone|free zone|economic development zone|development zone",
        "lot": "lo|lot|lo dat|plot|p n",
        "km": "km|kilometer",
        "": "so|no|number|nr|duong|street|st|road|rd|avenue|ave|pho|p|phuong|ward|quan|q|district|dist|"
            "huyen|h|thi tran|town|township|xa|commune|village|thon|ap|lang|tinh|province|prov|thanh pho|tp|"
            "city|viet nam|vietnam|vn|country|county|block|building|bldg|floor|and|of|the|address|dia chi",
    }
    return {tuple(p.split()): tag for tag, words in table.items() for p in words.split("|")}


_ADDRESS_PHRASES = _address_phrases()
_ADDRESS_MAX = max(len(p) for p in _ADDRESS_PHRASES)


@dataclass(frozen=True)
class AddressParts:
    words: tuple[str, ...]
    numbers: frozenset


@lru_cache(maxsize=65536)
def address_parts(address: str | None) -> AddressParts:
    raw = [p for w in fold(address).split() for p in re.split(r"(\d+)", w) if p]
    words, i = [], 0
    while i < len(raw):
        for size in range(min(_ADDRESS_MAX, len(raw) - i), 0, -1):
            tag = _ADDRESS_PHRASES.get(tuple(raw[i:i + size]))
            if tag is not None:
                if tag:
                    words.append(tag)
                i += size
                break
        else:
            words.append(raw[i])
            i += 1
    # Short numbers are house, lot and km numbers; five digits and more are post codes.
    numbers = frozenset(w.lstrip("0") or "0" for w in words if w.isdigit() and len(w) <= 4)
    return AddressParts(tuple(words), numbers)


def address_similarity(a: str | None, b: str | None) -> float | None:
    """Similarity in [0,1] of two addresses; None when either is missing."""
    pa, pb = address_parts(a), address_parts(b)
    if not pa.words or not pb.words:
        return None
    sa, sb = " ".join(pa.words), " ".join(pb.words)
    similarity = (fuzz.token_set_ratio(sa, sb) + fuzz.token_sort_ratio(sa, sb)) / 200.0
    if min(len(set(pa.words)), len(set(pb.words))) <= 1:
        similarity = min(similarity, 0.6)  # "Hanoi" inside any Hanoi address says little
    if pa.numbers and pb.numbers and not pa.numbers & pb.numbers:
        similarity = min(similarity, 0.4)  # Lot 5 and Lot 7 of one park are two plots
    return similarity


# -- names -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NameComparison:
    same: bool          # the distinctive words agree exactly
    near: bool          # a typo, a contained name, or close as a whole
    similarity: float   # [0,1]
    conflict: str | None  # why the names are two firms whatever else agrees
    whole_same: bool    # the names agree including the sector words
    typo: bool = False  # one edit apart and long enough for that to be a typo rather than another name


def compare_names(a: str | None, b: str | None) -> NameComparison:
    pa, pb = name_parts(a), name_parts(b)
    conflict = _conflict(pa, pb)
    ja, jb = pa.joined, pb.joined
    if not ja or not jb:
        return NameComparison(False, False, 0.0, conflict or "no name", False)
    # Jaro-Winkler is left out on purpose: a shared place prefix ("Zhejiang ...", "Dongguan ...")
    # lifts it above 0.9 for two different firms.
    indel = fuzz.ratio(ja, jb) / 100.0
    words = fuzz.token_sort_ratio(" ".join(pa.distinctive), " ".join(pb.distinctive)) / 100.0
    similarity = max(indel, words)
    shorter = min(len(ja), len(jb))
    edits = OSA.distance(ja, jb)
    typo = (shorter >= 5 and edits <= 1) or (shorter >= 10 and edits <= 2)
    contained = shorter >= 5 and (ja in jb or jb in ja)
    subset = _token_subset(pa.distinctive, pb.distinctive)
    same = ja == jb
    near = same or typo or contained or subset or similarity >= 0.9
    return NameComparison(same, near, 1.0 if same else similarity, conflict,
                          same and pa.tags == pb.tags and pa.numbers == pb.numbers,
                          typo=not same and shorter >= 8 and edits <= 1)


def _conflict(pa: NameParts, pb: NameParts) -> str | None:
    if pa.numbers and pb.numbers and pa.numbers != pb.numbers:
        return "different unit numbers"
    if pa.tags and pb.tags and not pa.tags & pb.tags:
        return "different trades in the names"
    return None


def _token_subset(da: tuple[str, ...], db: tuple[str, ...]) -> bool:
    """One name's distinctive words all inside the other's, and enough of them to mean something."""
    small, large = sorted((set(da), set(db)), key=len)
    return bool(small) and small < large and (len(small) >= 2 or len(next(iter(small))) >= 5)


# -- the verdict -------------------------------------------------------------------------------

def _country(record: dict) -> str | None:
    value = normalise_country(record.get("country"))
    return value.upper() if value else None


def _location(record: dict):
    if record.get("location") is not None:
        return record["location"]
    if record.get("latitude") is not None and record.get("longitude") is not None:
        return record["latitude"], record["longitude"]
    return None


def duplicate_verdict(a: dict, b: dict) -> tuple[float, str] | None:
    """(score in [0,1], reason) when ``a`` and ``b`` are probably one firm, else None.

    Records carry ``name`` and optionally ``code``, ``address``, ``country`` and ``location`` (a
    Neo4j point, a (lat, lng) pair or ``latitude``/``longitude``). Records with two different
    enterprise codes are two registered firms and are never flagged.
    """
    code_a, code_b = (a.get("code") or "").strip(), (b.get("code") or "").strip()
    if code_a and code_b:
        return (1.0, "same enterprise code") if code_a == code_b else None
    country_a, country_b = _country(a), _country(b)
    if country_a and country_b and country_a != country_b:
        return None
    names = compare_names(a.get("name"), b.get("name"))
    if names.conflict or not names.near:
        return None
    address = address_similarity(a.get("address"), b.get("address"))
    metres = distance_m(_location(a), _location(b))
    close = metres is not None and metres <= CLOSE_METRES
    near = metres is not None and metres <= NEAR_METRES
    far = metres is not None and metres > FAR_METRES
    place = max(address if address is not None else 0.0, 1.0 if close else 0.8 if near else 0.0)
    if names.same:
        if far and (address is None or address < 0.75):
            return None
        if address is None and metres is None:
            return round(0.75 + 0.1 * names.whole_same, 3), "same name"
        if address is not None and address >= 0.5:
            return round(0.8 + 0.2 * address, 3), "same name, similar address"
        if near:
            return round(0.8 + 0.2 * place, 3), "same name, nearby location"
        if names.whole_same and metres is None:
            return round(0.6 + 0.2 * (address or 0.0), 3), "same name, different address"
        return None
    if address is not None and address >= 0.75 or close and (address is None or address >= 0.5):
        return round(0.5 * names.similarity + 0.5 * place, 3), "similar name and address"
    if names.similarity >= 0.9 and (address is not None and address >= 0.5 or near and address is None):
        return round(0.5 * names.similarity + 0.5 * place, 3), "similar name, nearby address"
    if names.typo and address is None and metres is None:
        return 0.6, "similar name, one address missing"
    return None
