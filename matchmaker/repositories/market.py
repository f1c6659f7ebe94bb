"""The open market kept in this process: every open request, what it asks and its buyer, kept current by the
graph's change feed (graph_schema/feed.py), so that a readiness report finds the requests in an SME's reach
without reading them.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from graph_schema.feed import FEED, RESET, STAMP
from scoring.features import buyer_asks, request_asks
from scoring.pool import neo4j_distance_m

from .matching import BUYER_PROFILE, REQUEST_NEEDS


def stamp(tx, requests=(), enterprises=(), removed_requests=(), removed_enterprises=(), offers=()) -> None:
    """Count a change of these requests, enterprises and firms' offers (by id) on the feed: the last statement
    of the transaction that wrote them (nothing when none is given)."""
    if not (requests or enterprises or removed_requests or removed_enterprises or offers):
        return
    tx.run(STAMP, requests=sorted(set(requests)), enterprises=sorted(set(enterprises)), offers=sorted(set(offers)),
           removed=sorted({f"request:{i}" for i in removed_requests} |
                          {f"enterprise:{i}" for i in removed_enterprises})).consume()


def reset(tx) -> None:
    """Make every keeper read the whole market again (a change no stamp names: a migration, sector codes,
    a graph restored): a new epoch."""
    tx.run(RESET).consume()


# What a request r posted by b asks, as kept.
_REQUEST = f"""r {{.id, .title, .text, .monthly_volume, .max_distance_km, .status, .cutoff_score, .cutoff_model,
    latitude: r.location.latitude, longitude: r.location.longitude, buyer: b.id,
    {REQUEST_NEEDS}}}"""
# What a buyer b is, as kept.
_BUYER = f"b {{.id, .name, .kind, profile: b {{{BUYER_PROFILE}}}, sectors: [(b)-[:IN_SECTOR]->(s) | s.id]}}"


@dataclass(frozen=True)
class _Index:
    """The kept requests whose buyer is kept, in id order, as arrays (NaN: none) and row positions by the
    capabilities they need and by their buyers' sectors."""
    ids: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    max_km: np.ndarray
    by_capability: dict[str, np.ndarray]
    by_sector: dict[str, np.ndarray]


