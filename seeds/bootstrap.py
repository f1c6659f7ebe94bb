"""A bootstrap training set for the scorer, from the demo generator: synthetic sourcing requests by
the demo's buyers, their candidate suppliers, and outcomes drawn from a hidden preference.

What it can tell: that the learner recovers a preference from pair features and ranks held-out
requests by it. What it cannot tell: anything about real buyers; the hidden preference is our guess
(mandatory standards first, then capability, distance, capacity, track record). Real outcomes
recorded through the API replace it as they accumulate.
"""
from __future__ import annotations

import math
import random
from datetime import date, timedelta

import numpy as np

from scoring.features import Hierarchy, feature_matrix, with_buyer
from . import catalogue as cat
from .generator import REFERENCE_DAY, DemoData, generate

BOOTSTRAP_START = date(2024, 1, 1)


def hidden_preference(x: dict) -> float:
    """The synthetic buyers' utility of a pair (features by name); deliberately not linear."""
    capacity_penalty = 1.5 if x["capacity_fit"] < 0.5 else 0.0
    return (2.5 * x["mandatory_coverage"] ** 2 + 1.2 * x["capability_coverage"] + 1.6 * x["proximity"]
            + 0.8 * x["capacity_fit"] - capacity_penalty + 0.6 * x["preferred_coverage"]
            + 0.7 * math.tanh(x["large_fdi_customers"]) + 0.5 * x["outcome_rate"] + 0.4 * x["text_similarity"]
            + 0.3 * x["export_share"])


def bootstrap_dataset(n_enterprises: int = 3000, n_requests: int = 400, seed: int = 7,
                      max_candidates: int = 60) -> dict:
    """Arrays X, y, groups (request index), times (ISO dates) of synthetic outcomes."""
    from scoring.features import FEATURES
    rng = random.Random(seed + 1000)
    data = generate(n_enterprises, seed)
    hierarchy = Hierarchy({c[0]: c[2] for c in cat.CAPABILITIES})
    suppliers = _supplier_inputs(data)
    buyers = [e for e in data.enterprises if e["props"]["kind"] != "sme"]
    requirements: dict[str, list[dict]] = {}
    for r in data.buyer_requirements:
        requirements.setdefault(r["buyer"], []).append({"id": r["standard"], "mandatory": r["mandatory"]})
    by_sector: dict[str, list[dict]] = {}
    for s in suppliers.values():
        by_sector.setdefault(s["sector"], []).append(s)
    isic_of = {sector_id: isic for sector_id, _, isic in cat.SECTORS}
    X_parts, y_parts, groups, times = [], [], [], []
    span = (REFERENCE_DAY - BOOTSTRAP_START).days
    for g in range(n_requests):
        buyer = rng.choice(buyers)
        sector = buyer["sectors"][0]["id"]
        caps = rng.sample(cat.SECTOR_CAPABILITIES[sector], min(2, len(cat.SECTOR_CAPABILITIES[sector])))
        request = with_buyer({"capabilities": caps[:rng.randint(1, len(caps))],
                              "standards": requirements.get(buyer["id"], []),
                              "monthly_volume": float(rng.choice([500, 2000, 5000, 20000])),
                              "text": " ".join(c.replace("-", " ") for c in caps)},
                             {**buyer["props"], "sector_isic": isic_of.get(sector),
                              "standing": sorted(r["id"] for r in requirements.get(buyer["id"], []) if r["mandatory"])})
        pool = [s for s in by_sector.get(sector, []) if s["id"] != buyer["id"]]
        if len(pool) < 5:
            continue
        candidates = rng.sample(pool, min(max_candidates, len(pool)))
        inputs = []
        for s in candidates:
            km = 111.0 * math.hypot(s["lat"] - buyer["latitude"],
                                    (s["lon"] - buyer["longitude"]) * math.cos(math.radians(buyer["latitude"])))
            inputs.append({**s, "distance_km": km, "supplies_buyer": buyer["id"] in s["customers"],
                           "outcomes_positive": rng.choice([0, 0, 0, 1, 2]), "outcomes_negative": rng.choice([0, 0, 1, 2])})
        X = feature_matrix(request, inputs, hierarchy, REFERENCE_DAY.year)
        utility = np.array([hidden_preference(dict(zip(FEATURES, row))) for row in X])
        noisy = utility + np.array([rng.gauss(0, 0.8) for _ in utility])
        threshold = np.quantile(noisy, 0.8)
        X_parts.append(X)
        y_parts.append((noisy >= threshold).astype(int))
        groups.extend([g] * len(X))
        day = BOOTSTRAP_START + timedelta(days=int(span * g / n_requests))
        times.extend([day.isoformat()] * len(X))
    return {"X": np.vstack(X_parts), "y": np.concatenate(y_parts), "groups": np.array(groups),
            "times": np.array(times), "source": f"bootstrap(seed={seed}, enterprises={n_enterprises}, "
                                                f"requests={n_requests})"}


def _supplier_inputs(data: DemoData) -> dict[str, dict]:
    """Feature inputs of every demo SME, as the match repository would return them."""
    smes = {e["id"]: e for e in data.enterprises if e["props"]["kind"] == "sme"}
    kinds = {e["id"]: e["props"]["kind"] for e in data.enterprises}
    out = {}
    for e in smes.values():
        out[e["id"]] = {"id": e["id"], "sector": e["sectors"][0]["id"], "lat": e["latitude"], "lon": e["longitude"],
                        "founded": e["props"]["founded"], "export_share": e["props"]["export_share"],
                        "description_text": e["props"]["description_text"], "capabilities": {}, "valid_standards": set(),
                        "expired_standards": set(), "products": set(), "customers": set(),
                        "large_fdi_customers": 0, "same_sector_buyers": 0, "shared_customers": 0}
    for c in data.enterprise_capabilities:
        if c["enterprise"] in out:
            out[c["enterprise"]]["capabilities"][c["capability"]] = c["capacity"]
    for c in data.certifications:
        if c["enterprise"] in out:
            valid = c["expires"] is None or c["expires"] >= REFERENCE_DAY
            out[c["enterprise"]]["valid_standards" if valid else "expired_standards"].add(c["standard"])
    for p in data.enterprise_products:
        if p["enterprise"] in out:
            out[p["enterprise"]]["products"].add(p["hs"])
    for link in data.supply_links:
        s = out.get(link["supplier"])
        if s is not None:
            s["customers"].add(link["buyer"])
            if kinds.get(link["buyer"]) in ("large", "fdi"):
                s["large_fdi_customers"] += 1
                s["same_sector_buyers"] += 1  # demo buyers source within their own sector
    return out
