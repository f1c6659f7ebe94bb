"""Candidate suppliers for a sourcing need, found through indexes, and their pair-feature inputs."""
from __future__ import annotations

from collections import Counter
from datetime import date

from graph_schema.projection import day_number, offer_query
from scoring.features import HISTORY_LIMIT, PRESCORE_WEIGHTS, PROXIMITY_KM, buyer_ties
from scoring.pool import FirmOffers, NeedsTheGraph, pool_of

from .offers import offers_of

# Candidates are firms holding any needed capability or product, every mandatory standard (when the filter
# is on), of an allowed kind and near enough: one query of the full-text index over each firm's projection
# (graph_schema/projection.py), so the firms checked exactly are about as many as pass, never all the
# holders of a popular capability. Words only add to the score, except for a need that names no capability
# and no product: then the full-text index over descriptions (never names) finds them. A search works the
# same pool out from its worker's keep of every firm's offer (``MatchRepository.candidates``); this query
# answers needs of words only, rank runs through the graph, and is what the keep is checked against.
_OFFERS = "CALL db.index.fulltext.queryNodes('enterprise_offer', $offer_query) YIELD node RETURN node AS e"
_WORDS = ("CALL db.index.fulltext.queryNodes('enterprise_description', $text_query, {limit: 200}) YIELD node "
          "WITH node AS e WHERE (e:SME AND 'sme' IN $kinds) OR (e:LargeEnterprise AND 'large' IN $kinds) "
          "OR (e:FDIFirm AND 'fdi' IN $kinds) RETURN e")

# A standard s held by firm e (projection lists ``certified`` and ``until``) with a certificate valid today.
_HOLDS_VALID = "any(i IN range(0, size(certified) - 1) WHERE certified[i] = s AND until[i] >= $today_number)"

_VALID = "x.expires IS NULL OR x.expires >= date($today)"

# A buyer's answered contacts (for ``scoring.features.BuyerHistory``), latest first: the supplier's traits
# as the features name them (capabilities, standards valid today, products).
BUYER_HISTORY = f"""COLLECT {{
    MATCH (b)<-[:BUYER]-(o:MatchOutcome)-[:SUPPLIER]->(s:Enterprise) WHERE o.label IS NOT NULL
    RETURN {{supplier: s.id, label: o.label, on: toString(o.occurred_on),
             traits: [(s)-[:HAS_CAPABILITY]->(c) | 'c:' + c.id]
                   + [(s)-[x:CERTIFIED]->(t) WHERE x.expires IS NULL OR x.expires >= date() | 's:' + t.id]
                   + [(s)-[:MAKES]->(p) | 'p:' + p.hs]}}
    ORDER BY o.occurred_on DESC LIMIT {HISTORY_LIMIT} }}"""


# What the features read of a buyer ``b`` (``scoring.features.BUYER_PROFILE``), as map entries: its sector's
# ISIC code (the lowest, should it have several) and the standards it requires of every supplier. Its own
# variables (bs, br, bt) stay clear of the queries it is placed in.
BUYER_PROFILE = """kind: b.kind, home_country: b.home_country, employees: b.employees,
    sector_isic: COLLECT { MATCH (b)-[:IN_SECTOR]->(bs:Sector) RETURN bs.isic ORDER BY bs.isic LIMIT 1 }[0],
    standing: COLLECT { MATCH (b)-[br:REQUIRES]->(bt:Standard) WHERE br.mandatory RETURN bt.id ORDER BY bt.id }"""

# What a sourcing request ``r`` needs, as map entries: capability ids, HS codes, standards (id, mandatory).
REQUEST_NEEDS = """capabilities: [(r)-[:NEEDS]->(c:Capability) | c.id],
    products: [(r)-[:NEEDS]->(p:Product) | p.hs],
    standards: [(r)-[n:NEEDS]->(s:Standard) | {id: s.id, mandatory: n.mandatory}]"""

