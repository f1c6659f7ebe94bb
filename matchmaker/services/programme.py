"""The city's SME programme view: across the SMEs of a sector, commune or zone, which standards or
capabilities would link the most of them to open FDI demand, and which SMEs are one item away.

A request counts for an SME when readiness would look at it: it needs a capability related to one the
SME holds (the same family in the capability tree) or comes from a buyer of the SME's sector, and it
is within its own distance. An SME is *eligible* for such a request when the buyers' search would list it (the same hard
filters as readiness: within the request's maximum distance, every mandatory standard valid today, and
a needed capability held at least in its general form, or a needed product made). It is *one item
away* when exactly one thing is missing: one mandatory standard, or the capability (then the needed
capability it is closest to in the capability tree). The pairs are computed with bit masks over all
SMEs of the scope at once, in chunks of requests, so a sector of tens of thousands of SMEs against
thousands of requests stays within seconds.
"""
from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from datetime import date

import numpy as np

from scoring.features import GENERAL, Hierarchy

from ..errors import NotFound
from ..repositories.programme import ProgrammeRepository
from .catalogues import catalogue_names

CHUNK = 256     # requests per numpy step (memory: CHUNK x SMEs x a few words)


class _Bits:
    """Sets of ids as rows of 64-bit words."""

    def __init__(self, ids):
        self.index = {i: k for k, i in enumerate(sorted(set(ids)))}
        self.ids = sorted(self.index, key=self.index.get)
        self.words = max(1, math.ceil(len(self.index) / 64))

    def rows(self, sets) -> np.ndarray:
        out = np.zeros((len(sets), self.words), dtype=np.uint64)
        for row, members in enumerate(sets):
            for member in members:
                k = self.index.get(member)
                if k is not None:
                    out[row, k // 64] |= np.uint64(1) << np.uint64(k % 64)
        return out

    def only_member(self, words: np.ndarray) -> int:
        """The index of the one bit set in ``words`` (one row)."""
        for w, value in enumerate(words):
            if value:
                return w * 64 + int(value).bit_length() - 1
        raise ValueError("no bit set")


def one_item_away(smes: list[dict], requests: list[dict], hierarchy: Hierarchy):
    """(eligible, away): eligible[s] is the set of request indexes SME s is eligible for now; away[s] maps
    each missing item (type, id) to the request indexes closing it alone would open."""
    eligible = [set() for _ in smes]
    away: list[dict] = [defaultdict(set) for _ in smes]
    if not smes or not requests:
        return eligible, away
    capabilities = _Bits(list(hierarchy.parent) + [c for s in smes for c in s["capabilities"]]
                         + [c for r in requests for c in r["capabilities"]])
    standards = _Bits([x for s in smes for x in s["standards"]] + [x for r in requests for x in r["standards"]])
    products = _Bits([p for s in smes for p in s.get("products") or []] + [p for r in requests for p in r["products"]])
    held_caps = capabilities.rows([s["capabilities"] for s in smes])
    held_std = standards.rows([s["standards"] for s in smes])
    made = products.rows([s.get("products") or [] for s in smes])
    # a held capability counts for a needed one when it is the same, more specific, or more general
    # per needed capability, once: the held ones that count for it, and the related ones (what makes a
    # request one the SME's readiness looks at, beside a buyer of its sector)
    counts = {c: {h for h in capabilities.ids if hierarchy.credit(c, h) >= GENERAL} for c in capabilities.ids}
    near = {c: {h for h in capabilities.ids if hierarchy.credit(c, h) > 0 or hierarchy.credit(h, c) > 0}
            for c in capabilities.ids}
    accepted = capabilities.rows([set().union(*(counts[c] for c in r["capabilities"])) for r in requests])
    related = capabilities.rows([set().union(*(near[c] for c in r["capabilities"])) for r in requests])
    sectors = _Bits([x for s in smes for x in s.get("sectors") or []]
                    + [x for r in requests for x in r.get("buyer_sectors") or []])
    sme_sectors = sectors.rows([s.get("sectors") or [] for s in smes])
    buyer_sectors = sectors.rows([r.get("buyer_sectors") or [] for r in requests])
    needed_products = products.rows([r["products"] for r in requests])
    mandatory = standards.rows([r["standards"] for r in requests])
    lat = np.radians(np.array([s["latitude"] if s["latitude"] is not None else np.nan for s in smes]))
    lon = np.radians(np.array([s["longitude"] if s["longitude"] is not None else np.nan for s in smes]))
    for start in range(0, len(requests), CHUNK):
        chunk = requests[start:start + CHUNK]
        r_lat = np.radians(np.array([r["latitude"] if r["latitude"] is not None else np.nan for r in chunk]))[:, None]
        r_lon = np.radians(np.array([r["longitude"] if r["longitude"] is not None else np.nan for r in chunk]))[:, None]
        limit = np.array([r["max_distance_km"] if r["max_distance_km"] is not None else np.inf for r in chunk])[:, None]
        a = np.sin((lat - r_lat) / 2) ** 2 + np.cos(r_lat) * np.cos(lat) * np.sin((lon - r_lon) / 2) ** 2
        km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
        sl = slice(start, start + len(chunk))
        relevant = ((held_caps[None, :, :] & related[sl, None, :]) != 0).any(axis=2) \
            | ((sme_sectors[None, :, :] & buyer_sectors[sl, None, :]) != 0).any(axis=2)
        in_reach = relevant & np.where(np.isnan(km), True, km <= limit)   # no location: not ruled out, as the search
        needs_capability = np.array([bool(r["capabilities"]) for r in chunk])[:, None]
        capability_ok = ~needs_capability | ((held_caps[None, :, :] & accepted[sl, None, :]) != 0).any(axis=2) \
            | ((made[None, :, :] & needed_products[sl, None, :]) != 0).any(axis=2)
        missing = mandatory[sl, None, :] & ~held_std[None, :, :]
        n_missing = np.bitwise_count(missing).sum(axis=2)
        for r, s in zip(*np.nonzero(in_reach & capability_ok & (n_missing == 0))):
            eligible[s].add(start + r)
        for r, s in zip(*np.nonzero(in_reach & capability_ok & (n_missing == 1))):
            away[s][("standard", standards.ids[standards.only_member(missing[r, s])])].add(start + r)
        for r, s in zip(*np.nonzero(in_reach & ~capability_ok & (n_missing == 0))):
            away[s][("capability", _closest(chunk[r]["capabilities"], smes[s]["capabilities"], hierarchy))].add(
                start + r)
    return eligible, away


def _closest(needed: list[str], held: list[str], hierarchy: Hierarchy) -> str:
    """The needed capability most related to what the SME holds (a sibling first), ties by id."""
    return max(sorted(needed), key=lambda c: max((hierarchy.credit(c, h) for h in held), default=0.0))


class ProgrammeService:
    def __init__(self, graph, matching):
        """``matching``: the MatchService, for the capability tree and the catalogue's names."""
        self.repo = ProgrammeRepository(graph)
        self.matching = matching

    def view(self, sector: str | None = None, commune: str | None = None, zone: str | None = None,
             limit: int = 100) -> dict:
        """The view over the SMEs of the scope (all SMEs when no filter is given)."""
        catalogues = self.matching.catalogues
        for label, value in (("Sector", sector), ("Zone", zone)):
            if value is not None and not catalogues.existing(label, [value]):
                raise NotFound(f"no {label.lower()} with id '{value}'")
        today = date.today()
        smes = self.repo.smes(sector, commune, zone, today)
        if commune is not None and not smes and not self.repo.commune_known(commune):
            raise NotFound(f"no enterprise in commune '{commune}'")
        requests = self.repo.fdi_demand()
        eligible, away = one_item_away(smes, requests, self.matching.hierarchy())
        names = catalogue_names(catalogues)
        linked_now = sum(1 for e in eligible if e)
        per_item: dict = defaultdict(lambda: {"smes": 0, "newly_linked": 0, "requests": set(), "buyers": set()})
        shortlist = []
        for s, items in enumerate(away):
            for item, opened in items.items():
                new = opened - eligible[s]
                if not new:
                    continue
                entry = per_item[item]
                entry["smes"] += 1
                entry["newly_linked"] += not eligible[s]
                entry["requests"] |= new
                entry["buyers"] |= {requests[k]["buyer"] for k in new}
            if not eligible[s] and items:
                item, opened = max(items.items(), key=lambda kv: (
                    len(kv[1]), len({requests[k]["buyer"] for k in kv[1]}), kv[0][0] == "standard", kv[0][1]))
                shortlist.append({
                    "sme": {k: smes[s][k] for k in ("id", "name", "commune", "zone")},
                    "item": {"type": item[0], "id": item[1], "name": names[item]},
                    "requests": len(opened), "buyers": len({requests[k]["buyer"] for k in opened}),
                    "items_one_away": len(items)})
        items = [{"type": t, "id": i, "name": names[(t, i)], "smes": v["smes"],
                  "smes_newly_linked": v["newly_linked"], "fdi_requests": len(v["requests"]),
                  "fdi_buyers": len(v["buyers"])} for (t, i), v in per_item.items()]
        items.sort(key=lambda x: (-x["smes_newly_linked"], -x["smes"], -x["fdi_requests"], x["type"], x["id"]))
        shortlist.sort(key=lambda x: (-x["requests"], -x["buyers"], x["sme"]["id"]))
        return {"scope": {"sector": sector, "commune": commune, "zone": zone},
                "smes": len(smes), "open_fdi_requests": len(requests),
                "fdi_buyers": len({r["buyer"] for r in requests}),
                "smes_linked_now": linked_now, "smes_one_item_away": len(shortlist),
                "items": items[:limit], "shortlist": shortlist[:limit]}


def csv_name(view: dict, part: str) -> str:
    """The download's file name: the part and the scope."""
    scope = view["scope"]
    return f"programme-{part}-{scope['sector'] or scope['zone'] or scope['commune'] or 'all'}.csv"


def as_csv(view: dict, part: str) -> str:
    """One part of the view (``items`` or ``shortlist``) as CSV, one row per line, with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if part == "items":
        writer.writerow(["type", "id", "name", "smes_newly_linked", "smes", "fdi_requests", "fdi_buyers"])
        for x in view["items"]:
            writer.writerow([x["type"], x["id"], x["name"], x["smes_newly_linked"], x["smes"], x["fdi_requests"],
                             x["fdi_buyers"]])
    else:
        writer.writerow(["sme_id", "sme_name", "commune", "zone", "item_type", "item_id", "item_name",
                         "fdi_requests", "fdi_buyers", "items_one_away"])
        for x in view["shortlist"]:
            writer.writerow([x["sme"]["id"], x["sme"]["name"], x["sme"]["commune"] or "", x["sme"]["zone"] or "",
                             x["item"]["type"], x["item"]["id"], x["item"]["name"], x["requests"], x["buyers"],
                             x["items_one_away"]])
    return out.getvalue()
