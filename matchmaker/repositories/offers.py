"""Every firm's offer kept in this process, current with the graph's change feed (graph_schema/feed.py), so that
a search works its pool out in memory (``scoring.pool``) and asks the graph only for the pooled firms.

The graph's candidate query costs Neo4j ~35 ms of CPU at Hanoi scale (more where many firms pass the filters);
the same pool from the kept offers costs ~1.5 ms here, and reading the 300 pooled firms by id ~12 ms there.
The keep reads every firm once (223,580 in ~5 s: a web worker's warm-up), then, before each pool, only the
firms whose offer was stamped since it last looked.
"""
from __future__ import annotations

import threading

from graph_schema.feed import FEED
from scoring.pool import FirmOffers, pool_of

_OFFER = ("e.id, elementId(e), e.kind, e.location.latitude, e.location.longitude, e.capability_ids, "
          "e.certified_ids, e.certified_until, e.product_codes")


class OfferKeep:
    """Every firm's offer (``FirmOffers``) as of the feed's ``seq`` last read."""

    def __init__(self):
        self._lock = threading.Lock()
        self.epoch: str | None = None
        self.seq = -1
        self.offers: FirmOffers | None = None

    def pool(self, tx, need: dict, pool: int, day: int) -> tuple[list[tuple[str, float | None]], int]:
        """The pool of ``need`` (``scoring.pool.pool_of``) from the offers as they stand (brought up to the feed
        in read transaction ``tx``) on ``day`` (yyyymmdd): (firm id, metres or None), best first, and how many
        passed the hard filters. Raises ``scoring.pool.NeedsTheGraph`` for a need of words only."""
        with self._lock:
            offers = self._sync(tx, day)
            pooled, passed = pool_of(offers, need, pool)
            return [(offers.ids[k], metres) for k, metres in pooled], passed

    def sync(self, tx, day: int) -> int:
        """Bring the keep up to the feed; how many firms it holds."""
        with self._lock:
            return len(self._sync(tx, day))

    def _sync(self, tx, day: int) -> FirmOffers:
        feed = tx.run(FEED).single()
        epoch, seq = feed["epoch"], feed["seq"]
        # no feed, another epoch, a counter gone back (a graph restored) or the deletions since gone
        if (self.offers is None or epoch is None or epoch != self.epoch or seq < self.seq
                or feed["pruned"] > self.seq):
            # one row of lists: the driver turns 223,580 records into Python ~1.5 times slower
            self.offers = FirmOffers.from_rows(tx.run(f"MATCH (e:Enterprise) RETURN collect([{_OFFER}])").single()[0], day)
        elif seq != self.seq:
            self.offers.drop(key.partition(":")[2] for key in tx.run(
                "MATCH (g:Removed) WHERE g.changed > $since AND g.key STARTS WITH 'enterprise:' RETURN g.key",
                since=self.seq).value())
            self.offers.put(tx.run(f"MATCH (e:Enterprise) WHERE e.offer_changed > $since RETURN collect([{_OFFER}])",
                                   since=self.seq).single()[0])
        self.offers.on_day(day)
        self.epoch, self.seq = epoch, seq if seq is not None else -1
        return self.offers


_KEEPS_LOCK = threading.Lock()


def offers_of(graph) -> OfferKeep:
    """The keep of this graph's firm offers, living and dying with its connection (one per process and server)."""
    with _KEEPS_LOCK:
        keep = graph.keeps.get("firm offers")
        if keep is None:
            keep = graph.keeps["firm offers"] = OfferKeep()
        return keep
