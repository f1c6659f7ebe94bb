"""Supplier search for procurement teams: the need, ranked suppliers with reasons, a map around the
plant, supplier profiles, the buyer's shortlist and CSV exports."""
from __future__ import annotations

import math
from dataclasses import asdict

from flask import redirect, render_template, request, url_for

from ..schemas import AdHocSearch, EnterpriseQueryArgs
from ..downloads import csv_download
from ..errors import InvalidInput, NotFound
from ..services.catalogues import CatalogueService
from ..services.access import acts_as, authorize, may
from ..services.enterprises import EnterpriseService
from ..services.matching import MatchService
from ..services.shortlists import ShortlistService
from . import _graph, _model_store, load_form, principal, same_site, web, wording
from .i18n import t

MAP_SIZE = 400          # the map's SVG viewBox is MAP_SIZE x MAP_SIZE, the plant at its centre
EXPORT_ROWS = 200       # the API's largest page


def _buyer() -> str | None:
    """The buyer the search and shortlist act for: a buyer's own firm; an admin names one (or none)."""
    p = principal()
    if acts_as(p, "search suppliers for a buyer"):
        return p.tenant
    return (request.values.get("buyer") or "").strip() or None


def _need_from(args) -> tuple[dict, dict]:
    """The form's fields as the API's ad-hoc search body, validated by its schema; and the plant."""
    buyer = _buyer()
    mandatory = args.getlist("mandatory")
    standards = [{"id": s, "mandatory": True} for s in mandatory] + \
                [{"id": s, "mandatory": False} for s in args.getlist("preferred") if s not in mandatory]
    plant = _plant(args.get("plant", "own" if buyer else "none"), buyer, args)
    kinds = ["sme", "large"] if args.get("include_large") else ["sme"]
    body = {"buyer": buyer, "capabilities": args.getlist("capabilities"), "standards": standards,
            "max_distance_km": args.get("max_distance_km"), "monthly_volume": args.get("monthly_volume"),
            "text": args.get("text"), "latitude": plant.get("latitude"), "longitude": plant.get("longitude"),
            "options": {"page": args.get("page", 1), "per_page": args.get("per_page", 20), "kinds": kinds,
                        "hard_mandatory": not args.get("soft_mandatory")}}
    return load_form(AdHocSearch(), body), plant


def _plant(choice: str, buyer: str | None, args) -> dict:
    """Where the plant is: typed coordinates, a zone of the catalogue, the buyer's own address, or nowhere."""
    if args.get("latitude") or args.get("longitude"):
        return {"latitude": args.get("latitude"), "longitude": args.get("longitude"),
                "label": f"{args.get('latitude')}, {args.get('longitude')}"}
    if choice == "own" and buyer:
        try:
            firm = EnterpriseService(_graph()).get(buyer)
        except NotFound:
            raise InvalidInput("unknown buyer", {"buyer": [f"no enterprise '{buyer}'"]}) from None
        if firm.get("latitude") is not None:
            return {"latitude": firm["latitude"], "longitude": firm["longitude"], "label": firm["name"]}
        return {}
    if choice and choice not in ("own", "none"):
        zone = next((z for z in CatalogueService(_graph()).zones() if z["id"] == choice), None)
        if zone is None:
            raise InvalidInput("unknown plant location", {"plant": [f"no zone '{choice}'"]})
        return {"latitude": zone["latitude"], "longitude": zone["longitude"], "label": zone["name_en"], "zone": zone}
    return {}


def _authorised_search(need: dict) -> dict:
    if need.get("buyer"):
        authorize(principal(), "search suppliers for a buyer", need["buyer"], field="buyer")
    else:
        authorize(principal(), "search suppliers")
    options = need.pop("options")
    return MatchService(_graph(), _model_store()).search(need, options)


def map_points(centre: tuple[float, float] | None, suppliers: list[dict], radius_km: float | None) -> dict | None:
    """Suppliers placed around the plant on a MAP_SIZE square (north up, equal km both ways)."""
    located = [s for s in suppliers if s.get("latitude") is not None]
    if centre is None or centre[0] is None or not located:
        return None
    lat0, lon0 = float(centre[0]), float(centre[1])
    km_x = 111.32 * math.cos(math.radians(lat0))

    def offset(s):
        return (s["longitude"] - lon0) * km_x, (s["latitude"] - lat0) * 110.57

    farthest = max(math.hypot(*offset(s)) for s in located)
    reach = max(radius_km or 0.0, farthest, 1.0)
    scale = (MAP_SIZE / 2 - 20) / reach
    half = MAP_SIZE / 2
    points = []
    for s in located:
        dx, dy = offset(s)
        points.append({**s, "x": round(half + dx * scale, 1), "y": round(half - dy * scale, 1)})
    return {"size": MAP_SIZE, "centre": half, "points": points,
            "rings": [{"km": r, "r": round(r * scale, 1)} for r in _ring_steps(reach)]}


