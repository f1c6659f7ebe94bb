"""A simulated supplier market that drives the real API and the real training (issue 13, item 6).

Buyers are the demo's large and FDI firms. Each buyer weighs what it sees of a supplier (mandatory
standard coverage, capability coverage, distance, capacity against the monthly volume, export share,
large/FDI customers, years in business) by its origin group and sector, plus a hidden per-supplier
reliability that shows only through outcomes. That weighing is the simulator's TRUTH: the product never
sees it, only the outcomes drawn from it.

The preferences come from a seeded generator with a ``variant``: variant 0 ("default") is smooth and
mostly linear with origin effects we wrote down; variant 1 ("alt") uses thresholds, other origin and
sector effects drawn at random and a different reliability weight; any other integer draws yet another
market. A model tuned while looking at one variant must be judged on another.

Pure parts (preferences, utilities, contact choice, NDCG, paired intervals) need no graph and are unit
tested in tests/test_market_unit.py; ``MarketDriver`` talks to the API through a Flask test client (or
anything with the same ``get``/``post``/``delete`` methods).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from seeds import catalogue as cat

# -- who the buyers are ---------------------------------------------------------------------------
ORIGIN_GROUPS = ("japan_korea", "china_taiwan", "eu_us", "asean", "domestic_large")
_COUNTRY_GROUP = {"JP": "japan_korea", "KR": "japan_korea", "CN": "china_taiwan", "TW": "china_taiwan",
                  "DE": "eu_us", "FR": "eu_us", "US": "eu_us", "GB": "eu_us", "NL": "eu_us",
                  "SG": "asean", "TH": "asean", "MY": "asean"}

# What a buyer sees of a supplier, in this order; the hidden reliability comes on top.
ATTRIBUTES = ("mandatory", "capability", "distance", "capacity", "export", "large_fdi", "years")


def origin_group(kind: str, home_country: str | None) -> str:
    """The buyer's origin group: FDI firms by home country, domestic large firms on their own."""
    if kind != "fdi":
        return "domestic_large"
    return _COUNTRY_GROUP.get((home_country or "").upper(), "asean")


# -- the world as the simulator knows it (from the generated demo data) ---------------------------
@dataclass(frozen=True)
class Supplier:
    id: str
    sector: str
    latitude: float
    longitude: float
    capabilities: dict            # capability id -> declared monthly capacity
    certificates: dict            # standard id -> expiry date (None: does not expire)
    export_share: float
    founded: int | None
    large_fdi_customers: int


@dataclass(frozen=True)
class Buyer:
    id: str
    kind: str
    home_country: str | None
    group: str
    sector: str
    latitude: float
    longitude: float
    requirements: tuple           # ({"id", "mandatory"}, ...)


@dataclass
class World:
    buyers: list
    suppliers: dict               # id -> Supplier (SMEs: the kinds the search returns by default)
    parents: dict                 # capability id -> parent id
    today: date = field(default_factory=date.today)

    @classmethod
    def from_demo(cls, data, today: date | None = None) -> "World":
        """The demo's buyers (large and FDI) and suppliers (SMEs) from ``seeds.generator.generate``."""
        kinds = {e["id"]: e["props"]["kind"] for e in data.enterprises}
        caps: dict[str, dict] = {}
        for c in data.enterprise_capabilities:
            caps.setdefault(c["enterprise"], {})[c["capability"]] = float(c["capacity"])
        certs: dict[str, dict] = {}
        for c in data.certifications:
            certs.setdefault(c["enterprise"], {})[c["standard"]] = c["expires"]
        big_customers: dict[str, int] = {}
        for link in data.supply_links:
            if kinds.get(link["buyer"]) in ("large", "fdi"):
                big_customers[link["supplier"]] = big_customers.get(link["supplier"], 0) + 1
        requirements: dict[str, list] = {}
        for r in data.buyer_requirements:
            requirements.setdefault(r["buyer"], []).append({"id": r["standard"], "mandatory": bool(r["mandatory"])})
        buyers, suppliers = [], {}
        for e in data.enterprises:
            p, kind = e["props"], e["props"]["kind"]
            sector = e["sectors"][0]["id"]
            if kind == "sme":
                suppliers[e["id"]] = Supplier(e["id"], sector, e["latitude"], e["longitude"], caps.get(e["id"], {}),
                                              certs.get(e["id"], {}), float(p.get("export_share") or 0.0),
                                              p.get("founded"), big_customers.get(e["id"], 0))
            else:
                buyers.append(Buyer(e["id"], kind, p.get("home_country"), origin_group(kind, p.get("home_country")),
                                    sector, e["latitude"], e["longitude"],
                                    tuple(sorted(requirements.get(e["id"], []), key=lambda s: s["id"]))))
        return cls(buyers, suppliers, {c[0]: c[2] for c in cat.CAPABILITIES}, today or date.today())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _ancestors(parents: dict, capability: str) -> list:
    chain, node = [], parents.get(capability)
    while node and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def capability_credit(parents: dict, needed: str, held: str) -> float:
    """The simulator's own reading of the hierarchy: the capability or a more specific one counts fully,
    a more general one half, anything else nothing (no credit for siblings, unlike the product)."""
    if held == needed or needed in _ancestors(parents, held):
        return 1.0
    if held in _ancestors(parents, needed):
        return 0.5
    return 0.0


