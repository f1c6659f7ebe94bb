"""Domain exceptions and the one JSON error shape every error of the API takes.

Shape: ``{"error": {"status": 422, "code": "validation_failed", "message": "...", "fields": {...}}}``.
"""
from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class MalformedBody(DomainError):
    """A body that is not what its Content-Type says (JSON that does not parse)."""
    status = 400
    code = "malformed_body"


class UnsupportedMediaType(DomainError):
    """A body of a kind the endpoint does not read (text where JSON is expected)."""
    status = 415
    code = "unsupported_media_type"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class ScheduleNoLongerValid(Conflict):
    """An earlier schedule version that would break the event's rules as they are now (the reasons in
    ``fields``): it is not rolled back to."""
    code = "version_no_longer_valid"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


def payload_too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the body is larger than {limit:,} bytes; nothing was read from it",
                           {"body": [f"at most {limit:,} bytes (MATCHMAKER_MAX_UPLOAD_BYTES)"]})


class InvalidInput(DomainError):
    status = 422
    code = "validation_failed"


class GraphUnavailable(DomainError, ConnectionError):
    """The graph database cannot answer (down, restarting, unreachable, out of connections) and did not
    within the retry budget: raised by matchmaker.db for the driver's errors of that kind. Also a
    ConnectionError, so code guarding a call against an unreachable backend (the /ready probe) sees one."""
    status = 503
    code = "graph_unavailable"

    def __init__(self, message: str = "The graph database is not reachable; try again shortly.",
                 fields: dict | None = None):
        super().__init__(message, fields)


class JobQueueUnavailable(DomainError):
    """The background jobs' queue (its SQLite file or Redis) cannot be reached."""
    status = 503
    code = "queue_unavailable"


class QueryTimeout(DomainError):
    """A read ran longer than the service allows (MATCHMAKER_READ_TIMEOUT_SECONDS) and Neo4j stopped it."""
    status = 503
    code = "query_timeout"

    def __init__(self, message: str = "The query ran longer than the service allows; narrow it (fewer filters' "
                                      "matches, a smaller page or radius) or try later.",
                 fields: dict | None = None):
        super().__init__(message, fields)


def error_body(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"status": status, "code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def flatten_messages(messages: dict, prefix: str = "") -> dict:
    """{"products": {"0": ["bad"]}} -> {"products.0": ["bad"]}: every field named by its path."""
    flat = {}
    for key, value in messages.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_messages(value, path + "."))
        else:
            flat[path] = value if isinstance(value, list) else [value]
    return flat


errors = Blueprint("errors", __name__)


@errors.app_errorhandler(DomainError)
def _domain_error(err: DomainError):
    response, status = error_body(err.status, err.code, err.message, err.fields)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="matchmaker"'
    return response, status


@errors.app_errorhandler(HTTPException)
def _http_error(err: HTTPException):
    if err.code == 413:     # a Content-Length over the limit, refused before any byte is read
        from flask import current_app
        return _domain_error(payload_too_large(current_app.extensions["settings"].max_upload_bytes))
    fields = None
    # flask-smorest / webargs put marshmallow messages here: {"json": {"field": ["reason"]}}
    data = getattr(err, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        fields = {}
        for location_messages in messages.values():
            if isinstance(location_messages, dict):
                fields.update(flatten_messages(location_messages))
    code = (err.name or "error").lower().replace(" ", "_")
    if err.code == 422:
        code = "validation_failed"
    message = "Invalid input: see fields" if fields else (err.description or err.name)
    return error_body(err.code or 500, code, message, fields)


@errors.app_errorhandler(Exception)
def _unexpected(err: Exception):
    import logging
    logging.getLogger(__name__).exception("unhandled error")
    return error_body(500, "internal_error", "An unexpected error occurred; it has been logged.")
