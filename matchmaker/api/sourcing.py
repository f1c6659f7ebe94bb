"""Sourcing requests, ranked matches (stored or ad hoc), and outcomes of buyer-supplier contacts."""
from flask.views import MethodView

from . import Blueprint, authorize, caller, graph, model_store
from ..schemas import (AdHocSearch, MatchOptions, MatchesOut, OutcomeIn, OutcomeOut, RequestListArgs,
                      SourcingRequestIn, SourcingRequestOut, SourcingRequestPage, SourcingRequestPatch)
from ..services.matching import MatchService

blp = Blueprint("sourcing", __name__, description="Supplier search for procurement teams")


def _service():
    return MatchService(graph(), model_store())


def _as_owner(request_id: str) -> MatchService:
    """The service, once the caller is shown to be the request's buyer or an admin (another buyer's
    request answers 404, as an unknown one)."""
    service = _service()
    service.get_request(request_id, caller())
    return service


@blp.route("/sourcing-requests")
class SourcingRequests(MethodView):
    @blp.arguments(RequestListArgs, location="query")
    @blp.response(200, SourcingRequestPage)
    def get(self, args):
        """Sourcing requests, newest first, optionally of one buyer or status (a buyer sees its own)."""
        principal = caller()
        buyer = args.get("buyer")
        if buyer is not None:
            authorize(principal, "list a buyer's sourcing requests", buyer, field="buyer")
        else:
            authorize(principal, "list sourcing requests")
            buyer = None if principal.is_admin else principal.tenant
        return _service().list_requests(buyer, args.get("status"), args["page"], args["per_page"])

    @blp.arguments(SourcingRequestIn)
    @blp.response(201, SourcingRequestOut)
    @blp.alt_response(200, schema=SourcingRequestOut, description="a retry of the same record: nothing new",
                      success=True)
    def post(self, data):
        """Record a large or FDI buyer's need under a new id (201); a retry with the same `reference` and body
        returns 200."""
        authorize(caller(), "post a sourcing request", data["buyer"], field="buyer")
        request, created = _service().create_request(data)
        return request, 201 if created else 200


@blp.route("/sourcing-requests/<string:request_id>")
class SourcingRequest(MethodView):
    @blp.response(200, SourcingRequestOut)
    def get(self, request_id):
        """One sourcing request."""
        return _service().get_request(request_id, caller())

    @blp.arguments(SourcingRequestPatch(partial=True))
    @blp.response(200, SourcingRequestOut)
    def patch(self, data, request_id):
        """Change a request's needs or status (its buyer cannot change)."""
        return _as_owner(request_id).update_request(request_id, data)

    @blp.response(204)
    def delete(self, request_id):
        """Delete a request (its recorded outcomes stay)."""
        _as_owner(request_id).delete_request(request_id)


@blp.route("/sourcing-requests/<string:request_id>/matches")
@blp.arguments(MatchOptions, location="query")
@blp.response(200, MatchesOut)
def matches(options, request_id):
    """Ranked suppliers for a request with score, reasons, missing items and the model version."""
    return _as_owner(request_id).matches_for(request_id, options)


@blp.route("/matches/search", methods=["POST"])
@blp.arguments(AdHocSearch)
@blp.response(200, MatchesOut)
def search(data):
    """Ad-hoc supplier search with the same parameters as a sourcing request."""
    principal = caller()
    if data.get("buyer"):
        authorize(principal, "search suppliers for a buyer", data["buyer"], field="buyer")
    else:
        authorize(principal, "search suppliers")
    options = data.pop("options")
    return _service().search(data, options)


@blp.route("/outcomes", methods=["POST"])
@blp.arguments(OutcomeIn)
@blp.response(201, OutcomeOut)
@blp.alt_response(200, schema=OutcomeOut, description="a retry of the same record, or a change: nothing new",
                  success=True)
def record_outcome(data):
    """Record what came of a buyer-supplier contact; the scorer learns from these. Safe to retry.

    Without `id`, a new outcome (or, on a retry, the one stored for the same buyer, supplier, request and
    day); with `id`, a change to one of the caller's outcomes (another buyer's answers 404)."""
    principal = caller()
    authorize(principal, "record an outcome", data["buyer"], field="buyer")
    result = _service().record_outcome(data, principal)
    return result, 201 if result["result"] == "created" else 200
