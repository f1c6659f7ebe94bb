"""Pair features of (sourcing request, candidate supplier): plain Python and numpy.

A request is a dict: capabilities (ids), standards [{id, mandatory}], products (HS codes), latitude,
longitude, max_distance_km, monthly_volume, text, and buyer_profile {kind, home_country, employees,
sector_isic, standing} (``with_buyer``). A candidate is a dict as the match repository returns it:
capabilities {id: capacity}, valid_standards, expired_standards, products, distance_km, founded,
export_share, description_text (the folded description, never the name), large_fdi_customers,
same_sector_buyers, shared_customers, supplies_buyer, outcomes_positive, outcomes_negative.

The buyer's own history (``BuyerHistory``, attached by ``with_buyer``) gives two features for a whole batch
of candidates at once: how well the buyer answered suppliers like this one, and how much that rests on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .text import tokens

FEATURES = (
    "capability_coverage",
    "mandatory_coverage",
    "preferred_coverage",
    "missing_mandatory",
    "text_similarity",
    "proximity",
    "capacity_fit",
    "years_in_business",
    "export_share",
    "large_fdi_customers",
    "same_sector_buyers",
    "shared_customers",
    "supplies_buyer",
    "outcome_rate",
    "outcome_count",
    "product_match",
    # the buyer: what it values may differ by where it comes from, its kind and size
    "buyer_fdi",
    "buyer_large",
    "buyer_northeast_asia",
    "buyer_western",
    "buyer_size",
    # categories (the model splits on them as such): the buyer's home country and its sector's ISIC division
    "buyer_country",
    "buyer_sector",
    # share of the buyer's standing mandatory standards the supplier holds valid (a request states only some)
    "standing_coverage",
    # how this buyer answered suppliers like this one (graph similarity of capabilities, standards and
    # products to the suppliers it followed up or contracted, and to those it turned down), shrunk
    "buyer_history_rate",
    "buyer_history_support",
    # the transparent rule's score of the pair: with few outcomes the model can lean on it, and learn
    # from outcomes where buyers depart from it
    "rule_score",
)

# The transparent rule (the baseline ranker before any model, and a feature of the model).
RULE_WEIGHTS = {"capability_coverage": 0.3, "mandatory_coverage": 0.3, "preferred_coverage": 0.1,
                "proximity": 0.1, "capacity_fit": 0.1, "text_similarity": 0.1}
_RULE_VECTOR = np.array([RULE_WEIGHTS.get(name, 0.0) for name in FEATURES])


def rule_scores(X: np.ndarray) -> np.ndarray:
    """The transparent rule's score of each row, in [0, 1]: a weighted sum row by row, the same bits for a row
    whatever batch it comes in (a matrix product's rounding depends on the batch's shape: a pair scored alone
    and in a pool could differ in the last bit)."""
    return np.clip((np.ascontiguousarray(X) * _RULE_VECTOR).sum(axis=1), 0.0, 1.0)


# What can only help, and what can only hurt, whatever else holds: the learned model is held to these
# directions (a missing mandatory standard never raises a score; more coverage never lowers one).
MONOTONE = {"rule_score": 1, "capability_coverage": 1, "mandatory_coverage": 1, "preferred_coverage": 1, "missing_mandatory": -1,
            "proximity": 1, "capacity_fit": 1, "product_match": 1, "text_similarity": 1, "standing_coverage": 1}
# Features that name a category, not an amount (their codes are labels: see country_code, isic_division).
CATEGORICAL = frozenset({"buyer_country", "buyer_sector"})

# Origin groups of FDI buyers (home country, ISO 3166 alpha-2).
NORTHEAST_ASIA = frozenset({"JP", "KR", "CN", "TW", "HK"})
WESTERN = frozenset({"US", "CA", "GB", "DE", "FR", "NL", "IT", "ES", "SE", "DK", "FI", "NO", "CH", "AT", "BE",
                     "IE", "AU", "NZ", "PL", "CZ"})
# A supplier's outcome record is shrunk towards one half as if it held this many outcomes more, half of
# them good: two outcomes do not swing it.
RECORD_PRIOR = 5.0

# The buyer's history is shrunk towards one half as if it held this many more (fully similar) outcomes,
# half of them good; only its latest outcomes count.
HISTORY_PRIOR = 2.0
HISTORY_LIMIT = 500

# Credit for a supplier capability relative to a needed one in the hierarchy.
FULL, GENERAL, SIBLING = 1.0, 0.5, 0.25
PROXIMITY_KM = 30.0     # proximity = exp(-km / PROXIMITY_KM)
_MATCHES_KEPT = 50_000  # (needed, held) pairs a Hierarchy remembers; a search brings 300 new ones
# The cheap pre-score that picks the pool of candidates in the graph, before the model ranks them: weights
# of capability credit, mandatory coverage and proximity (the graph query receives them as parameters).
PRESCORE_WEIGHTS = {"capability": 0.5, "mandatory": 0.35, "proximity": 0.15}


@dataclass(frozen=True)
class Hierarchy:
    """The capability tree: parent of each capability id."""

    parent: dict[str, str | None]
    _credits: dict = field(default_factory=dict, compare=False, repr=False)  # memo: the tree is small
    _matches: dict = field(default_factory=dict, compare=False, repr=False)  # memo, bounded: _MATCHES_KEPT

    def ancestors(self, capability: str) -> list[str]:
        chain, seen = [], set()
        node = self.parent.get(capability)
        while node and node not in seen:
            chain.append(node)
            seen.add(node)
            node = self.parent.get(node)
        return chain

    def credit(self, needed: str, held: str) -> float:
        """1 for the capability or a more specific one, 0.5 for a more general one, 0.25 for a sibling."""
        key = (needed, held)
        if key not in self._credits:
            self._credits[key] = self._credit(needed, held)
        return self._credits[key]

    def best_matches(self, needed: tuple, held: tuple) -> tuple:
        """For each needed capability: (the best credit a held one gives, the first held one giving it).
        An SME's readiness report asks this for thousands of requests of few distinct needs."""
        key = (needed, held)
        found = self._matches.get(key)
        if found is None:
            found = tuple(self._best(n, held) for n in needed)
            if len(self._matches) >= _MATCHES_KEPT:     # a long-lived worker's searches fill it: start again
                self._matches.clear()
            self._matches[key] = found
        return found

    def _best(self, needed: str, held: tuple) -> tuple[float, str | None]:
        best, via = 0.0, None
        for h in held:
            credit = self.credit(needed, h)
            if credit > best:
                best, via = credit, h
        return best, via

    def _credit(self, needed: str, held: str) -> float:
        if held == needed or needed in self.ancestors(held):
            return FULL
        if held in self.ancestors(needed):
            return GENERAL
        if self.parent.get(held) is not None and self.parent.get(held) == self.parent.get(needed):
            return SIBLING
        return 0.0


