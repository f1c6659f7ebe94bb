"""Enterprises and their links (capabilities, certificates, supply links, duplicates). All Cypher lives here."""
from __future__ import annotations

from datetime import date

from neo4j.exceptions import ConstraintError

from graph_schema.feed import BULK_LOAD_BEGIN, BULK_LOAD_END
from graph_schema.model import PLAIN_CODE, WITHOUT_CODE
from graph_schema.projection import LOCK, REFRESH, REFRESH_ALL, STALE, TOKENS
from scoring.text import BLOCKING_KEY_PROPS, blocking_keys, fold

from ..errors import Conflict
from .market import reset, stamp

_PROJECTION = """
e {.id, .code, .name, .description, .kind, .home_country, .employees, .founded, .revenue_band,
   .export_share, .address, .commune, .country, .source, .updated_at,
   latitude: e.location.latitude, longitude: e.location.longitude,
   sectors: [(e)-[:IN_SECTOR]->(s) | s.id],
   zone: head([(e)-[:LOCATED_IN]->(z) | z.id]),
   associations: [(e)-[:MEMBER_OF]->(a) | a.id],
   capabilities: [(e)-[h:HAS_CAPABILITY]->(c) | {capability: c.id, name_en: c.name_en, name_vi: c.name_vi, capacity: h.capacity, unit: h.unit}],
   certifications: [(e)-[x:CERTIFIED]->(st) | {standard: st.id, name_en: st.name_en, name_vi: st.name_vi, number: x.number, issuer: x.issuer,
                     issued: toString(x.issued), expires: toString(x.expires),
                     valid: x.expires IS NULL OR x.expires >= date($today)}]}
"""

# A firm without an enterprise code of PLAIN_CODE carries WITHOUT_CODE (graph_schema.model), from every upsert.
_CODE_LABEL = (f"FOREACH (_ IN CASE WHEN coalesce(e.code =~ $plain_code, false) THEN [1] ELSE [] END | "
               f"REMOVE e:{WITHOUT_CODE}) "
               f"FOREACH (_ IN CASE WHEN coalesce(e.code =~ $plain_code, false) THEN [] ELSE [1] END | "
               f"SET e:{WITHOUT_CODE})")


def _upsert_rows(tx, rows: list[dict], now: str, maintain: bool = True) -> dict:
    """MERGE enterprises by id; returns counts of created, updated and unchanged rows, and the ids of those
    created or updated (``changed``). ``maintain``: keep their search projection and stamp the feed (not in a
    bulk load, ``EnterpriseRepository.begin_load``)."""
    # Duplicate blocking keys go with the name (a row without a name keeps the stored ones).
    rows = [{**r, "props": {**r["props"], **blocking_keys(r["props"]["name"])}} if r["props"].get("name") else r
            for r in rows]
    # The folded description (what need words are matched against, never the name) goes with the description.
    rows = [{**r, "props": {**r["props"], "description_text": (None if r["props"]["description"] is None
                                                               else fold(r["props"]["description"]))}}
            if "description" in r["props"] and "description_text" not in r["props"] else r for r in rows]
    # What is stored of these firms, compared here: an unchanged firm is not written again (a re-import of the
    # same register writes nothing); the comparison in Cypher cost more than the writes it saved.
    keys = sorted({k for r in rows for k in r["props"]})
    stored = {record["id"]: record for record in tx.run(_STORED, ids=[r["id"] for r in rows], keys=keys)}
    outcomes = [_outcome(row, stored.get(row["id"]), keys) for row in rows]
    changed_rows = [row for row, outcome in zip(rows, outcomes) if outcome != "unchanged"]
    if changed_rows:
        tx.run(_WRITE, rows=changed_rows, now=now, plain_code=PLAIN_CODE).consume()
    changed = [row["id"] for row in changed_rows]
    # kind, location: the offer's tokens; a buyer's profile, as the open market keeps it; a customer's kind and
    # sectors, as the search reads its suppliers
    if maintain:
        suppliers = tx.run("UNWIND $ids AS id MATCH (:Enterprise {id: id})<-[:SUPPLIES]-(s:Enterprise) "
                           "RETURN collect(DISTINCT s.id)", ids=changed).single()[0] if changed else []
        stamp(tx, enterprises=changed, offers=refresh_projection(tx, None, changed) + suppliers)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for outcome in outcomes:
        counts[outcome] += 1
    return {**counts, "changed": changed}


