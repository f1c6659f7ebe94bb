"""Candidate suppliers for a sourcing need, found through indexes, and their pair-feature inputs."""
from __future__ import annotations

from datetime import date

from graph_schema.projection import day_number, offer_query
from scoring.features import HISTORY_LIMIT, PRESCORE_WEIGHTS, PROXIMITY_KM

# Candidates are firms holding any needed capability or product, every mandatory standard (when the filter
# is on), of an allowed kind and near enough: one query of the full-text index over each firm's projection
# (graph_schema/projection.py), so the firms checked exactly are about as many as pass, never all the
# holders of a popular capability. Words only add to the score, except for a need that names no capability
# and no product: then the full-text index over descriptions (never names) finds them.
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


def candidate_query(need: dict, pool: int, today: date) -> tuple[str, dict] | None:
    """The Cypher and parameters of the best ``pool`` candidates by a cheap pre-score (None: no source).

    ``need`` keys: buyer, sectors, sourcing (capability ids whose holders are candidates), credit_of
    ({held: [credit for each needed capability]} for each sourcing id), needed (capability ids), products, text_query (brings candidates in only when needed and products
    are both empty; otherwise words only add to the score), mandatory (standard ids), hard_standards,
    latitude, longitude, max_m (None for no distance filter), kinds.
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
        UNWIND pool AS pair
        WITH pair[0] AS e, pair[1] AS metres, passed
        {_supplier_projection("metres / 1000.0", "date($today)", carry="passed, metres, ")}
    """
    params = {"today": today.isoformat(), "today_number": day_number(today), "pool": pool,
              "offer_query": offers, "weights": PRESCORE_WEIGHTS, "decay_m": PROXIMITY_KM * 1000.0,
              **{k: need[k] for k in ("buyer", "sectors", "sourcing", "credit_of", "needed", "text_query", "mandatory",
                                      "hard_standards", "latitude", "longitude", "max_m", "kinds")}}
    return query, params


class MatchRepository:
    def __init__(self, graph):
        self.graph = graph

    def capability_tree(self) -> dict[str, str | None]:
        return self.graph.read(lambda tx: {r["id"]: r["parent"] for r in tx.run(
            "MATCH (c:Capability) RETURN c.id AS id, head([(c)-[:PART_OF]->(p) | p.id]) AS parent")})

    def buyer_context(self, buyer_id: str) -> dict | None:
        """What the features need of a buyer: profile, plant, sectors, requirements, and its history."""
        def work(tx):
            record = tx.run(
                f"MATCH (b:Enterprise {{id: $id}}) RETURN b {{.id, .name, {BUYER_PROFILE}, "
                "latitude: b.location.latitude, longitude: b.location.longitude, "
                "sectors: [(b)-[:IN_SECTOR]->(s) | s.id], "
                "requirements: [(b)-[r:REQUIRES]->(s:Standard) | {id: s.id, mandatory: r.mandatory}], "
                f"history: {BUYER_HISTORY}}} AS b",
                id=buyer_id).single()
            return record["b"] if record else None
        return self.graph.read(work)

    def buyer_histories(self, buyer_ids: list[str]) -> dict[str, list[dict]]:
        """The history (as in ``buyer_context``) of each of these buyers."""
        return self.graph.read(lambda tx: {r["id"]: r["history"] for r in tx.run(
            f"UNWIND $ids AS id MATCH (b:Enterprise {{id: id}}) RETURN b.id AS id, {BUYER_HISTORY} AS history",
            ids=sorted(set(buyer_ids)))})

    def candidates(self, need: dict, pool: int, today: date) -> tuple[list[dict], int]:
        """The best ``pool`` candidates by a cheap pre-score, with everything the features need, and how
        many passed the hard filters before pooling (see ``candidate_query``)."""
        built = candidate_query(need, pool, today)
        if built is None:
            return [], 0
        query, params = built

        def work(tx):
            records = list(tx.run(query, **params))
            return [_inputs(r["e"]) for r in records], (records[0]["passed"] if records else 0)
        return self.graph.read(work)

    def supplier_inputs(self, rows: list[dict], buyer: str | None, sectors: list[str],
                        latitude: float | None, longitude: float | None, today: date) -> list[dict]:
        """Feature inputs of given suppliers, as they stood before each row's date (for training rows).

        rows: {id, before (ISO date)}; outcome history counts only outcomes before that date. Each input
        carries its row's ``before``; a row whose enterprise is gone has none.
        """
        distance = ("point.distance(e.location, point({latitude: $latitude, longitude: $longitude})) / 1000.0"
                    if latitude is not None else "null")

        def work(tx):
            result = tx.run(f"""
                UNWIND $rows AS row
                MATCH (e:Enterprise {{id: row.id}})
                {_supplier_projection(distance, "date(row.before)", carry="row, ")}
                """, rows=rows, buyer=buyer, sectors=sectors, latitude=latitude, longitude=longitude,
                today_number=day_number(today))
            return [{**_inputs(record["e"]), "before": record["row"]["before"]} for record in result]
        return self.graph.read(work)


    def supplier_as_candidate(self, supplier_id: str, targets: list[dict], today: date) -> list[dict] | None:
        """One supplier as the search sees it for each target {buyer, sectors, latitude, longitude} (the
        same projection as ``candidates``), so a readiness report shows the numbers buyers see.
        None when there is no such enterprise."""
        distance = ("CASE WHEN t.latitude IS NULL THEN null ELSE point.distance(e.location, "
                    "point({latitude: t.latitude, longitude: t.longitude})) / 1000.0 END")

        def work(tx):
            # What does not depend on the target is read once; per target only its own fields.
            base = tx.run(f"""
                MATCH (e:Enterprise {{id: $id}})
                {_supplier_projection("null", "date($today)", "null", "[]")}
                """, id=supplier_id, today=today.isoformat(), today_number=day_number(today)).single()
            if base is None:
                return None
            base = _inputs(base["e"])
            # one buyer's requests mostly share its plant: each distinct target is read once
            keys = [(t.get("buyer"), tuple(t.get("sectors") or ()), t.get("latitude"), t.get("longitude"))
                    for t in targets]
            distinct = list(dict.fromkeys(keys))
            result = tx.run(f"""
                MATCH (e:Enterprise {{id: $id}})
                WITH e, [(e)-[:SUPPLIES]->(b) | b] AS customers
                UNWIND $targets AS t
                RETURN {{{_target_fields(distance, "t.buyer", "t.sectors")}}} AS fields
                """, id=supplier_id, targets=[{"buyer": k[0], "sectors": list(k[1]), "latitude": k[2],
                                               "longitude": k[3]} for k in distinct])
            # one dict per distinct target, shared by its requests (callers read these, never change them)
            seen = {k: {**base, **record["fields"]} for k, record in zip(distinct, result)}
            return [seen[k] for k in keys]
        return self.graph.read(work)