# What a supplier's ties to a buyer ``b`` are counted from (``scoring.features.buyer_ties``), as a map entry:
# each firm its suppliers supply (not ``b`` itself), once per supplier that does (counted in ``buyer_context``).
BUYER_REACH = "reach: [(b)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->(bx) WHERE bx <> b | bx.id]"


def candidate_query(need: dict, pool: int, today: date, projected: bool = True) -> tuple[str, dict] | None:
    """The Cypher and parameters of the best ``pool`` candidates by a cheap pre-score (None: no source):
    one row of passed (how many passed the hard filters) and suppliers, a list of [metres, e] (e: what the
    features need of the supplier but its ties to the buyer, ``_supplier_projection``), or of [metres, id]
    unless ``projected``; no row when none passed. (One row of lists: the driver turns 300 rows of maps
    into records in Python, about three times slower than the same maps in one list.)

    ``need`` keys: buyer, sectors and reach (the buyer's, for the ties: ``buyer_context``), sourcing
    (capability ids whose holders are candidates), credit_of ({held: [credit for each needed capability]}
    for each sourcing id), needed (capability ids), products, text_query (brings candidates in only when
    needed and products are both empty; otherwise words only add to the score), mandatory (standard ids),
    hard_standards, latitude, longitude, max_m (None for no distance filter), kinds.
    """
    words_only = not need["needed"] and not need["products"]
    located = need["latitude"] is not None
    offers = offer_query(need["sourcing"], need["products"], need["hard_standards"], need["kinds"],
                         need["latitude"], need["longitude"], need["max_m"] if located else None)
    if offers:
        source = _OFFERS
    elif words_only and need["text_query"]:
        source = _WORDS
    else:
        return None
    distance = ("point.distance(e.location, point({latitude: $latitude, longitude: $longitude}))"
                if located else "null")
    within = "WHERE metres <= $max_m" if located and need["max_m"] is not None else ""
    # With the mandatory filter on, every survivor holds them all: no need to count again.
    counted = not set(need["mandatory"]) <= set(need["hard_standards"])
    mandatory_score = (f"toFloat(size([s IN $mandatory WHERE {_HOLDS_VALID}])) / size($mandatory)"
                       if counted else "1.0")
    # The index knows which standards a firm holds, not until when: validity today is checked here.
    certificates = ("WITH e, metres, coalesce(e.certified_ids, []) AS certified, e.certified_until AS until "
                    f"WHERE all(s IN $hard_standards WHERE {_HOLDS_VALID})"
                    if need["hard_standards"] or counted else "")
    held = "[c IN coalesce(e.capability_ids, []) WHERE c IN $sourcing]" if need["needed"] else "[]"
    query = f"""
        OPTIONAL MATCH (buyer:Enterprise {{id: $buyer}})
        CALL () {{ {source} }}
        WITH e WHERE buyer IS NULL OR e <> buyer
        WITH e, {distance} AS metres {within}
        {certificates}
        WITH e, metres, {held} AS held, {mandatory_score} AS mandatory_score
        WITH e, metres, mandatory_score,
             CASE WHEN size($needed) = 0 THEN 1.0 ELSE
               reduce(total = 0.0, i IN range(0, size($needed) - 1) | total +
                 reduce(best = 0.0, h IN held | CASE WHEN $credit_of[h][i] > best THEN $credit_of[h][i] ELSE best END))
               / size($needed)
             END AS capability_score
        WITH e, metres, $weights.capability * capability_score + $weights.mandatory * mandatory_score
             + $weights.proximity * CASE WHEN metres IS NULL THEN 0.0 ELSE exp(-metres / $decay_m) END
             AS prescore
        ORDER BY prescore DESC, elementId(e)
        WITH collect([e, metres])[..$pool] AS pool, count(*) AS passed
        {_POOL_PROJECTED if projected else _POOL_IDS}
    """
    params = {"today": today.isoformat(), "today_number": day_number(today), "pool": pool,
              "offer_query": offers, "weights": PRESCORE_WEIGHTS, "decay_m": PROXIMITY_KM * 1000.0,
              **{k: need[k] for k in ("buyer", "sourcing", "credit_of", "needed", "text_query", "mandatory",
                                      "hard_standards", "latitude", "longitude", "max_m", "kinds")}}
    return query, params