def attributes(need: dict, supplier: Supplier, parents: dict, today: date, mandatory: list | None = None) -> dict:
    """What a buyer sees of a supplier for one need, as raw values (km, counts, years, shares).
    ``mandatory``: the standards the buyer truly insists on (default: those the need calls mandatory)."""
    valid = {s for s, expires in supplier.certificates.items() if expires is None or expires >= today}
    if mandatory is None:
        mandatory = [s["id"] for s in need.get("standards", []) if s["mandatory"]]
    credits, capacities = [], []
    for needed in need.get("capabilities", []):
        best, via = 0.0, None
        for held in supplier.capabilities:
            c = capability_credit(parents, needed, held)
            if c > best:
                best, via = c, held
        credits.append(best)
        if via is not None:
            capacities.append(supplier.capabilities[via])
    volume = need.get("monthly_volume")
    if not volume:
        capacity = 1.0
    elif len(capacities) < len(credits) or not capacities:
        capacity = 0.0
    else:
        capacity = min(1.0, min(capacities) / volume)
    return {
        "mandatory": (sum(1 for s in mandatory if s in valid) / len(mandatory)) if mandatory else 1.0,
        "capability": (sum(credits) / len(credits)) if credits else 1.0,
        "distance_km": haversine_km(need["latitude"], need["longitude"], supplier.latitude, supplier.longitude),
        "capacity": capacity,
        "export": supplier.export_share,
        "large_fdi": supplier.large_fdi_customers,
        "years": max(0, today.year - supplier.founded) if supplier.founded else 0,
    }


# -- what each buyer values (the truth) -----------------------------------------------------------
# Variant 0: weights over ATTRIBUTES by origin group (our written-down guess), then the reliability weight.
_GROUP_WEIGHTS_V0 = {
    "japan_korea":    ((3.0, 2.5, 1.0, 1.5, 0.5, 1.5, 1.0), 1.0),
    "china_taiwan":   ((1.5, 2.5, 2.0, 2.5, 0.3, 0.5, 0.3), 0.6),
    "eu_us":          ((3.0, 2.0, 0.5, 1.0, 2.0, 1.0, 0.5), 0.8),
    "asean":          ((2.0, 2.5, 1.5, 1.5, 1.0, 1.0, 0.5), 0.7),
    "domestic_large": ((1.0, 2.5, 2.5, 1.5, 0.2, 0.3, 1.5), 0.5),
}
_SECTOR_FACTORS_V0 = {   # multipliers on ATTRIBUTES' weights
    "automotive": {"mandatory": 1.4, "capability": 1.1}, "electronics": {"mandatory": 1.4, "capability": 1.1},
    "medical": {"mandatory": 1.6}, "food": {"mandatory": 1.5, "distance": 1.3},
    "garments": {"export": 1.6, "capacity": 1.3}, "footwear": {"export": 1.6, "capacity": 1.3},
    "mechanical": {"capacity": 1.2, "years": 1.2}, "wood": {"years": 1.4, "export": 1.3},
    "handicrafts": {"years": 1.4, "export": 1.3}, "plastics": {"distance": 1.4, "capacity": 1.2},
    "packaging": {"distance": 1.4, "capacity": 1.2},
}
_DISTANCE_SCALE_V0 = {"japan_korea": 30.0, "china_taiwan": 20.0, "eu_us": 45.0, "asean": 30.0, "domestic_large": 15.0}
VARIANT_NAMES = {"default": 0, "alt": 1}


