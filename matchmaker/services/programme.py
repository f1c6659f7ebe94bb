"""The city's SME programme view: across the SMEs of a sector, commune or zone, which standards or
capabilities would link the most of them to open FDI demand, and which SMEs are one item away.

A request counts for an SME when readiness would look at it: it needs a capability related to one the
SME holds (the same family in the capability tree) or comes from a buyer of the SME's sector, and it
is within its own distance. An SME is *eligible* for such a request when the buyers' search would list it (the same hard
filters as readiness: within the request's maximum distance, every mandatory standard valid today, and
a needed capability held at least in its general form, or a needed product made). It is *one item
away* when exactly one thing is missing: one mandatory standard, or the capability (then the needed
capability it is closest to in the capability tree).

Each request is one pass of a few boolean operations over masks of all the scope's SMEs (who holds a
capability, a standard, makes a product, is within reach); what requests share (a plant's location and
radius, a set of needed capabilities) is computed once. Counts per SME and item are added up as the
requests go, so a sector of tens of thousands of SMEs against thousands of requests takes seconds and
memory of a few arrays per item.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import numpy as np

from scoring.features import GENERAL, Hierarchy

from ..errors import NotFound
from ..repositories.programme import ProgrammeRepository
from .catalogues import Communes
from .readiness import ItemRef

EARTH_KM = 6371.0088


@dataclass
class ProgrammeCounts:
    """What the view is made of. ``items`` are (type, id); per item: ``opened[k]`` the number of requests
    closing it alone would open for SME k, ``buyers[k]`` their distinct buyers, ``requests`` the
    indexes of the requests it opens for any SME. ``eligible[k]``: SME k is eligible for some request."""

    eligible: np.ndarray
    items: list
    opened: dict
    buyers: dict
    requests: dict


@dataclass(frozen=True)
class ProgrammeScope:
    """The SMEs looked at: a sector, a commune (as the catalogue writes it) or a zone; all None: every SME."""
    sector: str | None
    commune: str | None
    zone: str | None

    def query(self) -> dict:
        """The filters that are set, as a link's query."""
        return {k: v for k, v in (("sector", self.sector), ("commune", self.commune), ("zone", self.zone)) if v}


@dataclass(frozen=True)
class ProgrammeItem:
    """A standard or capability and the SMEs of the scope it would link to open FDI demand."""
    type: str
    id: str
    name: str
    smes: int                   # SMEs it would make eligible for some request
    smes_newly_linked: int      # of them, those eligible for no request now
    fdi_requests: int
    fdi_buyers: int


@dataclass(frozen=True)
class SmeRef:
    id: str
    name: str | None
    commune: str | None
    zone: str | None


@dataclass(frozen=True)
class OneItemAway:
    """An SME eligible for no FDI request now, and the one item that would open the most to it."""
    sme: SmeRef
    item: ItemRef
    requests: int
    buyers: int
    items_one_away: int         # how many single items would open some request


@dataclass(frozen=True)
class ProgrammeView:
    scope: ProgrammeScope
    smes: int
    open_fdi_requests: int
    fdi_buyers: int
    smes_linked_now: int
    smes_one_item_away: int
    items: list[ProgrammeItem]
    shortlist: list[OneItemAway]


class _Masks:
    """Boolean masks over the scope's SMEs, one per value of a set-valued attribute (memoised)."""

    def __init__(self, n: int, sets):
        self.n = n
        self.by_value: dict = {}
        for k, values in enumerate(sets):
            for v in values or ():
                self.by_value.setdefault(v, []).append(k)
        self._masks: dict = {}
        self.none = np.zeros(n, dtype=bool)

    def __getitem__(self, value) -> np.ndarray:
        mask = self._masks.get(value)
        if mask is None:
            mask = np.zeros(self.n, dtype=bool)
            mask[self.by_value.get(value, [])] = True
            self._masks[value] = mask
        return mask

    def any_of(self, values) -> np.ndarray:
        out = self.none
        for v in values:
            if v in self.by_value:
                out = out | self[v]
        return out


