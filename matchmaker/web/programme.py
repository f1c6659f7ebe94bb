"""The city's SME programme view (admin): items that would link the most SMEs of a scope to open FDI
demand, as a table and a chart, and the shortlist of SMEs one item away; both as CSV."""
from __future__ import annotations

from flask import render_template, request

from ..schemas import ProgrammeArgs
from ..downloads import csv_download
from ..services.access import authorize
from ..services.catalogues import CatalogueService
from ..services.matching import MatchService
from ..services.programme import ProgrammeService, csv_name, csv_rows
from . import _graph, _model_store, load_form, principal, web, wording
from .i18n import t


@web.route("/programme")
def programme():
    authorize(principal(), "see the programme")
    args = load_form(ProgrammeArgs(), {k: request.args.get(k) for k in ("sector", "zone", "commune", "limit",
                                                                         "format", "part")})
    scope = {k: args.get(k) for k in ("sector", "zone", "commune")}
    view = ProgrammeService(_graph(), MatchService(_graph(), _model_store())).view(**scope, limit=args["limit"])
    if args["format"] == "csv":
        words = wording()
        columns, rows = csv_rows(view, args["part"], name=lambda item: words.name(item.id),
                                 kind=lambda item: t(f"ready.type_{item.type}", words.lang))
        return csv_download(csv_name(view, args["part"]), [t(f"csv.{c}", words.lang) for c in columns], rows)
    catalogues = CatalogueService(_graph())
    scope = view.scope       # the commune as the catalogue names it, however it was typed
    return render_template("web/programme.html", view=view, scope=scope, zones=catalogues.zones(),
                           communes=sorted(catalogues.list_communes(), key=lambda c: c["name_en"]),
                           query=scope.query())
