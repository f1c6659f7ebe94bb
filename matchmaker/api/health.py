"""Liveness and readiness."""
from neo4j.exceptions import DriverError, Neo4jError

from graph_schema import LATEST_VERSION
from . import Blueprint, graph
from ..schemas import HealthOut, ReadyOut
from ..repositories.catalogues import HealthRepository

blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/health")
@blp.response(200, HealthOut)
def health():
    """The process is up."""
    return {"status": "ok"}


@blp.route("/ready")
@blp.response(200, ReadyOut)
@blp.alt_response(503, schema=ReadyOut, description="Neo4j unreachable or the schema not applied")
def ready():
    """Neo4j is reachable and the graph schema is at the version this code expects."""
    body = {"neo4j": "unreachable", "schema_version": None, "expected_schema_version": LATEST_VERSION}
    try:
        version = HealthRepository(graph()).schema_version()
    except (DriverError, Neo4jError, OSError) as err:
        body["status"] = "unavailable"
        body["detail"] = type(err).__name__
        return body, 503
    body.update(neo4j="ok", schema_version=version)
    if version < LATEST_VERSION:
        body["status"] = "schema_not_applied"
        body["detail"] = "run `matchmaker schema apply`"
        return body, 503
    body["status"] = "ready"
    return body, 200
