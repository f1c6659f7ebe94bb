"""Catalogues: capabilities (hierarchy), standards (with the sectors that ask for them), sectors, zones."""
from flask_smorest import Blueprint

from . import graph
from .schemas import ZoneArgs
from ..repositories.catalogues import CatalogueRepository

blp = Blueprint("catalogues", __name__, description="Capabilities, standards, sectors and zones")


@blp.route("/capabilities")
@blp.response(200)
def capabilities():
    """Capabilities with their parent in the process hierarchy."""
    return {"items": CatalogueRepository(graph()).list_capabilities()}


@blp.route("/standards")
@blp.response(200)
def standards():
    """Standards (certificates and declarations) with the sectors that require them."""
    return {"items": CatalogueRepository(graph()).list_standards()}


@blp.route("/sectors")
@blp.response(200)
def sectors():
    """Sectors with the standards their buyers ask for."""
    return {"items": CatalogueRepository(graph()).list_sectors()}


@blp.route("/zones")
@blp.arguments(ZoneArgs, location="query")
@blp.response(200)
def zones(args):
    """Industrial parks, clusters and craft villages with their location and number of firms."""
    return {"items": CatalogueRepository(graph()).list_zones(args.get("kind"))}