def variant_number(variant) -> int:
    if isinstance(variant, int):
        return variant
    return VARIANT_NAMES[variant] if variant in VARIANT_NAMES else int(variant)


@dataclass(frozen=True)
class Preference:
    """One buyer's true utility: weights over ATTRIBUTES, the functional form, and its parameters."""

    buyer: str
    group: str
    form: str                    # "linear" (variant 0) or "threshold"
    weights: dict                # attribute -> weight
    reliability_weight: float
    distance_km: float           # the decay scale (linear form) or the radius (threshold form)
    capacity_threshold: float    # threshold form: capacity share the buyer insists on
    intercept: float = -4.0
    scale: float = 6.0

    def transformed(self, a: dict) -> dict:
        """Each attribute mapped to [0, 1] the way this buyer reads it."""
        if self.form == "linear":
            return {"mandatory": a["mandatory"], "capability": a["capability"],
                    "distance": math.exp(-a["distance_km"] / self.distance_km), "capacity": a["capacity"],
                    "export": a["export"], "large_fdi": min(1.0, a["large_fdi"] / 3.0),
                    "years": min(1.0, a["years"] / 20.0)}
        km, radius = a["distance_km"], self.distance_km
        return {"mandatory": 1.0 if a["mandatory"] >= 1.0 else 0.0,
                "capability": 1.0 if a["capability"] >= 0.999 else 0.3 * a["capability"],
                "distance": 1.0 if km <= radius else max(0.0, 1.0 - (km - radius) / radius),
                "capacity": 1.0 if a["capacity"] >= self.capacity_threshold else 0.0,
                "export": 1.0 if a["export"] >= 0.2 else 0.0,
                "large_fdi": 1.0 if a["large_fdi"] >= 1 else 0.0,
                "years": 1.0 if a["years"] >= 10 else 0.0}

    def utility(self, a: dict, reliability: float) -> float:
        """The log-odds that a contact with this supplier goes well."""
        t = self.transformed(a)
        total = sum(self.weights.values())
        seen = sum(self.weights[k] * t[k] for k in ATTRIBUTES) / total
        return self.intercept + self.scale * seen + self.reliability_weight * reliability


def make_preferences(buyers: list, seed: int, variant=0) -> dict:
    """Each buyer's Preference, from its origin group and sector, seeded by (seed, variant)."""
    v = variant_number(variant)
    rng = random.Random(f"market-preferences:{seed}:{v}")
    if v == 0:
        groups = {g: (dict(zip(ATTRIBUTES, w)), r) for g, (w, r) in _GROUP_WEIGHTS_V0.items()}
        sectors = _SECTOR_FACTORS_V0
        form, distance, jitter = "linear", _DISTANCE_SCALE_V0, 0.25
    else:   # another market: origin and sector effects drawn, thresholds instead of linear
        groups = {g: ({k: rng.gammavariate(1.5, 1.0) * 2.0 for k in ATTRIBUTES}, rng.uniform(0.3, 1.6))
                  for g in ORIGIN_GROUPS}
        sector_ids = sorted({b.sector for b in buyers} | set(_SECTOR_FACTORS_V0))
        sectors = {s: {k: math.exp(rng.gauss(0, 0.4)) for k in ATTRIBUTES} for s in sector_ids}
        form, jitter = "threshold", 0.35
        distance = {g: rng.choice([8.0, 12.0, 20.0, 30.0]) for g in ORIGIN_GROUPS}
    out = {}
    for b in sorted(buyers, key=lambda b: b.id):
        base, reliability = groups[b.group]
        factors = sectors.get(b.sector, {})
        weights = {k: base[k] * factors.get(k, 1.0) * math.exp(rng.gauss(0, jitter)) for k in ATTRIBUTES}
        out[b.id] = Preference(b.id, b.group, form, weights, reliability * math.exp(rng.gauss(0, jitter)),
                               distance[b.group], rng.choice([0.5, 0.8, 1.0]),
                               intercept=-4.0 if v == 0 else -4.5, scale=6.0 if v == 0 else 7.0)
    return out