def country_code(alpha2: str | None) -> float:
    """An ISO 3166 alpha-2 country as a stable category code (0: none or not a code)."""
    code = (alpha2 or "").strip().upper()
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        return 0.0
    return float((ord(code[0]) - 64) * 32 + ord(code[1]) - 64)


def isic_division(isic: str | None) -> float:
    """The ISIC (VSIC) division of an activity code, its first two digits, as a category code (0: none;
    divisions start at 01)."""
    digits = (isic or "").strip()[:2]
    return float(digits) if len(digits) == 2 and digits.isdigit() else 0.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def capability_matches(request: dict, candidate: dict, hierarchy: Hierarchy) -> dict[str, tuple[float, str | None]]:
    """For each needed capability: (best credit, the supplier capability that gives it)."""
    needed = tuple(request.get("capabilities") or ())
    return dict(zip(needed, hierarchy.best_matches(needed, tuple(candidate.get("capabilities", {})))))


@lru_cache(maxsize=8192)
def _word_set(text: str | None) -> frozenset[str]:
    return frozenset(tokens(text))


def text_similarity(a: str | None, b: str | None) -> float:
    """Cosine similarity of the folded word sets (diacritics and case ignored)."""
    return _word_similarity(_word_set(a), _word_set(b))


def _word_similarity(ta: frozenset[str], tb: frozenset[str]) -> float:
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / math.sqrt(len(ta) * len(tb))


