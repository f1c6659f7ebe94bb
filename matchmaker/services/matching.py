"""Supplier search: sourcing requests, ranked and explained matches, recorded outcomes."""
from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np
from neo4j.exceptions import ConstraintError

from graph_schema.model import BUYER_KINDS, OUTCOME_LABELS
from scoring.explain import explanations_for, reason_text
from scoring.features import FEATURES, GENERAL, Hierarchy, feature_matrix, missing_items, with_buyer
from scoring.model import ModelStore
from scoring.text import tokens

from ..errors import Conflict, InvalidInput, NotFound
from ..repositories.catalogues import CatalogueRepository
from ..repositories.matching import MatchRepository
from ..repositories.sourcing import SourcingRepository
from . import new_id, now_iso
from .access import Principal, authorize
from .catalogues import Names, catalogue_names

POOL = 300  # candidates pre-selected in the graph by a cheap score, then ranked by the model
TOP_N = 10  # "would you rank in the top 10": the cutoff each request stores
# A cutoff is the 10th score as the buyers see it (4 places): a supplier whose shown score reaches it is in.
CUTOFF_PLACES = 4
_CACHE_TTL = 60.0
_CUTOFF_CHUNK = 500     # cutoffs stored per write while ranking many requests
_SMALLEST_CHUNK = 25
_KNOWN_SUPPLIERS = 100_000  # suppliers kept read while ranking (a full Hanoi-scale rank peaks at 692 MB)
# From this many requests a rank run reads every firm's offer once and works each pool out in memory
# (scoring.pool): reading them costs about what the graph's query costs for this many requests.
_IN_MEMORY_FROM = 300


@dataclass(frozen=True)
class ListedSupplier:
    """A supplier as a ranked list shows it: who, where, and how far from the plant (km, unrounded)."""
    id: str
    name: str | None
    kind: str | None
    commune: str | None
    employees: int | None
    founded: int | None
    distance_km: float | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class RankedSupplier:
    """One place of a ranked list: the score as the model gave it, why, and what the supplier lacks."""
    rank: int
    score: float
    supplier: ListedSupplier
    reasons: list[str]
    explanations: list[dict]
    missing: list[dict]
    features: dict[str, float]


@dataclass(frozen=True)
class MatchFilters:
    hard_mandatory: bool
    hard_distance: bool
    kinds: list[str]


@dataclass(frozen=True)
class Matches:
    """A page of a request's ranked suppliers; ``total``: how many were ranked (at most the pool)."""
    request: str | None
    model_version: str
    items: list[RankedSupplier]
    page: int
    per_page: int
    total: int
    candidates_passing_filters: int
    pool: int
    filters: MatchFilters
    took_ms: float


