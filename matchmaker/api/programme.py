"""The city's SME programme (admin): which items would link the most SMEs of a scope to open FDI demand,
and which SMEs are one item away."""

from . import Blueprint, authorize, caller, graph, model_store
from ..schemas import ProgrammeArgs, ProgrammeOut
from ..downloads import csv_download
from ..services.matching import MatchService
from ..services.programme import ProgrammeService, csv_name, csv_rows

blp = Blueprint("programme", __name__, url_prefix="/programme", description="The city's SME programme view")


@blp.route("")
@blp.arguments(ProgrammeArgs, location="query")
@blp.response(200, ProgrammeOut)
def programme(args):
    """Across the SMEs of a sector, commune or zone: standards and capabilities by SMEs they would newly
    link to open FDI requests, and the SMEs one item away from eligibility (as JSON, or CSV)."""
    authorize(caller(), "see the programme")
    view = ProgrammeService(graph(), MatchService(graph(), model_store())).view(
        sector=args.get("sector"), commune=args.get("commune"), zone=args.get("zone"), limit=args["limit"])
    if args["format"] == "csv":
        return csv_download(csv_name(view, args["part"]), *csv_rows(view, args["part"]))
    return view
