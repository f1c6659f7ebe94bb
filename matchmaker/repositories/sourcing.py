"""Sourcing requests (a buyer's stated need) and recorded match outcomes."""
from __future__ import annotations

from neo4j.exceptions import ConstraintError

from . import create_once
from .market import stamp
from .matching import REQUEST_NEEDS

_REQUEST = f"""
r {{.id, .reference, .title, .text, .monthly_volume, .max_distance_km, .status, .created_at, .updated_at,
   latitude: r.location.latitude, longitude: r.location.longitude,
   buyer: head([(b)-[:POSTED]->(r) | b.id]),
   {REQUEST_NEEDS}}}
"""


def _changed(o: str) -> str:
    """Cypher: whether outcome node ``o`` (a fixed variable name) says something other than the parameters."""
    return (f"{o}.outcome <> $outcome OR {o}.occurred_on <> date($occurred_on) "
            f"OR coalesce({o}.note, '') <> coalesce($note, '')")


def _ordered(request: dict) -> dict:
    """A request's needs in id order, whatever order the graph keeps its relationships in."""
    return {**request, "capabilities": sorted(request["capabilities"]), "products": sorted(request["products"]),
            "standards": sorted(request["standards"], key=lambda s: s["id"])}


def _ref_key(request: dict) -> str | None:
    """A buyer's own reference for a request is unique for that buyer only."""
    return f"{request['buyer']}|{request['reference']}" if request.get("reference") else None


# The fields a request's body sets on node ``r``, from map ``row``; and its needs (on a node without any).
# Every write of a request ends with a stamp on the market's change feed (repositories.market).
_FIELDS = """r.title = row.title, r.text = row.text, r.monthly_volume = row.monthly_volume,
    r.max_distance_km = row.max_distance_km, r.status = row.status, r.updated_at = $now,
    r.location = CASE WHEN row.latitude IS NULL THEN null ELSE point({latitude: row.latitude, longitude: row.longitude}) END"""
_NEEDS = """CALL (r, row) {
        UNWIND row.capabilities AS cid MATCH (c:Capability {id: cid}) MERGE (r)-[:NEEDS]->(c)
    }
    CALL (r, row) {
        UNWIND row.products AS hs MATCH (p:Product {hs: hs}) MERGE (r)-[:NEEDS]->(p)
    }
    CALL (r, row) {
        UNWIND row.standards AS st MATCH (s:Standard {id: st.id})
        MERGE (r)-[n:NEEDS]->(s) SET n.mandatory = st.mandatory
    }"""


def _row(request: dict) -> dict:
    """A request as the map the Cypher above reads (absent needs as empty lists)."""
    return {**{k: request.get(k) for k in ("id", "buyer", "reference", "title", "text", "monthly_volume",
                                           "max_distance_km", "status", "latitude", "longitude")},
            "ref_key": _ref_key(request), **{k: request.get(k) or [] for k in ("capabilities", "products", "standards")}}


def _write(tx, request: dict, now: str) -> None:
    tx.run(
        f"""
        WITH $row AS row
        MATCH (b:Enterprise {{id: row.buyer}})
        MERGE (r:SourcingRequest {{id: row.id}})
        ON CREATE SET r.created_at = $now, r.reference = row.reference, r.ref_key = row.ref_key
        SET {_FIELDS}
        MERGE (b)-[:POSTED]->(r)
        WITH r, row
        OPTIONAL MATCH (r)-[old:NEEDS]->() DELETE old
        WITH DISTINCT r, row
        {_NEEDS}
        """, now=now, row=_row(request)).consume()
    stamp(tx, requests=[request["id"]])