def make_reliability(supplier_ids, seed: int, variant=0) -> dict:
    """Each supplier's hidden reliability, N(0, 1), drawn once per (seed, variant)."""
    rng = random.Random(f"market-reliability:{seed}:{variant_number(variant)}")
    return {s: rng.gauss(0.0, 1.0) for s in sorted(supplier_ids)}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def grade(probability: float, levels: int = 5) -> int:
    """Graded relevance 0..levels-1 from the true chance that a contact goes well."""
    return min(levels - 1, int(probability * levels))


# -- needs and contacts ----------------------------------------------------------------------------
def draw_need(rng: random.Random, buyer: Buyer) -> dict:
    """A sourcing request of the buyer, in its sector's terms (the body of POST /sourcing-requests)."""
    pool = cat.SECTOR_CAPABILITIES[buyer.sector]
    caps = sorted(rng.sample(pool, min(len(pool), rng.choice([1, 1, 2]))))
    # A request states some of the buyer's standing requirements: a mandatory one as mandatory (half the
    # time), as preferred, or not at all; what the buyer truly insists on stays its standing list.
    standards = []
    for s in buyer.requirements:
        roll = rng.random()
        if s["mandatory"] and roll < 0.5:
            standards.append({"id": s["id"], "mandatory": True})
        elif roll < 0.85:
            standards.append({"id": s["id"], "mandatory": False})
    return {"buyer": buyer.id, "title": "Simulated need: " + ", ".join(c.replace("-", " ") for c in caps),
            "capabilities": caps, "standards": standards,
            "text": " ".join(c.replace("-", " ") for c in caps),
            "monthly_volume": float(rng.choice([500, 2000, 5000, 10000, 20000])),
            "max_distance_km": float(rng.choice([20, 30, 50])),
            "latitude": buyer.latitude, "longitude": buyer.longitude}


def choose_contacts(rng: random.Random, ranked: list, top: int = 10, lower: int = 5, depth: int = 50) -> list:
    """Which of a ranked list (supplier ids, best first) the buyer contacts: the top ``top`` and ``lower``
    drawn from the rest down to ``depth``. Returns (rank from 1, supplier id), by rank."""
    head = list(enumerate(ranked[:top], start=1))
    rest = list(enumerate(ranked[top:depth], start=top + 1))
    picked = rng.sample(rest, min(lower, len(rest)))
    return sorted(head + picked)


POSITIVE_LABELS = (("follow_up", 0.45), ("sample_order", 0.2), ("nda", 0.1), ("contract", 0.25))


def outcome_label(rng: random.Random, probability: float) -> str:
    """A contact's recorded outcome: a good one (follow_up ... contract) with the given chance."""
    if rng.random() < probability:
        return rng.choices([l for l, _ in POSITIVE_LABELS], [w for _, w in POSITIVE_LABELS])[0]
    return "no_interest"


def split_buyers(buyers: list, share: float, seed: int) -> tuple[list, list]:
    """(training buyers, held-out buyers): ``share`` of each origin group held out, at least one."""
    rng = random.Random(f"market-split:{seed}")
    train, held = [], []
    for g in ORIGIN_GROUPS:
        members = sorted((b for b in buyers if b.group == g), key=lambda b: b.id)
        rng.shuffle(members)
        n = max(1, round(share * len(members))) if len(members) > 1 else 0
        held += members[:n]
        train += members[n:]
    return train, held


