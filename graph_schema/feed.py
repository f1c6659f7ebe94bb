"""The market's change feed: one node, (:ChangeFeed {name: 'market', epoch, seq}).

Every write of a sourcing request (its fields, needs, status, cutoff), of an enterprise (its profile,
sectors, standing requirements), of a firm as a supplier (its search projection: kind, location,
capabilities, certificates, products; its profile, customers, outcome record) or a deletion of either ends
its transaction with ``STAMP``: the counter goes up by one and the nodes written carry the new value as
``changed`` (of the enterprises, the buyers and any firm that posted a request: an SME's profile is no part
of the market) or ``offer_changed`` (any firm, as a supplier); a deleted one leaves a
(:Removed {key: 'request:<id>' | 'enterprise:<id>', changed}) behind. The counter is written last, so its
lock is held from there to the commit only, and its numbers follow commit order: once a reader sees
``seq`` n, every write numbered up to n is visible, and what changed since it last looked is found by the
indexes on ``changed``. Tombstones older than ``TOMBSTONE_WINDOW`` stamps go (``pruned`` says up to which
number): a reader that last looked before that reads everything again. ``RESET`` (a migration, a
catalogue's sector codes, a graph restored) gives the feed a new epoch: whoever keeps a copy
(matchmaker.repositories.market) reads everything again.
"""
from __future__ import annotations

from .model import BUYER_KINDS

TOMBSTONE_WINDOW = 10_000

STAMP = f"""
MERGE (f:ChangeFeed {{name: 'market'}})
ON CREATE SET f.epoch = randomUUID(), f.seq = 0
SET f.seq = f.seq + 1
SET f.pruned = CASE WHEN f.seq > {TOMBSTONE_WINDOW} THEN f.seq - {TOMBSTONE_WINDOW} ELSE 0 END
WITH f.seq AS seq, f.pruned AS pruned
CALL (seq) {{ UNWIND $requests AS id MATCH (r:SourcingRequest {{id: id}}) SET r.changed = seq }}
CALL (seq) {{
    UNWIND $enterprises AS id MATCH (e:Enterprise {{id: id}})
    WITH e, seq WHERE e.kind IN {list(BUYER_KINDS)!r} OR EXISTS {{ (e)-[:POSTED]->() }}
    SET e.changed = seq
}}
CALL (seq) {{ UNWIND $offers AS id MATCH (e:Enterprise {{id: id}}) SET e.offer_changed = seq }}
CALL (seq) {{ UNWIND $removed AS key MERGE (g:Removed {{key: key}}) SET g.changed = seq }}
CALL (pruned) {{ MATCH (g:Removed) WHERE g.changed <= pruned DELETE g }}
RETURN seq"""

# Where the feed stands: what a keeper reads first.
FEED = ("OPTIONAL MATCH (f:ChangeFeed {name: 'market'}) "
        "RETURN f.epoch AS epoch, f.seq AS seq, coalesce(f.pruned, 0) AS pruned")

RESET = ("MERGE (f:ChangeFeed {name: 'market'}) ON CREATE SET f.seq = 0 "
         "SET f.epoch = randomUUID(), f.seq = f.seq + 1")

# A bulk load (the first seed of an empty graph) writes firms without the projection or the stamps and makes
# both whole at its end (matchmaker.repositories.enterprises ``begin_load``/``end_load``); ``bulk_load`` on the
# feed's node says one began and has not ended, so that a load stopped halfway is finished the same way.
BULK_LOAD_BEGIN = """
MERGE (f:ChangeFeed {name: 'market'})
ON CREATE SET f.epoch = randomUUID(), f.seq = 0
WITH f, coalesce(f.bulk_load, false) OR NOT EXISTS { MATCH (:Enterprise) } AS bulk
FOREACH (_ IN CASE WHEN bulk THEN [1] ELSE [] END | SET f.bulk_load = true)
RETURN bulk"""
BULK_LOAD_END = "MATCH (f:ChangeFeed {name: 'market'}) REMOVE f.bulk_load"

SCHEMA = (
    "CREATE CONSTRAINT change_feed_name IF NOT EXISTS FOR (f:ChangeFeed) REQUIRE f.name IS UNIQUE",
    "CREATE CONSTRAINT removed_key IF NOT EXISTS FOR (g:Removed) REQUIRE g.key IS UNIQUE",
    "CREATE INDEX removed_changed IF NOT EXISTS FOR (g:Removed) ON (g.changed)",
    "CREATE INDEX sourcing_request_changed IF NOT EXISTS FOR (r:SourcingRequest) ON (r.changed)",
    "CREATE INDEX enterprise_changed IF NOT EXISTS FOR (e:Enterprise) ON (e.changed)",
)
# Firms whose offer (graph_schema/projection.py) or what a search reads of them as suppliers (profile, customers
# and their kind and sectors, outcome record) changed carry the stamp as ``offer_changed``: what the search's
# keep (matchmaker.repositories.offers) reads again.
OFFER_SCHEMA = ("CREATE INDEX enterprise_offer_changed IF NOT EXISTS FOR (e:Enterprise) ON (e.offer_changed)",)
