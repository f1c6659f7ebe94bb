"""Enterprise use cases: list with filters, get, create, update, delete."""
from __future__ import annotations

from datetime import date

from scoring.text import tokens

from ..errors import Forbidden, InvalidInput, NotFound
from ..importing.rows import enterprise_record, in_hanoi_terms
from ..repositories.catalogues import CatalogueRepository
from ..repositories.enterprises import EnterpriseRepository
from . import now_iso
from .access import Principal, authorize
from .catalogues import Communes

SORTS = ("name", "employees", "-employees", "founded", "distance", "relevance")
# What only an admin may change: who the firm is (id, enterprise code), and its kind and home country,
# which make it an SME, a large or an FDI firm. A firm edits the rest of its profile itself.
ADMIN_ONLY_FIELDS = ("id", "code", "kind", "home_country")


class EnterpriseService:
    def __init__(self, graph):
        self.repository = EnterpriseRepository(graph)
        self.catalogues = CatalogueRepository(graph)

    def list(self, args: dict) -> dict:
        filters = {k: args.get(k) for k in ("kind", "sector", "capability", "standard", "zone", "commune")
                   if args.get(k)}
        if filters.get("commune"):      # however it is written; a place not in the catalogue finds no firm
            filters["commune"] = Communes(self.catalogues.list_communes()).official(filters["commune"]) or filters["commune"]
        if args.get("q"):
            words = tokens(args["q"])  # folded to [a-z0-9] words: safe for Lucene's query syntax
            if not words:
                raise InvalidInput("q has no searchable words", {"q": ["give at least one letter or digit"]})
            filters["q"] = " ".join(words)
        near = [args.get("latitude"), args.get("longitude")]
        if any(v is not None for v in near):
            if None in near:
                raise InvalidInput("latitude and longitude come together",
                                   {"latitude" if near[0] is None else "longitude": ["required with the other"]})
            filters.update(latitude=near[0], longitude=near[1], radius_m=float(args.get("radius_km") or 25) * 1000)
        elif args.get("radius_km") is not None:
            raise InvalidInput("radius_km needs latitude and longitude", {"radius_km": ["needs latitude and longitude"]})
        sort = args.get("sort") or ("relevance" if filters.get("q") else "distance" if "latitude" in filters else "name")
        if sort == "distance" and "latitude" not in filters:
            raise InvalidInput("sorting by distance needs latitude and longitude", {"sort": ["needs a location"]})
        if sort == "relevance" and not filters.get("q"):
            raise InvalidInput("sorting by relevance needs q", {"sort": ["needs q"]})
        page, per_page = args.get("page", 1), args.get("per_page", 20)
        items, total = self.repository.search(filters, sort, per_page, (page - 1) * per_page, date.today())
        return {"items": items, "page": page, "per_page": per_page, "total": total}

    def get(self, enterprise_id: str) -> dict:
        enterprise = self.repository.get(enterprise_id, date.today())
        if enterprise is None:
            raise NotFound(f"no enterprise with id '{enterprise_id}'")
        return enterprise

    def create(self, data: dict) -> dict:
        record = enterprise_record(data, data.get("source") or "api")
        self._check_references(record)
        self.repository.create(record, now_iso())
        return self.get(record["id"])

    def update(self, enterprise_id: str, data: dict, principal: Principal) -> dict:
        """Change the given fields; a firm changing its own profile may not touch ``ADMIN_ONLY_FIELDS``."""
        authorize(principal, "edit an enterprise profile", enterprise_id)
        refused = [f for f in ADMIN_ONLY_FIELDS if f in data]
        if refused and not principal.is_admin:
            raise Forbidden("only an admin may change these fields", {f: ["only an admin may change it"] for f in refused})
        current = self.get(enterprise_id)
        merged = {k: v for k, v in current.items() if v is not None and k not in ("capabilities", "certifications")}
        merged.update({k: v for k, v in data.items()})
        if merged.get("code") and current.get("code") and merged["code"] != current["code"]:
            raise InvalidInput("the enterprise code cannot change", {"code": ["cannot change once set"]})
        record = enterprise_record(merged, current.get("source") or "api")
        record["id"] = enterprise_id
        # Fields set to null in the update are removed from the enterprise.
        record["props"].update({k: None for k, v in data.items()
                                if v is None and k in ("description", "home_country", "employees", "founded",
                                                       "revenue_band", "export_share", "address", "commune")})
        self._check_references(record)
        self.repository.upsert_many([record], now_iso())
        return self.get(enterprise_id)

    def delete(self, enterprise_id: str) -> None:
        if not self.repository.delete(enterprise_id):
            raise NotFound(f"no enterprise with id '{enterprise_id}'")

    def _check_references(self, record: dict) -> None:
        written = record["props"].get("commune")
        if written and in_hanoi_terms(record):
            communes = Communes(self.catalogues.list_communes())
            official = communes.official(written)
            if official is None:
                reason = communes.unknown(written)
                raise InvalidInput(reason, {"commune": [reason]})
            record["props"]["commune"] = official
        if record["zone"] and record["zone"] not in self.catalogues.zone_ids():
            raise InvalidInput(f"unknown zone '{record['zone']}'", {"zone": ["unknown zone; see GET /zones"]})
        associations = record["associations"] or []
        unknown = set(associations) - self.catalogues.existing("Association", associations)
        if unknown:
            raise InvalidInput("unknown association", {"associations": [f"unknown: {', '.join(sorted(unknown))}"]})

    def duplicates(self, status: str | None, page: int, per_page: int) -> list[dict]:
        return self.repository.list_duplicates(status, per_page, (page - 1) * per_page)
