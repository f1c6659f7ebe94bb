"""SME readiness: gaps against a target, which gap to close first, peers, the printable report."""
from . import Blueprint, authorize, caller, graph, model_store, printable, reader_language
from ..schemas import GapArgs, GapsOut, PeersOut, PrioritiesOut, PriorityArgs, ReadinessReportOut, ReportArgs
from ..services.readiness import ReadinessService

blp = Blueprint("readiness", __name__, url_prefix="/smes", description="What an SME still lacks")


def _service(sme_id: str):
    """The service, once the caller is shown to be this SME (or an admin): gaps are private."""
    authorize(caller(), "see an SME's readiness", sme_id)
    return ReadinessService(graph(), model_store())


@blp.route("/<string:sme_id>/gaps")
@blp.arguments(GapArgs, location="query")
@blp.response(200, GapsOut)
def gaps(args, sme_id):
    """Standards and capabilities the SME lacks for one buyer, request or sector, with readiness."""
    return _service(sme_id).gaps(sme_id, buyer=args.get("buyer"), request=args.get("request"),
                           sector=args.get("sector"), horizon_days=args["horizon_days"])


@blp.route("/<string:sme_id>/priorities")
@blp.arguments(PriorityArgs, location="query")
@blp.response(200, PrioritiesOut)
def priorities(args, sme_id):
    """Missing items ranked by the open requests and buyers closing each would open (re-scored)."""
    return _service(sme_id).priorities(sme_id, limit=args["limit"])


@blp.route("/<string:sme_id>/peers")
@blp.response(200, PeersOut)
def peers(sme_id):
    """Shares of peers (same sector, zone or commune, similar size) holding each standard and capability."""
    return _service(sme_id).peers(sme_id)


@blp.route("/<string:sme_id>/readiness")
@blp.arguments(ReportArgs, location="query")
@blp.response(200, ReadinessReportOut)
def report(args, sme_id):
    """The whole readiness report, as JSON or as a printable page to hand to an advisor."""
    body = _service(sme_id).report(sme_id, horizon_days=args["horizon_days"])
    if args["format"] == "html":
        return printable("web/readiness_print.html", reader_language(args["lang"]), report=body)
    return body
