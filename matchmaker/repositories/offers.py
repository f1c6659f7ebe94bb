"""Every firm's offer kept in this process, current with the graph's change feed (graph_schema/feed.py), so that
a search works its pool out in memory (``scoring.pool``), and the firms it pooled lately as the search reads
them, so that it asks the graph only for the pooled firms it does not hold.

The graph's candidate query costs Neo4j ~35 ms of CPU at Hanoi scale (more where many firms pass the filters);
the same pool from the kept offers costs ~2 ms here, and reading the 300 pooled firms by id ~12 ms there (and
~7 ms here to decode them). The keep reads every firm's offer once (223,580 in ~5 s: a web worker's warm-up),
then, before each pool, only the firms stamped since it last looked: their offer, or what the search reads of
them (profile, customers, outcome record), changed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from graph_schema.feed import FEED
from scoring.pool import FirmOffers, pool_of

# Firms kept as the search reads them, the least lately pooled dropped first: ~3 KB each, ~90 MB a worker at
# most (the offers themselves: ~140 MB at Hanoi scale).
SUPPLIERS_KEPT = 30_000

_OFFER = ("e.id, elementId(e), e.kind, e.location.latitude, e.location.longitude, e.capability_ids, "
          "e.certified_ids, e.certified_until, e.product_codes")


class OfferKeep:
    """Every firm's offer (``FirmOffers``) as of the feed's ``seq`` last read, and firms as the search reads
    them (``MatchRepository``'s supplier projection) on the offers' day."""

    def __init__(self):
        self._lock = threading.Lock()
        self.epoch: str | None = None
        self.seq = -1
        self.offers: FirmOffers | None = None
        self._suppliers: OrderedDict[str, dict] = OrderedDict()
        self._changed_at: dict[str, int] = {}      # the feed's seq when a firm was last seen changed

    def pool(self, tx, need: dict, pool: int, day: int) -> tuple[list[tuple[str, float | None]], int, int]:
        """The pool of ``need`` (``scoring.pool.pool_of``) from the offers as they stand (brought up to the feed
        in read transaction ``tx``) on ``day`` (yyyymmdd): (firm id, metres or None), best first, how many
        passed the hard filters, and the feed's seq it stood at. Raises ``scoring.pool.NeedsTheGraph`` for a
        need of words only."""
        with self._lock:
            offers = self._sync(tx, day)
            pooled, passed = pool_of(offers, need, pool)
            return [(offers.ids[k], metres) for k, metres in pooled], passed, self.seq

    def suppliers(self, ids: list[str]) -> dict[str, dict]:
        """Those of these firms kept as the search reads them."""
        with self._lock:
            out = {}
            for i in ids:
                supplier = self._suppliers.get(i)
                if supplier is not None:
                    self._suppliers.move_to_end(i)
                    out[i] = supplier
            return out

    def keep_suppliers(self, read: dict[str, dict], seq: int, day: int) -> None:
        """Keep firms read as the search reads them on ``day``, in a transaction that found the feed at ``seq``
        (``pool``): not one stamped since, which that read may have seen as it was."""
        with self._lock:
            if self.offers is None or day != self.offers.day:
                return
            for i, supplier in read.items():
                if self._changed_at.get(i, -1) <= seq:
                    self._suppliers[i] = supplier
                    self._suppliers.move_to_end(i)
            while len(self._suppliers) > SUPPLIERS_KEPT:
                self._suppliers.popitem(last=False)

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
            self._suppliers.clear()
            self._changed_at.clear()
        elif seq != self.seq:
            removed = [key.partition(":")[2] for key in tx.run(
                "MATCH (g:Removed) WHERE g.changed > $since AND g.key STARTS WITH 'enterprise:' RETURN g.key",
                since=self.seq).value()]
            changed = tx.run(f"MATCH (e:Enterprise) WHERE e.offer_changed > $since RETURN collect([{_OFFER}])",
                             since=self.seq).single()[0]
            self.offers.drop(removed)
            self.offers.put(changed)
            for i in [*removed, *(row[0] for row in changed)]:
                self._changed_at[i] = seq
                self._suppliers.pop(i, None)
        if day != self.offers.day:
            self.offers.on_day(day)
            self._suppliers.clear()     # certificates valid and outcomes counted are those before the day
        self.epoch, self.seq = epoch, seq if seq is not None else -1
        return self.offers


def offers_of(graph) -> OfferKeep:
    """The keep of this graph's firm offers (one per process and server)."""
    return graph.keep("firm offers", OfferKeep)