def supplier_traits(candidate: dict) -> frozenset[str]:
    """A supplier's neighbours in the graph, as tokens: capabilities, valid standards, products."""
    return frozenset([f"c:{c}" for c in candidate.get("capabilities") or ()]
                     + [f"s:{s}" for s in candidate.get("valid_standards") or ()]
                     + [f"p:{p}" for p in candidate.get("products") or ()])


def buyer_ties(customers: list, buyer: str | None, buyer_sectors, reach: dict) -> dict:
    """A supplier's ties to one buyer through the supplier's customers (``[id, kind, [sector ids]]`` each):
    ``same_sector_buyers``, the sectors of the buyer's that its large and FDI customers are in (counted
    per customer and sector); ``supplies_buyer``; and ``shared_customers``, the paths supplier -> x <- s ->
    buyer with x not the buyer, from ``reach`` (for each firm x, how many of the buyer's suppliers s supply
    it; the supplier itself is one of them when it supplies the buyer, and a path never uses one link twice)."""
    sectors = set(buyer_sectors or ())
    supplies = buyer is not None and any(c[0] == buyer for c in customers)
    shared = sum(reach.get(c[0], 0) - supplies for c in customers if c[0] != buyer) if reach else 0
    return {"same_sector_buyers": sum(len(sectors.intersection(c[2])) for c in customers if c[1] in ("large", "fdi")),
            "supplies_buyer": supplies, "shared_customers": shared}


@dataclass(frozen=True)
class BuyerHistory:
    """How a buyer answered the suppliers it was in contact with: per supplier its traits (as rows of a 0/1
    matrix over the traits seen), its good outcomes and all its outcomes."""

    vocabulary: dict
    traits: np.ndarray
    positive: np.ndarray
    total: np.ndarray

    @classmethod
    def of(cls, entries: list[dict] | None, before: str | None = None) -> "BuyerHistory":
        """From ``[{supplier, label, on (ISO date), traits}]``, keeping outcomes strictly before ``before``."""
        kept = [e for e in entries or () if e.get("label") is not None and (before is None or e["on"] < before)]
        kept = sorted(kept, key=lambda e: e["on"], reverse=True)[:HISTORY_LIMIT]
        suppliers: dict[str, list] = {}
        for e in kept:
            row = suppliers.setdefault(e["supplier"], [frozenset(e.get("traits") or ()), 0, 0])
            row[1] += int(e["label"] == 1)
            row[2] += 1
        vocabulary: dict[str, int] = {}
        for traits, _, _ in suppliers.values():
            for t in traits:
                vocabulary.setdefault(t, len(vocabulary))
        matrix = np.zeros((len(suppliers), len(vocabulary)))
        for k, (traits, _, _) in enumerate(suppliers.values()):
            matrix[k, [vocabulary[t] for t in traits]] = 1.0
        return cls(vocabulary, matrix, np.array([r[1] for r in suppliers.values()], dtype=float),
                   np.array([r[2] for r in suppliers.values()], dtype=float))

    def answers(self, candidates: list[dict]) -> tuple[np.ndarray, np.ndarray]:
        """(rate, support) per candidate: the share of good outcomes among the buyer's outcomes with
        suppliers, each weighed by its Jaccard similarity to the candidate, shrunk by ``HISTORY_PRIOR``;
        and log(1 + the similar outcomes' weight)."""
        n = len(candidates)
        if not len(self.total) or not n:
            return np.full(n, 0.5), np.zeros(n)
        sets = [supplier_traits(c) for c in candidates]
        C = np.zeros((n, len(self.vocabulary)))
        for i, traits in enumerate(sets):
            C[i, [self.vocabulary[t] for t in traits if t in self.vocabulary]] = 1.0
        common = C @ self.traits.T
        union = np.array([len(t) for t in sets], dtype=float)[:, None] + self.traits.sum(axis=1)[None, :] - common
        similarity = np.divide(common, union, out=np.zeros_like(common), where=union > 0)
        weight = similarity @ self.total
        rate = (similarity @ self.positive + HISTORY_PRIOR / 2) / (weight + HISTORY_PRIOR)
        return rate, np.log1p(weight)