def _inputs(projected) -> dict:
    row = dict(projected)
    row["capabilities"] = {cap: capacity for cap, capacity in row["capabilities"]}
    return row


def _target_fields(distance_km: str, buyer: str, sectors: str) -> str:
    """The fields of a supplier ``e`` (its customers in ``customers``) that depend on the buyer: map entries."""
    return f"""distance_km: {distance_km},
        same_sector_buyers: reduce(n = 0, b IN customers | n + CASE WHEN b.kind IN ['large', 'fdi']
                            THEN COUNT {{ (b)-[:IN_SECTOR]->(s) WHERE s.id IN {sectors} }} ELSE 0 END),
        supplies_buyer: {buyer} IS NOT NULL AND any(b IN customers WHERE b.id = {buyer}),
        shared_customers: CASE WHEN size(customers) = 0 THEN 0 ELSE
            COUNT {{ (e)-[:SUPPLIES]->(x)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->(:Enterprise {{id: {buyer}}})
                    WHERE x.id <> {buyer} }} END"""


def _supplier_projection(distance_km: str, before: str, buyer: str = "$buyer", sectors: str = "$sectors",
                         carry: str = "") -> str:
    """The tail of a query returning ``carry`` (variables, each followed by a comma) and ``e``: what the
    features need of supplier ``e``. The arguments are fixed Cypher expressions; ``$today_number`` is the
    day certificates must be valid on (graph_schema.projection.day_number)."""
    # Each relationship type is walked once per firm (customers, outcomes), most firms have neither, and
    # the date test sits in the projection, not in a WHERE the planner would answer from the index of all
    # outcomes' dates (every outcome before today, for each firm); and
    # standards and products come off the firm's projection. description_text, not search_text: the firm's
    # name is never matched against the need's words.
    return f"""WITH {carry}e, [(e)-[:SUPPLIES]->(b) | b] AS customers,
             [(e)<-[:SUPPLIER]-(o:MatchOutcome) | CASE WHEN o.occurred_on < {before} THEN o.label END] AS labels,
             coalesce(e.certified_ids, []) AS certified, e.certified_until AS until
        RETURN {carry}e {{.id, .name, .kind, .commune, .founded, .employees, .export_share,
        description_text: coalesce(e.description_text, e.description),
        latitude: e.location.latitude, longitude: e.location.longitude,
        capabilities: [(e)-[h:HAS_CAPABILITY]->(c) | [c.id, h.capacity]],
        valid_standards: [i IN range(0, size(certified) - 1) WHERE until[i] >= $today_number | certified[i]],
        expired_standards: [i IN range(0, size(certified) - 1) WHERE until[i] < $today_number | certified[i]],
        products: coalesce(e.product_codes, []),
        large_fdi_customers: size([b IN customers WHERE b.kind IN ['large', 'fdi']]),
        {_target_fields(distance_km, buyer, sectors)},
        outcomes_positive: size([label IN labels WHERE label = 1]),
        outcomes_negative: size([label IN labels WHERE label = 0])
    }} AS e"""
