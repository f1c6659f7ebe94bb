"""Use cases: validate, orchestrate repositories, raise domain errors. No Flask, no Cypher."""
