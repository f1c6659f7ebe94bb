"""What an SME holds, what its targets ask, and what its peers hold."""
from __future__ import annotations

from datetime import date

from .matching import _VALID, BUYER_HISTORY, BUYER_PROFILE


# The peers p of an SME e: SMEs of one of its sectors, in its commune or zone, of similar size (half to
# twice its employees); one row per peer. Used by the peer shares and by the example firm `keys examples` picks.
PEERS = """
WITH e, [(e)-[:IN_SECTOR]->(s) | s.id] AS sectors, head([(e)-[:LOCATED_IN]->(z) | z]) AS zone,
     coalesce(e.employees, 0) AS size
MATCH (s:Sector)<-[:IN_SECTOR]-(p:SME)
WHERE s.id IN sectors AND p <> e
  AND (p.commune = e.commune OR (zone IS NOT NULL AND EXISTS { (p)-[:LOCATED_IN]->(zone) }))
  AND (size = 0 OR (p.employees >= size / 2.0 AND p.employees <= size * 2.0))
WITH DISTINCT e, p
"""


def _open_demand(requests: str) -> str:
    """Two CALLs over the open requests ``requests`` (a fixed pattern binding r) yielding open_requests (how
    many) and asked ([{id, mandatory, preferred}]: how many of them make each standard mandatory or preferred)."""
    return f"""
                CALL (target) {{ MATCH {requests} RETURN count(DISTINCT r) AS open_requests }}
                CALL (target) {{
                    MATCH {requests} WITH DISTINCT r
                    MATCH (r)-[n:NEEDS]->(st:Standard)
                    WITH st.id AS id, count(CASE WHEN n.mandatory THEN 1 END) AS mandatory, count(*) AS asked
                    RETURN collect({{id: id, mandatory: mandatory, preferred: asked - mandatory}}) AS asked
                }}"""


# What a request asks, as read, by id, with the stamp it was read under (``_REVISION``): kept for every
# readiness view of this process, at most _SEEN_KEPT requests (then read afresh).
_SEEN: dict[str, tuple[list, dict]] = {}
_SEEN_KEPT = 60_000
# A request's stamp: every write of its fields counts a revision (repositories.sourcing); its needs and its
# creation tell a request written without one (before revisions were counted) or created again apart.
_REVISION = "[r.revision, COUNT { (r)-[:NEEDS]->() }, r.created_at]"
# What a request r posted by b asks, with its stamp, as one list ``requests``.
_ASKS = f"""RETURN collect(r {{.id, .title, .text, .monthly_volume, .max_distance_km,
    latitude: r.location.latitude, longitude: r.location.longitude, buyer: b.id,
    capabilities: [(r)-[:NEEDS]->(c:Capability) | c.id],
    products: [(r)-[:NEEDS]->(p:Product) | p.hs],
    standards: [(r)-[n:NEEDS]->(s:Standard) | {{id: s.id, mandatory: n.mandatory}}],
    revision: {_REVISION}}}) AS requests"""


def _keep(requests: list[dict]) -> dict[str, dict]:
    """Keep what these requests ask, each under its stamp (the keep emptied first when it would grow too
    large); the requests by id."""
    if len(_SEEN) + len(requests) > _SEEN_KEPT:
        _SEEN.clear()
    read = {}
    for r in requests:
        _SEEN[r["id"]] = (r.pop("revision"), r)
        read[r["id"]] = r
    return read


