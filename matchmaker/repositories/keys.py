"""API keys: only a hash of each secret is stored."""
from __future__ import annotations

_KEY = "k {.id, .role, .tenant, .label, .created_at, .revoked_at}"


class KeyRepository:
    def __init__(self, graph):
        self.graph = graph

    def create(self, key: dict) -> None:
        self.graph.write(lambda tx: tx.run(
            "CREATE (k:ApiKey {id: $id, hash: $hash, role: $role, tenant: $tenant, label: $label, "
            "created_at: $created_at})", **key).consume())

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