class SourcingRepository:
    def __init__(self, graph):
        self.graph = graph

    def create(self, request: dict, now: str) -> tuple[str, bool]:
        """Create a request with its needs under a new id; (id, True). With a ``reference`` that its buyer
        already used, nothing is written: (the existing request's id, False)."""
        def write(tx):
            _write(tx, request, now)
            return request["id"]
        return create_once(self.graph, "SourcingRequest", _ref_key(request), write)

    def create_many(self, requests: list[dict], now: str) -> int:
        """Create requests (each with a buyer's ``reference`` and a new ``id``) in one transaction, as
        ``create`` would one by one: a reference its buyer already used writes nothing. Returns how many
        were created."""
        unreferenced = [r for r in requests if not r.get("reference")]
        created = sum(self.create(r, now)[1] for r in unreferenced)    # nothing to find them by: one by one
        rows = [_row(r) for r in requests if r.get("reference")]

        def work(tx):
            ids = tx.run(
                f"""
                UNWIND $rows AS row
                MATCH (b:Enterprise {{id: row.buyer}})
                MERGE (r:SourcingRequest {{ref_key: row.ref_key}})
                ON CREATE SET r.id = row.id, r.created_at = $now, r.reference = row.reference, {_FIELDS}
                WITH b, r, row WHERE r.id = row.id          // created now: the new id is the row's own
                CREATE (b)-[:POSTED]->(r)
                WITH r, row
                {_NEEDS}
                RETURN collect(r.id) AS ids
                """, rows=rows, now=now).single()["ids"]
            stamp(tx, requests=ids)
            return len(ids)
        return created + (self.graph.write(work) if rows else 0)

    def save(self, request: dict, now: str) -> None:
        """Replace an existing request's fields and needs (its id, buyer and reference stay)."""
        self.graph.write(lambda tx: _write(tx, request, now))

    def get(self, request_id: str) -> dict | None:
        def work(tx):
            record = tx.run(f"MATCH (r:SourcingRequest {{id: $id}}) RETURN {_REQUEST} AS r", id=request_id).single()
            return _ordered(record["r"]) if record else None
        return self.graph.read(work)

    def get_many(self, request_ids: list[str]) -> list[dict]:
        """The requests of these ids that exist, in one read."""
        return self.graph.read(lambda tx: [_ordered(r["r"]) for r in tx.run(
            f"UNWIND $ids AS id MATCH (r:SourcingRequest {{id: id}}) RETURN {_REQUEST} AS r ORDER BY r.id",
            ids=request_ids)])

    def list(self, buyer: str | None, status: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
        def work(tx):
            where = ("WHERE ($buyer IS NULL OR EXISTS { (:Enterprise {id: $buyer})-[:POSTED]->(r) }) "
                     "AND ($status IS NULL OR r.status = $status)")
            total = tx.run(f"MATCH (r:SourcingRequest) {where} RETURN count(r) AS n",
                           buyer=buyer, status=status).single()["n"]
            rows = [_ordered(rec["r"]) for rec in tx.run(
                f"MATCH (r:SourcingRequest) {where} WITH r ORDER BY r.created_at DESC, r.id SKIP $offset LIMIT $limit "
                f"RETURN {_REQUEST} AS r", buyer=buyer, status=status, offset=offset, limit=limit)]
            return rows, total
        return self.graph.read(work)

    def delete(self, request_id: str) -> bool:
        def work(tx):
            deleted = tx.run("MATCH (r:SourcingRequest {id: $id}) DETACH DELETE r RETURN count(*) AS n",
                             id=request_id).single()["n"] > 0
            if deleted:
                stamp(tx, removed_requests=[request_id])
            return deleted
        return self.graph.write(work)

    def set_cutoffs(self, rows: list[dict], now: str) -> None:
        """rows: {id, score, model}: the 10th best match score of each request (0.0 with fewer than 10)."""
        def work(tx):
            tx.run("UNWIND $rows AS row MATCH (r:SourcingRequest {id: row.id}) "
                   "SET r.cutoff_score = row.score, r.cutoff_model = row.model, r.cutoff_at = $now",
                   rows=rows, now=now).consume()
            stamp(tx, requests=[row["id"] for row in rows])
        self.graph.write(work)

    def stale_cutoffs(self, version: str, limit: int) -> list[str]:
        """Ids of open requests whose top-10 cutoff was not ranked under model ``version``."""
        return self.graph.read(lambda tx: [r["id"] for r in tx.run(
            "MATCH (r:SourcingRequest {status: 'open'}) "
            "WHERE r.cutoff_model IS NULL OR r.cutoff_model <> $version "
            "RETURN r.id AS id ORDER BY r.id LIMIT $limit", version=version, limit=limit)])

    def open_requests(self) -> list[dict]:
        return self.graph.read(lambda tx: [_ordered(r["r"]) for r in tx.run(
            f"MATCH (r:SourcingRequest {{status: 'open'}}) RETURN {_REQUEST} AS r ORDER BY r.id")])

    # -- outcomes ------------------------------------------------------------------------------
    def record_outcome(self, outcome: dict, now: str) -> tuple[str, str] | None:
        """Store an outcome under its ``key`` (what it is about: a contact of a buyer with a supplier on a
        day, or a meeting of an event), so a retry changes nothing. A new outcome takes ``new_id``.
        Returns (id, 'created' | 'updated' | 'unchanged'); None when the buyer or supplier is unknown.
        The write leaves exactly one BUYER and one SUPPLIER edge (and at most one FOR_REQUEST)."""
        def work(tx):
            was = tx.run("MATCH (:MatchOutcome {key: $key})-[:SUPPLIER]->(s) RETURN s.id", key=outcome["key"]).value()
            record = tx.run(
                f"""
                MATCH (b:Enterprise {{id: $buyer}}), (s:Enterprise {{id: $supplier}})
                OPTIONAL MATCH (old:MatchOutcome {{key: $key}})
                WITH b, s, CASE WHEN old IS NULL THEN 'created'
                    WHEN {_changed("old")} OR NOT EXISTS {{ (old)-[:BUYER]->(b) }} OR NOT EXISTS {{ (old)-[:SUPPLIER]->(s) }}
                    THEN 'updated' ELSE 'unchanged' END AS result
                MERGE (o:MatchOutcome {{key: $key}})
                ON CREATE SET o.id = $new_id, o.recorded_at = $now
                SET o.outcome = $outcome, o.label = $label, o.occurred_on = date($occurred_on), o.note = $note,
                    o.source = $source, o.shown_rank = coalesce($shown_rank, o.shown_rank)
                WITH o, b, s, result
                CALL (o, b, s) {{
                    OPTIONAL MATCH (o)-[x:BUYER|SUPPLIER|FOR_REQUEST]->(other)
                    WITH x, other WHERE x IS NOT NULL AND NOT (
                        (type(x) = 'BUYER' AND other = b) OR (type(x) = 'SUPPLIER' AND other = s)
                        OR (type(x) = 'FOR_REQUEST' AND other.id = coalesce($request, '')))
                    DELETE x
                }}
                MERGE (o)-[:BUYER]->(b)
                MERGE (o)-[:SUPPLIER]->(s)
                WITH o, result
                CALL (o) {{
                    WITH o WHERE $request IS NOT NULL
                    MATCH (r:SourcingRequest {{id: $request}})
                    MERGE (o)-[:FOR_REQUEST]->(r)
                }}
                RETURN o.id AS id, result
                """, now=now, **{k: outcome.get(k) for k in (
                    "key", "new_id", "buyer", "supplier", "request", "outcome", "label", "occurred_on", "note",
                    "source", "shown_rank")}).single()
            if record and record["result"] != "unchanged":  # a supplier's outcome record, as the search reads it
                stamp(tx, offers=[outcome["supplier"], *was])
            return (record["id"], record["result"]) if record else None
        try:
            return self.graph.write(work)
        except ConstraintError:          # the same outcome recorded at the same moment by a retry
            return self.graph.write(work)

    def contact_outcome(self, outcome_id: str, owner: str | None) -> dict | None:
        """A contact outcome recorded through the API, if ``owner`` (a buyer id; None: anyone's) is its buyer."""
        return self.graph.read(lambda tx: (lambda r: r.data() if r else None)(tx.run(
            """
            MATCH (o:MatchOutcome {id: $id})-[:BUYER]->(b)
            WHERE o.key STARTS WITH 'contact:' AND ($owner IS NULL OR b.id = $owner)
            RETURN o.id AS id, b.id AS buyer, head([(o)-[:SUPPLIER]->(s) | s.id]) AS supplier,
                   head([(o)-[:FOR_REQUEST]->(r) | r.id]) AS request
            """, id=outcome_id, owner=owner).single()))

    def update_outcome(self, outcome: dict, now: str) -> str:
        """Change what a stored outcome says (by id; who it is about stays). 'updated' or 'unchanged'."""
        return self.graph.write(lambda tx: tx.run(
            f"""
            MATCH (o:MatchOutcome {{id: $id}})
            WITH o, CASE WHEN {_changed("o")} THEN 'updated' ELSE 'unchanged' END AS result
            SET o.key = $key, o.outcome = $outcome, o.label = $label, o.occurred_on = date($occurred_on),
                o.note = $note, o.updated_at = CASE WHEN result = 'updated' THEN $now ELSE o.updated_at END
            RETURN result
            """, now=now, **{k: outcome.get(k) for k in (
                "id", "key", "outcome", "label", "occurred_on", "note")}).single()["result"])

    def outcomes_with_key_prefix(self, prefix: str) -> dict[str, str]:
        """{outcome key: outcome} of the outcomes whose key starts with ``prefix`` (an event's: 'meeting:ev/')."""
        return self.graph.read(lambda tx: {r["key"]: r["outcome"] for r in tx.run(
            "MATCH (o:MatchOutcome) WHERE o.key STARTS WITH $prefix RETURN o.key AS key, o.outcome AS outcome",
            prefix=prefix)})

    def labelled_outcomes(self) -> list[dict]:
        """Outcomes that carry a training signal, oldest first, with the request they answer if any."""
        return self.graph.read(lambda tx: [r.data() for r in tx.run(
            """
            MATCH (o:MatchOutcome)-[:BUYER]->(b), (o)-[:SUPPLIER]->(s)
            WHERE o.label IS NOT NULL
              // one buyer and one supplier: a record written twice over by the old merge-on-id is left out
              AND COUNT { (o)-[:BUYER]->() } = 1 AND COUNT { (o)-[:SUPPLIER]->() } = 1
            RETURN o.id AS id, b.id AS buyer, s.id AS supplier, o.label AS label, o.shown_rank AS shown_rank,
                   toString(o.occurred_on) AS occurred_on, head([(o)-[:FOR_REQUEST]->(r) | r.id]) AS request
            ORDER BY o.occurred_on, o.id
            """)])