class ReadinessRepository:
    def __init__(self, graph):
        self.graph = graph

    def sme(self, sme_id: str, today: date) -> dict | None:
        """The SME's profile with its certificates (all, with dates) and capabilities; as a candidate for a
        target it is read by the search's own projection (MatchRepository.supplier_as_candidate)."""
        def work(tx):
            record = tx.run(f"""
                MATCH (e:Enterprise {{id: $id}})
                RETURN e {{.id, .name, .kind, .commune, .employees, .founded, .export_share, .search_text,
                    latitude: e.location.latitude, longitude: e.location.longitude,
                    sectors: [(e)-[:IN_SECTOR]->(s) | s.id],
                    zone: head([(e)-[:LOCATED_IN]->(z) | z.id]),
                    capabilities: [(e)-[h:HAS_CAPABILITY]->(c) | [c.id, h.capacity]],
                    certificates: [(e)-[x:CERTIFIED]->(s) | {{standard: s.id, name: s.name_en, number: x.number,
                                    issuer: x.issuer, expires: x.expires, valid: {_VALID}}}],
                    products: [(e)-[:MAKES]->(p) | p.hs]
                }} AS e""", id=sme_id, today=today.isoformat()).single()
            return record["e"] if record else None
        return self.graph.read(work)

    def buyer_target(self, buyer_id: str) -> dict | None:
        """A buyer's standing requirements, the capabilities its open requests need, and its history."""
        def work(tx):
            record = tx.run(f"""
                MATCH (b:Enterprise {{id: $id}})
                WITH b, b AS target
                {_open_demand("(target)-[:POSTED]->(r:SourcingRequest {status: 'open'})")}
                RETURN b {{.id, .name, {BUYER_PROFILE}, demand: {{open_requests: open_requests, asked: asked}},
                    latitude: b.location.latitude, longitude: b.location.longitude,
                    sectors: [(b)-[:IN_SECTOR]->(s) | s.id],
                    standards: [(b)-[r:REQUIRES]->(s:Standard) | {{id: s.id, mandatory: r.mandatory}}],
                    capabilities: COLLECT {{ MATCH (b)-[:POSTED]->(:SourcingRequest {{status: 'open'}})
                                            -[:NEEDS]->(c:Capability) RETURN DISTINCT c.id }},
                    history: {BUYER_HISTORY}}} AS b
                """, id=buyer_id).single()
            return record["b"] if record else None
        return self.graph.read(work)

    def buyers_in_sectors(self, sectors: list[str], limit: int) -> list[dict]:
        """FDI then large firms of the given sectors, by name: the buyers an SME may prepare for."""
        return self.graph.read(lambda tx: [r["b"] for r in tx.run("""
            MATCH (s:Sector)<-[:IN_SECTOR]-(b:Enterprise) WHERE s.id IN $sectors AND b.kind IN ['fdi', 'large']
            WITH DISTINCT b
            RETURN b {.id, .name, .kind} AS b
            ORDER BY CASE b.kind WHEN 'fdi' THEN 0 ELSE 1 END, b.name, b.id LIMIT $limit""",
            sectors=sectors, limit=limit)])

    def sector_target(self, sector_id: str) -> dict | None:
        def work(tx):
            record = tx.run(f"""
                MATCH (s:Sector {{id: $id}})
                WITH s, s AS target
                {_open_demand("(target)<-[:IN_SECTOR]-(:Enterprise)-[:POSTED]->(r:SourcingRequest {status: 'open'})")}
                RETURN s {{.id, .name_en, .name_vi, demand: {{open_requests: open_requests, asked: asked}},
                    standards: [(s)-[r:REQUIRES]->(st:Standard) | {{id: st.id, mandatory: r.mandatory}}],
                    capabilities: [(s)-[:USES]->(c:Capability) | c.id]}} AS s
                """, id=sector_id).single()
            return record["s"] if record else None
        return self.graph.read(work)

    def standards(self) -> dict[str, dict]:
        return self.graph.read(lambda tx: {r["s"]["id"]: r["s"] for r in tx.run(
            "MATCH (s:Standard) RETURN s {.id, .name_en, .name_vi, .kind, .effort, .months_min, .months_max, .months_source, "
            ".cost_min_mvnd, .cost_max_mvnd, .cost_source, .certifier, .prerequisites, .months_source_vi, "
            ".cost_source_vi, .certifier_vi, .cost_scales_with_staff} AS s")})

    def open_requests_near(self, relevant: list[str], sectors: list[str], latitude, longitude) -> list[dict]:
        """Open requests an SME could serve: needing a related capability or posted by a buyer of its
        sector, and within the request's own maximum distance of the SME; by id.

        Which requests are in reach, their distance and their cutoffs are read each time; what each asks
        (its needs, words, volume, buyer) is kept in this process by request (``_SEEN``) and read again
        only when its revision, its number of needs or its creation differ from what was kept."""
        def work(tx):
            found = tx.run("""
                CALL () {
                    MATCH (c:Capability) WHERE c.id IN $relevant
                    MATCH (r:SourcingRequest {status: 'open'})-[:NEEDS]->(c) RETURN r
                    UNION
                    MATCH (s:Sector) WHERE s.id IN $sectors
                    MATCH (s)<-[:IN_SECTOR]-(:Enterprise)-[:POSTED]->(r:SourcingRequest {status: 'open'}) RETURN r
                }
                WITH r, CASE WHEN r.location IS NULL OR $latitude IS NULL THEN null
                        ELSE point.distance(r.location, point({latitude: $latitude, longitude: $longitude})) / 1000.0
                        END AS km
                WITH r, km WHERE r.max_distance_km IS NULL OR km IS NULL OR km <= r.max_distance_km
                RETURN collect([r.id, km, r.cutoff_score, r.cutoff_model, """ + _REVISION + """]) AS found
                """, relevant=relevant, sectors=sectors, latitude=latitude, longitude=longitude).single()["found"]
            asks = {}       # taken from the keep here: another thread may empty it meanwhile
            for i, *_, revision in found:
                kept = _SEEN.get(i)
                if kept is not None and kept[0] == revision:
                    asks[i] = kept[1]
            stale = [i for i, *_ in found if i not in asks]
            if stale:
                asks.update(_keep(tx.run(
                    f"UNWIND $ids AS id MATCH (b:Enterprise)-[:POSTED]->(r:SourcingRequest {{id: id}}) {_ASKS}",
                    ids=stale).single()["requests"]))
            # a request deleted since the first read is not in ``asks``
            requests = [(asks[i], km, score, model) for i, km, score, model, _ in found if i in asks]
            # each buyer once, however many of its requests are in reach
            buyers = {b["id"]: b for b in tx.run(f"""
                UNWIND $ids AS id MATCH (b:Enterprise {{id: id}})
                RETURN collect(b {{.id, .name, .kind, profile: b {{{BUYER_PROFILE}}},
                                   sectors: [(b)-[:IN_SECTOR]->(s) | s.id]}}) AS buyers""",
                ids=sorted({r["buyer"] for r, *_ in requests})).single()["buyers"]}
            return sorted(({**r, "distance_km": km, "cutoff_score": score, "cutoff_model": model,
                            "buyer_name": buyers[r["buyer"]]["name"], "buyer_kind": buyers[r["buyer"]]["kind"],
                            "buyer_profile": buyers[r["buyer"]]["profile"],
                            "buyer_sectors": buyers[r["buyer"]]["sectors"]}
                           for r, km, score, model in requests if r["buyer"] in buyers), key=lambda r: r["id"])
        return self.graph.read(work)

    def keep_open_requests(self) -> int:
        """Read what every open request asks into this process's keep (``_SEEN``), so that no first report
        reads thousands (a worker's warm-up); how many, or 0 when there are more than it keeps."""
        def work(tx):
            if tx.run("MATCH (r:SourcingRequest {status: 'open'}) RETURN count(r) AS n").single()["n"] > _SEEN_KEPT:
                return 0
            return len(_keep(tx.run("MATCH (b:Enterprise)-[:POSTED]->(r:SourcingRequest {status: 'open'}) " + _ASKS)
                             .single()["requests"]))
        return self.graph.read(work)

    def peer_shares(self, sme_id: str, today: date) -> dict:
        """Shares of peers (SMEs of the same sector, in the same zone or commune, of similar size)
        holding each valid standard and each capability."""
        def work(tx):
            record = tx.run(f"""
                MATCH (e:Enterprise {{id: $id}})
                {PEERS}
                WITH collect(p) AS peers
                CALL (peers) {{
                    UNWIND peers AS p
                    MATCH (p)-[x:CERTIFIED]->(s:Standard) WHERE {_VALID}
                    WITH s.id AS id, count(DISTINCT p) AS n
                    RETURN collect([id, n]) AS standards
                }}
                CALL (peers) {{
                    UNWIND peers AS p
                    MATCH (p)-[:HAS_CAPABILITY]->(c:Capability)
                    WITH c.id AS id, count(DISTINCT p) AS n
                    RETURN collect([id, n]) AS capabilities
                }}
                RETURN size(peers) AS peers, standards, capabilities
                """, id=sme_id, today=today.isoformat()).single()
            return record.data() if record else {"peers": 0, "standards": [], "capabilities": []}
        return self.graph.read(work)