NO_HISTORY = BuyerHistory.of([])


def pair_features(request: dict, candidate: dict, hierarchy: Hierarchy, today_year: int) -> np.ndarray:
    """The feature vector (in FEATURES order) of one request-supplier pair."""
    return feature_matrix(request, [candidate], hierarchy, today_year)[0]


def _pair_values(request: dict, candidate: dict, hierarchy: Hierarchy, today_year: int) -> np.ndarray:
    """The features of one pair but the buyer's history and the rule's score (filled in by the batch)."""
    return np.array(_pair_row(_request_side(request), candidate, hierarchy, today_year), dtype=float)


def request_asks(request: dict) -> tuple:
    """What a request asks of a supplier as the features read it, its buyer aside: the needed capabilities
    (each once), volume, mandatory and preferred standards, the words of its text, and products. A request
    kept for long (``OpenMarket``) carries it as ``asks``, worked out once when read (it is never changed
    in place: a change is a new read)."""
    standards = request.get("standards") or []
    return (tuple(dict.fromkeys(request.get("capabilities") or ())), request.get("monthly_volume"),
            tuple(s["id"] for s in standards if s.get("mandatory")),
            tuple(s["id"] for s in standards if not s.get("mandatory")), _word_set(request.get("text")),
            tuple(request.get("products") or ()))


def buyer_asks(profile: dict) -> tuple:
    """What the features read of a buyer's profile (``with_buyer``): the standards it requires of every
    supplier, and the values of its own columns. A buyer kept for long carries it as ``asks`` (its requests
    as ``buyer_asks``)."""
    origin = (profile.get("home_country") or "").upper()
    return (tuple(profile.get("standing") or ()),
            (1.0 if profile.get("kind") == "fdi" else 0.0, 1.0 if profile.get("kind") == "large" else 0.0,
             1.0 if origin in NORTHEAST_ASIA else 0.0, 1.0 if origin in WESTERN else 0.0,
             math.log1p(profile.get("employees") or 0), country_code(origin),
             isic_division(profile.get("sector_isic"))))


def _request_side(request: dict) -> tuple:
    """What the features read of a request alone (``request_asks``, and ``buyer_asks`` of its buyer), from what
    it carries when kept."""
    needed, volume, mandatory, preferred, words, products = request.get("asks") or request_asks(request)
    standing, buyer = request.get("buyer_asks") or buyer_asks(request.get("buyer_profile") or {})
    return needed, volume, mandatory, preferred, standing, words, products, buyer


def _pair_row(side: tuple, candidate: dict, hierarchy: Hierarchy, today_year: int) -> tuple:
    """``_pair_values`` as a tuple, from the request's ``_request_side``."""
    needed, volume, mandatory, preferred, standing, words, products, buyer = side
    held = candidate.get("capabilities", {})
    matches = hierarchy.best_matches(needed, tuple(held)) if needed else ()
    capability_coverage = (sum(credit for credit, _ in matches) / len(matches)) if matches else 1.0
    if volume:
        capacities = [held.get(via) for credit, via in matches if credit >= GENERAL]
        capacities = [c for c in capacities if c]
        capacity_fit = min(1.0, min(capacities) / volume) if capacities else 0.0
    else:
        capacity_fit = 1.0
    distance = candidate.get("distance_km")
    founded = candidate.get("founded")
    valid = candidate.get("valid_standards") or ()
    mandatory_held = sum(1 for s in mandatory if s in valid)
    preferred_held = sum(1 for s in preferred if s in valid)
    positive, negative = candidate.get("outcomes_positive", 0), candidate.get("outcomes_negative", 0)
    if products:
        made = set(candidate.get("products") or ())
        product_coverage = sum(1 for p in products if p in made) / len(products)
    else:
        product_coverage = 1.0
    return (capability_coverage,
            mandatory_held / len(mandatory) if mandatory else 1.0,
            preferred_held / len(preferred) if preferred else 1.0, float(len(mandatory) - mandatory_held),
            _word_similarity(words, _word_set(candidate.get("description_text"))),
            math.exp(-distance / PROXIMITY_KM) if distance is not None else 0.0,
            capacity_fit,
            math.log1p(max(0, today_year - founded) if founded else 0),
            float(candidate.get("export_share") or 0.0),
            math.log1p(candidate.get("large_fdi_customers", 0)),
            math.log1p(candidate.get("same_sector_buyers", 0)),
            math.log1p(candidate.get("shared_customers", 0)),
            1.0 if candidate.get("supplies_buyer") else 0.0,
            (positive + RECORD_PRIOR / 2) / (positive + negative + RECORD_PRIOR),
            math.log1p(positive + negative),
            product_coverage,
            *buyer,
            _coverage(standing, valid),
            0.5, 0.0, 0.0)