def _ring_steps(reach: float) -> list[float]:
    """Two or three round distances inside ``reach`` for the map's rings."""
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000) if reach / s <= 3.5),
                10 ** math.ceil(math.log10(reach / 3.5)))
    return [step * k for k in range(1, int(reach // step) + 1)]


def _km(distance_km):
    return "" if distance_km is None else round(distance_km, 1)


@web.route("/search")
def search():
    """The sourcing need; with ``run``, the ranked suppliers, their map and the shortlist buttons."""
    authorize(principal(), "search suppliers")
    zones = CatalogueService(_graph()).zones("industrial_park")
    result, plant, shortlisted, errors = None, {}, set(), {}
    if request.args.get("run"):
        try:
            need, plant = _need_from(request.args)
            result = _authorised_search(need)
        except InvalidInput as err:
            errors = err.fields
        if result is not None and _buyer():
            shortlisted = ShortlistService(_graph()).holds(_buyer(), [i.supplier.id for i in result.items])
    located = (plant.get("latitude"), plant.get("longitude")) if plant else None
    suppliers = [{**asdict(i.supplier), "rank": i.rank} for i in (result.items if result else [])]
    radius = request.args.get("max_distance_km", type=float)
    return render_template("web/search.html", zones=zones, result=result, errors=errors, query=query_args(),
                           plant=plant, shortlisted=shortlisted, buyer=_buyer(), args=request.args,
                           map=map_points(located, suppliers, radius) if result else None), 422 if errors else 200


@web.route("/search.csv")
def search_csv():
    """The ranked list of the same search as a CSV file (up to 200 suppliers)."""
    authorize(principal(), "search suppliers")
    args = request.args.copy()
    args["page"], args["per_page"] = "1", str(EXPORT_ROWS)
    need, _ = _need_from(args)
    result = _authorised_search(need)
    words, lang = wording(), wording().lang
    header = [t(f"csv.{c}", lang) for c in ("rank", "score", "id", "name", "kind", "commune", "employees",
                                            "distance", "reasons", "missing")]
    rows = [[i.rank, round(i.score, 4), i.supplier.id, i.supplier.name, t("kind." + i.supplier.kind, lang),
             i.supplier.commune or "", i.supplier.employees or "", _km(i.supplier.distance_km),
             "; ".join(words.explanation(e) for e in i.explanations),
             "; ".join(words.missing(m) for m in i.missing)] for i in result.items]
    return csv_download("suppliers.csv", header, rows)


@web.route("/suppliers")
def suppliers():
    """Find a firm by name or words, with or without Vietnamese accents."""
    q = (request.args.get("q") or "").strip()
    found = None
    if q:
        found = EnterpriseService(_graph()).list(load_form(EnterpriseQueryArgs(), {"q": q, "per_page": 50}))
    return render_template("web/suppliers.html", q=q, found=found)


@web.route("/suppliers/<string:enterprise_id>")
def supplier(enterprise_id):
    """A firm's public profile: capabilities, certificates and where it is."""
    firm = EnterpriseService(_graph()).get(enterprise_id)
    buyer = _buyer() if may(principal(), "search suppliers") else None
    on_list = bool(buyer) and enterprise_id in ShortlistService(_graph()).holds(buyer, [enterprise_id])
    return render_template("web/supplier.html", firm=firm, buyer=buyer, on_list=on_list)


def _shortlist_owner() -> str:
    buyer = _buyer()
    if not buyer:
        raise InvalidInput("a shortlist belongs to a buyer", {"buyer": ["give the buyer's enterprise id"]})
    authorize(principal(), "search suppliers for a buyer", buyer, field="buyer")
    return buyer


@web.route("/shortlist", methods=["POST"])
def shortlist_change():
    """Add or remove a supplier (safe to repeat), then back to the page the person came from."""
    buyer = _shortlist_owner()
    supplier_id = (request.form.get("supplier") or "").strip()
    service = ShortlistService(_graph())
    if request.form.get("action") == "remove":
        service.remove(buyer, supplier_id)
    else:
        service.add(buyer, supplier_id)
    back = request.form.get("back")
    return redirect(same_site(back) if back else url_for("web.shortlist", buyer=buyer))


@web.route("/shortlist")
def shortlist():
    buyer = _shortlist_owner()
    return render_template("web/shortlist.html", buyer=buyer, items=ShortlistService(_graph()).list(buyer))


@web.route("/shortlist.csv")
def shortlist_csv():
    buyer = _shortlist_owner()
    lang = wording().lang
    header = [t(f"csv.{c}", lang) for c in ("id", "name", "kind", "commune", "employees", "added")]
    rows = [[s["id"], s["name"], t("kind." + s["kind"], lang), s.get("commune") or "", s.get("employees") or "",
             s["added_at"]] for s in ShortlistService(_graph()).list(buyer)]
    return csv_download(f"shortlist-{buyer}.csv", header, rows)


def query_args() -> dict:
    """The page's query string for links that repeat it (keys url_for would read as options dropped)."""
    return {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("_")}
