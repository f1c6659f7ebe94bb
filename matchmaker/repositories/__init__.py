"""Repositories: every Cypher statement of the service lives in this package, always parameterised."""
from __future__ import annotations

from neo4j.exceptions import ConstraintError


def create_once(graph, label: str, ref_key: str | None, create) -> tuple[str, bool]:
    """Run ``create(tx)`` (which returns the new id) unless a ``label`` node holds ``ref_key`` already (an
    owner's own reference, unique by constraint): (id, True) when created, (the existing id, False) when
    not. A retry racing the first call loses on the constraint and finds the winner."""
    def existing(tx):
        row = tx.run(f"MATCH (n:{label} {{ref_key: $k}}) RETURN n.id AS id", k=ref_key).single() if ref_key else None
        return row["id"] if row else None

    def work(tx):
        found = existing(tx)
        return (found, False) if found else (create(tx), True)
    try:
        return graph.write(work)
    except ConstraintError:
        found = graph.read(existing)
        if found is None:
            raise
        return found, False
