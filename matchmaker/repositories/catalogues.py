"""Catalogues: capabilities (a hierarchy), standards, sectors, zones, associations, products, requirements."""
from __future__ import annotations

from .enterprises import refresh_projection
from .market import reset, stamp


class CatalogueRepository:
    def __init__(self, graph):
        self.graph = graph

    def upsert_standards(self, rows: list[dict]) -> None:
        self.graph.write(lambda tx: tx.run(
            "UNWIND $rows AS row MERGE (s:Standard {id: row.id}) "
            "SET s.name_en = row.name_en, s.name_vi = row.name_vi, s.kind = row.kind, s.effort = row.effort, s.scope = row.scope, "
            "s.search_text = row.search_text, s.months_min = row.months_min, s.months_max = row.months_max, "
            "s.months_source = row.months_source, s.cost_min_mvnd = row.cost_min_mvnd, "
            "s.cost_max_mvnd = row.cost_max_mvnd, s.cost_source = row.cost_source, s.certifier = row.certifier, "
            "s.months_source_vi = row.months_source_vi, s.cost_source_vi = row.cost_source_vi, "
            "s.certifier_vi = row.certifier_vi, s.cost_scales_with_staff = coalesce(row.cost_scales_with_staff, false), "
            "s.prerequisites = coalesce(row.prerequisites, [])", rows=rows).consume())

    def upsert_sectors(self, rows: list[dict]) -> None:
        def work(tx):
            tx.run("UNWIND $rows AS row MERGE (s:Sector {id: row.id}) "
                   "SET s.name_en = row.name_en, s.name_vi = row.name_vi, s.isic = row.isic, "
                   "s.search_text = row.search_text, s.aliases = coalesce(row.aliases, [])", rows=rows).consume()
            reset(tx)   # a buyer's sector code is part of its profile in the open market's keep
        self.graph.write(work)

    def upsert_capabilities(self, rows: list[dict]) -> None:
        def work(tx):
            tx.run("UNWIND $rows AS row MERGE (c:Capability {id: row.id}) "
                   "SET c.name_en = row.name_en, c.name_vi = row.name_vi, c.isic = row.isic, c.unit = row.unit, c.search_text = row.search_text",
                   rows=rows).consume()
            tx.run("UNWIND $rows AS row MATCH (c:Capability {id: row.id}) "
                   "OPTIONAL MATCH (c)-[old:PART_OF]->(p) WHERE p.id <> coalesce(row.parent, '') DELETE old "
                   "WITH DISTINCT c, row WHERE row.parent IS NOT NULL "
                   "MATCH (p:Capability {id: row.parent}) MERGE (c)-[:PART_OF]->(p)", rows=rows).consume()
        self.graph.write(work)

    def upsert_zones(self, rows: list[dict]) -> None:
        def work(tx):
            tx.run("UNWIND $rows AS row MERGE (z:Zone {id: row.id}) "
                   "SET z.name_en = row.name_en, z.name_vi = row.name_vi, z.kind = row.kind, z.commune = row.commune, "
                   "z.location = point({latitude: row.latitude, longitude: row.longitude}), "
                   "z.search_text = row.search_text", rows=rows).consume()
            tx.run("UNWIND $rows AS row MATCH (z:Zone {id: row.id}) "
                   "UNWIND row.sectors AS sector_id MATCH (s:Sector {id: sector_id}) "
                   "MERGE (z)-[:HOSTS_SECTOR]->(s)", rows=rows).consume()
        self.graph.write(work)

    def upsert_communes(self, rows: list[dict]) -> None:
        """Wards and communes; an enterprise whose commune was written another way (no accents, a prefix) before
        the catalogue existed takes the catalogue's name."""
        from graph_schema.migrations import upsert_communes
        self.graph.write(upsert_communes, rows)

    def upsert_associations(self, rows: list[dict]) -> None:
        self.graph.write(lambda tx: tx.run(
            "UNWIND $rows AS row MERGE (a:Association {id: row.id}) SET a.name = row.name", rows=rows).consume())

    def upsert_products(self, rows: list[dict]) -> None:
        self.graph.write(lambda tx: tx.run(
            "UNWIND $rows AS row MERGE (p:Product {hs: row.hs}) SET p.name = row.name "
            "WITH p, row MATCH (s:Sector {id: row.sector}) MERGE (p)-[:OF_SECTOR]->(s)", rows=rows).consume())

    def set_sector_requirements(self, rows: list[dict]) -> None:
        """rows: {sector, standard, mandatory}."""
        self.graph.write(lambda tx: tx.run(
            "UNWIND $rows AS row MATCH (s:Sector {id: row.sector}), (st:Standard {id: row.standard}) "
            "MERGE (s)-[r:REQUIRES]->(st) SET r.mandatory = row.mandatory", rows=rows).consume())

    def set_sector_capabilities(self, rows: list[dict]) -> None:
        """rows: {sector, capability}: the processes typical of a sector's suppliers."""
        self.graph.write(lambda tx: tx.run(
            "UNWIND $rows AS row MATCH (s:Sector {id: row.sector}), (c:Capability {id: row.capability}) "
            "MERGE (s)-[:USES]->(c)", rows=rows).consume())

    def set_buyer_requirements(self, rows: list[dict], maintain: bool = True) -> None:
        """rows: {buyer, standard, mandatory}: what a large or FDI buyer asks of every supplier. ``maintain``:
        stamp the feed (not in a bulk load, ``EnterpriseRepository.begin_load``)."""
        def work(tx):
            tx.run("UNWIND $rows AS row MATCH (b:Enterprise {id: row.buyer}), (st:Standard {id: row.standard}) "
                   "MERGE (b)-[r:REQUIRES]->(st) SET r.mandatory = row.mandatory", rows=rows).consume()
            if maintain:
                stamp(tx, enterprises=[row["buyer"] for row in rows])
        self.graph.write(work)

    def set_products(self, rows: list[dict], maintain: bool = True) -> None:
        """rows: {enterprise, hs}. ``maintain``: keep the search projection and stamp the feed (not in a bulk
        load, ``EnterpriseRepository.begin_load``)."""
        def work(tx):
            tx.run("UNWIND $rows AS row MATCH (e:Enterprise {id: row.enterprise}), (p:Product {hs: row.hs}) "
                   "MERGE (e)-[:MAKES]->(p)", rows=rows).consume()
            if maintain:
                stamp(tx, offers=refresh_projection(tx, "products", [row["enterprise"] for row in rows]))
        self.graph.write(work)

    # -- reads ---------------------------------------------------------------------------------
    def list_capabilities(self) -> list[dict]:
        return self.graph.read(lambda tx: [r["c"] for r in tx.run(
            "MATCH (c:Capability) RETURN c {.id, .name_en, .name_vi, .isic, .unit, "
            "parent: head([(c)-[:PART_OF]->(p) | p.id])} AS c ORDER BY c.id")])

    def list_standards(self) -> list[dict]:
        return self.graph.read(lambda tx: [r["s"] for r in tx.run(
            "MATCH (s:Standard) RETURN s {.id, .name_en, .name_vi, .kind, .effort, .scope, .months_min, .months_max, "
            ".cost_min_mvnd, .cost_max_mvnd, .certifier, prerequisites: coalesce(s.prerequisites, []), "
            "required_by_sectors: [(sec:Sector)-[r:REQUIRES]->(s) | {sector: sec.id, mandatory: r.mandatory}]} AS s "
            "ORDER BY s.id")])

    def list_sectors(self) -> list[dict]:
        return self.graph.read(lambda tx: [r["s"] for r in tx.run(
            "MATCH (s:Sector) RETURN s {.id, .name_en, .name_vi, .isic, aliases: coalesce(s.aliases, []), "
            "requirements: [(s)-[r:REQUIRES]->(st:Standard) | {standard: st.id, mandatory: r.mandatory}]} AS s "
            "ORDER BY s.id")])

    def list_zones(self, kind: str | None) -> list[dict]:
        return self.graph.read(lambda tx: [r["z"] for r in tx.run(
            "MATCH (z:Zone) WHERE $kind IS NULL OR z.kind = $kind "
            "RETURN z {.id, .name_en, .name_vi, .kind, .commune, latitude: z.location.latitude, longitude: z.location.longitude, "
            "sectors: [(z)-[:HOSTS_SECTOR]->(s) | s.id], "
            "enterprises: COUNT { (z)<-[:LOCATED_IN]-(:Enterprise) }} AS z ORDER BY z.id", kind=kind)])

    def list_communes(self, with_enterprises: bool = False) -> list[dict]:
        """Wards and communes by code; with the number of enterprises in each if asked (an index count each)."""
        return self.graph.read(lambda tx: [r["c"] for r in tx.run(
            "MATCH (c:Commune) RETURN c {.id, .kind, .name_vi, .name_en, "
            "enterprises: CASE WHEN $counts THEN COUNT { MATCH (e:Enterprise) WHERE e.commune = c.name_vi } END} AS c "
            "ORDER BY c.id", counts=with_enterprises)])

    def existing(self, label: str, ids: list[str]) -> set[str]:
        """Which of ``ids`` exist as nodes of catalogue ``label`` (a fixed label from graph_schema.model)."""
        from graph_schema.model import CATALOGUE_LABELS
        if label not in CATALOGUE_LABELS.values():
            raise ValueError(label)
        return self.graph.read(lambda tx: {r["id"] for r in tx.run(
            f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id AS id", ids=ids)})

    def names(self) -> dict[tuple[str, str], str]:
        """The English name of every capability, standard and sector, by (type, id)."""
        record = self.graph.read(lambda tx: tx.run(
            "RETURN COLLECT { MATCH (c:Capability) RETURN [c.id, c.name_en] } AS capability, "
            "COLLECT { MATCH (s:Standard) RETURN [s.id, s.name_en] } AS standard, "
            "COLLECT { MATCH (s:Sector) RETURN [s.id, s.name_en] } AS sector").single().data())
        return {(kind, i): name for kind, pairs in record.items() for i, name in pairs}

    def known_ids(self) -> dict[str, set[str]]:
        """Every capability id, standard id and product code, by label (for checks that may be cached)."""
        rows = self.graph.read(lambda tx: tx.run(
            "RETURN COLLECT { MATCH (c:Capability) RETURN c.id } AS Capability, "
            "COLLECT { MATCH (s:Standard) RETURN s.id } AS Standard, "
            "COLLECT { MATCH (p:Product) RETURN p.hs } AS Product").single().data())
        return {label: set(ids) for label, ids in rows.items()}

    def existing_products(self, codes: list[str]) -> set[str]:
        """Which of the HS ``codes`` are in the product catalogue."""
        return self.graph.read(lambda tx: {r["hs"] for r in tx.run(
            "UNWIND $codes AS hs MATCH (p:Product {hs: hs}) RETURN p.hs AS hs", codes=codes)})

    def zone_ids(self) -> set[str]:
        return self.graph.read(lambda tx: {r["id"] for r in tx.run("MATCH (z:Zone) RETURN z.id AS id")})


class HealthRepository:
    def __init__(self, graph):
        self.graph = graph

    def schema_version(self) -> int:
        from graph_schema import applied_version
        return self.graph.read(applied_version)

    def counts(self) -> dict:
        return self.graph.read(lambda tx: tx.run(
            "RETURN COUNT { (:Enterprise) } AS enterprises, COUNT { (:SME) } AS smes, "
            "COUNT { (:FDIFirm) } AS fdi_firms, COUNT { (:LargeEnterprise) } AS large_enterprises").single().data())