def programme_counts(smes: list[dict], requests: list[dict], hierarchy: Hierarchy) -> ProgrammeCounts:
    """Eligibility and one-item-away counts of every SME against every request (see the module)."""
    n = len(smes)
    eligible = np.zeros(n, dtype=bool)
    opened: dict = {}
    buyers: dict = {}
    requests_of: dict = {}
    if not n or not requests:
        return ProgrammeCounts(eligible, [], opened, buyers, requests_of)
    capabilities = _Masks(n, (s["capabilities"] for s in smes))
    standards = _Masks(n, (s["standards"] for s in smes))
    products = _Masks(n, (s.get("products") or () for s in smes))
    sectors = _Masks(n, (s.get("sectors") or () for s in smes))
    held = sorted(capabilities.by_value)
    # unit vectors: within d km of a point means a dot product of at least cos(d / R), one pass per location
    lat = np.radians(np.array([s["latitude"] if s["latitude"] is not None else np.nan for s in smes], dtype=float))
    lon = np.radians(np.array([s["longitude"] if s["longitude"] is not None else np.nan for s in smes], dtype=float))
    located = ~np.isnan(lat)
    ux, uy, uz = (np.nan_to_num(v) for v in (np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))
    closeness: dict = {}
    within: dict = {}

    def in_reach(r) -> np.ndarray:
        """Within the request's distance (an SME or request without a location is not ruled out, as in
        the search)."""
        if r["latitude"] is None or r["longitude"] is None or r["max_distance_km"] is None:
            return np.ones(n, dtype=bool)
        key = (r["latitude"], r["longitude"], r["max_distance_km"])
        if key not in within:
            where = key[:2]
            if where not in closeness:
                r_lat, r_lon = np.radians(where[0]), np.radians(where[1])
                closeness[where] = (ux * (np.cos(r_lat) * np.cos(r_lon)) + uy * (np.cos(r_lat) * np.sin(r_lon))
                                    + uz * np.sin(r_lat))
            within[key] = ~located | (closeness[where] >= np.cos(min(key[2] / EARTH_KM, np.pi)))
        return within[key]

    memo: dict = {}

    def relevant(needed: tuple, buyer_sectors: tuple) -> np.ndarray:
        """Holds a capability of the family of one needed, or shares a sector with the buyer."""
        key = ("relevant", needed, buyer_sectors)
        if key not in memo:
            near = [h for h in held if any(hierarchy.credit(c, h) > 0 or hierarchy.credit(h, c) > 0 for c in needed)]
            memo[key] = capabilities.any_of(near) | sectors.any_of(buyer_sectors)
        return memo[key]

    def capability_ok(needed: tuple, made: tuple) -> np.ndarray:
        """Holds a needed capability at least in its general form, or makes a needed product."""
        key = ("ok", needed, made)
        if key not in memo:
            if not needed:
                memo[key] = np.ones(n, dtype=bool)
            else:
                counts = [h for h in held if any(hierarchy.credit(c, h) >= GENERAL for c in needed)]
                memo[key] = capabilities.any_of(counts) | products.any_of(made)
        return memo[key]

    def related(capability: str) -> np.ndarray:
        """Holds something the capability earns part credit from (a sibling)."""
        key = ("related", capability)
        if key not in memo:
            memo[key] = capabilities.any_of([h for h in held if hierarchy.credit(capability, h) > 0])
        return memo[key]

    def add(item, mask, k, buyer_masks):
        count = opened.get(item)
        if count is None:
            count = opened[item] = np.zeros(n, dtype=np.int32)
            requests_of[item] = []
        count += mask
        requests_of[item].append(k)
        seen = buyer_masks.get(item)
        buyer_masks[item] = mask if seen is None else seen | mask

    def close_buyer(buyer_masks):
        for item, mask in buyer_masks.items():
            if item not in buyers:
                buyers[item] = np.zeros(n, dtype=np.int32)
            buyers[item] += mask
        buyer_masks.clear()

    order = sorted(range(len(requests)), key=lambda k: (requests[k]["buyer"], k))
    buyer_masks: dict = {}
    current = None
    for k in order:
        r = requests[k]
        if r["buyer"] != current:
            close_buyer(buyer_masks)
            current = r["buyer"]
        needed = tuple(sorted(r["capabilities"]))
        reach = in_reach(r) & relevant(needed, tuple(sorted(r.get("buyer_sectors") or ())))
        if not reach.any():
            continue
        ok = capability_ok(needed, tuple(sorted(r["products"])))
        mandatory = sorted(set(r["standards"]))
        have = [standards[x] for x in mandatory]
        all_held = np.logical_and.reduce(have) if have else np.ones(n, dtype=bool)
        eligible |= reach & ok & all_held
        reach_ok = reach & ok
        for j, x in enumerate(mandatory):
            others = np.logical_and.reduce([h for i, h in enumerate(have) if i != j]) if len(have) > 1 else True
            mask = reach_ok & others & ~have[j]
            if mask.any():
                add(("standard", x), mask, k, buyer_masks)
        lacking = reach & ~ok & all_held
        if needed and lacking.any():
            # the needed capability closest to what the SME holds: one it holds a relative of (the first
            # by id), else the first by id
            left = lacking
            for c in needed:
                mask = left & related(c)
                if mask.any():
                    add(("capability", c), mask, k, buyer_masks)
                    left = left & ~mask
            if left.any():
                add(("capability", needed[0]), left, k, buyer_masks)
    close_buyer(buyer_masks)
    items = sorted(opened, key=lambda item: (item[0] == "standard", item[1]))
    return ProgrammeCounts(eligible, items, opened, buyers, {i: sorted(set(v)) for i, v in requests_of.items()})


