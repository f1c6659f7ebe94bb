"""What the city's SME programme view reads: the SMEs of a scope and the open demand of FDI buyers."""
from __future__ import annotations

from datetime import date

from graph_schema.projection import day_number


class ProgrammeRepository:
    """Each read returns its tens of thousands of rows as one list of maps, which the driver reads several
    times faster than as many records."""

    def __init__(self, graph):
        self.graph = graph

    def smes(self, sector: str | None, commune: str | None, zone: str | None, today: date) -> list[dict]:
        """SMEs of the scope (each filter optional), by id, with what the search's hard filters look at:
        location, sectors, capabilities, products and standards valid today (from the firm's search
        projection)."""
        def work(tx):
            return tx.run("""
                MATCH (e:SME)
                WHERE ($sector IS NULL OR EXISTS { (e)-[:IN_SECTOR]->(:Sector {id: $sector}) })
                  AND ($commune IS NULL OR e.commune = $commune)
                  AND ($zone IS NULL OR EXISTS { (e)-[:LOCATED_IN]->(:Zone {id: $zone}) })
                WITH e, coalesce(e.certified_ids, []) AS certified, coalesce(e.certified_until, []) AS until
                WITH e {.id, latitude: e.location.latitude, longitude: e.location.longitude,
                    sectors: [(e)-[:IN_SECTOR]->(s) | s.id],
                    capabilities: coalesce(e.capability_ids, []), products: coalesce(e.product_codes, []),
                    standards: [i IN range(0, size(certified) - 1) WHERE until[i] >= $today | certified[i]]} AS e
                ORDER BY e.id
                RETURN collect(e) AS smes""", sector=sector, commune=commune, zone=zone,
                          today=day_number(today)).single()["smes"]
        return self.graph.read(work)

    def details(self, ids: list[str]) -> dict[str, dict]:
        """Name, commune and zone of each SME of ``ids``, by id."""
        def work(tx):
            return {r["e"]["id"]: r["e"] for r in tx.run("""
                UNWIND $ids AS id MATCH (e:Enterprise {id: id})
                RETURN e {.id, .name, .commune, zone: head([(e)-[:LOCATED_IN]->(z) | z.id])} AS e""", ids=ids)}
        return self.graph.read(work)

    def fdi_demand(self) -> list[dict]:
        """Open sourcing requests of FDI buyers: where, how far, which capabilities or products, which
        mandatory standards."""
        def work(tx):
            return tx.run("""
                MATCH (b:Enterprise {kind: 'fdi'})-[:POSTED]->(r:SourcingRequest {status: 'open'})
                WITH r {.id, .title, .max_distance_km, buyer: b.id, buyer_name: b.name,
                    buyer_sectors: [(b)-[:IN_SECTOR]->(s) | s.id],
                    latitude: r.location.latitude, longitude: r.location.longitude,
                    capabilities: [(r)-[:NEEDS]->(c:Capability) | c.id],
                    products: [(r)-[:NEEDS]->(p:Product) | p.hs],
                    standards: [(r)-[n:NEEDS]->(s:Standard) WHERE n.mandatory | s.id]} AS r
                ORDER BY r.id
                RETURN collect(r) AS requests""").single()["requests"]
        return self.graph.read(work)
