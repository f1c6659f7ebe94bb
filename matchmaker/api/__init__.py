"""The API's HTTP layer: blueprints (schemas in matchmaker/schemas.py); views stay thin and call services."""
import re

from flask import current_app, g, make_response, render_template, request
from flask_smorest import Blueprint as _Blueprint
from marshmallow import fields
from webargs.flaskparser import FlaskParser

from ..context import graph, job_queue, job_service, model_store  # noqa: F401 (the views' accessors)
from ..errors import InvalidInput, Unauthenticated
from ..services.access import KeyService, Principal, authorize  # noqa: F401
from ..services.catalogues import CatalogueService
from ..web.i18n import LANGUAGES, Wording, language_of, reader_helpers


class _Parser(FlaskParser):
    """Query strings as strict as bodies: each schema's own ``unknown`` decides (RAISE unless it says
    otherwise), so that a misspelt parameter is refused by name rather than silently ignored."""
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def load_querystring(self, req, schema):
        """A parameter given twice is refused by name unless it is a list: the first value would win, silently."""
        lists = {field.data_key or name for name, field in schema.fields.items() if isinstance(field, fields.List)}
        repeated = [name for name in req.args if name not in lists and len(req.args.getlist(name)) > 1]
        if repeated:
            raise InvalidInput("a query parameter is given more than once",
                               {name: ["given more than once; give it once"] for name in repeated})
        return super().load_querystring(req, schema)


def reader_language(asked: str | None) -> str:
    """The language a printable answer speaks: the ``lang`` asked, else the Accept-Language header's."""
    return language_of(asked or request.accept_languages.best_match(LANGUAGES))


def reader_wording(lang: str) -> Wording:
    """Catalogue names and table names in ``lang``."""
    return Wording(lang, CatalogueService(graph()))


def in_language(body: str, lang: str, content_type: str, **headers):
    """A printable answer in ``lang``; it may have been chosen by Accept-Language, so caches keep one per language."""
    return make_response(body, 200, {"Content-Type": content_type, "Content-Language": lang,
                                     "Vary": "Accept-Language", **headers})


def printable(template: str, lang: str, **context):
    """A page rendered for a reader of ``lang`` (messages, formats and names in it)."""
    page = render_template(template, **context, **reader_helpers(lang, reader_wording(lang)))
    return in_language(page, lang, "text/html; charset=utf-8")


class Blueprint(_Blueprint):
    """The API's blueprints: flask-smorest's, with the strict argument parser."""
    ARGUMENTS_PARSER = _Parser()


def refuse_undeclared_query() -> None:
    """Before each API request: a query string on an endpoint that declares no query parameters is refused by
    name (the declared ones are checked by their schema, strictly)."""
    if not request.args or request.endpoint is None:
        return
    view = current_app.view_functions[request.endpoint]
    method = getattr(getattr(view, "view_class", None), request.method.lower(), view)
    declared = getattr(method, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if not any(p.get("in") == "query" for p in declared):
        raise InvalidInput("this endpoint takes no query parameters",
                           {name: ["Unknown field."] for name in request.args})


def authenticate() -> None:
    """Before each request to an API blueprint that is not public: ``Authorization: Bearer <key>``. (The
    pages sign people in with a session, matchmaker/web, checked by the same key service and policy.)"""
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


# What a created resource's id leads to (OpenAPI links): documentation for clients, and the paths a
# stateful test run follows (POST a request, then read, change, rank and delete that very one).
# (creating path, its id's path parameter, [(path it leads to, methods)])
_LINKS = [
    ("/enterprises", "enterprise_id", [("/enterprises/{enterprise_id}", ("get", "patch", "delete"))]),
    ("/sourcing-requests", "request_id", [("/sourcing-requests/{request_id}", ("get", "patch", "delete")),
                                          ("/sourcing-requests/{request_id}/matches", ("get",))]),
    ("/events", "event_id", [(f"/events/{{event_id}}{tail}", methods) for tail, methods in (
        ("", ("get",)), ("/participants", ("post",)), ("/requests", ("post",)), ("/suggestions", ("post",)),
        ("/schedule", ("post",)), ("/changes", ("post",)), ("/summary", ("get",)), ("/tables", ("get",)),
        ("/schedule-versions", ("get",)))]),
    ("/events/{event_id}/schedule", "job_id", [("/events/{event_id}/schedule-jobs/{job_id}", ("get", "delete"))]),
]


def document_links(spec) -> None:
    """Add the links of ``_LINKS`` to the creating operations' 201 (or 202) responses; path parameters
    of the creating path pass on as they were."""
    paths = spec._paths     # apispec keeps registered paths here; there is no public way to amend them
    for path, parameter, targets in _LINKS:
        responses = paths[path]["post"]["responses"]
        code = "202" if "202" in responses else "201"
        links = responses.setdefault(code, {"description": "Created"}).setdefault("links", {})
        inherited = {name: f"$request.path.{name}" for name in re.findall(r"{(\w+)}", path)}
        for target, methods in targets:
            pointer = target.replace("~", "~0").replace("/", "~1")
            for method in methods:
                name = method + target.replace("/", "_").replace("{", "").replace("}", "")
                links[name] = {"operationRef": f"#/paths/{pointer}/{method}",
                               "parameters": {**inherited, parameter: "$response.body#/id"}}
