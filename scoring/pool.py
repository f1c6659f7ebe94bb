"""The candidate pool of a sourcing need, worked out in memory from every firm's offer.

The buyers' search asks Neo4j for each need's pool (``matchmaker.repositories.matching.candidate_query``):
firms holding a needed capability or product, every hard standard valid today, of an allowed kind, within
the distance, not the buyer; the best ``pool`` of them by the pre-score, ties by element id. Ranking every
open request (tens of thousands) that way costs ~15 ms of database CPU each. A rank run instead reads each
firm's offer once (``FirmOffers``, a few seconds at Hanoi scale) and applies the same filters and the same
pre-score here, with numpy, in the same floating-point order as the Cypher; tests compare the two pools.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import PRESCORE_WEIGHTS, PROXIMITY_KM

# Neo4j's WGS-84 distance: a haversine over this radius (CRSCalculator.GeographicCalculator).
NEO4J_EARTH_RADIUS_M = 6378140.0


@dataclass
class FirmOffers:
    """Every firm's offer on one day: ``ids[k]`` of kind ``kinds[k]``, at ``latitude[k]``/``longitude[k]``
    (NaN: no location); masks over the firms of the holders of each capability, the makers of each product,
    and (``valid[s]``) the holders of a certificate for standard s valid that day; ``order[k]``: the firm's
    place by element id (the query's tie-break)."""
    ids: list[str]
    kinds: dict[str, np.ndarray]    # kind -> mask
    latitude: np.ndarray
    longitude: np.ndarray
    holders: dict[str, np.ndarray]
    makers: dict[str, np.ndarray]
    valid: dict[str, np.ndarray]
    order: np.ndarray
    day: int                    # the day (yyyymmdd) ``valid`` was worked out for
    position: dict[str, int]    # a firm's index by id

    @classmethod
    def from_rows(cls, rows, day: int) -> "FirmOffers":
        """``rows``: (id, element id, kind, latitude, longitude, capability ids, certified ids, certified until,
        product codes) per firm, as the graph keeps them (graph_schema/projection.py)."""
        ids, element_ids, lat, lon = [], [], [], []
        kinds: dict[str, list[int]] = {}
        holders: dict[str, list[int]] = {}
        makers: dict[str, list[int]] = {}
        valid: dict[str, list[int]] = {}
        for k, (firm, element_id, kind, latitude, longitude, capabilities, certified, until, products) in enumerate(rows):
            ids.append(firm)
            element_ids.append(element_id)
            kinds.setdefault(kind, []).append(k)
            lat.append(np.nan if latitude is None else latitude)
            lon.append(np.nan if longitude is None else longitude)
            for c in capabilities or ():
                holders.setdefault(c, []).append(k)
            for p in products or ():
                makers.setdefault(p, []).append(k)
            for s, expires in zip(certified or (), until or ()):
                if expires >= day:
                    valid.setdefault(s, []).append(k)
        n = len(ids)
        order = np.empty(n, dtype=np.int64)
        order[np.array(sorted(range(n), key=element_ids.__getitem__), dtype=np.int64)] = np.arange(n)

        def masks(index: dict[str, list[int]]) -> dict[str, np.ndarray]:
            out = {}
            for key, members in index.items():
                mask = np.zeros(n, dtype=bool)
                mask[members] = True
                out[key] = mask
            return out
        return cls(ids=ids, kinds=masks(kinds), latitude=np.array(lat, dtype=float),
                   longitude=np.array(lon, dtype=float), holders=masks(holders), makers=masks(makers),
                   valid=masks(valid), order=order, day=day, position={firm: k for k, firm in enumerate(ids)})

    def __len__(self) -> int:
        return len(self.ids)


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
