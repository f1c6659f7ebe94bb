"""A buyer's shortlist of suppliers: (buyer)-[:SHORTLISTED {added_at}]->(supplier)."""
from __future__ import annotations


class ShortlistRepository:
    def __init__(self, graph):
        self.graph = graph

    def add(self, buyer: str, supplier: str, now: str) -> bool | None:
        """True when added, False when already there, None when either firm is unknown."""
        def work(tx):
            record = tx.run("""
                MATCH (b:Enterprise {id: $buyer}), (s:Enterprise {id: $supplier})
                OPTIONAL MATCH (b)-[old:SHORTLISTED]->(s)
                MERGE (b)-[r:SHORTLISTED]->(s) ON CREATE SET r.added_at = $now
                RETURN old IS NULL AS added""", buyer=buyer, supplier=supplier, now=now).single()
            return None if record is None else record["added"]
        return self.graph.write(work)

    def remove(self, buyer: str, supplier: str) -> None:
        self.graph.write(lambda tx: tx.run(
            "MATCH (:Enterprise {id: $buyer})-[r:SHORTLISTED]->(:Enterprise {id: $supplier}) DELETE r",
            buyer=buyer, supplier=supplier).consume())

    def list(self, buyer: str) -> list[dict]:
        return self.graph.read(lambda tx: [r["s"] for r in tx.run("""
            MATCH (:Enterprise {id: $buyer})-[r:SHORTLISTED]->(s:Enterprise)
            RETURN s {.id, .name, .kind, .commune, .employees, added_at: r.added_at} AS s
            ORDER BY r.added_at, s.id""", buyer=buyer)])

    def holds(self, buyer: str, suppliers: list[str]) -> set[str]:
        return set(self.graph.read(lambda tx: [r["id"] for r in tx.run("""
            MATCH (:Enterprise {id: $buyer})-[:SHORTLISTED]->(s:Enterprise) WHERE s.id IN $suppliers
            RETURN s.id AS id""", buyer=buyer, suppliers=suppliers)]))
