"""HTTP layer: blueprints and marshmallow schemas; views stay thin and call services."""
from flask import current_app


def graph():
    """The process's Graph (driver holder), bound to the app in the factory."""
    return current_app.extensions["graph"]


def model_store():
    return current_app.extensions["model_store"]


def require_admin():
    """Admin endpoints need the bearer token when MATCHMAKER_ADMIN_TOKEN is set."""
    from flask import request

    from ..errors import DomainError
    token = current_app.extensions["settings"].admin_token
    if token and request.headers.get("Authorization") != f"Bearer {token}":
        error = DomainError("admin token required", {"Authorization": ["Bearer token missing or wrong"]})
        error.status, error.code = 401, "unauthorized"
        raise error