_STANDARD_COLUMNS = [FEATURES.index(f) for f in ("mandatory_coverage", "preferred_coverage", "missing_mandatory",
                                                   "standing_coverage")]


def _coverage(wanted, valid) -> float:
    return sum(1 for s in wanted if s in valid) / len(wanted) if wanted else 1.0


def _asked_standards(request: dict) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The standards a request asks for: mandatory, preferred, and its buyer's standing requirements."""
    _, _, mandatory, preferred, standing, *_ = _request_side(request)
    return mandatory, preferred, standing


# What the features read of a buyer: kind, home country, employees, its sector's ISIC code and the ids of
# the standards it requires of every supplier (its standing mandatory requirements).
BUYER_PROFILE = ("kind", "home_country", "employees", "sector_isic", "standing")


def with_buyer(request: dict, buyer: dict | None, before: str | None = None,
               history: BuyerHistory | None = None) -> dict:
    """The request with what the features need of its buyer: kind, home country, employees, and its
    history (``buyer["history"]``) as it stood before ``before`` (an ISO date; None: all of it), or
    ``history`` when the caller has built it (one buyer's many requests share it)."""
    buyer = buyer or {}
    return {**request, "buyer_profile": {k: buyer.get(k) for k in BUYER_PROFILE},
            "buyer_history": history if history is not None else BuyerHistory.of(buyer.get("history"), before)}


_HISTORY_COLUMNS = [FEATURES.index("buyer_history_rate"), FEATURES.index("buyer_history_support")]


def without_history(X: np.ndarray) -> np.ndarray:
    """Feature rows as they would be for a buyer without any history (a new buyer)."""
    X = np.array(X, dtype=float, copy=True)
    X[:, _HISTORY_COLUMNS[0]], X[:, _HISTORY_COLUMNS[1]] = 0.5, 0.0
    return X


def feature_matrix(request: dict, candidates: list[dict], hierarchy: Hierarchy, today_year: int) -> np.ndarray:
    """The feature rows (in FEATURES order) of a request's candidates."""
    return feature_rows([(request, c) for c in candidates], hierarchy, today_year)


def feature_rows(pairs: list[tuple[dict, dict]], hierarchy: Hierarchy, today_year: int) -> np.ndarray:
    """One feature row per (request, candidate) pair, the requests free to differ (one SME against many
    requests): the buyer's history answers once for all candidates of each history. Pairs of one request in a
    row (a search's pool) are worked out together (``_request_values``); the same numbers as ``_pair_values``."""
    if not pairs:
        return np.zeros((0, len(FEATURES)))
    X = np.empty((len(pairs), len(FEATURES)))
    single, sides = [], {}      # pairs of a request alone; each request's own values, by the request's id
    start = 0
    while start < len(pairs):
        request = pairs[start][0]
        end = start + 1
        while end < len(pairs) and pairs[end][0] is request:
            end += 1
        if end - start > 1:
            X[start:end] = _request_values(request, [c for _, c in pairs[start:end]], hierarchy, today_year)
        else:
            single.append(start)
        start = end
    if single:
        rows = []
        for k in single:
            request, candidate = pairs[k]
            side = sides.get(id(request))
            if side is None:
                side = sides[id(request)] = _request_side(request)
            rows.append(_pair_row(side, candidate, hierarchy, today_year))
        X[single] = np.array(rows, dtype=float)
    _history_and_rule(X, pairs)
    return X


