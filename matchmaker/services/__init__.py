"""Use cases: validate, orchestrate repositories, raise domain errors. No Flask, no Cypher."""
import secrets
from datetime import datetime, timezone


def now_iso() -> str:
    """The current UTC time, to the second, as stored on nodes."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_id(prefix: str) -> str:
    """A new id that nobody can guess from another one: ``R-`` and 128 random bits in hex."""
    return f"{prefix}-{secrets.token_hex(16)}"