class MatchRepository:
    def __init__(self, graph):
        self.graph = graph

    def capability_tree(self) -> dict[str, str | None]:
        return self.graph.read(lambda tx: {r["id"]: r["parent"] for r in tx.run(
            "MATCH (c:Capability) RETURN c.id AS id, head([(c)-[:PART_OF]->(p) | p.id]) AS parent")})

    def buyer_context(self, buyer_id: str) -> dict | None:
        """What the features need of a buyer: profile, plant, sectors, requirements, its history, and its
        reach ({firm id: how many of its suppliers supply it}, for the ties of ``scoring.features.buyer_ties``)."""
        def work(tx):
            record = tx.run(
                f"MATCH (b:Enterprise {{id: $id}}) RETURN b {{.id, .name, {BUYER_PROFILE}, "
                "latitude: b.location.latitude, longitude: b.location.longitude, "
                "sectors: [(b)-[:IN_SECTOR]->(s) | s.id], "
                "requirements: [(b)-[r:REQUIRES]->(s:Standard) | {id: s.id, mandatory: r.mandatory}], "
                f"history: {BUYER_HISTORY}, {BUYER_REACH}}} AS b",
                id=buyer_id).single()
            return {**record["b"], "reach": Counter(record["b"]["reach"])} if record else None
        return self.graph.read(work)

    def buyer_needs(self, buyer_id: str) -> list[str]:
        """The capabilities a buyer looks for: those its open requests need, else those its sectors use."""
        return self.graph.read(lambda tx: tx.run("""
            MATCH (b:Enterprise {id: $id})
            WITH b, COLLECT { MATCH (b)-[:POSTED]->(:SourcingRequest {status: 'open'})-[:NEEDS]->(c:Capability)
                              RETURN DISTINCT c.id AS id ORDER BY id } AS asked
            RETURN CASE WHEN size(asked) > 0 THEN asked
                   ELSE COLLECT { MATCH (b)-[:IN_SECTOR]->(:Sector)-[:USES]->(c:Capability)
                                  RETURN DISTINCT c.id AS id ORDER BY id } END AS needs""",
            id=buyer_id).single()["needs"]) if buyer_id else []

    def buyer_histories(self, buyer_ids: list[str]) -> dict[str, list[dict]]:
        """The history (as in ``buyer_context``) of each of these buyers."""
        return self.graph.read(lambda tx: dict(tx.run(
            f"UNWIND $ids AS id MATCH (b:Enterprise {{id: id}}) RETURN collect([b.id, {BUYER_HISTORY}]) AS histories",
            ids=sorted(set(buyer_ids))).single()["histories"]))

    def candidates(self, need: dict, pool: int, today: date, known: dict[str, dict] | None = None,
                   offers: FirmOffers | None = None) -> tuple[list[dict], int]:
        """The best ``pool`` candidates by a cheap pre-score, with everything the features need, and how
        many passed the hard filters before pooling (see ``candidate_query``).

        The pool is worked out from this process's keep of every firm's offer (``offers_of``), and only the
        pooled firms are read; a need of words only asks the graph's query.

        ``known``: suppliers already read today ({id: what ``_supplier_projection`` gives}), for many
        requests ranked in a row: only the suppliers not known yet are read (and added to it), and the pool
        is the graph's query unless ``offers`` (every firm's offer read once for such a run) is given."""
        if known is None and offers is None:
            found = self.graph.read(lambda tx: self._kept_pool(tx, need, pool, today))
            if found is not None:
                return self._as_candidates(need, found[0]), found[1]
        elif offers is not None:
            try:
                pooled, passed = pool_of(offers, need, pool)
            except NeedsTheGraph:
                pass
            else:
                found = [(offers.ids[k], metres) for k, metres in pooled]
                missing = [i for i, _ in found if i not in known]
                if missing:
                    self.graph.read(lambda tx: self._read_known(tx, missing, today, known))
                return self._as_candidates(need, [(known[i], metres) for i, metres in found]), passed
        return self.candidates_by_query(need, pool, today, known)

    def candidates_by_query(self, need: dict, pool: int, today: date,
                            known: dict[str, dict] | None = None) -> tuple[list[dict], int]:
        """``candidates`` as the graph's query finds them (``candidate_query``): a need of words only, a rank
        run through the graph, and the reference the kept pools are checked against."""
        built = candidate_query(need, pool, today, projected=known is None)
        if built is None:
            return [], 0
        query, params = built

        def work(tx):
            record = tx.run(query, **params).single()
            if record is None:
                return [], 0
            suppliers, passed = record["suppliers"], record["passed"]
            if known is None:
                return [(_projected(e), metres) for metres, e in suppliers], passed
            missing = [i for _, i in suppliers if i not in known]
            if missing:
                self._read_known(tx, missing, today, known)
            return [(known[i], metres) for metres, i in suppliers], passed
        found, passed = self.graph.read(work)
        return self._as_candidates(need, found), passed

    def _kept_pool(self, tx, need: dict, pool: int, today: date) -> tuple[list, int] | None:
        """The pool from the kept offers, the pooled firms as kept or, those not kept, read (``_sealed``; None: a
        need of words only). Distances are numpy's (equal to the graph's to ~1e-15: Java's sine may differ in the last
        bit)."""
        keep, day = offers_of(self.graph), day_number(today)
        try:
            found, passed, seq = keep.pool(tx, need, pool, day)
        except NeedsTheGraph:
            return None
        ids = [i for i, _ in found]
        suppliers = keep.suppliers(ids)
        missing = [i for i in ids if i not in suppliers]
        if missing:
            read = {i: _sealed(supplier) for i, supplier in self._read_suppliers(tx, missing, today).items()}
            keep.keep_suppliers(read, seq, day)
            suppliers.update(read)
        # a firm deleted since the keep looked is left out
        return [(suppliers[i], metres) for i, metres in found if i in suppliers], passed

    @classmethod
    def _read_known(cls, tx, ids: list[str], today: date, known: dict[str, dict]) -> None:
        """Read these suppliers as ``_supplier_projection`` gives them into ``known``."""
        known.update(cls._read_suppliers(tx, ids, today))

    @staticmethod
    def _read_suppliers(tx, ids: list[str], today: date) -> dict[str, dict]:
        """These suppliers (those that exist) as ``_supplier_projection`` gives them, by id; one row of a list
        (see candidate_query)."""
        return {e["id"]: _projected(e) for e in tx.run(
            f"CALL () {{ UNWIND $ids AS id MATCH (e:Enterprise {{id: id}}) {_supplier_projection('date($today)')} }} "
            "RETURN collect(e)", ids=ids, today=today.isoformat(), today_number=day_number(today)).single()[0]}

    @staticmethod
    def _as_candidates(need: dict, found: list[tuple[dict, float | None]]) -> list[dict]:
        return [_candidate(e, None if metres is None else metres / 1000.0, need["buyer"], need["sectors"],
                           need.get("reach") or {}) for e, metres in found]

    def firm_offers(self, today: date) -> FirmOffers:
        """Every firm's offer as the graph keeps it (graph_schema/projection.py), valid on ``today``: what
        ``scoring.pool`` works a need's pool out from, for many requests ranked in a row."""
        def work(tx):
            return FirmOffers.from_rows((r.values() for r in tx.run(
                "MATCH (e:Enterprise) RETURN e.id, elementId(e), e.kind, e.location.latitude, e.location.longitude, "
                "e.capability_ids, e.certified_ids, e.certified_until, e.product_codes")), day_number(today))
        return self.graph.read(work)

    def supplier_inputs(self, rows: list[dict], buyer: dict, latitude: float | None, longitude: float | None,
                        today: date) -> list[dict]:
        """Feature inputs of given suppliers, as they stood before each row's date (for training rows).

        rows: {id, before (ISO date)}; outcome history counts only outcomes before that date. ``buyer``: its
        context (``buyer_context``; empty when it is gone). Each input carries its row's ``before``; a row
        whose enterprise is gone has none.
        """
        distance = ("point.distance(e.location, point({latitude: $latitude, longitude: $longitude})) / 1000.0"
                    if latitude is not None else "null")

        def work(tx):
            return [(record["e"], record["km"], record["row"]["before"]) for record in tx.run(f"""
                UNWIND $rows AS row
                MATCH (e:Enterprise {{id: row.id}})
                WITH row, e, {distance} AS km
                {_supplier_projection("date(row.before)", carry="row, km, ")}
                """, rows=rows, latitude=latitude, longitude=longitude, today_number=day_number(today))]
        return [{**_candidate(_projected(e), km, buyer.get("id"), buyer.get("sectors") or [], buyer.get("reach") or {}),
                 "before": before} for e, km, before in self.graph.read(work)]

    def supplier_as_candidate(self, supplier_id: str, targets: list[dict], today: date) -> list[dict] | None:
        """One supplier as the search sees it for each target {buyer, sectors, latitude, longitude} (the
        same projection as ``candidates``), so a readiness report shows the numbers buyers see. A target may
        give its ``distance_km`` to the supplier already (an open request in reach: ``OpenMarket.near``'s, the
        kept search's formula); the others' are worked out in the graph. None when there is no such enterprise."""
        # one buyer's requests mostly share its plant: each distinct plant and buyer is read once
        points = list(dict.fromkeys((t.get("latitude"), t.get("longitude")) for t in targets if "distance_km" not in t))

        def work(tx):
            base = tx.run(f"""
                MATCH (e:Enterprise {{id: $id}})
                WITH e, [p IN $points | CASE WHEN p[0] IS NULL THEN null
                         ELSE point.distance(e.location, point({{latitude: p[0], longitude: p[1]}})) / 1000.0 END] AS km
                {_supplier_projection('date($today)', carry="km, ")}
                """, id=supplier_id, points=[list(p) for p in points], today=today.isoformat(),
                today_number=day_number(today)).single()
            if base is None:
                return None
            km = dict(zip(points, base["km"]))
            base = _projected(base["e"])
            buyers = sorted({t["buyer"] for t in targets if t.get("buyer")})
            reach: dict[str, dict] = {}
            if buyers and base["customers"]:     # the buyers' reach, as far as this supplier's customers go
                for r in tx.run(
                        "UNWIND $customers AS id MATCH (x:Enterprise {id: id})<-[:SUPPLIES]-(:Enterprise)"
                        "-[:SUPPLIES]->(b:Enterprise) WHERE b.id IN $buyers AND b <> x "
                        "RETURN b.id AS buyer, x.id AS firm, count(*) AS n",
                        customers=sorted({c[0] for c in base["customers"]}), buyers=buyers):
                    reach.setdefault(r["buyer"], {})[r["firm"]] = r["n"]
            return base, km, reach
        read = self.graph.read(work)
        if read is None:
            return None
        base, km, reach = read
        seen: dict[tuple, dict] = {}    # one dict per distinct buyer and distance, shared (read, never changed)
        out = []
        for t in targets:
            distance = t["distance_km"] if "distance_km" in t else km[(t.get("latitude"), t.get("longitude"))]
            key = (t.get("buyer"), tuple(t.get("sectors") or ()), distance)
            found = seen.get(key)
            if found is None:
                found = seen[key] = _candidate(base, distance, key[0], key[1], reach.get(key[0], {}))
            out.append(found)
        return out


