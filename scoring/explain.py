"""Why a supplier ranks where it does: explanations as wording keys with values (the pages word them in
the reader's language), from the parts each feature adds to the score of the model that scored."""
from __future__ import annotations

import numpy as np

from .features import FEATURES


def standard_short_name(standard_id: str) -> str:
    """'iatf-16949' -> 'IATF 16949': how people write a standard in a sentence."""
    return standard_id.upper().replace("-", " ")


# English wording of each explanation; pages word the same keys in the reader's language.
REASON_TEXT = {
    "covers_all": "covers the needed capabilities ({capabilities})",
    "covers_share": "covers {share:.0%} of the needed capabilities",
    "holds_mandatory": "holds every mandatory standard: {standards}",
    "holds_preferred": "also holds {standards}",
    "distance": "{km:.1f} km from the plant",
    "capacity_fits": "declared capacity covers the monthly volume",
    "years": "in business for {years} years",
    "exports": "exports {share:.0%} of its output",
    "large_fdi_customers": "already supplies {count} large or FDI firms",
    "same_sector_buyers": "supplies {count} buyers in this buyer's sector",
    "shared_customers": "shares customers with this buyer's suppliers",
    "supplies_buyer": "already supplies this buyer",
    "outcomes": "{positive} of {total} earlier meetings led further",
    "text": "its description matches the request's words",
    "products": "makes the requested products",
    "buyer_history": "this buyer answered well to suppliers like this one",
}


def explanations_for(request: dict, c: dict, x: np.ndarray, parts: np.ndarray) -> list[dict]:
    """Up to three reasons as ``{"reason": key, **values}``, from the features that raised the score most."""
    f = dict(zip(FEATURES, x))
    valid = set(c.get("valid_standards") or ())
    mandatory = [s["id"] for s in request["standards"] if s["mandatory"]]
    preferred = [s["id"] for s in request["standards"] if not s["mandatory"]]
    positive, negative = c.get("outcomes_positive") or 0, c.get("outcomes_negative") or 0
    by_feature = {
        # a need without capabilities (a product, words) is covered by every firm: no reason in that
        "capability_coverage": (None if not request.get("capabilities") else
                                {"reason": "covers_all", "capabilities": sorted(request["capabilities"])}
                                if f["capability_coverage"] >= 1 else
                                {"reason": "covers_share", "share": float(f["capability_coverage"])}),
        "mandatory_coverage": ({"reason": "holds_mandatory", "standards": mandatory}
                               if mandatory and f["mandatory_coverage"] >= 1 else None),
        "preferred_coverage": ({"reason": "holds_preferred", "standards": [s for s in preferred if s in valid]}
                               if any(s in valid for s in preferred) else None),
        "proximity": ({"reason": "distance", "km": float(c["distance_km"])}
                      if c.get("distance_km") is not None else None),
        "capacity_fit": ({"reason": "capacity_fits"}
                         if request.get("monthly_volume") and f["capacity_fit"] >= 1 else None),
        "years_in_business": {"reason": "years", "years": int(round(np.expm1(f["years_in_business"])))},
        "export_share": {"reason": "exports", "share": float(f["export_share"])} if f["export_share"] > 0 else None,
        "large_fdi_customers": ({"reason": "large_fdi_customers", "count": c["large_fdi_customers"]}
                                if c.get("large_fdi_customers") else None),
        "same_sector_buyers": ({"reason": "same_sector_buyers", "count": c["same_sector_buyers"]}
                               if c.get("same_sector_buyers") else None),
        "shared_customers": {"reason": "shared_customers"} if c.get("shared_customers") else None,
        "supplies_buyer": {"reason": "supplies_buyer"} if c.get("supplies_buyer") else None,
        "outcome_rate": ({"reason": "outcomes", "positive": positive, "total": positive + negative}
                         if positive else None),
        "outcome_count": None,
        "text_similarity": {"reason": "text"} if f["text_similarity"] > 0.2 else None,
        "product_match": ({"reason": "products"} if request.get("products") and f["product_match"] > 0 else None),
        "missing_mandatory": None,
        # said only when the buyer's answers lean good and rest on more than one similar outcome
        "buyer_history_rate": ({"reason": "buyer_history"}
                               if f["buyer_history_rate"] > 0.5 and f["buyer_history_support"] > np.log(2) else None),
    }
    ranked = sorted(range(len(FEATURES)), key=lambda i: -parts[i])
    # features of the buyer (and counts without a wording) raise a score but are no reason to give
    return [by_feature[FEATURES[i]] for i in ranked if parts[i] > 0 and by_feature.get(FEATURES[i])][:3]


def reason_text(explanation: dict, capability_name=None) -> str:
    """One explanation in plain English; ``capability_name``: a capability's name by its id (else the id)."""
    values = {k: v for k, v in explanation.items() if k != "reason"}
    if "capabilities" in values:
        values["capabilities"] = ", ".join(map(capability_name or str, values["capabilities"]))
    if "standards" in values:
        values["standards"] = ", ".join(standard_short_name(s) for s in values["standards"])
    return REASON_TEXT[explanation["reason"]].format(**values)


def reasons_for(request: dict, c: dict, x: np.ndarray, parts: np.ndarray, capability_name=None) -> list[str]:
    """Up to three plain-language reasons, from the features that raised this supplier's score most."""
    return [reason_text(e, capability_name) for e in explanations_for(request, c, x, parts)]
