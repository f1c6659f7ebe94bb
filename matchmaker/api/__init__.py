"""HTTP layer: blueprints and marshmallow schemas; views stay thin and call services."""
from flask import current_app, g, request

from ..errors import Unauthenticated
from ..services.access import KeyService, Principal, require_role, require_tenant  # noqa: F401

# Open to anyone: liveness, readiness, the API description and the public catalogues.
PUBLIC_ENDPOINTS = {"health.health", "health.ready", "api-docs.openapi_json", "api-docs.openapi_swagger_ui",
                    "swagger_assets", "static", "catalogues.capabilities", "catalogues.sectors",
                    "catalogues.standards", "catalogues.zones"}


def graph():
    """The process's Graph (driver holder), bound to the app in the factory."""
    return current_app.extensions["graph"]


def model_store():
    return current_app.extensions["model_store"]


def authenticate() -> None:
    """Before every request: public endpoints pass; others need ``Authorization: Bearer <key>``."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None or request.endpoint.startswith("web."):
        # pages sign people in with a session (matchmaker/web), checked by the same key service
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthenticated("an API key is required", {"Authorization": ["send 'Bearer <API key>'"]})
    principal = KeyService(graph()).authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if principal is None:
        raise Unauthenticated("the API key is not valid", {"Authorization": ["unknown, revoked or malformed key"]})
    g.principal = principal


def caller() -> Principal:
    """The authenticated principal of this request."""
    return g.principal
