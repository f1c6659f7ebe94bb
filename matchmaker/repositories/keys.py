"""API keys: only a hash of each secret is stored."""
from __future__ import annotations

from datetime import date

from .matching import _VALID
from .readiness import PEERS

_KEY = "k {.id, .role, .tenant, .label, .created_at, .revoked_at}"

# The SMEs e a buyer b's search would list for one of its open requests r (the search's hard filters).
_SUPPLIED = f"""
    MATCH (b)-[:POSTED]->(r:SourcingRequest {{status: 'open'}})-[:NEEDS]->(:Capability)<-[:HAS_CAPABILITY]-(e:SME)
    WHERE (r.location IS NULL OR r.max_distance_km IS NULL
           OR point.distance(e.location, r.location) <= r.max_distance_km * 1000)
      AND ALL(s IN [(r)-[n:NEEDS]->(s:Standard) WHERE n.mandatory | s]
              WHERE EXISTS {{ MATCH (e)-[x:CERTIFIED]->(s) WHERE {_VALID} }})"""


class KeyRepository:
    def __init__(self, graph):
        self.graph = graph

    def create(self, key: dict) -> None:
        self.graph.write(lambda tx: tx.run(
            "CREATE (k:ApiKey {id: $id, hash: $hash, role: $role, tenant: $tenant, label: $label, "
            "created_at: $created_at})", **key).consume())

    def enterprise_kind(self, enterprise_id: str) -> str | None:
        """The kind ('sme', 'large', 'fdi') of an enterprise, or None when there is none with that id."""
        return self.graph.read(lambda tx: tx.run(
            "OPTIONAL MATCH (e:Enterprise {id: $id}) RETURN e.kind AS kind", id=enterprise_id).single()["kind"])

    def example_tenants(self) -> dict[str, dict | None]:
        """Enterprises to try keys with: the FDI buyer with the most open requests that some SME could supply,
        and such an SME (fewest employees first: the kind the programme helps), by id on ties. An SME could
        supply a request when the buyer's search would list it: it holds a needed capability and every mandatory
        standard (valid), within the request's distance."""
        def work(tx):
            buyer = tx.run(f"""
                MATCH (b:Enterprise {{kind: 'fdi'}})
                WITH b, COUNT {{ (b)-[:POSTED]->(:SourcingRequest {{status: 'open'}}) }} AS open WHERE open > 0
                WITH b, open ORDER BY open DESC, b.id
                WHERE EXISTS {{ {_SUPPLIED} }}
                RETURN b {{.id, .name, open: open}} AS b LIMIT 1""", today=date.today().isoformat()).single()
            if buyer is None:
                return {"buyer": None, "sme": None}
            # of the smallest 50 such SMEs, the first with three peers or more (else the smallest), so that the
            # readiness page a new user opens has peers to compare with
            sme = tx.run(f"""
                MATCH (b:Enterprise {{id: $buyer}})
                CALL (b) {{ {_SUPPLIED} RETURN DISTINCT e }}
                WITH e ORDER BY e.employees, e.id LIMIT 50
                WITH collect(e) AS smallest
                UNWIND range(0, size(smallest) - 1) AS rank
                WITH smallest[rank] AS e, rank
                CALL (e) {{ {PEERS} RETURN count(p) AS peers }}
                WITH e, rank, peers ORDER BY peers >= 3 DESC, rank LIMIT 1
                RETURN e {{.id, .name}} AS e""", buyer=buyer["b"]["id"], today=date.today().isoformat()).single()
            return {"buyer": buyer["b"], "sme": sme["e"] if sme else None}
        return self.graph.read(work)

    def find(self, key_id: str) -> dict | None:
        """The key with its hash, or None."""
        def work(tx):
            row = tx.run("MATCH (k:ApiKey {id: $id}) RETURN k {.id, .hash, .role, .tenant, .revoked_at} AS key",
                         id=key_id).single()
            return row["key"] if row else None
        return self.graph.read(work)

    def list(self) -> list[dict]:
        return self.graph.read(lambda tx: [r["key"] for r in tx.run(
            f"MATCH (k:ApiKey) RETURN {_KEY} AS key ORDER BY k.created_at, k.id")])

    def revoke(self, key_id: str, now: str) -> bool:
        """Mark a key revoked (kept for the record); False when there is no such key."""
        def work(tx):
            row = tx.run("MATCH (k:ApiKey {id: $id}) SET k.revoked_at = coalesce(k.revoked_at, $now) "
                         "RETURN k.id AS id", id=key_id, now=now).single()
            return row is not None
        return self.graph.write(work)