# -- metrics ---------------------------------------------------------------------------------------
def dcg(grades: list, k: int = 10) -> float:
    return sum((2.0 ** g - 1.0) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg_at_k(ranked: list, grades: dict, k: int = 10) -> float | None:
    """NDCG@k of a ranking (ids, best first) against graded truth over the whole candidate set
    ``grades`` (id -> grade); None when no candidate has any relevance."""
    ideal = dcg(sorted(grades.values(), reverse=True), k)
    if ideal <= 0:
        return None
    return dcg([grades.get(i, 0) for i in ranked], k) / ideal


def random_ndcg(grades: dict, k: int = 10, draws: int = 50, seed: int = 0) -> float | None:
    """Expected NDCG@k of a random order of the candidates (mean over ``draws`` shuffles)."""
    ids = sorted(grades)
    rng = random.Random(seed)
    values = []
    for _ in range(draws):
        rng.shuffle(ids)
        v = ndcg_at_k(ids, grades, k)
        if v is None:
            return None
        values.append(v)
    return sum(values) / len(values)


def paired_interval(a: list, b: list, draws: int = 2000, seed: int = 0, level: float = 0.95) -> tuple:
    """Mean of a - b over paired items and its bootstrap percentile interval (resampling items)."""
    diffs = [x - y for x, y in zip(a, b)]
    if not diffs:
        return (float("nan"), float("nan"), float("nan"))
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(draws))
    lo = means[int((1 - level) / 2 * draws)]
    hi = means[min(draws - 1, int((1 + level) / 2 * draws))]
    return (sum(diffs) / n, lo, hi)


# -- what the recorded outcomes could reveal at best -------------------------------------------------
_GRID = [-5.0 + 0.1 * k for k in range(101)]      # reliability values the posterior is read on


def reliability_posteriors(contacts: list) -> dict:
    """Per supplier, the posterior of its hidden reliability (weights over ``_GRID``, prior N(0, 1)) given
    the outcomes recorded with it, each as (supplier, visible utility, reliability weight, good?): what
    a learner knowing every buyer's exact weights could infer from these outcomes and nothing more."""
    loglik: dict = {}
    for supplier, visible, weight, good in contacts:
        row = loglik.setdefault(supplier, [-0.5 * r * r for r in _GRID])
        for k, r in enumerate(_GRID):
            p = sigmoid(visible + weight * r)
            row[k] += math.log(max(p if good else 1.0 - p, 1e-300))
    out = {}
    for supplier, row in loglik.items():
        top = max(row)
        w = [math.exp(v - top) for v in row]
        total = sum(w)
        out[supplier] = [v / total for v in w]
    return out


_PRIOR = [math.exp(-0.5 * r * r) for r in _GRID]
_PRIOR = [v / sum(_PRIOR) for v in _PRIOR]


def expected_gain(visible: float, weight: float, posterior: list | None, levels: int = 5) -> float:
    """The expected NDCG gain (2^grade - 1) of a candidate under a reliability posterior (None: the prior):
    ranking by it maximises the expected DCG, so it is the best any ranker can do with that knowledge."""
    posterior = posterior or _PRIOR
    return sum(q * (2.0 ** grade(sigmoid(visible + weight * r), levels) - 1.0) for q, r in zip(posterior, _GRID) if q > 1e-12)


# -- the market over the API -----------------------------------------------------------------------
class ApiError(RuntimeError):
    pass


def matched_pages(client, request_id: str, depth: int | None = None):
    """The pages of a request's ranked suppliers as the API shows them (up to 200 a page), best first, down to
    ``depth`` suppliers (all of them when None)."""
    per_page, page, seen = min(200, depth or 200), 1, 0
    while True:
        body = _json(client.get(f"/sourcing-requests/{request_id}/matches?per_page={per_page}&page={page}"), 200)
        yield body
        seen += len(body["items"])
        if len(body["items"]) < per_page or seen >= body.get("total", 0) or (depth and seen >= depth):
            return
        page += 1


def _json(response, *ok):
    if response.status_code not in ok:
        raise ApiError(f"{response.request.method} {response.request.path} -> {response.status_code}: "
                       f"{response.get_data(as_text=True)[:500]}")
    return response.get_json() if response.status_code != 204 else None