# The stored values of the given properties (``keys``) of each firm, its location and its links an upsert sets.
_STORED = """
    UNWIND $ids AS id
    MATCH (old:Enterprise {id: id})
    RETURN id, [k IN $keys | old[k]] AS values, old.location.latitude AS latitude,
           old.location.longitude AS longitude, [(old)-[:IN_SECTOR]->(s) | s.id] AS sectors,
           head([(old)-[:LOCATED_IN]->(z) | z.id]) AS zone, [(old)-[:MEMBER_OF]->(a) | a.id] AS associations"""


def _outcome(row: dict, old, keys: list[str]) -> str:
    """'created', 'updated' or 'unchanged': whether the row says anything the stored firm (``_STORED``'s record,
    None when there is none) does not. A property given as None removes it, a change when it is stored."""
    if old is None:
        return "created"
    was = dict(zip(keys, old["values"]))
    if any(was.get(k) != v for k, v in row["props"].items()):
        return "updated"
    if row["latitude"] is not None and (old["latitude"] != row["latitude"] or old["longitude"] != row["longitude"]):
        return "updated"
    if row["sectors"] is not None and sorted(set(old["sectors"])) != sorted({s["id"] for s in row["sectors"]}):
        return "updated"
    if row["zone"] is not None and (old["zone"] or "") != row["zone"]:
        return "updated"
    if row["associations"] is not None and sorted(set(old["associations"])) != sorted(set(row["associations"])):
        return "updated"
    return "unchanged"


# The firms created or changed: their properties, kind labels, :WithoutCode, sector, zone and associations.
_WRITE = """
    UNWIND $rows AS row
    MERGE (e:Enterprise {id: row.id})
    SET e += row.props
    SET e.location = CASE WHEN row.latitude IS NULL THEN e.location
                          ELSE point({latitude: row.latitude, longitude: row.longitude}) END
    SET e.updated_at = $now
    FOREACH (_ IN CASE WHEN e.kind = 'sme' THEN [1] ELSE [] END | SET e:SME REMOVE e:LargeEnterprise:FDIFirm)
    FOREACH (_ IN CASE WHEN e.kind = 'large' THEN [1] ELSE [] END | SET e:LargeEnterprise REMOVE e:SME:FDIFirm)
    FOREACH (_ IN CASE WHEN e.kind = 'fdi' THEN [1] ELSE [] END | SET e:FDIFirm REMOVE e:SME:LargeEnterprise)
    """ + _CODE_LABEL + """
    WITH e, row
    CALL (e, row) {
        WITH e, row WHERE row.sectors IS NOT NULL
        OPTIONAL MATCH (e)-[r:IN_SECTOR]->(s) WHERE NOT s.id IN [x IN row.sectors | x.id]
        DELETE r
        WITH DISTINCT e, row
        UNWIND row.sectors AS sector
        MATCH (s:Sector {id: sector.id})
        MERGE (e)-[:IN_SECTOR]->(s)
    }
    CALL (e, row) {
        WITH e, row WHERE row.zone IS NOT NULL
        OPTIONAL MATCH (e)-[r:LOCATED_IN]->(z) WHERE z.id <> row.zone
        DELETE r
        WITH DISTINCT e, row
        MATCH (z:Zone {id: row.zone})
        MERGE (e)-[:LOCATED_IN]->(z)
    }
    CALL (e, row) {
        WITH e, row WHERE row.associations IS NOT NULL
        OPTIONAL MATCH (e)-[r:MEMBER_OF]->(a) WHERE NOT a.id IN row.associations
        DELETE r
        WITH DISTINCT e, row
        UNWIND row.associations AS association_id
        MATCH (a:Association {id: association_id})
        MERGE (e)-[:MEMBER_OF]->(a)
    }"""


