"""The candidate pool of a sourcing need, worked out in memory from every firm's offer.

The graph's query for a need's pool (``matchmaker.repositories.matching.candidate_query``): firms holding a
needed capability or product, every hard standard valid today, of an allowed kind, within the distance, not
the buyer; the best ``pool`` of them by the pre-score, ties by element id. It costs Neo4j 15-35 ms of CPU a
need at Hanoi scale. Here the same filters and the same pre-score are applied with numpy, in the same
floating-point order as the Cypher, to every firm's offer (``FirmOffers``) read once: by a rank run of all
open requests, and by each web worker, which keeps it current (``matchmaker.repositories.offers``) for the
search. Tests compare the pools with the query's.
"""
from __future__ import annotations

import bisect

import numpy as np

from .features import PRESCORE_WEIGHTS, PROXIMITY_KM

# Neo4j's WGS-84 distance: a haversine over this radius (CRSCalculator.GeographicCalculator).
NEO4J_EARTH_RADIUS_M = 6378140.0


# A firm's tie-break place is a number: firms in element id order, this far apart at first, so that a firm come
# later takes the midpoint of its neighbours' (and all are numbered again on the rare day no midpoint is left).
_ORDER_GAP = float(2 ** 20)


class FirmOffers:
    """Every firm's offer on one day, as arrays over firm slots: ``ids[k]`` (the firm in slot k), its kind
    (``kinds``: kind -> mask), ``latitude[k]``/``longitude[k]`` (NaN: no location), masks of the holders of each
    capability (``holders``) and the makers of each product (``makers``), ``until[s][k]``: the expiry (yyyymmdd)
    of its certificate for standard s (0: none) and ``valid[s]``: the holders of one valid on ``day``;
    ``order[k]``: its place by element id (the query's tie-break).

    ``put`` and ``drop`` change firms in place (``matchmaker.repositories.offers`` keeps one current this way);
    a dropped firm's slot stays, in no mask. The arrays have room beyond ``len(ids)`` slots, in no mask either.
    Not thread-safe: its keeper locks."""

    def __init__(self, day: int):
        self.day = day
        self.ids: list[str] = []
        self.element_ids: list[str] = []        # per slot
        self.position: dict[str, int] = {}      # a firm's slot by id
        self.kinds: dict[str, np.ndarray] = {}
        self.holders: dict[str, np.ndarray] = {}
        self.makers: dict[str, np.ndarray] = {}
        self.until: dict[str, np.ndarray] = {}
        self.valid: dict[str, np.ndarray] = {}
        self.latitude = np.zeros(0)
        self.longitude = np.zeros(0)
        self.order = np.zeros(0)
        self._elements: list[str] = []          # element ids, sorted
        self._order_of: dict[str, float] = {}   # element id -> place

    @classmethod
    def from_rows(cls, rows, day: int) -> "FirmOffers":
        """``rows``: (id, element id, kind, latitude, longitude, capability ids, certified ids, certified until,
        product codes) per firm, as the graph keeps them (graph_schema/projection.py)."""
        offers = cls(day)
        offers.put(list(rows))
        return offers

    def __len__(self) -> int:
        return len(self.position)

    @property
    def capacity(self) -> int:
        return len(self.latitude)

    # -- changing ------------------------------------------------------------------------------
    def put(self, rows: list) -> None:
        """Add these firms, or replace what is kept of them (rows as ``from_rows`` takes them)."""
        rows = list({row[0]: row for row in rows}.values())     # a firm once, its last row
        slots = []
        new = [row for row in rows if row[0] not in self.position]
        self._grow(len(self.ids) + len(new))
        self._clear([self.position[row[0]] for row in rows if row[0] in self.position])
        for row in rows:
            slot = self.position.get(row[0])
            if slot is None:
                slot = self.position[row[0]] = len(self.ids)
                self.ids.append(row[0])
                self.element_ids.append(row[1])
            else:
                self.element_ids[slot] = row[1]
            slots.append(slot)
        self._place(slots)
        lat, lon = self.latitude, self.longitude
        kinds: dict[str, list[int]] = {}
        holders: dict[str, list[int]] = {}
        makers: dict[str, list[int]] = {}
        until: dict[str, tuple[list[int], list[int]]] = {}
        for slot, (_, _, kind, latitude, longitude, capabilities, certified, expiries, products) in zip(slots, rows):
            kinds.setdefault(kind, []).append(slot)
            lat[slot] = np.nan if latitude is None else latitude
            lon[slot] = np.nan if longitude is None else longitude
            for c in capabilities or ():
                holders.setdefault(c, []).append(slot)
            for p in products or ():
                makers.setdefault(p, []).append(slot)
            for s, expires in zip(certified or (), expiries or ()):
                at, values = until.setdefault(s, ([], []))
                at.append(slot)
                values.append(expires)
        for index, members in ((self.kinds, kinds), (self.holders, holders), (self.makers, makers)):
            for key, at in members.items():
                self._array(index, key, bool)[at] = True
        for s, (at, values) in until.items():
            self._array(self.until, s, np.int32)[at] = values
            self._array(self.valid, s, bool)[at] = np.array(values) >= self.day

    def drop(self, ids) -> None:
        """Forget these firms (those not kept are ignored)."""
        self._clear([self.position.pop(i) for i in ids if i in self.position])

    def on_day(self, day: int) -> None:
        """Count certificates valid on ``day``."""
        if day != self.day:
            self.day = day
            self.valid = {s: expiries >= day for s, expiries in self.until.items()}

    def _clear(self, slots: list[int]) -> None:
        if slots:
            for index in (self.kinds, self.holders, self.makers, self.until, self.valid):
                for array in index.values():
                    array[slots] = 0
            self.latitude[slots] = np.nan
            self.longitude[slots] = np.nan

    def _array(self, index: dict, key: str, dtype) -> np.ndarray:
        array = index.get(key)
        if array is None:
            array = index[key] = np.zeros(self.capacity, dtype=dtype)
        return array

    def _grow(self, slots: int) -> None:
        """Room for this many slots (and some to spare, so that firms added one by one rarely copy)."""
        if slots <= self.capacity:
            return
        capacity = max(slots, self.capacity + self.capacity // 4 + 1024)

        def grown(array: np.ndarray, fill) -> np.ndarray:
            out = np.full(capacity, fill, dtype=array.dtype)
            out[:len(array)] = array
            return out
        for index in (self.kinds, self.holders, self.makers, self.until, self.valid):
            for key in index:
                index[key] = grown(index[key], 0)
        self.latitude, self.longitude = grown(self.latitude, np.nan), grown(self.longitude, np.nan)
        self.order = grown(self.order, 0.0)

    def _place(self, slots: list[int]) -> None:
        """Give the firms in these slots their tie-break places (an element id freed by a deleted firm and given
        to a new one keeps its place: the dropped firm is in no mask)."""
        fresh = list(dict.fromkeys(e for e in (self.element_ids[k] for k in slots) if e not in self._order_of))
        if len(fresh) > len(self._order_of) // 8 or not all(self._insert(e) for e in fresh):
            self._renumber()
        else:
            for k in slots:
                self.order[k] = self._order_of[self.element_ids[k]]

    def _insert(self, element_id: str) -> bool:
        """Place one new element id between its neighbours; False when they are too close to split."""
        at = bisect.bisect_left(self._elements, element_id)
        low = self._order_of[self._elements[at - 1]] if at > 0 else -_ORDER_GAP
        high = (self._order_of[self._elements[at]] if at < len(self._elements)
                else (self._order_of[self._elements[-1]] if self._elements else 0.0) + 2 * _ORDER_GAP)
        middle = (low + high) / 2
        if not low < middle < high:
            return False
        self._elements.insert(at, element_id)
        self._order_of[element_id] = middle
        return True

    def _renumber(self) -> None:
        self._elements = sorted(set(self._order_of).union(self.element_ids))
        self._order_of = {e: k * _ORDER_GAP for k, e in enumerate(self._elements)}
        self.order[:len(self.element_ids)] = [self._order_of[e] for e in self.element_ids]


def neo4j_distance_m(lat1: np.ndarray, lon1: np.ndarray, lat2: float, lon2: float) -> np.ndarray:
    """point.distance of WGS-84 points as Neo4j works it out (NaN where a point has no location)."""
    y1, x1 = np.radians(lat1), np.radians(lon1)
    y2, x2 = np.radians(lat2), np.radians(lon2)
    alpha = np.sin((y2 - y1) / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin((x2 - x1) / 2.0) ** 2
    return NEO4J_EARTH_RADIUS_M * (2.0 * np.arctan2(np.sqrt(alpha), np.sqrt(1 - alpha)))


class NeedsTheGraph(Exception):
    """The need names no capability and no product: only the full-text index of descriptions finds its
    candidates (the graph's query)."""


def pool_of(offers: FirmOffers, need: dict, pool: int) -> tuple[list[tuple[int, float | None]], int]:
    """The best ``pool`` candidates of ``need`` (the keys ``candidate_query`` reads) as (firm index, metres or
    None), best first, and how many passed the hard filters. Raises NeedsTheGraph for a need of words only."""
    if not need["sourcing"] and not need["products"]:
        if not need["needed"] and need["text_query"]:
            raise NeedsTheGraph(need["text_query"])
        return [], 0
    wanted = [offers.holders[c] for c in need["sourcing"] if c in offers.holders]
    wanted += [offers.makers[p] for p in need["products"] if p in offers.makers]
    kinds = [offers.kinds[k] for k in need["kinds"] if k in offers.kinds]
    if not wanted or not kinds:
        return [], 0
    keep = np.logical_or.reduce(wanted) if len(wanted) > 1 else wanted[0].copy()
    keep &= np.logical_or.reduce(kinds) if len(kinds) > 1 else kinds[0]
    for s in need["hard_standards"]:
        held = offers.valid.get(s)
        if held is None:
            return [], 0
        keep &= held
    buyer = offers.position.get(need["buyer"]) if need["buyer"] is not None else None
    if buyer is not None:
        keep[buyer] = False
    firms = np.flatnonzero(keep)
    located = need["latitude"] is not None
    metres = (neo4j_distance_m(offers.latitude[firms], offers.longitude[firms], need["latitude"], need["longitude"])
              if located else np.full(len(firms), np.nan))
    if located and need["max_m"] is not None:
        near = metres <= need["max_m"]          # NaN (no location) is never near, as null in Cypher
        firms, metres = firms[near], metres[near]
    passed = len(firms)
    if not passed:
        return [], 0
    mandatory = need["mandatory"]
    if set(mandatory) <= set(need["hard_standards"]):
        mandatory_score = np.ones(passed)
    else:
        count = np.zeros(passed)
        for s in mandatory:
            held = offers.valid.get(s)
            if held is not None:
                count = count + held[firms]
        mandatory_score = count / len(mandatory)
    needed = need["needed"]
    if needed:
        best = np.zeros((passed, len(needed)))
        for h in need["sourcing"]:
            if h in offers.holders:
                holding = offers.holders[h][firms]
                best[holding] = np.maximum(best[holding], np.array(need["credit_of"][h], dtype=float))
        total = np.zeros(passed)
        for i in range(len(needed)):        # summed in the query's order: the same floating-point result
            total = total + best[:, i]
        capability_score = total / len(needed)
    else:
        capability_score = np.ones(passed)
    w = PRESCORE_WEIGHTS
    proximity = np.where(np.isnan(metres), 0.0, np.exp(-metres / (PROXIMITY_KM * 1000.0)))
    prescore = w["capability"] * capability_score + w["mandatory"] * mandatory_score + w["proximity"] * proximity
    best_first = np.lexsort((offers.order[firms], -prescore))[:pool]
    return [(int(firms[j]), None if np.isnan(metres[j]) else float(metres[j])) for j in best_first], passed
