"""Catalogues: capabilities (hierarchy), standards (with the sectors that ask for them), sectors, zones, and
Hanoi's wards and communes."""

from . import Blueprint, graph
from ..schemas import CapabilitiesOut, CommunesOut, SectorsOut, StandardsOut, ZoneArgs, ZonesOut
from ..services.catalogues import CatalogueService

blp = Blueprint("catalogues", __name__, description="Capabilities, standards, sectors, zones, wards and communes")


@blp.route("/capabilities")
@blp.response(200, CapabilitiesOut)
def capabilities():
    """Capabilities with their parent in the process hierarchy, named in English and Vietnamese."""
    return {"items": CatalogueService(graph()).list_capabilities()}


@blp.route("/standards")
@blp.response(200, StandardsOut)
def standards():
    """Standards (certificates and declarations): what it takes to obtain one and the sectors that require it."""
    return {"items": CatalogueService(graph()).list_standards()}


@blp.route("/sectors")
@blp.response(200, SectorsOut)
def sectors():
    """Sectors with the standards their buyers ask for."""
    return {"items": CatalogueService(graph()).list_sectors()}


@blp.route("/zones")
@blp.arguments(ZoneArgs, location="query")
@blp.response(200, ZonesOut)
def zones(args):
    """Industrial parks, clusters and craft villages with their location and number of firms."""
    return {"items": CatalogueService(graph()).zones(args.get("kind"))}


@blp.route("/communes")
@blp.response(200, CommunesOut)
def communes():
    """Hanoi's 126 wards and communes since 1 July 2025: what an enterprise's commune may be (in any accents or
    case, with or without 'Phường'/'Xã', or by code), with the number of enterprises in each."""
    return {"items": CatalogueService(graph()).list_communes()}