def refresh_projection(tx, part: str | None, enterprise_ids: list[str]) -> list[str]:
    """Recompute a part of these firms' search projection (graph_schema.projection) from their relationships,
    and their offer tokens (None: the tokens alone, after a change of kind or location); called in the
    transaction that changed them, which then stamps their offers on the change feed (``stamp(offers=...)``,
    last). Returns the ids."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return ids
    tx.run(f"UNWIND $ids AS id MATCH (e:Enterprise {{id: id}}) {LOCK}", ids=ids).consume()
    fragment = f"{REFRESH[part]} WITH e " if part else ""
    tx.run(f"UNWIND $ids AS id MATCH (e:Enterprise {{id: id}}) {fragment}{TOKENS}", ids=ids).consume()
    return ids


class EnterpriseRepository:
    def __init__(self, graph):
        self.graph = graph

    # -- writes --------------------------------------------------------------------------------
    def upsert_many(self, rows: list[dict], now: str, maintain: bool = True) -> dict:
        """Upsert firms by id (``_upsert_rows``). ``maintain``: keep their search projection and stamp the feed
        (False in a bulk load only, ``begin_load``)."""
        try:
            return self.graph.write(_upsert_rows, rows, now, maintain)
        except ConstraintError as err:
            raise Conflict("an enterprise with this code already exists under another id",
                           {"code": [str(err.message)[:200]]}) from err

    def create(self, row: dict, now: str) -> None:
        def work(tx):
            if tx.run("MATCH (e:Enterprise {id: $id}) RETURN e.id", id=row["id"]).single():
                raise Conflict(f"enterprise '{row['id']}' already exists", {"id": ["already exists"]})
            if row["props"].get("code") and tx.run(
                    "MATCH (e:Enterprise {code: $code}) RETURN e.id", code=row["props"]["code"]).single():
                raise Conflict(f"an enterprise with code '{row['props']['code']}' already exists",
                               {"code": ["already exists"]})
            _upsert_rows(tx, [row], now)
        try:
            self.graph.write(work)
        except ConstraintError as err:  # a concurrent create of the same id or code
            raise Conflict("enterprise already exists", {"id": ["already exists"]}) from err

    def delete(self, enterprise_id: str) -> bool:
        def work(tx):
            # the sourcing requests it posted go with it: a request without its buyer is no one's need
            record = tx.run("""
                MATCH (e:Enterprise {id: $id})
                WITH e, [(e)-[:POSTED]->(r:SourcingRequest) | r] AS posted,
                     [(e)<-[:SUPPLIES]-(s:Enterprise) | s.id] AS suppliers
                WITH e, posted, [r IN posted | r.id] AS requests, suppliers
                FOREACH (r IN posted | DETACH DELETE r)
                DETACH DELETE e
                RETURN requests, suppliers""", id=enterprise_id).single()
            if record is not None:      # its suppliers lose a customer
                stamp(tx, removed_requests=record["requests"], removed_enterprises=[enterprise_id],
                      offers=record["suppliers"])
            return record is not None
        return self.graph.write(work)

    def set_capabilities(self, rows: list[dict], maintain: bool = True) -> dict:
        """rows: {enterprise, capability, capacity, unit}. Returns created/updated/unchanged counts.
        ``maintain``: as in ``upsert_many``."""
        def work(tx):
            result = tx.run(
                """
                UNWIND $rows AS row
                MATCH (e:Enterprise {id: row.enterprise}), (c:Capability {id: row.capability})
                OPTIONAL MATCH (e)-[old:HAS_CAPABILITY]->(c)
                WITH e, c, old, row {.*, unit: coalesce(row.unit, c.unit)} AS row  // a capacity without a unit is in the catalogue's
                WITH row, e, c, CASE WHEN old IS NULL THEN 'created'
                     WHEN old.capacity IS NULL AND row.capacity IS NOT NULL OR old.capacity <> row.capacity
                       OR coalesce(old.unit, '') <> coalesce(row.unit, '') THEN 'updated'
                     ELSE 'unchanged' END AS outcome
                MERGE (e)-[h:HAS_CAPABILITY]->(c)
                SET h.capacity = row.capacity, h.unit = row.unit
                RETURN outcome, count(*) AS n, collect(CASE WHEN outcome <> 'unchanged' THEN e.id END) AS changed
                """, rows=rows)
            records = list(result)
            if maintain:
                stamp(tx, offers=refresh_projection(tx, "capabilities", _changed(records)))
            return _counts(records)
        return self.graph.write(work)

    def set_certifications(self, rows: list[dict], maintain: bool = True) -> dict:
        """rows: {enterprise, standard, number, issuer, issued, expires}; one certificate per standard.
        ``maintain``: as in ``upsert_many``."""
        def work(tx):
            result = tx.run(
                """
                UNWIND $rows AS row
                MATCH (e:Enterprise {id: row.enterprise}), (s:Standard {id: row.standard})
                OPTIONAL MATCH (e)-[old:CERTIFIED]->(s)
                WITH row, e, s, CASE WHEN old IS NULL THEN 'created'
                     WHEN coalesce(old.number, '') <> coalesce(row.number, '')
                       OR coalesce(old.issuer, '') <> coalesce(row.issuer, '')
                       OR coalesce(toString(old.issued), '') <> coalesce(toString(row.issued), '')
                       OR coalesce(toString(old.expires), '') <> coalesce(toString(row.expires), '')
                     THEN 'updated' ELSE 'unchanged' END AS outcome
                MERGE (e)-[c:CERTIFIED]->(s)
                SET c.number = row.number, c.issuer = row.issuer, c.issued = row.issued, c.expires = row.expires
                RETURN outcome, count(*) AS n, collect(CASE WHEN outcome <> 'unchanged' THEN e.id END) AS changed
                """, rows=rows)
            records = list(result)
            if maintain:
                stamp(tx, offers=refresh_projection(tx, "certifications", _changed(records)))
            return _counts(records)
        return self.graph.write(work)

    def set_supply_links(self, rows: list[dict], maintain: bool = True) -> dict:
        """rows: {supplier, buyer, since, product}. ``maintain``: as in ``upsert_many``."""
        def work(tx):
            result = tx.run(
                """
                UNWIND $rows AS row
                MATCH (s:Enterprise {id: row.supplier}), (b:Enterprise {id: row.buyer})
                OPTIONAL MATCH (s)-[old:SUPPLIES]->(b)
                WITH row, s, b, CASE WHEN old IS NULL THEN 'created'
                     WHEN coalesce(old.since, -1) <> coalesce(row.since, -1)
                       OR coalesce(old.product, '') <> coalesce(row.product, '') THEN 'updated'
                     ELSE 'unchanged' END AS outcome
                MERGE (s)-[l:SUPPLIES]->(b)
                SET l.since = row.since, l.product = row.product
                RETURN outcome, count(*) AS n, collect(CASE WHEN outcome = 'created' THEN s.id END) AS changed
                """, rows=rows)
            records = list(result)
            if maintain:    # a new customer is part of the supplier as the search reads it
                stamp(tx, offers=_changed(records))
            return _counts(records)
        return self.graph.write(work)

    def stale_projection(self, limit: int) -> list[str]:
        """Ids of firms whose search projection disagrees with their links (none while every write kept it)."""
        return self.graph.read(lambda tx: [r["id"] for r in tx.run(STALE, limit=limit)])

    def begin_load(self) -> bool:
        """Whether a load may write its firms and their links without keeping the search projection or stamping
        the feed (``maintain=False``), ``end_load`` making both whole in one pass: when the graph holds no firm
        yet, or such a load stopped before its end. Marks the load begun (on the feed's node)."""
        return self.graph.write(lambda tx: tx.run(BULK_LOAD_BEGIN).single()["bulk"])

    def end_load(self) -> None:
        """End a load begun by ``begin_load``: every firm's projection worked out from its links, a new epoch
        of the feed (every keep reads everything again), then the mark removed."""
        self.refresh_every_projection()
        self.graph.write(lambda tx: tx.run(BULK_LOAD_END).consume())

    def refresh_every_projection(self) -> None:
        """Recompute every firm's search projection from its links, in batches (a repair; migration 11); then
        every keep of the firms' offers reads them all again (a new epoch of the feed: the batches stamp none)."""
        with self.graph.session() as session:
            session.run(REFRESH_ALL).consume()
        self.graph.write(reset)

    # -- reads ---------------------------------------------------------------------------------
    def existing_ids(self, ids: list[str]) -> set[str]:
        def work(tx):
            result = tx.run("UNWIND $ids AS id MATCH (e:Enterprise {id: id}) RETURN e.id AS id", ids=ids)
            return {r["id"] for r in result}
        return self.graph.read(work)

    def ids_by_code(self, codes: list[str]) -> dict[str, str]:
        def work(tx):
            result = tx.run("UNWIND $codes AS code MATCH (e:Enterprise {code: code}) RETURN code, e.id AS id",
                            codes=codes)
            return {r["code"]: r["id"] for r in result}
        return self.graph.read(work)

    def get(self, enterprise_id: str, today: date) -> dict | None:
        def work(tx):
            record = tx.run(f"MATCH (e:Enterprise {{id: $id}}) RETURN {_PROJECTION} AS e",
                            id=enterprise_id, today=today.isoformat()).single()
            return record["e"] if record else None
        return self.graph.read(work)

    def search(self, filters: dict, sort: str, limit: int, offset: int, today: date) -> tuple[list[dict], int]:
        """Filtered, paginated list. ``filters`` keys are fixed by the service; values go as parameters."""
        params = {"today": today.isoformat(), "limit": limit, "offset": offset, **filters}
        if filters.get("q"):
            match = ("CALL db.index.fulltext.queryNodes('enterprise_text', $q) YIELD node AS e, score "
                     "WITH e, score")
        else:
            match = "MATCH (e:Enterprise) WITH e, 0.0 AS score"
        where = []
        if filters.get("kind"):
            where.append("e.kind = $kind")
        if filters.get("commune"):
            where.append("e.commune = $commune")
        if filters.get("latitude") is not None:
            where.append("point.distance(e.location, point({latitude: $latitude, longitude: $longitude}))"
                         " <= $radius_m")
        if filters.get("sector"):
            where.append("EXISTS { (e)-[:IN_SECTOR]->(:Sector {id: $sector}) }")
        if filters.get("zone"):
            where.append("EXISTS { (e)-[:LOCATED_IN]->(:Zone {id: $zone}) }")
        if filters.get("capability"):
            where.append("EXISTS { (e)-[:HAS_CAPABILITY]->(:Capability)-[:PART_OF*0..]->"
                         "(:Capability {id: $capability}) }")
        if filters.get("standard"):
            where.append("EXISTS { (e)-[c:CERTIFIED]->(:Standard {id: $standard}) "
                         "WHERE c.expires IS NULL OR c.expires >= date($today) }")
        where_clause = ("WHERE " + " AND ".join(where)) if where else ""
        order = {
            "name": "e.name, e.id",
            "-employees": "e.employees DESC, e.id",
            "employees": "e.employees, e.id",
            "founded": "e.founded, e.id",
            "relevance": "score DESC, e.id",
            "distance": "point.distance(e.location, point({latitude: $latitude, longitude: $longitude})), e.id",
        }[sort]
        query = f"""
            {match}
            {where_clause}
            WITH collect(e) AS all_rows
            WITH all_rows, size(all_rows) AS total
            UNWIND all_rows AS e
            WITH e, total
            ORDER BY {order}
            SKIP $offset LIMIT $limit
            RETURN {_PROJECTION} AS e, total
        """
        if sort == "relevance":  # score must survive the collect
            query = f"""
                {match}
                {where_clause}
                WITH collect({{e: e, score: score}}) AS all_rows
                WITH all_rows, size(all_rows) AS total
                UNWIND all_rows AS hit
                WITH hit.e AS e, hit.score AS score, total
                ORDER BY {order}
                SKIP $offset LIMIT $limit
                RETURN {_PROJECTION} AS e, total
            """

        def work(tx):
            records = list(tx.run(query, **params))
            if records:
                return [r["e"] for r in records], records[0]["total"]
            if offset == 0:
                return [], 0
            count_query = f"{match} {where_clause} RETURN count(e) AS total"
            return [], tx.run(count_query, **params).single()["total"]
        return self.graph.read(work)

    # -- duplicates ----------------------------------------------------------------------------
    def duplicate_candidates(self, ids: list[str], radius_m: float, per_key: int = 50) -> list[dict]:
        """For each given enterprise, others sharing its name key or one of its blocking keys
        (``scoring.text.blocking_keys``; at most ``per_key`` per key, by index seek), or within
        ``radius_m`` metres (point index). Two firms with two enterprise codes are never one firm
        (``duplicate_verdict``), so a firm with a code meets only firms without one (``:WithoutCode`` and
        its indexes): in a register where every firm has its code, nothing is read."""
        def candidates(among: str) -> str:
            keyed = [f"MATCH (o:{among} {{{prop}: e.{prop}}}) WHERE o.id <> e.id RETURN o LIMIT $per_key"
                     for prop in ("name_key", *BLOCKING_KEY_PROPS)]
            near = (f"MATCH (o:{among}) WHERE e.location IS NOT NULL "
                    f"AND point.distance(o.location, e.location) <= $radius AND o.id <> e.id RETURN o")
            return "\n                    UNION\n                    ".join([*keyed, near])

        def work(tx):
            # the firms are split here, not by a predicate in the query: a planner may test it after each seek
            without_code = {r["id"] for r in tx.run(
                f"UNWIND $ids AS id MATCH (e:Enterprise {{id: id}}) WHERE e:{WITHOUT_CODE} RETURN e.id AS id", ids=ids)}
            pairs = []
            for some, among in (([i for i in ids if i in without_code], "Enterprise"),
                                ([i for i in ids if i not in without_code], WITHOUT_CODE)):
                if not some:
                    continue
                result = tx.run(
                    f"""
                    UNWIND $ids AS id
                    MATCH (e:Enterprise {{id: id}})
                    CALL (e) {{
                        {candidates(among)}
                    }}
                    RETURN e {{.id, .code, .name, .address, .country, location: e.location}} AS a,
                           o {{.id, .code, .name, .address, .country, location: o.location}} AS b
                    """, ids=some, radius=radius_m, per_key=per_key)
                pairs += [{"a": r["a"], "b": r["b"]} for r in result]
            return pairs
        return self.graph.read(work)

    def flag_duplicates(self, pairs: list[dict], now: str) -> int:
        """MERGE one PROBABLE_DUPLICATE per unordered pair; returns how many were new."""
        def work(tx):
            record = tx.run(
                """
                UNWIND $pairs AS p
                MATCH (a:Enterprise {id: p.a}), (b:Enterprise {id: p.b})
                MERGE (a)-[d:PROBABLE_DUPLICATE]->(b)
                ON CREATE SET d.flagged_at = $now, d.status = 'open', d._new = true
                SET d.score = p.score, d.reason = p.reason
                WITH d, coalesce(d._new, false) AS is_new
                REMOVE d._new
                RETURN sum(CASE WHEN is_new THEN 1 ELSE 0 END) AS created
                """, pairs=pairs, now=now).single()
            return record["created"] or 0
        return self.graph.write(work)

    def list_duplicates(self, status: str | None, limit: int, offset: int) -> list[dict]:
        def work(tx):
            result = tx.run(
                """
                MATCH (a:Enterprise)-[d:PROBABLE_DUPLICATE]->(b:Enterprise)
                WHERE $status IS NULL OR d.status = $status
                RETURN a {.id, .code, .name, .address} AS a, b {.id, .code, .name, .address} AS b,
                       d.score AS score, d.reason AS reason, d.status AS status, d.flagged_at AS flagged_at
                ORDER BY d.score DESC, a.id, b.id SKIP $offset LIMIT $limit
                """, status=status, limit=limit, offset=offset)
            return [r.data() for r in result]
        return self.graph.read(work)


def _changed(records) -> list[str]:
    """The ids a write's records list as changed (created or updated)."""
    return [i for record in records for i in record["changed"]]


def _counts(result) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for record in result:
        counts[record["outcome"]] += record["n"]
    return counts