class MarketDriver:
    """Buyers of a World acting through the API: requests, rankings, contacts, outcomes."""

    def __init__(self, world: World, preferences: dict, reliability: dict, seed: int, send_shown_rank: bool):
        self.world = world
        self.preferences = preferences
        self.reliability = reliability
        self.rng = random.Random(f"market-contacts:{seed}")
        self.send_shown_rank = send_shown_rank
        self.buyers = {b.id: b for b in world.buyers}

    # truth
    def probability(self, need: dict, supplier_id: str, hidden: bool = True) -> float:
        """The true chance that the buyer's contact with the supplier goes well; ``hidden=False`` leaves
        the hidden reliability out (what could be known from the attributes alone)."""
        supplier = self.world.suppliers.get(supplier_id)
        if supplier is None:        # not an SME of the demo: the simulator has no view of it
            return 0.0
        buyer = self.buyers[need["buyer"]]
        a = attributes(need, supplier, self.world.parents, self.world.today,
                       [s["id"] for s in buyer.requirements if s["mandatory"]])
        reliability = self.reliability.get(supplier_id, 0.0) if hidden else 0.0
        return sigmoid(self.preferences[need["buyer"]].utility(a, reliability))

    def visible_utility(self, need: dict, supplier_id: str) -> tuple[float, float] | None:
        """(utility without the hidden reliability, the buyer's reliability weight); None: not an SME."""
        supplier = self.world.suppliers.get(supplier_id)
        if supplier is None:
            return None
        buyer = self.buyers[need["buyer"]]
        a = attributes(need, supplier, self.world.parents, self.world.today,
                       [s["id"] for s in buyer.requirements if s["mandatory"]])
        preference = self.preferences[need["buyer"]]
        return preference.utility(a, 0.0), preference.reliability_weight

    def bayes_order(self, need: dict, supplier_ids, posteriors: dict) -> list:
        """The candidates by expected gain knowing the buyer's exact weights and each supplier's reliability
        posterior from the recorded outcomes (``reliability_posteriors``): the ceiling of any learner."""
        def key(s):
            seen = self.visible_utility(need, s)
            return (-(expected_gain(seen[0], seen[1], posteriors.get(s)) if seen else -1.0), s)
        return sorted(supplier_ids, key=key)

    def visible_order(self, need: dict, supplier_ids) -> list:
        """The candidates by true utility without the hidden reliability, best first (ties by id)."""
        return sorted(supplier_ids, key=lambda s: (-self.probability(need, s, hidden=False), s))

    def grades(self, need: dict, supplier_ids) -> dict:
        return {s: grade(self.probability(need, s)) for s in supplier_ids}

    # API
    @staticmethod
    def create_request(client, need: dict, reference: str) -> str:
        return _json(client.post("/sourcing-requests", json={**need, "reference": reference}), 200, 201)["id"]

    @staticmethod
    def delete_request(client, request_id: str) -> None:
        _json(client.delete(f"/sourcing-requests/{request_id}"), 204)

    @staticmethod
    def ranking(client, request_id: str, depth: int = 50) -> tuple[list, dict]:
        """Supplier ids best first down to ``depth`` (pages of up to 200), and the first page's body."""
        pages = list(matched_pages(client, request_id, depth))
        return [item["supplier"]["id"] for body in pages for item in body["items"]][:depth], pages[0]

    def contact(self, client, request_id: str, need: dict, ranked: list, day: date, limit: int | None = None,
                top: int = 10, lower: int = 5, depth: int = 50) -> list:
        """The buyer contacts suppliers of the ranking and records each outcome; returns the records."""
        records = []
        for rank, supplier_id in choose_contacts(self.rng, ranked, top, lower, depth):
            if limit is not None and len(records) >= limit:
                break
            p = self.probability(need, supplier_id)
            body = {"buyer": need["buyer"], "supplier": supplier_id, "request": request_id,
                    "outcome": outcome_label(self.rng, p), "occurred_on": day.isoformat()}
            if self.send_shown_rank:
                body["shown_rank"] = rank
            _json(client.post("/outcomes", json=body), 200, 201)
            visible, weight = self.visible_utility(need, supplier_id) or (None, None)
            records.append({**body, "probability": p, "visible_utility": visible, "reliability_weight": weight})
        return records
