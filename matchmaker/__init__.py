"""The supply-chain matchmaker web app: a Flask API over a Neo4j graph of enterprises."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from .config import Settings
from .db import Graph


def create_app(settings: Settings | None = None) -> Flask:
    """App factory: binds one Graph (driver holder) per process and registers the blueprints."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config.update(
        API_TITLE="Supply-chain matchmaker",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        # Swagger UI's assets are served by the app itself (swagger-ui-bundle), so /docs works offline.
        OPENAPI_SWAGGER_UI_URL="/docs-assets/",
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 1,    # one byte over: see bodies.guard_body
        JSON_SORT_KEYS=False,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
    )
    app.extensions["graph"] = Graph(settings.neo4j, read_timeout=settings.read_timeout_seconds)
    app.extensions["settings"] = settings
    from scoring.model import ModelStore
    app.extensions["model_store"] = ModelStore(settings.model_dir)

    api = _Api(app)
    from .api import authenticate, refuse_undeclared_query
    from .bodies import guard_body
    app.before_request(guard_body)
    api.spec.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"apiKey": []}]
    _serve_swagger_assets(app)
    from .api import catalogues, enterprises, events, health, imports, learning, programme, readiness, sourcing
    # Open to anyone: liveness, readiness and the public catalogues (and the API's description); every other
    # API blueprint asks for a key. The pages (blueprint web) keep their own session sign-in.
    public = (health, catalogues)
    for module in (health, enterprises, catalogues, imports, sourcing, learning, readiness, events, programme):
        api.register_blueprint(module.blp)
        # this app's hooks of that blueprint (the blueprint is shared by apps)
        hooks = app.before_request_funcs.setdefault(module.blp.name, [])
        if module not in public:
            hooks.append(authenticate)
        hooks.append(refuse_undeclared_query)
    from .api import document_links
    document_links(api.spec)
    from .web import web
    app.register_blueprint(web, url_prefix="/app")
    # After Api(app), so that our handlers replace flask-smorest's and every error has one shape.
    from .errors import errors
    app.register_blueprint(errors)
    return app


class _Api(Api):
    """flask-smorest, documenting errors in the API's one error shape."""
    from .schemas import ErrorResponse as ERROR_SCHEMA


def _serve_swagger_assets(app: Flask) -> None:
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    @app.route("/docs-assets/<path:filename>")
    def swagger_assets(filename):
        return send_from_directory(swagger_ui_path, filename)
