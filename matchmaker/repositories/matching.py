"""Candidate suppliers for a sourcing need, found through indexes, and their pair-feature inputs."""
from __future__ import annotations

from datetime import date

from scoring.features import HISTORY_LIMIT, PRESCORE_WEIGHTS, PROXIMITY_KM

# Candidates come from the need's capabilities (HAS_CAPABILITY from the few relevant Capability nodes) and
# products (MAKES): never a scan of all enterprises. Words only add to the score, except for a need that
# names no capability and no product: then the full-text index over descriptions (never names) finds them.
_SOURCES = {
    "capabilities": "MATCH (c:Capability) WHERE c.id IN $sourcing "
                    "MATCH (e:Enterprise)-[:HAS_CAPABILITY]->(c) RETURN e, c.id AS capability",
    "products": "MATCH (p:Product) WHERE p.hs IN $products "
                "MATCH (e:Enterprise)-[:MAKES]->(p) RETURN e, null AS capability",
    "text": "CALL db.index.fulltext.queryNodes('enterprise_description', $text_query, {limit: 200}) YIELD node "
            "RETURN node AS e, null AS capability",
}

# With a mandatory standard to filter on, candidates may come in through its (rarer) certificates.
_ANCHORED_CAPABILITIES = (
    "MATCH (:Standard {id: $anchor})<-[x:CERTIFIED]-(e:Enterprise)-[:HAS_CAPABILITY]->(c:Capability) "
    "WHERE c.id IN $sourcing AND (x.expires IS NULL OR x.expires >= date($today)) RETURN e, c.id AS capability")

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


