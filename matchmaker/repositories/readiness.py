"""What an SME holds, what its targets ask, and what its peers hold."""
from __future__ import annotations

from datetime import date

from .market import market_of
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
        sector, and within the request's own maximum distance of the SME; by id. Read from this process's
        keep of the open market (``market``), brought up to the graph's change feed first."""
        market = market_of(self.graph)
        self.graph.read(market.sync)
        return market.near(relevant, sectors, latitude, longitude)

    def keep_open_requests(self) -> int:
        """Read the open market into this process's keep, so that no first report reads it all (a worker's
        warm-up); how many open requests it holds."""
        return self.graph.read(market_of(self.graph).sync)

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