def _request_values(request: dict, candidates: list[dict], hierarchy: Hierarchy, today_year: int) -> np.ndarray:
    """``_pair_values`` of one request against many candidates: what depends on the request alone is worked
    out once, the rest column by column (the same functions, so the same floating-point values)."""
    n = len(candidates)
    X = np.empty((n, len(FEATURES)))
    needed, volume, mandatory, preferred, standing, words, products, buyer = _request_side(request)
    coverage, fit = [], []
    for c in candidates:
        if needed:
            matches = hierarchy.best_matches(needed, tuple(c.get("capabilities", {})))
            coverage.append(sum(credit for credit, _ in matches) / len(matches))
        else:
            matches = ()
            coverage.append(1.0)
        if volume:
            held = c["capabilities"]
            capacities = [held.get(via) for credit, via in matches if credit >= GENERAL]
            capacities = [x for x in capacities if x]
            fit.append(min(1.0, min(capacities) / volume) if capacities else 0.0)
        else:
            fit.append(1.0)
    standards = []
    for c in candidates:
        valid = c.get("valid_standards") or ()
        mandatory_held = sum(1 for s in mandatory if s in valid)
        preferred_held = sum(1 for s in preferred if s in valid)
        standards.append((mandatory_held / len(mandatory) if mandatory else 1.0,
                          preferred_held / len(preferred) if preferred else 1.0,
                          float(len(mandatory) - mandatory_held), _coverage(standing, valid)))
    standards = np.array(standards, dtype=float).reshape(n, 4)
    X[:, 0] = coverage
    X[:, 1], X[:, 2], X[:, 3] = standards[:, 0], standards[:, 1], standards[:, 2]
    X[:, 4] = [_word_similarity(words, _word_set(c.get("description_text"))) for c in candidates]
    X[:, 5] = [math.exp(-d / PROXIMITY_KM) if d is not None else 0.0 for d in (c.get("distance_km") for c in candidates)]
    X[:, 6] = fit
    X[:, 7] = [math.log1p(max(0, today_year - f) if f else 0) for f in (c.get("founded") for c in candidates)]
    X[:, 8] = [float(c.get("export_share") or 0.0) for c in candidates]
    X[:, 9] = [math.log1p(c.get("large_fdi_customers", 0)) for c in candidates]
    X[:, 10] = [math.log1p(c.get("same_sector_buyers", 0)) for c in candidates]
    X[:, 11] = [math.log1p(c.get("shared_customers", 0)) for c in candidates]
    X[:, 12] = [1.0 if c.get("supplies_buyer") else 0.0 for c in candidates]
    records = [(c.get("outcomes_positive", 0), c.get("outcomes_negative", 0)) for c in candidates]
    X[:, 13] = [(p + RECORD_PRIOR / 2) / (p + q + RECORD_PRIOR) for p, q in records]
    X[:, 14] = [math.log1p(p + q) for p, q in records]
    X[:, 15] = ([sum(1 for p in products if p in made) / len(products)
                 for made in (set(c.get("products") or ()) for c in candidates)] if products else 1.0)
    X[:, 16:23] = buyer
    X[:, 23] = standards[:, 3]
    X[:, 24:] = [0.5, 0.0, 0.0]
    return X


def _history_and_rule(X: np.ndarray, pairs: list[tuple[dict, dict]], rows: list[int] | None = None) -> None:
    """Fill in the buyer-history columns (of ``rows``, default all) and every row's rule score, in place."""
    by_history: dict[int, tuple[BuyerHistory, list[int]]] = {}
    for k in range(len(pairs)) if rows is None else rows:
        history = pairs[k][0].get("buyer_history") or NO_HISTORY
        by_history.setdefault(id(history), (history, []))[1].append(k)
    for history, ks in by_history.values():
        if history is NO_HISTORY or not len(history.total):
            X[ks, _HISTORY_COLUMNS[0]], X[ks, _HISTORY_COLUMNS[1]] = 0.5, 0.0
            continue
        rate, support = history.answers([pairs[k][1] for k in ks])
        X[ks, _HISTORY_COLUMNS[0]], X[ks, _HISTORY_COLUMNS[1]] = rate, support
    X[:, -1] = rule_scores(X)


