"""Load generated demo data into the graph through the same repositories the API uses."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from .generator import DemoData

BATCH = 5000


def _batched(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def load(graph, data: DemoData, progress: Callable[[str, int], None] | None = None) -> dict:
    """Upsert catalogues, enterprises and links; idempotent, so loading twice changes nothing."""
    from matchmaker.repositories.catalogues import CatalogueRepository
    from matchmaker.repositories.enterprises import EnterpriseRepository

    catalogues, enterprises = CatalogueRepository(graph), EnterpriseRepository(graph)
    catalogues.upsert_standards(data.standards)
    catalogues.upsert_sectors(data.sectors)
    catalogues.upsert_capabilities(data.capabilities)
    catalogues.upsert_zones(data.zones)
    catalogues.upsert_associations(data.associations)
    catalogues.upsert_products(data.products)
    catalogues.set_sector_requirements(data.sector_requirements)
    catalogues.set_sector_capabilities(data.sector_capabilities)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    steps = [
        ("enterprises", data.enterprises, lambda rows: enterprises.upsert_many(rows, now)),
        ("capabilities", data.enterprise_capabilities, enterprises.set_capabilities),
        ("certifications", data.certifications, enterprises.set_certifications),
        ("products", data.enterprise_products, catalogues.set_products),
        ("requirements", data.buyer_requirements, catalogues.set_buyer_requirements),
        ("supply links", data.supply_links, enterprises.set_supply_links),
    ]
    for name, rows, write in steps:
        for batch in _batched(rows):
            result = write(batch)
            if name == "enterprises":
                for k in counts:
                    counts[k] += result[k]
            if progress:
                progress(name, len(batch))
    from matchmaker.repositories.sourcing import SourcingRepository
    from matchmaker.services import new_id
    requests = SourcingRepository(graph)
    for request in data.sourcing_requests:
        requests.create({**request, "id": new_id("R")}, now)     # by the buyer's reference: a re-seed adds none
    if progress and data.sourcing_requests:
        progress("sourcing requests", len(data.sourcing_requests))
    return {"enterprises": counts, "sourcing_requests": len(data.sourcing_requests), "capabilities": len(data.enterprise_capabilities),
            "certifications": len(data.certifications), "supply_links": len(data.supply_links)}
