"""SME readiness: the SME's profile, its gaps against a chosen buyer or sector, which gap to close
first, how it compares with its peers, and the printable report."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from ..schemas import GapArgs, ReportArgs
from ..errors import InvalidInput
from ..services.access import acts_as, authorize
from ..services.enterprises import EnterpriseService
from ..services.readiness import ReadinessService
from . import _graph, _model_store, load_form, principal, web


def _service(sme_id: str) -> ReadinessService:
    """The service, once the person is shown to be this SME (or an admin): gaps are private."""
    authorize(principal(), "see an SME's readiness", sme_id)
    return ReadinessService(_graph(), _model_store())


@web.route("/readiness")
def readiness_home():
    """An SME goes to its own page; an admin finds the SME first."""
    p = principal()
    authorize(p, "see readiness")
    if acts_as(p, "see an SME's readiness"):     # with what the link asked (a buyer, a sector, a horizon)
        return redirect(url_for("web.readiness_page", sme_id=p.tenant, **request.args.to_dict()))
    q = (request.args.get("q") or "").strip()
    found = EnterpriseService(_graph()).list({"q": q, "kind": "sme", "per_page": 50}) if q else None
    return render_template("web/readiness_find.html", q=q, found=found)


@web.route("/smes/<string:sme_id>")
def readiness_page(sme_id):
    service = _service(sme_id)
    firm = EnterpriseService(_graph()).get(sme_id)
    # the target as the page's form sends it, or as a link names it (?buyer=<id>, ?sector=<id>)
    named = next((f"{k}:{request.args[k]}" for k in ("buyer", "sector") if request.args.get(k)), None)
    target = (request.args.get("target") or named
              or (f"sector:{firm['sectors'][0]}" if firm["sectors"] else ""))
    kind, _, target_id = target.partition(":")
    if target and (kind not in ("buyer", "sector") or not target_id):
        raise InvalidInput("choose a buyer or a sector", {"target": ["'buyer:<id>' or 'sector:<id>'"]})
    args = load_form(GapArgs(), {kind: target_id, "horizon_days": request.args.get("horizon_days")} if target
                     else {"horizon_days": request.args.get("horizon_days")})
    gaps = service.gaps(sme_id, **args) if target else None    # a firm without a sector picks a target first
    return render_template("web/readiness.html", firm=firm, gaps=gaps, target=target,
                           buyers=service.target_buyers(firm["sectors"]), priorities=service.priorities(sme_id),
                           peers=service.peers(sme_id), horizon_days=args["horizon_days"],
                           buyer_links=True)   # a buyer an item opens links to the gaps against that buyer


@web.route("/smes/<string:sme_id>/report")
def readiness_report(sme_id):
    """The whole report on one printable page in the reader's language."""
    service = _service(sme_id)
    horizon = load_form(ReportArgs(), {"horizon_days": request.args.get("horizon_days")})["horizon_days"]
    report = service.report(sme_id, horizon_days=horizon)
    firm = EnterpriseService(_graph()).get(sme_id)
    return render_template("web/readiness_report.html", firm=firm, report=report)
