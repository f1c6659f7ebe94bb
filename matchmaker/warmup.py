"""Warm a web worker before it takes requests, so that no first request pays for what every request needs:
the driver's connections, the active model read from disk, the catalogue facts, the folding table of
scoring.text, every firm's offer (the search keeps it), what every open request asks (readiness keeps it),
and the query plans of a search and a readiness view (Neo4j caches plans across workers). Then what it
loaded is frozen out of the garbage collector's sight (``gc.freeze``).

Called by gunicorn's post_worker_init hook (gunicorn.conf.py). Reads only; a graph that cannot answer
(or a demo not loaded yet) ends the warm-up early with a line in the log, never the worker.
"""
from __future__ import annotations

import gc
import logging
import time
from datetime import date

log = logging.getLogger("matchmaker.warmup")
YOUNG_COLLECTION = 20_000      # allocations between two collections of the young generation (default 700)


def warm(app) -> dict[str, float]:
    """Run the warm-up steps in order; returns each step's seconds (those that ran)."""
    from graph_schema.projection import day_number
    from scoring.text import fold

    from .repositories.catalogues import HealthRepository
    from .repositories.keys import KeyRepository
    from .repositories.offers import offers_of
    from .repositories.readiness import ReadinessRepository
    from .services.catalogues import CatalogueService
    from .services.matching import MatchService
    from .services.readiness import ReadinessService
    graph, store = app.extensions["graph"], app.extensions["model_store"]
    examples: dict = {}

    def search():
        capabilities = [c["id"] for c in CatalogueService(graph).list_capabilities()[:1]]
        if capabilities:   # a plant in central Hanoi, the first capability, one mandatory standard
            buyer = (examples.get("buyer") or {}).get("id")    # the buyer's context and history are read too
            need = {"buyer": buyer, "capabilities": capabilities, "products": [], "text": fold("precision parts"),
                    "standards": [{"id": "iso-9001", "mandatory": True}], "latitude": 21.0285,
                    "longitude": 105.8542, "max_distance_km": 30.0, "monthly_volume": 1000.0}
            MatchService(graph, store).search(need, {"per_page": 20})

    def readiness():
        if examples.get("sme"):
            service = ReadinessService(graph, store)
            service.priorities(examples["sme"]["id"])
            service.gaps(examples["sme"]["id"], buyer=examples["buyer"]["id"])

    steps = [
        ("text folding", lambda: fold("Công ty Đồng Tâm")),
        ("graph connection", HealthRepository(graph).schema_version),
        ("key check", lambda: KeyRepository(graph).find("0" * 16)),
        ("model", store.active),
        ("examples", lambda: examples.update(KeyRepository(graph).example_tenants())),
        ("firm offers", lambda: graph.read(lambda tx: offers_of(graph).sync(tx, day_number(date.today())))),
        ("search", search),
        ("open requests", ReadinessRepository(graph).keep_open_requests),
        ("readiness", readiness),
    ]
    took = {}
    for name, step in steps:
        started = time.perf_counter()
        try:
            step()
        except Exception as err:   # noqa: BLE001 - a warm-up never stops a worker; the request will say why
            log.warning("warm-up stopped at %s: %s: %s", name, type(err).__name__, err)
            break
        took[name] = round(time.perf_counter() - started, 3)
    # What the warm-up loaded lives as long as the worker (the keep of open requests, the model, catalogues):
    # out of the cyclic collector's sight, the full collections a report's allocations set off do not walk
    # it each time (~100 ms of a ~700 ms readiness report at Hanoi scale; benchmarks/README.md)
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    # A readiness report makes ~80,000 containers that live as long as it does: at the default threshold (700)
    # the young generation was collected ~110 times a report, walking the same survivors (~30 ms of ~400 ms
    # at Hanoi scale); at 20,000, twice (~15 ms). Freed cycles wait a little longer, that is all.
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    took["freeze"] = round(time.perf_counter() - started, 3)
    log.info("warm-up took %s", took)
    return took