class MatchService:
    def __init__(self, graph, store: ModelStore):
        self.graph = graph
        self.store = store
        self.matches = MatchRepository(graph)
        self.requests = SourcingRepository(graph)
        self.catalogues = CatalogueRepository(graph)

    # -- sourcing requests ---------------------------------------------------------------------
    def create_request(self, data: dict) -> tuple[dict, bool]:
        """Create a request under a new id. Retrying with the same ``reference`` and content returns
        the stored one (created=False); the same reference with other content is a conflict."""
        request, buyer = self._checked_with_buyer({**data, "id": new_id("R")})
        _a_buyer(request, buyer)
        request_id, created = self.requests.create(request, now_iso())
        if created:
            self.refresh_cutoffs([request_id])
            return self.get_request(request_id), True
        existing = self.get_request(request_id)
        if _comparable(existing) != _comparable(request):
            raise Conflict(f"your request '{request['reference']}' exists with other content",
                           {"reference": ["already used for another request"]})
        return existing, False

    def update_request(self, request_id: str, data: dict) -> dict:
        current = self.get_request(request_id)
        if data.get("buyer") and data["buyer"] != current["buyer"]:
            raise InvalidInput("a sourcing request belongs to its buyer", {"buyer": ["cannot change"]})
        merged = {**current, **data, "id": request_id, "buyer": current["buyer"]}
        self.requests.save(self._checked(merged), now_iso())
        self.refresh_cutoffs([request_id])
        return self.get_request(request_id)

    def get_request(self, request_id: str, principal: Principal | None = None) -> dict:
        """A request; with ``principal``, only if it may see it (another buyer's answers as unknown)."""
        request = self.requests.get(request_id)
        not_found = NotFound(f"no sourcing request with id '{request_id}'", {"request": ["no such sourcing request"]})
        if request is None:
            raise not_found
        if principal is not None:
            authorize(principal, "use a sourcing request", request["buyer"], not_found)
        return request

    def list_requests(self, buyer, status, page, per_page) -> dict:
        items, total = self.requests.list(buyer, status, per_page, (page - 1) * per_page)
        return {"items": items, "total": total, "page": page, "per_page": per_page}

    def delete_request(self, request_id: str) -> None:
        if not self.requests.delete(request_id):
            raise NotFound(f"no sourcing request with id '{request_id}'")

    def _checked(self, data: dict) -> dict:
        """Validate references to the catalogues and the buyer; fill the plant location from the buyer."""
        return self._checked_with_buyer(data)[0]

    def _checked_with_buyer(self, data: dict) -> tuple[dict, dict | None]:
        """``_checked``, and the buyer's context it read (None without a buyer)."""
        request = {k: data.get(k) for k in ("id", "reference", "buyer", "title", "text", "monthly_volume", "max_distance_km",
                                             "latitude", "longitude", "status")}
        request["status"] = request["status"] or "open"
        request["capabilities"] = sorted(set(data.get("capabilities") or []))
        request["products"] = sorted(set(data.get("products") or []))
        standards = {}
        for s in data.get("standards") or []:
            standards[s["id"]] = standards.get(s["id"], False) or bool(s.get("mandatory"))
        request["standards"] = [{"id": k, "mandatory": v} for k, v in sorted(standards.items())]
        self._check_need(request)
        if request["buyer"]:
            buyer = self.matches.buyer_context(request["buyer"])
            if buyer is None:
                raise InvalidInput(f"unknown buyer '{request['buyer']}'", {"buyer": ["no such enterprise"]})
            if request["latitude"] is None and buyer["latitude"] is not None:
                request["latitude"], request["longitude"] = buyer["latitude"], buyer["longitude"]
            return request, buyer
        return request, None

    def _check_need(self, request: dict) -> None:
        if not (request["capabilities"] or request["products"] or tokens(request.get("text"))):
            raise InvalidInput("say what is needed: capabilities, products or text",
                               {"capabilities": ["give at least one of capabilities, products, text"]})
        if (request.get("latitude") is None) != (request.get("longitude") is None):
            raise InvalidInput("latitude and longitude come together", {"longitude": ["required with latitude"]})
        known = self._cached("catalogue ids", self.catalogues.known_ids)
        errors = {}
        for field, label, key in (("capabilities", "Capability", None), ("standards", "Standard", "id"),
                                  ("products", "Product", None)):
            ids = [x[key] for x in request[field]] if key else request[field]
            # Checked against the cached catalogue first; ids it lacks (perhaps added since it was read) are
            # looked up in the graph.
            unknown = sorted(set(ids) - known[label])
            if unknown:
                unknown = sorted(set(unknown) - (self.catalogues.existing_products(unknown) if label == "Product"
                                                 else self.catalogues.existing(label, unknown)))
            if unknown:
                errors[field] = [f"unknown: {', '.join(unknown)}"]
        if errors:      # every unknown reference at once, not one field per try
            raise InvalidInput("; ".join(f"{field} {why[0]}" for field, why in errors.items()), errors)

    def refresh_cutoffs(self, request_ids: list[str] | None = None, progress=None,
                        workers: int = 1, in_memory: bool | None = None) -> dict[str, float]:
        """Store each request's top-10 cutoff under the active model (all open requests by default); cutoffs
        are stored every ``_CUTOFF_CHUNK`` requests, so a stopped run keeps them. A supplier is read once for
        all the requests whose pool it is in (up to ``_KNOWN_SUPPLIERS`` kept).

        ``in_memory`` (default: from ``_IN_MEMORY_FROM`` requests): every firm's offer is read once and each
        pool worked out from it (``scoring.pool``); Python's work is then most of the cost, so ``workers``
        processes rank at once (forked: they share the offers read). Otherwise each pool is the graph's query
        and ``workers`` threads rank at once (the database's cores work while Python scores another)."""
        if request_ids is None:
            requests = self.requests.open_requests()
        else:
            requests = self.requests.get_many(request_ids)
            if len(requests) < len(set(request_ids)):
                missing = sorted(set(request_ids) - {r["id"] for r in requests})
                raise NotFound(f"no sourcing request with id '{missing[0]}'", {"request": ["no such sourcing request"]})
        if not requests:
            return {}
        version = self.store.active().version
        if in_memory is None:
            in_memory = len(requests) >= _IN_MEMORY_FROM
        run = _RankRun(self, self.matches.firm_offers(date.today()) if in_memory else None)
        # one buyer's requests together: its context is read once per worker
        requests = sorted(requests, key=lambda r: (r.get("buyer") or "", r["id"]))
        # chunks are what a process ranks at a time: a few for each of them, even when the requests are few
        size = max(_SMALLEST_CHUNK, min(_CUTOFF_CHUNK, -(-len(requests) // (4 * max(workers, 1)))))
        chunks = [requests[start:start + size] for start in range(0, len(requests), size)]
        stored: dict[str, float] = {}
        with _ranking(run, workers, in_memory) as rank:
            for chunk, scores in zip(chunks, rank(chunks)):
                rows = [{"id": request["id"], "model": version, "score": score} for request, score in zip(chunk, scores)]
                self.requests.set_cutoffs(rows, now_iso())
                stored.update((row["id"], row["score"]) for row in rows)
                if progress:
                    progress(len(rows))
        return stored

    def refresh_stale_cutoffs(self, batch: int = 1_000_000) -> int:
        """Rank the open requests whose cutoff was not ranked under the active model (what a background job
        does after a model is activated or requests are posted), round after round until none is left; how
        many were ranked. A round of many requests works their pools out in memory (``refresh_cutoffs``)."""
        done = 0
        while True:     # the active version is read again each round: activated again meanwhile, that one counts
            stale = self.requests.stale_cutoffs(self.store.active().version, batch)
            if not stale:
                return done
            self.refresh_cutoffs(stale)
            done += len(stale)

    def cutoff(self, request: dict, buyer: dict | None = None) -> float:
        """The score a supplier needs to enter the request's top 10 (0.0 when fewer than 10 qualify): the 10th
        score of the ranking ``match`` shows, without its page (explanations, missing items)."""
        return cutoff_of(self.store.active().scores(self.pool_rows(request, buyer)))

    def pool_rows(self, request: dict, buyer: dict | None = None, known: dict | None = None,
                  offers=None) -> np.ndarray:
        """The feature rows of the request's pool, as ``match`` ranks it. ``known``: suppliers read already
        today, ``offers`` every firm's offer (``MatchRepository.candidates``)."""
        return self._pool(request, {}, buyer, known, offers)[-1]

    def _pool(self, request: dict, options: dict, buyer: dict | None, known: dict | None = None, offers=None):
        """The request with its buyer's traits, its need, its pooled candidates, how many passed the filters,
        and the candidates' feature rows: what a ranking and a cutoff both start from."""
        if buyer is None and request.get("buyer"):
            buyer = self.matches.buyer_context(request["buyer"])
        request = with_buyer(request, buyer)
        need = self.need(request, buyer, options)
        today = date.today()
        candidates, passed = self.matches.candidates(need, POOL, today, known, offers)
        return request, need, candidates, passed, feature_matrix(request, candidates, self.hierarchy(), today.year)

    # -- matching ------------------------------------------------------------------------------
    def matches_for(self, request_id: str, options: dict) -> Matches:
        return self.match(self.get_request(request_id), options)

    def search(self, data: dict, options: dict) -> Matches:
        request, buyer = self._checked_with_buyer({**data, "id": "ad-hoc"})
        _a_buyer(request, buyer)
        return self.match(request, options, buyer)

    def match(self, request: dict, options: dict, buyer: dict | None = None) -> Matches:
        """The request's ranked suppliers; ``buyer``: its buyer's context when the caller has read it."""
        started = time.perf_counter()
        hierarchy = self.hierarchy()
        names = self.names()
        request, need, candidates, passed, X = self._pool(request, options, buyer)
        scorer = self.store.active()
        scores = scorer.scores(X)
        # 9 places keep the model's own order inside a calibrated step (scoring.model adds 1e-6 x raw score)
        order = sorted(range(len(candidates)), key=lambda i: (-round(float(scores[i]), 9), candidates[i]["id"]))
        if options.get("min_score"):
            order = [i for i in order if scores[i] >= options["min_score"]]
        page, per_page = options.get("page", 1), options.get("per_page", 20)
        window = order[(page - 1) * per_page: page * per_page]
        parts = dict(zip(window, scorer.contributions(X[window], scores[window]))) if window else {}  # the page only
        items = []
        for rank, i in enumerate(window, start=(page - 1) * per_page + 1):
            c = candidates[i]
            explained = explanations_for(request, c, X[i], parts[i])
            items.append(RankedSupplier(
                rank=rank, score=float(scores[i]),
                supplier=ListedSupplier(**{k: c.get(k) for k in ("id", "name", "kind", "commune", "employees",
                                                                 "founded", "distance_km", "latitude", "longitude")}),
                reasons=[reason_text(e, names.capability) for e in explained],
                explanations=explained,
                missing=missing_items(request, c, hierarchy),
                features=dict(zip(FEATURES, X[i].tolist())),
            ))
        return Matches(request=request.get("id"), model_version=scorer.version, items=items, page=page,
                       per_page=per_page, total=len(order), candidates_passing_filters=passed, pool=POOL,
                       filters=MatchFilters(hard_mandatory=options.get("hard_mandatory", True),
                                            hard_distance=options.get("hard_distance", True), kinds=need["kinds"]),
                       took_ms=(time.perf_counter() - started) * 1000)

    def need(self, request: dict, buyer: dict | None, options: dict) -> dict:
        """What the candidate query needs of a request (see ``MatchRepository.candidates``)."""
        hierarchy = self.hierarchy()
        # What holding each capability is worth for each needed one, for those that bring candidates in
        # (siblings earn part credit in the features but bring nobody in).
        credit_of = {}
        for held in hierarchy.parent:
            credits = [hierarchy.credit(needed, held) for needed in request["capabilities"]]
            if any(c >= GENERAL for c in credits):
                credit_of[held] = credits
        mandatory = [s["id"] for s in request["standards"] if s["mandatory"]]
        located = request.get("latitude") is not None
        max_km = request.get("max_distance_km")
        need = {
            "buyer": request.get("buyer"), "sectors": (buyer or {}).get("sectors", []),
            "reach": (buyer or {}).get("reach") or {},
            "sourcing": sorted(credit_of), "credit_of": credit_of, "needed": request["capabilities"],
            "products": request["products"], "text_query": " ".join(tokens(request.get("text"))[:30]),
            "mandatory": mandatory, "hard_standards": mandatory if options.get("hard_mandatory", True) else [],
            "latitude": request.get("latitude"), "longitude": request.get("longitude"),
            "max_m": max_km * 1000.0 if (located and max_km and options.get("hard_distance", True)) else None,
            "kinds": options.get("kinds") or ["sme"],
        }
        return need

    def names(self) -> Names:
        """Names of standards, capabilities and sectors, by (type, id)."""
        return self._cached("names", lambda: catalogue_names(self.catalogues))

    def hierarchy(self) -> Hierarchy:
        return self._cached("tree", lambda: Hierarchy(self.matches.capability_tree()))

    def _cached(self, name: str, load):
        """Small catalogue facts, refreshed every minute per process."""
        cached = self.graph.facts.get(name)
        if cached and time.monotonic() - cached[0] < _CACHE_TTL:
            return cached[1]
        value = load()
        self.graph.facts[name] = (time.monotonic(), value)
        return value

    # -- outcomes ------------------------------------------------------------------------------
    def record_outcome(self, data: dict, principal: Principal) -> dict:
        """Record what came of a buyer's contact with a supplier. Without ``id`` the outcome is found by
        what it is about (buyer, supplier, request, day), so a retry changes nothing; with ``id`` a stored
        outcome of the caller's is changed. Another buyer's outcome or request answers as unknown."""
        label = OUTCOME_LABELS[data["outcome"]]
        if data.get("request"):
            request = self.get_request(data["request"], principal)
            if request["buyer"] != data["buyer"]:
                raise InvalidInput("the request is another buyer's", {"request": ["not a request of this buyer"]})
        outcome = {**data, "label": label, "occurred_on": data["occurred_on"].isoformat(), "source": "api"}
        outcome["key"] = "contact:" + "|".join(
            [data["buyer"], data["supplier"], data.get("request") or "", outcome["occurred_on"]])
        if data.get("id"):
            return {"id": data["id"], "result": self._update_outcome(outcome, principal), "label": label}
        stored = self.requests.record_outcome({**outcome, "new_id": new_id("O")}, now_iso())
        if stored is None:
            missing = "buyer" if self.matches.buyer_context(data["buyer"]) is None else "supplier"
            raise InvalidInput(f"unknown {missing} '{data[missing]}'", {missing: ["no such enterprise"]})
        return {"id": stored[0], "result": stored[1], "label": label}

    def _update_outcome(self, outcome: dict, principal: Principal) -> str:
        stored = self.requests.contact_outcome(outcome["id"], None if principal.is_admin else principal.tenant)
        if stored is None:
            raise NotFound(f"no outcome with id '{outcome['id']}'")
        fixed = [f for f in ("buyer", "supplier", "request") if (outcome.get(f) or None) != stored[f]]
        if fixed:
            raise InvalidInput("an outcome's buyer, supplier and request cannot change; record a new outcome",
                               {f: [f"is '{stored[f]}' for this outcome"] for f in fixed})
        try:
            return self.requests.update_outcome(outcome, now_iso())
        except ConstraintError as err:
            raise Conflict("another outcome of this contact is recorded for that day",
                           {"occurred_on": ["an outcome of this buyer, supplier and request exists that day"]}) from err


def _comparable(request: dict) -> dict:
    keys = ("buyer", "title", "text", "monthly_volume", "max_distance_km", "status")
    return {**{k: request.get(k) for k in keys},
            "capabilities": sorted(request.get("capabilities") or []), "products": sorted(request.get("products") or []),
            "standards": sorted((s["id"], bool(s["mandatory"])) for s in request.get("standards") or [])}


def cutoff_of(scores: np.ndarray) -> float:
    """The 10th best of a pool's scores as a list shows it (0.0 when fewer than 10)."""
    return round(float(np.partition(scores, -TOP_N)[-TOP_N]), CUTOFF_PLACES) if len(scores) >= TOP_N else 0.0


class _RankRun:
    """What one process of a rank run keeps: the buyers' contexts and the suppliers it has read, and every
    firm's offer when pools are worked out in memory."""

    def __init__(self, service: MatchService, offers):
        self.service, self.offers = service, offers
        self.buyers: dict[str, dict] = {}
        self.known: dict[str, dict] = {}

    def rows(self, request: dict) -> np.ndarray:
        buyer = request.get("buyer")
        if buyer and buyer not in self.buyers:
            self.buyers[buyer] = self.service.matches.buyer_context(buyer)
        return self.service.pool_rows(request, self.buyers.get(buyer), self.known, self.offers)

    def rank(self, request: dict) -> float:
        return cutoff_of(self.service.store.active().scores(self.rows(request)))

    def next_chunk(self) -> None:
        """Between chunks (no request being ranked): forget the suppliers read beyond what is kept."""
        if len(self.known) > _KNOWN_SUPPLIERS:
            self.known.clear()

    def rank_all(self, chunk: list[dict]) -> list[float]:
        """The cutoffs of a chunk of requests, their pools scored in one call (a call to the learned model
        costs ~5 ms whatever its rows: per request, that was most of a rank's time)."""
        self.next_chunk()
        rows = [self.rows(request) for request in chunk]
        scores = self.service.store.active().scores(np.vstack(rows)) if rows else np.zeros(0)
        ends = np.cumsum([len(x) for x in rows])
        return [cutoff_of(part) for part in np.split(scores, ends[:-1])]


_FORKED_RUN: _RankRun | None = None     # the run a forked rank worker inherits


def _rank_in_fork(chunk: list[dict]) -> list[float]:
    return _FORKED_RUN.rank_all(chunk)


def _one_thread_each() -> None:
    """A rank worker process scores on one core: one process per CPU, no OpenMP or BLAS threads beside it."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)


@contextmanager
def _ranking(run: _RankRun, workers: int, in_processes: bool):
    """A function from chunks of requests to their cutoffs, chunk by chunk in order: in this thread (one
    worker: a web request's retry window stays its own), in ``workers`` threads, or in ``workers`` forked
    processes."""
    global _FORKED_RUN
    if workers <= 1:
        yield lambda chunks: map(run.rank_all, chunks)
    elif not in_processes:
        with ThreadPoolExecutor(max_workers=workers) as threads:
            yield lambda chunks: (run.next_chunk() or [*threads.map(run.rank, chunk)] for chunk in chunks)
    else:
        # No connection may cross the fork (each process opens its own driver): the parent's is closed first
        # and opened again when it next stores cutoffs.
        run.service.graph.close()
        _FORKED_RUN = run
        try:
            # a worker that dies (out of memory, killed) ends the run with BrokenProcessPool, never a hang
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=_one_thread_each) as processes:
                yield lambda chunks: processes.map(_rank_in_fork, chunks)
        finally:
            _FORKED_RUN = None


def _a_buyer(request: dict, buyer: dict | None) -> None:
    """A new request or a search is a large or FDI firm's (a request posted before its buyer was re-kinded an SME
    can still be changed and closed)."""
    if buyer is not None and buyer["kind"] not in BUYER_KINDS:
        raise InvalidInput(f"'{request['buyer']}' is an SME: a buyer is a large or FDI firm",
                           {"buyer": ["an SME, not a large or FDI buyer"]})