def _projected(projected) -> dict:
    """A row of ``_supplier_projection`` as the features read it."""
    row = dict(projected)
    row["capabilities"] = {cap: capacity for cap, capacity in row["capabilities"]}
    return row


def _sealed(supplier: dict) -> dict:
    """A supplier (``_projected``) with tuples for lists: kept for long (``offers.OfferKeep``), it is then out of
    the cyclic garbage collector's walk (a full collection over 30,000 kept firms as lists took ~90 ms)."""
    lists = ("valid_standards", "expired_standards", "products")
    return {**supplier, **{key: tuple(supplier[key] or ()) for key in lists},
            "customers": tuple((c[0], c[1], tuple(c[2] or ())) for c in supplier["customers"] or ())}


def _candidate(supplier: dict, distance_km: float | None, buyer: str | None, sectors, reach: dict) -> dict:
    """A supplier (``_projected``) as a candidate for one buyer: its distance and its ties to the buyer."""
    return {**supplier, "distance_km": distance_km, **buyer_ties(supplier["customers"], buyer, sectors, reach)}


def _supplier_projection(before: str, carry: str = "") -> str:
    """The tail of a query returning ``carry`` (variables, each followed by a comma) and ``e``: what the
    features need of supplier ``e`` but its distance and its ties to one buyer (``_candidate``). The
    arguments are fixed Cypher expressions; ``$today_number`` is the day certificates must be valid on
    (graph_schema.projection.day_number)."""
    # Each relationship type is walked once per firm (customers, outcomes), most firms have neither, and
    # the date test sits in the projection, not in a WHERE the planner would answer from the index of all
    # outcomes' dates (every outcome before today, for each firm); and
    # standards and products come off the firm's projection. description_text, not search_text: the firm's
    # name is never matched against the need's words. What depends on the buyer is counted in Python from
    # the customers (scoring.features.buyer_ties), so that a supplier read once serves every buyer.
    return f"""WITH {carry}e, [(e)-[:SUPPLIES]->(b) | [b.id, b.kind, [(b)-[:IN_SECTOR]->(s) | s.id]]] AS customers,
             [(e)<-[:SUPPLIER]-(o:MatchOutcome) | CASE WHEN o.occurred_on < {before} THEN o.label END] AS labels,
             coalesce(e.certified_ids, []) AS certified, e.certified_until AS until
        RETURN {carry}e {{.id, .name, .kind, .commune, .founded, .employees, .export_share,
        description_text: coalesce(e.description_text, e.description),
        latitude: e.location.latitude, longitude: e.location.longitude,
        capabilities: [(e)-[h:HAS_CAPABILITY]->(c) | [c.id, h.capacity]],
        valid_standards: [i IN range(0, size(certified) - 1) WHERE until[i] >= $today_number | certified[i]],
        expired_standards: [i IN range(0, size(certified) - 1) WHERE until[i] < $today_number | certified[i]],
        products: coalesce(e.product_codes, []),
        customers: customers,
        large_fdi_customers: size([b IN customers WHERE b[1] IN ['large', 'fdi']]),
        outcomes_positive: size([label IN labels WHERE label = 1]),
        outcomes_negative: size([label IN labels WHERE label = 0])
    }} AS e"""


# The candidate query's tails, from pool ([[e, metres]]) and passed: its one row (see ``candidate_query``).
_POOL_PROJECTED = f"""CALL (pool) {{
            UNWIND pool AS pair
            WITH pair[0] AS e, pair[1] AS metres
            {_supplier_projection("date($today)", carry="metres, ")}
        }}
        RETURN passed, collect([metres, e]) AS suppliers"""
_POOL_IDS = "RETURN passed, [pair IN pool | [pair[1], pair[0].id]] AS suppliers"