class StandardsClosed:
    """For a batch of (request, candidate) pairs and their feature rows: the rows as if every candidate held
    some more standards valid (and nothing else changed), without computing the rows again: what each
    standard adds to the coverage columns is indexed once; only rows whose buyer has a history (whose
    similarity to the candidate changes) are recomputed there."""

    def __init__(self, pairs: list[tuple[dict, dict]], rows: np.ndarray):
        self.pairs, self.rows = pairs, rows
        n = len(pairs)
        self.sizes = np.ones((n, 3))        # mandatory, preferred, standing: how many each row asks for
        self.where: dict[str, tuple[list, list, list]] = {}
        self.with_history = []
        for k, (request, candidate) in enumerate(pairs):
            valid = set(candidate.get("valid_standards") or ())
            for part, ids in enumerate(_asked_standards(request)):
                self.sizes[k, part] = max(1, len(ids))
                for standard in ids:
                    if standard not in valid:
                        self.where.setdefault(standard, ([], [], []))[part].append(k)
            history = request.get("buyer_history")
            if history is not None and history is not NO_HISTORY and len(history.total):
                self.with_history.append(k)

    def rows_with(self, standards: list[str], ks: list[int] | None = None) -> np.ndarray:
        """The rows ``ks`` (default all, in that order) as if the candidates held ``standards`` valid too."""
        ks = list(range(len(self.pairs))) if ks is None else list(ks)
        X = self.rows[ks]           # a copy: fancy indexing
        position = np.full(len(self.pairs), -1)
        position[ks] = np.arange(len(ks))
        for standard in dict.fromkeys(standards):
            for part, column in zip(range(3), (_STANDARD_COLUMNS[0], _STANDARD_COLUMNS[1], _STANDARD_COLUMNS[3])):
                at = np.asarray(self.where.get(standard, ([], [], []))[part], dtype=int)
                at = at[position[at] >= 0]
                X[position[at], column] += 1.0 / self.sizes[at, part]
                if part == 0:
                    X[position[at], _STANDARD_COLUMNS[2]] -= 1.0
        history = [k for k in self.with_history if position[k] >= 0]
        if history:
            pairs = [self.pairs[k] for k in ks]
            for k in history:
                request, candidate = self.pairs[k]
                pairs[position[k]] = (request, {**candidate, "valid_standards": {
                    *(candidate.get("valid_standards") or ()), *standards}})
            _history_and_rule(X, pairs, [int(position[k]) for k in history])
        else:
            X[:, -1] = rule_scores(X)
        return X


def missing_items(request: dict, candidate: dict, hierarchy: Hierarchy) -> list[dict]:
    """What the supplier lacks for this request, most blocking first."""
    missing = []
    valid = set(candidate.get("valid_standards") or ())
    expired = set(candidate.get("expired_standards") or ())
    for standard in request.get("standards") or []:
        if standard["id"] not in valid:
            missing.append({"type": "standard", "id": standard["id"], "mandatory": bool(standard.get("mandatory")),
                            "reason": "expired" if standard["id"] in expired else "not_held",
                            "note": "certificate expired" if standard["id"] in expired else "not held"})
    for needed, (credit, via) in capability_matches(request, candidate, hierarchy).items():
        if credit < FULL:
            missing.append({"type": "capability", "id": needed, "mandatory": False,
                            "reason": "related" if via else "not_held", "related": via,
                            "note": f"has the related '{via}'" if via else "not held"})
    volume = request.get("monthly_volume")
    if volume:
        capacities = [candidate["capabilities"].get(via)
                      for credit, via in capability_matches(request, candidate, hierarchy).values() if via]
        capacities = [c for c in capacities if c]
        if capacities and min(capacities) < volume:
            missing.append({"type": "capacity", "id": "monthly_volume", "mandatory": False,
                            "reason": "capacity", "capacity": min(capacities), "volume": volume,
                            "note": f"declared capacity {min(capacities):,.0f} of {volume:,.0f} a month"})
    missing.sort(key=lambda m: (not m["mandatory"], m["type"] != "standard", m["id"]))
    return missing
