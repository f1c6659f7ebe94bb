"""Enterprises: list with filters, get, create, update, delete; probable duplicates for review."""
from flask.views import MethodView

from . import Blueprint, authorize, caller, graph
from ..schemas import DuplicateArgs, DuplicatesOut, EnterpriseIn, EnterpriseOut, EnterprisePatch, EnterprisePage, EnterpriseQueryArgs
from ..services.enterprises import EnterpriseService

blp = Blueprint("enterprises", __name__, url_prefix="/enterprises",
                description="SMEs, large enterprises and FDI firms")


@blp.route("")
class Enterprises(MethodView):
    @blp.arguments(EnterpriseQueryArgs, location="query")
    @blp.response(200, EnterprisePage)
    def get(self, args):
        """List enterprises by kind, sector, capability, valid standard, zone, commune, text and distance."""
        return EnterpriseService(graph()).list(args)

    @blp.arguments(EnterpriseIn)
    @blp.response(201, EnterpriseOut)
    def post(self, data):
        """Create an enterprise (409 when its id or enterprise code exists). Admin."""
        authorize(caller(), "manage enterprises")
        return EnterpriseService(graph()).create(data)


@blp.route("/duplicates")
class Duplicates(MethodView):
    @blp.arguments(DuplicateArgs, location="query")
    @blp.response(200, DuplicatesOut)
    def get(self, args):
        """Pairs of records flagged as probably one firm, for review (never merged automatically). Admin."""
        authorize(caller(), "manage enterprises")
        items = EnterpriseService(graph()).duplicates(args.get("status"), args["page"], args["per_page"])
        return {"items": items, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<string:enterprise_id>")
class Enterprise(MethodView):
    @blp.response(200, EnterpriseOut)
    def get(self, enterprise_id):
        """One enterprise with its sectors, zone, capabilities and certificates."""
        return EnterpriseService(graph()).get(enterprise_id)

    @blp.arguments(EnterprisePatch(partial=True))
    @blp.response(200, EnterpriseOut)
    def patch(self, data, enterprise_id):
        """Update the given fields of an enterprise; a field set to null is removed (admin or the firm).

        The firm itself may change its profile but not id, code, kind or home_country (admin only)."""
        return EnterpriseService(graph()).update(enterprise_id, data, caller())

    @blp.response(204)
    def delete(self, enterprise_id):
        """Delete an enterprise, its links and the sourcing requests it posted. Admin."""
        authorize(caller(), "manage enterprises")
        EnterpriseService(graph()).delete(enterprise_id)
