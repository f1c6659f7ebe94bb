"""The city's SME programme view (admin): items that would link the most SMEs of a scope to open FDI
demand, as a table and a chart, and the shortlist of SMEs one item away; both as CSV."""
from __future__ import annotations

from flask import render_template, request

from ..schemas import ProgrammeArgs
from ..downloads import csv_download
from ..services.access import authorize
from ..services.catalogues import CatalogueService
from ..services.matching import MatchService
from ..services.programme import ProgrammeService, as_csv, csv_name
from . import _graph, _model_store, load_form, principal, web


@web.route("/programme")
def programme():
    authorize(principal(), "see the programme")
    args = load_form(ProgrammeArgs(), {k: request.args.get(k) for k in ("sector", "zone", "commune", "limit",
                                                                         "format", "part")})
    scope = {k: args.get(k) for k in ("sector", "zone", "commune")}
    view = ProgrammeService(_graph(), MatchService(_graph(), _model_store())).view(**scope, limit=args["limit"])
    if args["format"] == "csv":
        return csv_download(as_csv(view, args["part"]), csv_name(view, args["part"]))
    catalogues = CatalogueService(_graph())
    scope = view["scope"]       # the commune as the catalogue names it, however it was typed
    return render_template("web/programme.html", view=view, scope=scope, zones=catalogues.zones(),
                           communes=sorted(catalogues.list_communes(), key=lambda c: c["name_en"]),
                           query={k: v for k, v in scope.items() if v})
