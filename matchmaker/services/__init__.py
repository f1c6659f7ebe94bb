"""Use cases: validate, orchestrate repositories, raise domain errors. No Flask, no Cypher."""
from datetime import datetime, timezone


def now_iso() -> str:
    """The current UTC time, to the second, as stored on nodes."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
