"""Load generated demo data into the graph through the same repositories the API uses."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timezone
from typing import Callable

from .generator import DemoData

BATCH = 5000
WRITERS = 2


def _batched(rows: list, size: int | None = None):
    size = size or BATCH
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def load(graph, data: DemoData, progress: Callable[[str, int], None] | None = None,
         bulk: bool | None = None) -> dict:
    """Upsert catalogues, enterprises and links; idempotent, so loading twice changes nothing.

    Into a graph without firms (or after such a load stopped halfway) the firms and their links are written
    without keeping the search projection or stamping the change feed, which one pass at the end makes whole
    (``EnterpriseRepository.begin_load``): at Hanoi scale the per-batch upkeep cost more than the pass.
    ``bulk``: False keeps them batch by batch whatever the graph holds."""
    from matchmaker.repositories.catalogues import CatalogueRepository
    from matchmaker.repositories.enterprises import EnterpriseRepository

    catalogues, enterprises = CatalogueRepository(graph), EnterpriseRepository(graph)
    catalogues.upsert_standards(data.standards)
    catalogues.upsert_sectors(data.sectors)
    catalogues.upsert_capabilities(data.capabilities)
    catalogues.upsert_zones(data.zones)
    catalogues.upsert_communes(data.communes)
    catalogues.upsert_associations(data.associations)
    catalogues.upsert_products(data.products)
    catalogues.set_sector_requirements(data.sector_requirements)
    catalogues.set_sector_capabilities(data.sector_capabilities)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    bulk = bool(data.enterprises) and bulk is not False and enterprises.begin_load()
    maintain = not bulk
    steps = [
        ("enterprises", data.enterprises, lambda rows: enterprises.upsert_many(rows, now, maintain)),
        ("capabilities", data.enterprise_capabilities, lambda rows: enterprises.set_capabilities(rows, maintain)),
        ("certifications", data.certifications, lambda rows: enterprises.set_certifications(rows, maintain)),
        ("products", data.enterprise_products, lambda rows: catalogues.set_products(rows, maintain)),
        ("requirements", data.buyer_requirements, lambda rows: catalogues.set_buyer_requirements(rows, maintain)),
        ("supply links", data.supply_links, lambda rows: enterprises.set_supply_links(rows, maintain)),
    ]
    # Batches of one step are independent: two writers keep both of the database's cores busy (a lock
    # conflict on a shared sector or zone node is a transient error the managed transaction retries).
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for name, rows, write in steps:
            if progress:        # each step's clock starts with the step, not with its first batch written
                progress(name, 0)
            running = {pool.submit(write, batch): len(batch) for batch in _batched(rows)}
            for done in as_completed(running):
                result = done.result()
                if name == "enterprises":
                    for k in counts:
                        counts[k] += result[k]
                if progress:
                    progress(name, running[done])
    if bulk:
        if progress:
            progress("search projection", 0)
        enterprises.end_load()
        if progress:
            progress("search projection", len(data.enterprises))
    from matchmaker.repositories.sourcing import SourcingRepository
    from matchmaker.services import new_id
    requests = SourcingRepository(graph)
    if progress:
        progress("sourcing requests", 0)
    for batch in _batched(data.sourcing_requests, 1000):       # by the buyer's reference: a re-seed adds none
        requests.create_many([{**request, "id": new_id("R")} for request in batch], now)
        if progress:
            progress("sourcing requests", len(batch))
    return {"enterprises": counts, "sourcing_requests": len(data.sourcing_requests), "capabilities": len(data.enterprise_capabilities),
            "certifications": len(data.certifications), "supply_links": len(data.supply_links)}
