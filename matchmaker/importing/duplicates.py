"""Which pairs of enterprise records look like one firm under two spellings (flagged, never merged)."""
from __future__ import annotations

from difflib import SequenceMatcher

from scoring.features import haversine_km
from scoring.text import jaccard, name_key, tokens

NEAR_METRES = 1000.0


def distance_m(a, b) -> float | None:
    """Distance in metres between two Neo4j WGS-84 points (or None when one is missing)."""
    if a is None or b is None:
        return None
    return haversine_km(a.y, a.x, b.y, b.x) * 1000.0


def duplicate_verdict(a: dict, b: dict) -> tuple[float, str] | None:
    """(score in [0,1], reason) when ``a`` and ``b`` are probably one firm, else None.

    Records with two different enterprise codes are two registered firms and are never flagged.
    """
    if a.get("code") and b.get("code") and a["code"] != b["code"]:
        return None
    if a.get("country") and b.get("country") and a["country"] != b["country"]:
        return None
    key_a, key_b = a.get("name_key") or name_key(a.get("name")), b.get("name_key") or name_key(b.get("name"))
    name_similarity = 1.0 if key_a == key_b else SequenceMatcher(None, key_a, key_b).ratio()
    address_similarity = jaccard(set(tokens(a.get("address"))), set(tokens(b.get("address"))))
    metres = distance_m(a.get("location"), b.get("location"))
    near = metres is not None and metres <= NEAR_METRES
    if name_similarity >= 0.999:
        if address_similarity >= 0.3 or near:
            reason = "same name, similar address" if address_similarity >= 0.3 else "same name, nearby location"
            return round(0.8 + 0.2 * max(address_similarity, 1.0 if near else 0.0), 3), reason
        return round(0.6 + 0.2 * address_similarity, 3), "same name, different address"
    if name_similarity >= 0.85 and (address_similarity >= 0.5 or (near and metres <= 200)):
        return round(0.5 * name_similarity + 0.5 * max(address_similarity, 0.5), 3), "similar name and address"
    return None
