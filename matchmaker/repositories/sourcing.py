"""Sourcing requests (a buyer's stated need) and recorded match outcomes."""
from __future__ import annotations

_REQUEST = """
r {.id, .title, .text, .monthly_volume, .max_distance_km, .status, .created_at, .updated_at,
   latitude: r.location.latitude, longitude: r.location.longitude,
   buyer: head([(b)-[:POSTED]->(r) | b.id]),
   capabilities: [(r)-[:NEEDS]->(c:Capability) | c.id],
   products: [(r)-[:NEEDS]->(p:Product) | p.hs],
   standards: [(r)-[n:NEEDS]->(s:Standard) | {id: s.id, mandatory: n.mandatory}]}
"""


class SourcingRepository:
    def __init__(self, graph):
        self.graph = graph

    def save(self, request: dict, now: str, create: bool) -> bool:
        """Create or replace a request with its needs. Returns False if ``create`` and the id exists."""
        def work(tx):
            exists = tx.run("MATCH (r:SourcingRequest {id: $id}) RETURN r.id", id=request["id"]).single()
            if create and exists:
                return False
            tx.run(
                """
                MATCH (b:Enterprise {id: $buyer})
                MERGE (r:SourcingRequest {id: $id})
                ON CREATE SET r.created_at = $now
                SET r.title = $title, r.text = $text, r.monthly_volume = $monthly_volume,
                    r.max_distance_km = $max_distance_km, r.status = $status, r.updated_at = $now,
                    r.location = CASE WHEN $latitude IS NULL THEN null
                                      ELSE point({latitude: $latitude, longitude: $longitude}) END
                MERGE (b)-[:POSTED]->(r)
                WITH r
                OPTIONAL MATCH (r)-[old:NEEDS]->() DELETE old
                WITH DISTINCT r
                CALL (r) {
                    UNWIND $capabilities AS cid MATCH (c:Capability {id: cid}) MERGE (r)-[:NEEDS]->(c)
                }
                CALL (r) {
                    UNWIND $products AS hs MATCH (p:Product {hs: hs}) MERGE (r)-[:NEEDS]->(p)
                }
                CALL (r) {
                    UNWIND $standards AS st MATCH (s:Standard {id: st.id})
                    MERGE (r)-[n:NEEDS]->(s) SET n.mandatory = st.mandatory
                }
                """, now=now, **{k: request.get(k) for k in (
                    "id", "buyer", "title", "text", "monthly_volume", "max_distance_km", "status", "latitude",
                    "longitude", "capabilities", "products", "standards")}).consume()
            return True
        return self.graph.write(work)

    def get(self, request_id: str) -> dict | None:
        def work(tx):
            record = tx.run(f"MATCH (r:SourcingRequest {{id: $id}}) RETURN {_REQUEST} AS r", id=request_id).single()
            return record["r"] if record else None
        return self.graph.read(work)

    def list(self, buyer: str | None, status: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
        def work(tx):
            where = ("WHERE ($buyer IS NULL OR EXISTS { (:Enterprise {id: $buyer})-[:POSTED]->(r) }) "
                     "AND ($status IS NULL OR r.status = $status)")
            total = tx.run(f"MATCH (r:SourcingRequest) {where} RETURN count(r) AS n",
                           buyer=buyer, status=status).single()["n"]
            rows = [rec["r"] for rec in tx.run(
                f"MATCH (r:SourcingRequest) {where} WITH r ORDER BY r.created_at DESC, r.id SKIP $offset LIMIT $limit "
                f"RETURN {_REQUEST} AS r", buyer=buyer, status=status, offset=offset, limit=limit)]
            return rows, total
        return self.graph.read(work)

    def delete(self, request_id: str) -> bool:
        return self.graph.write(lambda tx: tx.run(
            "MATCH (r:SourcingRequest {id: $id}) DETACH DELETE r RETURN count(*) AS n", id=request_id).single()["n"] > 0)

    def set_cutoffs(self, rows: list[dict], now: str) -> None:
        """rows: {id, score, model}: the 10th best match score of each request (0.0 with fewer than 10)."""
        self.graph.write(lambda tx: tx.run(
            "UNWIND $rows AS row MATCH (r:SourcingRequest {id: row.id}) "
            "SET r.cutoff_score = row.score, r.cutoff_model = row.model, r.cutoff_at = $now",
            rows=rows, now=now).consume())

    def open_requests(self) -> list[dict]:
        return self.graph.read(lambda tx: [r["r"] for r in tx.run(
            f"MATCH (r:SourcingRequest {{status: 'open'}}) RETURN {_REQUEST} AS r ORDER BY r.id")])

    # -- outcomes ------------------------------------------------------------------------------
    def record_outcome(self, outcome: dict, now: str) -> str:
        """MERGE an outcome by id (a retry changes nothing); returns 'created', 'updated' or 'unchanged'."""
        def work(tx):
            record = tx.run(
                """
                MATCH (b:Enterprise {id: $buyer}), (s:Enterprise {id: $supplier})
                OPTIONAL MATCH (old:MatchOutcome {id: $id})
                WITH b, s, old, CASE WHEN old IS NULL THEN 'created'
                    WHEN old.outcome <> $outcome OR old.occurred_on <> date($occurred_on)
                      OR coalesce(old.note, '') <> coalesce($note, '') THEN 'updated'
                    ELSE 'unchanged' END AS result
                MERGE (o:MatchOutcome {id: $id})
                ON CREATE SET o.recorded_at = $now
                SET o.outcome = $outcome, o.label = $label, o.occurred_on = date($occurred_on), o.note = $note,
                    o.source = $source
                MERGE (o)-[:BUYER]->(b)
                MERGE (o)-[:SUPPLIER]->(s)
                WITH o, result
                CALL (o) {
                    WITH o WHERE $request IS NOT NULL
                    MATCH (r:SourcingRequest {id: $request})
                    MERGE (o)-[:FOR_REQUEST]->(r)
                }
                RETURN result
                """, now=now, **{k: outcome.get(k) for k in (
                    "id", "buyer", "supplier", "request", "outcome", "label", "occurred_on", "note", "source")}).single()
            return record["result"] if record else None
        return self.graph.write(work)

    def outcomes_with_prefix(self, prefix: str) -> dict[str, str]:
        """{outcome id: outcome} of the outcomes whose id starts with ``prefix`` (an event's: 'event/')."""
        return self.graph.read(lambda tx: {r["id"]: r["outcome"] for r in tx.run(
            "MATCH (o:MatchOutcome) WHERE o.id STARTS WITH $prefix RETURN o.id AS id, o.outcome AS outcome",
            prefix=prefix)})

    def labelled_outcomes(self) -> list[dict]:
        """Outcomes that carry a training signal, oldest first, with the request they answer if any."""
        return self.graph.read(lambda tx: [r.data() for r in tx.run(
            """
            MATCH (o:MatchOutcome)-[:BUYER]->(b), (o)-[:SUPPLIER]->(s)
            WHERE o.label IS NOT NULL
            RETURN o.id AS id, b.id AS buyer, s.id AS supplier, o.label AS label,
                   toString(o.occurred_on) AS occurred_on, head([(o)-[:FOR_REQUEST]->(r) | r.id]) AS request
            ORDER BY o.occurred_on, o.id
            """)])