class ProgrammeService:
    def __init__(self, graph, matching):
        """``matching``: the MatchService, for the capability tree and the catalogue's names."""
        self.repo = ProgrammeRepository(graph)
        self.matching = matching

    def view(self, sector: str | None = None, commune: str | None = None, zone: str | None = None,
             limit: int | None = 100) -> ProgrammeView:
        """The view over the SMEs of the scope (all SMEs when no filter is given); at most ``limit`` items and
        shortlisted SMEs (None: all)."""
        catalogues = self.matching.catalogues
        for label, value in (("Sector", sector), ("Zone", zone)):
            if value is not None and not catalogues.existing(label, [value]):
                raise NotFound(f"no {label.lower()} with id '{value}'; see GET /{label.lower()}s",
                               {label.lower(): [f"no such {label.lower()}"]})
        if commune is not None:
            official = Communes(catalogues.list_communes()).official(commune)
            if official is None:
                raise NotFound(f"no ward or commune '{commune}' in Hanoi; see GET /communes",
                               {"commune": ["not one of Hanoi's wards and communes"]})
            commune = official
        today = date.today()
        smes = self.repo.smes(sector, commune, zone, today)
        requests = self.repo.fdi_demand()
        counts = programme_counts(smes, requests, self.matching.hierarchy())
        names = self.matching.names()
        buyer_of = [r["buyer"] for r in requests]
        items = []
        for item in counts.items:
            reached = counts.opened[item] > 0
            opened = counts.requests[item]
            items.append(ProgrammeItem(
                type=item[0], id=item[1], name=names[item], smes=int(reached.sum()),
                smes_newly_linked=int((reached & ~counts.eligible).sum()), fdi_requests=len(opened),
                fdi_buyers=len({buyer_of[k] for k in opened})))
        items.sort(key=lambda x: (-x.smes_newly_linked, -x.smes, -x.fdi_requests, x.type, x.id))
        shortlist = _shortlist(smes, counts)
        details = self.repo.details([x["sme"] for x in shortlist[:limit]])
        shown = [OneItemAway(sme=SmeRef(**{f: details[x["sme"]].get(f) for f in ("id", "name", "commune", "zone")}),
                             item=ItemRef(x["item"][0], x["item"][1], names[x["item"]]), requests=x["requests"],
                             buyers=x["buyers"], items_one_away=x["items_one_away"])
                 for x in shortlist[:limit]]
        return ProgrammeView(scope=ProgrammeScope(sector, commune, zone), smes=len(smes),
                             open_fdi_requests=len(requests), fdi_buyers=len(set(buyer_of)),
                             smes_linked_now=int(counts.eligible.sum()), smes_one_item_away=len(shortlist),
                             items=items[:limit], shortlist=shown)


def _shortlist(smes: list[dict], counts: ProgrammeCounts) -> list[dict]:
    """SMEs not eligible for any request but one item away from some, most requests first: each with the
    item that opens the most requests (then the most buyers, a standard before a capability, the last id)."""
    if not counts.items:
        return []
    opened = np.vstack([counts.opened[i] for i in counts.items])          # items x SMEs
    buyers = np.vstack([counts.buyers[i] for i in counts.items])
    # counts.items is sorted by (is a standard, id): the row index breaks the remaining ties
    key = (opened.astype(np.int64) * (buyers.max() + 1) + buyers) * len(counts.items) \
        + np.arange(len(counts.items))[:, None]
    best = key.argmax(axis=0)
    away = (opened > 0).sum(axis=0)
    out = [{"sme": smes[k]["id"], "item": counts.items[best[k]], "requests": int(opened[best[k], k]),
            "buyers": int(buyers[best[k], k]), "items_one_away": int(away[k])}
           for k in np.flatnonzero(~counts.eligible & (away > 0))]
    out.sort(key=lambda x: (-x["requests"], -x["buyers"], x["sme"]))
    return out


def csv_name(view: ProgrammeView, part: str) -> str:
    """The download's file name: the part and the scope."""
    scope = view.scope
    return f"programme-{part}-{scope.sector or scope.zone or scope.commune or 'all'}.csv"


ITEMS_COLUMNS = ("type", "id", "name", "smes_newly_linked", "smes", "fdi_requests", "fdi_buyers")
SHORTLIST_COLUMNS = ("sme_id", "sme_name", "commune", "zone", "item_type", "item_id", "item_name", "fdi_requests",
                     "fdi_buyers", "items_one_away")


def csv_rows(view: ProgrammeView, part: str, name=None, kind=None) -> tuple[tuple[str, ...], list[list]]:
    """One part of the view (``items`` or ``shortlist``) as a table: its column keys and its rows; ``name``
    names an item and ``kind`` its type in the reader's language (default: the view's English words)."""
    name = name or (lambda item: item.name)
    kind = kind or (lambda item: item.type)
    if part == "items":
        return ITEMS_COLUMNS, [[kind(x), x.id, name(x), x.smes_newly_linked, x.smes, x.fdi_requests, x.fdi_buyers]
                               for x in view.items]
    return SHORTLIST_COLUMNS, [[x.sme.id, x.sme.name, x.sme.commune or "", x.sme.zone or "", kind(x.item), x.item.id,
                                name(x.item), x.requests, x.buyers, x.items_one_away] for x in view.shortlist]