class MatchRepository:
    def __init__(self, graph):
        self.graph = graph

    def capability_tree(self) -> dict[str, str | None]:
        return self.graph.read(lambda tx: {r["id"]: r["parent"] for r in tx.run(
            "MATCH (c:Capability) RETURN c.id AS id, head([(c)-[:PART_OF]->(p) | p.id]) AS parent")})

    def degrees(self) -> dict[str, int]:
        """How many enterprises hold each capability and each standard (cheap degree lookups)."""
        return self.graph.read(lambda tx: {r["id"]: r["n"] for r in tx.run(
            "MATCH (c:Capability) RETURN c.id AS id, COUNT { (c)<-[:HAS_CAPABILITY]-() } AS n "
            "UNION ALL MATCH (s:Standard) RETURN s.id AS id, COUNT { (s)<-[:CERTIFIED]-() } AS n")})

    def buyer_context(self, buyer_id: str) -> dict | None:
        """What the features need of a buyer: profile, plant, sectors, requirements, and its history."""
        def work(tx):
            record = tx.run(
                "MATCH (b:Enterprise {id: $id}) RETURN b {.id, .name, .kind, .home_country, .employees, "
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
        """The best ``pool`` candidates by a cheap pre-score, with everything the features need.

        ``need`` keys: buyer, sectors, sourcing (capability ids whose holders are candidates), relevant
        (capability ids that earn credit), credit ({'needed|held': credit}),
        needed (capability ids), products, text_query (brings candidates in only when needed and products
        are both empty; otherwise words only add to the score), mandatory (standard ids), hard_standards,
        latitude, longitude, max_m (None for no distance filter), kinds.
        Returns (candidates, how many passed the hard filters before pooling).
        """
        words_only = not need["needed"] and not need["products"]
        sources = [_SOURCES[key] for key, present in (
            ("capabilities", need["sourcing"]), ("products", need["products"]),
            ("text", words_only and need["text_query"])) if present]
        if need.get("anchor") and need["sourcing"]:
            sources[0] = _ANCHORED_CAPABILITIES
        if not sources:
            return [], 0
        located = need["latitude"] is not None
        distance = ("point.distance(e.location, point({latitude: $latitude, longitude: $longitude}))"
                    if located else "null")
        # Kind by label, not by property: a label check costs no property read per candidate.
        filters = ["((e:SME AND 'sme' IN $kinds) OR (e:LargeEnterprise AND 'large' IN $kinds)"
                   " OR (e:FDIFirm AND 'fdi' IN $kinds))", "NOT e.id IN $exclude"]
        if located and need["max_m"] is not None:
            filters.insert(0, "metres <= $max_m")
        # With the mandatory filter on, every survivor holds them all: no need to count again.
        mandatory_score = "1.0" if set(need["mandatory"]) <= set(need["hard_standards"]) else f"""
            toFloat(size([s IN $mandatory WHERE EXISTS {{
              (e)-[x:CERTIFIED]->(:Standard {{id: s}}) WHERE {_VALID} }}])) / size($mandatory)"""
        # Held sourcing capabilities come out of the same expansion (an aggregation, not a second
        # expansion); siblings' part credit is left to the full features computed on the pool.
        query = f"""
            CALL () {{ {' UNION ALL '.join(sources)} }}
            WITH e, collect(capability) AS held
            WITH e, held, {distance} AS metres
            WHERE {' AND '.join(filters)}
              AND all(s IN $hard_standards WHERE EXISTS {{ (e)-[x:CERTIFIED]->(:Standard {{id: s}}) WHERE {_VALID} }})
            WITH e, metres,
                 CASE WHEN size($needed) = 0 THEN 1.0 ELSE
                   reduce(total = 0.0, n IN $needed | total +
                     reduce(best = 0.0, h IN held | CASE WHEN coalesce($credit[n + '|' + h], 0.0) > best
                                                         THEN $credit[n + '|' + h] ELSE best END)) / size($needed)
                 END AS capability_score
            WITH e, metres, $weights.capability * capability_score + $weights.mandatory * {mandatory_score}
                 + $weights.proximity * CASE WHEN metres IS NULL THEN 0.0 ELSE exp(-metres / $decay_m) END
                 AS prescore
            ORDER BY prescore DESC, e.id
            WITH collect([e, metres])[..$pool] AS pool, count(*) AS passed
            UNWIND pool AS pair
            WITH pair[0] AS e, pair[1] AS metres, passed
            RETURN passed, {_supplier_projection("metres / 1000.0", "date($today)")} AS e
        """
        params = {"today": today.isoformat(), "pool": pool, "exclude": [need["buyer"]] if need["buyer"] else [],
                  "weights": PRESCORE_WEIGHTS, "decay_m": PROXIMITY_KM * 1000.0,
                  "anchor": need.get("anchor"),
                  **{k: need[k] for k in ("buyer", "sectors", "sourcing", "relevant", "credit", "needed", "products",
                                          "text_query", "mandatory", "hard_standards", "latitude", "longitude",
                                          "max_m", "kinds")}}

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
                RETURN row.before AS before, {_supplier_projection(distance, "date(row.before)")} AS e
                """, rows=rows, buyer=buyer, sectors=sectors, latitude=latitude, longitude=longitude,
                today=today.isoformat())
            return [{**_inputs(record["e"]), "before": record["before"]} for record in result]
        return self.graph.read(work)


    def supplier_as_candidate(self, supplier_id: str, targets: list[dict], today: date) -> list[dict] | None:
        """One supplier as the search sees it for each target {buyer, sectors, latitude, longitude} (the
        same projection as ``candidates``), so a readiness report shows the numbers buyers see.
        None when there is no such enterprise."""
        distance = ("CASE WHEN t.latitude IS NULL THEN null ELSE point.distance(e.location, "
                    "point({latitude: t.latitude, longitude: t.longitude})) / 1000.0 END")

        def work(tx):
            if tx.run("MATCH (e:Enterprise {id: $id}) RETURN e.id", id=supplier_id).single() is None:
                return None
            result = tx.run(f"""
                UNWIND $targets AS t
                MATCH (e:Enterprise {{id: $id}})
                RETURN {_supplier_projection(distance, "date($today)", "t.buyer", "t.sectors")} AS e
                """, id=supplier_id, targets=targets, today=today.isoformat())
            return [_inputs(record["e"]) for record in result]
        return self.graph.read(work)


def _inputs(projected) -> dict:
    row = dict(projected)
    row["capabilities"] = {cap: capacity for cap, capacity in row["capabilities"]}
    return row


def _supplier_projection(distance_km: str, before: str, buyer: str = "$buyer", sectors: str = "$sectors") -> str:
    """What the features need of a supplier ``e``; the arguments are fixed Cypher expressions."""
    # description_text, not search_text: the firm's name is never matched against the need's words.
    return f"""e {{.id, .name, .kind, .commune, .founded, .employees, .export_share,
        description_text: coalesce(e.description_text, e.description),
        distance_km: {distance_km}, latitude: e.location.latitude, longitude: e.location.longitude,
        capabilities: [(e)-[h:HAS_CAPABILITY]->(c) | [c.id, h.capacity]],
        valid_standards: [(e)-[x:CERTIFIED]->(s) WHERE {_VALID} | s.id],
        expired_standards: [(e)-[x:CERTIFIED]->(s) WHERE x.expires < date($today) | s.id],
        products: [(e)-[:MAKES]->(p) | p.hs],
        large_fdi_customers: COUNT {{ (e)-[:SUPPLIES]->(b) WHERE b.kind IN ['large', 'fdi'] }},
        same_sector_buyers: COUNT {{ (e)-[:SUPPLIES]->(b)-[:IN_SECTOR]->(s) WHERE s.id IN {sectors}
                                     AND b.kind IN ['large', 'fdi'] }},
        supplies_buyer: EXISTS {{ (e)-[:SUPPLIES]->(:Enterprise {{id: {buyer}}}) }},
        shared_customers: COUNT {{ (e)-[:SUPPLIES]->(x)<-[:SUPPLIES]-(:Enterprise)-[:SUPPLIES]->
                                   (:Enterprise {{id: {buyer}}}) WHERE x.id <> {buyer} }},
        outcomes_positive: COUNT {{ (o:MatchOutcome)-[:SUPPLIER]->(e) WHERE o.label = 1 AND o.occurred_on < {before} }},
        outcomes_negative: COUNT {{ (o:MatchOutcome)-[:SUPPLIER]->(e) WHERE o.label = 0 AND o.occurred_on < {before} }}
    }}"""