class OpenMarket:
    """The open requests of one graph and their buyers, as of the feed's ``seq`` last read."""

    def __init__(self):
        self._lock = threading.Lock()
        self.epoch: str | None = None
        self.seq = -1
        self.requests: dict[str, dict] = {}        # open requests by id
        self.buyers: dict[str, dict] = {}          # the firms that posted them, by id
        self._by_buyer: dict[str, set[str]] = {}
        self._index: _Index | None = None          # built again on the first read after a change

    # -- keeping current -----------------------------------------------------------------------
    def sync(self, tx) -> int:
        """Bring the keep up to the feed (in read transaction ``tx``); how many requests it holds."""
        with self._lock:
            feed = tx.run(FEED).single()
            epoch, seq = feed["epoch"], feed["seq"]
            # no feed, another epoch, a counter gone back (a graph restored) or the deletions since gone
            if epoch is None or epoch != self.epoch or seq < self.seq or feed["pruned"] > self.seq:
                self._load_all(tx)
            elif seq != self.seq:
                self._apply_changes(tx, self.seq)
            self.epoch, self.seq = epoch, seq if seq is not None else -1
            return len(self.requests)

    def _load_all(self, tx) -> None:
        self.requests, self.buyers, self._by_buyer, self._index = {}, {}, {}, None
        for r in tx.run(f"MATCH (b:Enterprise)-[:POSTED]->(r:SourcingRequest {{status: 'open'}}) "
                        f"RETURN {_REQUEST} AS r").value():
            self._put_request(r)
        self._put_buyers(tx, sorted(self._by_buyer))

    def _apply_changes(self, tx, since: int) -> None:
        """Apply what changed since ``since``. The index is built again only when a request came or went, or
        where one is, what it needs, who posted it or its buyer's sectors changed: not for a new cutoff or a
        buyer's new name (``near`` reads those by id)."""
        moved = False
        for key in tx.run("MATCH (g:Removed) WHERE g.changed > $since RETURN g.key AS key", since=since).value():
            kind, _, i = key.partition(":")
            if kind == "request":
                moved |= self._drop_request(i) is not None
            else:       # a deleted firm's requests went with it
                moved |= self.buyers.pop(i, None) is not None
                for r in list(self._by_buyer.get(i, ())):
                    moved |= self._drop_request(r) is not None
        for r in tx.run(f"MATCH (r:SourcingRequest) WHERE r.changed > $since "
                        f"OPTIONAL MATCH (b:Enterprise)-[:POSTED]->(r) RETURN {_REQUEST} AS r", since=since).value():
            old = self._drop_request(r["id"])
            if r["status"] == "open" and r["buyer"] is not None:
                self._put_request(r)
                moved |= old is None or _where(old) != _where(r)
            else:
                moved |= old is not None
        changed = tx.run("MATCH (e:Enterprise) WHERE e.changed > $since RETURN e.id AS id", since=since).value()
        # read (again) a kept buyer written since, and the poster of a request come now that is not kept yet
        moved |= self._put_buyers(tx, sorted(set(changed) & self.buyers.keys()
                                             | {b for b, ids in self._by_buyer.items() if ids and b not in self.buyers}))
        if moved:
            self._index = None

    def _put_request(self, r: dict) -> None:
        del r["status"]
        r["asks"] = request_asks(r)
        self.requests[r["id"]] = r
        self._by_buyer.setdefault(r["buyer"], set()).add(r["id"])

    def _drop_request(self, request_id: str) -> dict | None:
        """Drop a request from the keep; what was kept of it (None: nothing)."""
        r = self.requests.pop(request_id, None)
        if r is not None:
            self._by_buyer[r["buyer"]].discard(request_id)
        return r

    def _put_buyers(self, tx, ids: list[str]) -> bool:
        """Read these buyers into the keep; whether one came or its sectors changed."""
        moved = False
        for b in tx.run(f"UNWIND $ids AS id MATCH (b:Enterprise {{id: id}}) RETURN {_BUYER} AS b", ids=ids).value():
            old = self.buyers.get(b["id"])
            moved |= old is None or sorted(old["sectors"]) != sorted(b["sectors"])
            b["asks"] = buyer_asks(b["profile"])
            self.buyers[b["id"]] = b
        return moved

    def _built(self) -> _Index:
        if self._index is None:
            ids = sorted(i for i, r in self.requests.items() if r["buyer"] in self.buyers)
            rows = [self.requests[i] for i in ids]
            by_capability: dict[str, list[int]] = {}
            by_sector: dict[str, list[int]] = {}
            for k, r in enumerate(rows):
                for c in set(r["capabilities"]):
                    by_capability.setdefault(c, []).append(k)
                for s in set(self.buyers[r["buyer"]]["sectors"]):
                    by_sector.setdefault(s, []).append(k)

            def column(key: str) -> np.ndarray:
                return np.array([np.nan if r[key] is None else r[key] for r in rows], dtype=float)
            self._index = _Index(ids, column("latitude"), column("longitude"), column("max_distance_km"),
                                 {c: np.array(ks) for c, ks in by_capability.items()},
                                 {s: np.array(ks) for s, ks in by_sector.items()})
        return self._index

    # -- reading -------------------------------------------------------------------------------
    def near(self, relevant: list[str], sectors: list[str], latitude, longitude) -> list[dict]:
        """Open requests needing one of the ``relevant`` capabilities or posted by a firm of one of the
        ``sectors``, within the request's own maximum distance of the point (Neo4j's formula; numpy's sine may
        differ from Java's in the last bit); by id, each with its buyer's name, kind, profile and sectors, and
        ``distance_km`` (None when either has no location)."""
        with self._lock:
            index = self._built()
            chosen = np.zeros(len(index.ids), dtype=bool)
            for key, rows in [*((c, index.by_capability) for c in relevant), *((s, index.by_sector) for s in sectors)]:
                if key in rows:
                    chosen[rows[key]] = True
            ks = np.flatnonzero(chosen)
            if latitude is None:
                km = np.full(len(ks), np.nan)
            else:
                km = neo4j_distance_m(index.latitude[ks], index.longitude[ks], latitude, longitude) / 1000.0
            limit = index.max_km[ks]
            within = np.isnan(km) | np.isnan(limit) | (km <= limit)
            out = []
            for k, d in zip(ks[within].tolist(), km[within].tolist()):
                r = self.requests[index.ids[k]]
                b = self.buyers[r["buyer"]]
                out.append({**r, "distance_km": None if d != d else d, "buyer_name": b["name"],
                            "buyer_kind": b["kind"], "buyer_profile": b["profile"], "buyer_asks": b["asks"],
                            "buyer_sectors": b["sectors"]})
            return out


def _where(r: dict) -> tuple:
    """What of a request the index is built from."""
    return r["latitude"], r["longitude"], r["max_distance_km"], sorted(r["capabilities"]), r["buyer"]


def market_of(graph) -> OpenMarket:
    """The keep of this graph's open market (one per process and server)."""
    return graph.keep("open market", OpenMarket)
