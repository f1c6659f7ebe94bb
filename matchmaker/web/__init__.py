"""Web pages for buyers, SMEs and organisers, over the same services, roles and tenants as the API.

A person signs in with their API key; the page session (signed cookie, HttpOnly) keeps the key's id
and stored digest, never the key, and every page checks them against the graph, so a revoked key
signs the person out at once. Every form that posts carries the session's CSRF token.
"""
from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.local import LocalProxy

from ..errors import DomainError, InvalidInput, flatten_messages
from ..numbering import shown
from ..services.access import KeyService, Principal
from .i18n import LANGUAGES, Wording, language_of, reader_helpers

web = Blueprint("web", __name__)
web.add_app_template_filter(shown, "number")     # {{ slot.index | number }}: slots and tables as people number them
PUBLIC_PAGES = {"web.signin", "web.language"}


def _graph():
    from ..context import graph
    return graph()


def _model_store():
    from ..context import model_store
    return model_store()


def principal() -> Principal:
    """The signed-in person of this page request."""
    return g.principal


def load_form(schema, data: dict) -> dict:
    """``data`` through the API's own marshmallow schema; blanks count as not given."""
    try:
        return schema.load({k: v for k, v in data.items() if v not in ("", None, [])})
    except ValidationError as err:
        raise InvalidInput("Invalid input: see fields", flatten_messages(err.messages)) from None


def wording() -> Wording:
    """Catalogue names and explanations in the page's language (catalogues read once per page)."""
    if "wording" not in g:
        from ..services.catalogues import CatalogueService
        g.wording = Wording(g.lang, CatalogueService(_graph()))
    return g.wording


def same_site(target: str | None) -> str:
    """``target`` when it is a path of this site, else the home page: never another host, whatever
    a browser would make of backslashes, control characters or a missing scheme."""
    target = target or ""
    if not target.startswith("/") or "\\" in target or any(ord(c) < 0x21 or ord(c) == 0x7f for c in target):
        return url_for("web.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("web.home")
    return target


def _next_page() -> str:
    """Where to go after sign-in or a language switch."""
    return same_site(request.args.get("next"))


def _csrf_token() -> str:
    """One random token per page session; every form that changes something sends it back."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@web.before_request
def _who_and_which_language():
    # a link may name its language (?lang=en, as shared); else the reader's choice, else the browser's
    g.lang = language_of(request.args.get("lang") or request.cookies.get("lang")
                         or request.accept_languages.best_match(LANGUAGES))
    expected = session.get("csrf")
    sent = request.form.get("csrf", "").encode()
    if request.method == "POST" and not (expected and hmac.compare_digest(sent, expected.encode())):
        raise BadRequest("the form is out of date or came from another site; reload the page and try again")
    key_id = session.get("key_id")
    g.principal = KeyService(_graph()).resume(key_id, session.get("proof")) if key_id else None
    if key_id and g.principal is None:
        session.clear()
    if g.principal is None and request.endpoint not in PUBLIC_PAGES:
        # full_path ends in '?' even without a query
        return redirect(url_for("web.signin", next=request.full_path.removesuffix("?")))
    return None


@web.context_processor
def _page_helpers():
    lang = getattr(g, "lang", None) or language_of(None)
    return {**reader_helpers(lang, LocalProxy(wording)), "principal": getattr(g, "principal", None),
            "csrf": _csrf_token}


@web.errorhandler(DomainError)
def _domain_error_page(err: DomainError):
    """Pages show errors as pages (in the reader's language), with the field and the reason; an unavailable
    graph or a query stopped by its time limit arrives here already as a 503 domain error (matchmaker.db)."""
    return render_template("web/error.html", status=err.status, message=err.message, fields=err.fields), err.status


@web.errorhandler(HTTPException)
def _http_error_page(err: HTTPException):
    return render_template("web/error.html", status=err.code, message=err.description, fields={}), err.code


@web.errorhandler(Exception)
def _unexpected_page(err: Exception):
    logging.getLogger(__name__).exception("unhandled error on a page")
    return render_template("web/error.html", status=500, message="an unexpected error occurred; it has been logged",
                           fields={}), 500


@web.route("/lang/<code>")
def language(code):
    """Switch the pages' language (kept in a cookie for a year)."""
    response = redirect(_next_page())
    response.set_cookie("lang", language_of(code), max_age=365 * 24 * 3600, samesite="Lax")
    return response


@web.route("/signin", methods=["GET", "POST"])
def signin():
    error = None
    if request.method == "POST":
        signed_in = KeyService(_graph()).session_proof((request.form.get("key") or "").strip())
        if signed_in is not None:
            principal, proof = signed_in
            session.clear()
            session["key_id"], session["proof"] = principal.key_id, proof
            return redirect(_next_page())
        error = "signin.invalid"
    return render_template("web/signin.html", error=error), 401 if error else 200


@web.route("/signout", methods=["POST"])
def signout():
    session.clear()
    return redirect(url_for("web.signin"))


@web.route("/")
def home():
    """The journeys the signed-in person may take."""
    return render_template("web/home.html")


from . import events, programme, readiness, search  # noqa: E402,F401  (the journeys register their pages on ``web``)
