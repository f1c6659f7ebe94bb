"""Pair features, the model store and the ranking metrics: pure logic, no database."""
import json
import math

import numpy as np
import pytest

from scoring.evaluation import ranking_metrics, time_split
from scoring.features import (GENERAL, NORTHEAST_ASIA, PROXIMITY_KM, RECORD_PRIOR, WESTERN, capability_matches,
                              country_code, isic_division)
from scoring.features import (CATEGORICAL, FEATURES, HISTORY_PRIOR, BuyerHistory, Hierarchy, feature_matrix, missing_items, pair_features,
                              text_similarity, with_buyer)
from scoring.model import (BASELINE_VERSION, ModelStore, Scorer, UntrustedModel, baseline_scores, calibration, fit,
                           new_model, raw_scores)

TREE = Hierarchy({"machining": None, "cnc-milling": "machining", "cnc-turning": "machining",
                  "aluminium-machining": "machining", "welding": None})


def candidate(**overrides):
    base = {"id": "s1", "capabilities": {"cnc-milling": 30000.0}, "valid_standards": ["iso-9001"],
            "expired_standards": ["iatf-16949"], "products": ["7616"], "distance_km": 12.0, "founded": 2010,
            "export_share": 0.3, "description_text": "gia cong nhom cnc", "large_fdi_customers": 2,
            "same_sector_buyers": 1, "shared_customers": 0, "supplies_buyer": False,
            "outcomes_positive": 1, "outcomes_negative": 1}
    return {**base, **overrides}


REQUEST = {"capabilities": ["cnc-milling"], "standards": [{"id": "iso-9001", "mandatory": True},
                                                         {"id": "iatf-16949", "mandatory": True},
                                                         {"id": "iso-14001", "mandatory": False}],
           "products": ["7616"], "monthly_volume": 20000.0, "text": "Gia công nhôm CNC"}


def features(request, cand):
    return dict(zip(FEATURES, pair_features(request, cand, TREE, 2026)))


def test_the_buyers_history_with_suppliers_like_this_one():
    milling = ["c:cnc-milling", "s:iso-9001", "p:7616"]
    history = [{"supplier": "a", "label": 1, "on": "2026-01-05", "traits": milling},
               {"supplier": "a", "label": 1, "on": "2026-02-05", "traits": milling},
               {"supplier": "b", "label": 0, "on": "2026-01-06", "traits": ["c:welding"]},
               {"supplier": "c", "label": 0, "on": "2026-03-01", "traits": milling}]
    like_a = candidate(expired_standards=[])                   # the same traits as supplier a
    welder = candidate(capabilities={"welding": 100.0}, valid_standards=[], products=[])
    stranger = candidate(capabilities={"painting": 1.0}, valid_standards=[], products=[])
    request = with_buyer(REQUEST, {"kind": "fdi", "history": history}, before="2026-03-01")
    X = dict(zip(FEATURES, feature_matrix(request, [like_a, welder, stranger], TREE, 2026).T))
    # two good outcomes with a fully similar supplier, shrunk: (2 + 1) / (2 + 2); c's is not before the day
    assert X["buyer_history_rate"][0] == pytest.approx((2 + HISTORY_PRIOR / 2) / (2 + HISTORY_PRIOR))
    assert X["buyer_history_rate"][1] == pytest.approx((0 + 1) / (1 + 2))   # turned a welder down once
    assert X["buyer_history_rate"][2] == 0.5 and X["buyer_history_support"][2] == 0.0
    assert X["buyer_history_support"][0] == pytest.approx(np.log1p(2.0))
    # all of it: c (same traits, turned down) now counts too; and no history at all is neutral
    everything = dict(zip(FEATURES, feature_matrix(with_buyer(REQUEST, {"history": history}), [like_a], TREE, 2026).T))
    assert everything["buyer_history_rate"][0] == pytest.approx(3 / 5)
    assert features(with_buyer(REQUEST, None), like_a)["buyer_history_rate"] == 0.5
    # one pair alone scores as in the batch
    alone = pair_features(request, welder, TREE, 2026)
    assert np.allclose(alone, feature_matrix(request, [like_a, welder], TREE, 2026)[1])


def test_capability_credit_up_and_across_the_hierarchy():
    assert TREE.credit("cnc-milling", "cnc-milling") == 1.0
    assert TREE.credit("machining", "cnc-milling") == 1.0      # more specific than asked: full
    assert TREE.credit("cnc-milling", "machining") == 0.5      # more general: part
    assert TREE.credit("cnc-milling", "cnc-turning") == 0.25   # sibling
    assert TREE.credit("cnc-milling", "welding") == 0.0
    f = features({**REQUEST, "capabilities": ["cnc-milling", "welding"]}, candidate())
    assert f["capability_coverage"] == pytest.approx(0.5)


def test_only_valid_certificates_count():
    f = features(REQUEST, candidate())
    assert f["mandatory_coverage"] == 0.5 and f["missing_mandatory"] == 1.0   # IATF expired
    assert f["preferred_coverage"] == 0.0
    f = features(REQUEST, candidate(valid_standards=["iso-9001", "iatf-16949", "iso-14001"]))
    assert f["mandatory_coverage"] == 1.0 and f["preferred_coverage"] == 1.0


def test_capacity_distance_history_and_text():
    assert features(REQUEST, candidate())["capacity_fit"] == 1.0
    assert features(REQUEST, candidate(capabilities={"cnc-milling": 5000.0}))["capacity_fit"] == 0.25
    assert features(REQUEST, candidate(capabilities={}))["capacity_fit"] == 0.0
    assert features(REQUEST, candidate(distance_km=0.0))["proximity"] == 1.0
    assert features(REQUEST, candidate(distance_km=None))["proximity"] == 0.0
    assert features(REQUEST, candidate())["outcome_rate"] == pytest.approx(0.5)
    assert text_similarity("Gia công nhôm", "gia cong nhom") == pytest.approx(1.0)
    assert features({**REQUEST, "monthly_volume": None}, candidate(capabilities={}))["capacity_fit"] == 1.0


def test_missing_items_say_why():
    missing = missing_items(REQUEST, candidate(capabilities={"cnc-milling": 5000.0}), TREE)
    assert missing[0] == {"type": "standard", "id": "iatf-16949", "mandatory": True, "reason": "expired",
                          "note": "certificate expired"}
    assert {"type": "standard", "id": "iso-14001", "mandatory": False, "reason": "not_held", "note": "not held"} in missing
    assert missing[-1]["type"] == "capacity" and "5,000 of 20,000" in missing[-1]["note"]
    assert (missing[-1]["capacity"], missing[-1]["volume"]) == (5000.0, 20000)
    general = missing_items({**REQUEST, "standards": []}, candidate(capabilities={"machining": 1.0e6}), TREE)
    assert general == [{"type": "capability", "id": "cnc-milling", "mandatory": False, "reason": "related",
                        "related": "machining", "note": "has the related 'machining'"}]


def _random_rows(rng, n):
    """Feature rows at random, the categories as a few codes."""
    X = rng.random((n, len(FEATURES)))
    for name in CATEGORICAL:
        X[:, FEATURES.index(name)] = rng.integers(0, 4, n)
    return X


def _training_data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = _random_rows(rng, n)
    y = (X[:, 1] + 0.5 * X[:, 5] + 0.2 * rng.random(n) > 0.9).astype(int)
    return X, y


def test_model_round_trip_gives_the_same_scores(tmp_path):
    X, y = _training_data()
    model = fit(new_model(), X, y)
    knots = calibration(raw_scores(model, X), y)
    store = ModelStore(tmp_path)
    meta = store.save(model, {"rows": len(y)}, {"model": {}}, calibration=knots)
    assert meta["version"] == "v0001" and store.current_version() == "v0001"
    loaded = ModelStore(tmp_path).active()
    assert loaded.version == "v0001"
    np.testing.assert_array_equal(loaded.scores(X), Scorer("v", model, {"calibration": knots}).scores(X))
    assert json.loads((tmp_path / "v0001.json").read_text())["features"] == list(FEATURES)


def test_a_version_saved_without_activation_is_kept_but_not_used(tmp_path):
    X, y = _training_data()
    store = ModelStore(tmp_path)
    store.save(fit(new_model(), X, y), {}, {})
    meta = store.save(fit(new_model(), X[:300], y[:300]), {}, {}, activate=False, decision="kept")
    assert meta["activated"] is False and store.active().version == "v0001"
    assert [m["version"] for m in store.versions()] == ["v0001", "v0002"]


def test_the_model_respects_what_must_be_monotone():
    """Whatever it learnt, a missing mandatory standard never raises a score and more coverage never
    lowers one, here on data where the naive pattern points the other way."""
    rng = np.random.default_rng(1)
    X = _random_rows(rng, 3000)
    i_cov, i_missing = FEATURES.index("mandatory_coverage"), FEATURES.index("missing_mandatory")
    X[:, i_missing] = rng.integers(0, 3, 3000)
    y = ((X[:, i_missing] > 0) ^ (rng.random(3000) < 0.2)).astype(int)       # missing looks "good" here
    model = fit(new_model(), X, y)
    scorer = Scorer("v", model, {})
    probe = np.repeat(X[:50], 3, axis=0)
    probe[:, i_missing] = np.tile([0, 1, 2], 50)
    s = scorer.scores(probe).reshape(50, 3)
    assert (np.diff(s, axis=1) <= 1e-9).all()
    probe[:, i_cov] = np.tile([0.0, 0.5, 1.0], 50)
    probe[:, i_missing] = 0
    s = scorer.scores(probe).reshape(50, 3)
    assert (np.diff(s, axis=1) >= -1e-9).all()


def test_calibrated_scores_match_observed_rates():
    rng = np.random.default_rng(2)
    X = _random_rows(rng, 6000)
    p = 1 / (1 + np.exp(-(4 * X[:, 0] - 2)))
    y = (rng.random(6000) < p).astype(int)
    model = fit(new_model(), X[:3000], y[:3000])
    knots = calibration(raw_scores(model, X[3000:4500]), y[3000:4500])
    scores = Scorer("v", model, {"calibration": knots}).scores(X[4500:])
    for lo, hi in ((0.0, 0.3), (0.3, 0.6), (0.6, 1.0)):
        band = (scores >= lo) & (scores < hi)
        assert abs(y[4500:][band].mean() - scores[band].mean()) < 0.08, (lo, hi)


def test_reasons_are_true_of_the_model():
    """A feature's contribution is what setting it to its typical value would change in the score."""
    X, y = _training_data()
    model = fit(new_model(), X, y)
    reference = np.median(X, axis=0)
    scorer = Scorer("v", model, {"reference": reference.tolist()})
    parts = scorer.contributions(X[:5])
    i = FEATURES.index("mandatory_coverage")
    swapped = X[:5].copy()
    swapped[:, i] = reference[i]
    np.testing.assert_allclose(parts[:, i], scorer.scores(X[:5]) - scorer.scores(swapped))
    np.testing.assert_allclose(scorer.contributions(X[:5], scorer.scores(X[:5])), parts)   # scores given: the same
    # every feature swapped in turn, those already at their typical value too: the same numbers, bit for bit
    rows = X[:40].copy()
    rows[::3, :] = reference                                # some features at the reference value
    every = np.empty(rows.shape)
    for j in range(rows.shape[1]):
        one = rows.copy()
        one[:, j] = reference[j]
        every[:, j] = scorer.scores(rows) - scorer.scores(one)
    assert np.array_equal(scorer.contributions(rows), every)


def test_versions_and_rollback(tmp_path):
    X, y = _training_data()
    store = ModelStore(tmp_path)
    assert store.active().version == BASELINE_VERSION
    store.save(fit(new_model(), X, y), {}, {})
    store.save(fit(new_model(), X[:300], y[:300]), {}, {})
    assert store.active().version == "v0002"
    assert store.rollback() == "v0001" and store.active().version == "v0001"
    with pytest.raises(KeyError):
        store.rollback()


def test_a_model_file_with_foreign_types_is_refused(tmp_path):
    import skops.io as sio
    from sklearn.ensemble import RandomForestClassifier
    X, y = _training_data()
    sio.dump(RandomForestClassifier(n_estimators=2).fit(X, y), tmp_path / "v0001.skops")
    (tmp_path / "v0001.json").write_text(json.dumps({"version": "v0001", "features": list(FEATURES)}))
    (tmp_path / "CURRENT").write_text("v0001")
    with pytest.raises(UntrustedModel):
        ModelStore(tmp_path).active()


def test_a_version_trained_on_other_features_leaves_the_baseline_ranking(tmp_path):
    X, y = _training_data()
    store = ModelStore(tmp_path)
    store.save(fit(new_model(), X, y), {}, {})
    meta = json.loads((tmp_path / "v0001.json").read_text())
    (tmp_path / "v0001.json").write_text(json.dumps({**meta, "features": meta["features"][:-1]}))
    assert ModelStore(tmp_path).active().version == BASELINE_VERSION


def test_baseline_is_bounded_and_transparent():
    X, _ = _training_data(50)
    scores = baseline_scores(X)
    assert ((0 <= scores) & (scores <= 1)).all()
    assert baseline_scores(np.ones((1, len(FEATURES))))[0] == pytest.approx(1.0)


def test_ranking_metrics_and_time_split():
    groups = np.array([1, 1, 1, 2, 2, 2])
    y = np.array([1, 0, 0, 0, 1, 0])
    perfect = ranking_metrics(groups, y, np.array([0.9, 0.1, 0.2, 0.1, 0.8, 0.3]))
    assert perfect["ndcg@10"] == pytest.approx(1.0) and perfect["map"] == pytest.approx(1.0)
    assert perfect["roc_auc"] == pytest.approx(1.0)
    worst = ranking_metrics(groups, y, np.array([0.0, 0.5, 0.6, 0.5, 0.0, 0.6]))
    assert worst["map"] < 0.5 and worst["roc_auc"] == 0.0
    times = np.array(["2025-01-01"] * 3 + ["2025-06-01"] * 3)
    train, test = time_split(times, groups, test_share=0.5)
    assert train.tolist() == [True] * 3 + [False] * 3 and test.tolist() == [False] * 3 + [True] * 3


def test_paired_gain_is_sure_only_when_the_groups_agree():
    from scoring.evaluation import paired_ndcg_gain
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(60), 5)
    y = (rng.random(300) < 0.3).astype(int)
    good, noise = y + 0.1 * rng.random(300), rng.random(300)
    sure = paired_ndcg_gain(groups, y, good, noise)
    assert sure["low"] > 0 and sure["groups"] > 30
    neither = paired_ndcg_gain(groups, y, noise, rng.random(300))      # two random orders: no sure winner
    assert neither["low"] < 0 < neither["high"]


def test_bootstrap_learner_beats_the_rule_based_baseline():
    from seeds.bootstrap import bootstrap_dataset
    data = bootstrap_dataset(n_enterprises=1500, n_requests=200)
    train, test = time_split(data["times"], data["groups"])
    model = fit(new_model(), data["X"][train], data["y"][train])
    learned = ranking_metrics(data["groups"][test], data["y"][test], raw_scores(model, data["X"][test]))
    rule = ranking_metrics(data["groups"][test], data["y"][test], baseline_scores(data["X"][test]))
    assert learned["ndcg@10"] > rule["ndcg@10"] and learned["map"] > rule["map"]


def test_rows_of_many_requests_and_standards_changed_agree_with_one_request_at_a_time():
    """feature_rows (one SME against many requests, as readiness asks) gives each request's own rows, and
    closing standards by the index of what each changes gives the rows of a full recomputation."""
    from scoring.features import StandardsClosed, feature_rows
    history = [{"supplier": "a", "label": 1, "on": "2026-01-05", "traits": ["c:cnc-milling", "s:iso-14001"]},
               {"supplier": "b", "label": 0, "on": "2026-01-06", "traits": ["c:welding"]}]
    shared = BuyerHistory.of(history)
    requests = [with_buyer(REQUEST, {"kind": "fdi", "home_country": "JP"}, history=shared),
                with_buyer({**REQUEST, "standards": [{"id": "iso-14001", "mandatory": True}]}, {"kind": "large"},
                           history=shared),
                with_buyer({**REQUEST, "monthly_volume": None}, {"history": history}),
                with_buyer(REQUEST, None),
                with_buyer({**REQUEST, "standards": []}, {"kind": "fdi", "standing": ["iso-14001", "iso-9001"]})]
    suppliers = [candidate(), candidate(id="s2", valid_standards=[]), candidate(id="s3"), candidate(id="s4"),
                 candidate(id="s5")]
    pairs = list(zip(requests, suppliers))
    base = feature_rows(pairs, TREE, 2026)
    for k, (r, c) in enumerate(pairs):
        assert np.allclose(base[k], feature_matrix(r, [c], TREE, 2026)[0])
    closing = StandardsClosed(pairs, base)
    for added in (["iso-14001"], ["iso-14001", "iatf-16949"], ["iso-9001"]):
        certified = [(r, {**c, "valid_standards": [*c["valid_standards"], *added]}) for r, c in pairs]
        full = feature_rows(certified, TREE, 2026)
        assert np.allclose(closing.rows_with(added), full), added
        for ks in ([3, 1], [4, 0, 2], [1]):     # some rows, in any order: those rows of the whole
            assert np.array_equal(closing.rows_with(added, ks), closing.rows_with(added)[ks]), (added, ks)
    assert not np.allclose(closing.rows_with(["iso-14001"]), base)
    assert np.array_equal(closing.rows, base)          # the base rows are left as they were


def test_the_buyers_country_sector_and_standing_requirements_are_features():
    from scoring.features import country_code, isic_division
    assert country_code("jp") == country_code("JP") != country_code("KR") and country_code("KR") > 0
    assert country_code(None) == country_code("") == country_code("J1") == country_code("JPN") == 0.0
    assert isic_division("2930") == 29.0 and isic_division("1079") == 10.0 and isic_division(None) == 0.0
    buyer = {"kind": "fdi", "home_country": "JP", "employees": 800, "sector_isic": "2930",
             "standing": ["iatf-16949", "iso-9001"]}
    f = features(with_buyer(REQUEST, buyer), candidate())          # holds ISO 9001, its IATF 16949 expired
    assert (f["buyer_country"], f["buyer_sector"], f["standing_coverage"]) == (country_code("JP"), 29.0, 0.5)
    assert features(with_buyer(REQUEST, {**buyer, "standing": []}), candidate())["standing_coverage"] == 1.0
    # the rule ignores them (its weights are elsewhere) and a domestic buyer has no country
    assert features(with_buyer(REQUEST, {"kind": "large"}), candidate())["buyer_country"] == 0.0
    assert np.isfinite(pair_features(with_buyer(REQUEST, buyer), candidate(), TREE, 2026)).all()


def test_the_compiled_trees_give_scikit_learns_probabilities_bit_for_bit():
    """scoring.trees evaluates the fitted trees with numpy, or with scikit-learn's loop on rows it encodes: for numbers, missing values, known, unknown and
    negative categories, the very probabilities of predict_proba (so that which one scored never shows). A
    ScoreMemo scores rows on the same side of every split once, over several calls: the same scores again."""
    from scoring.features import CATEGORICAL
    from scoring.model import Scorer, ScoreMemo, fit, new_model, raw_scores
    from scoring.trees import CompiledTrees
    rng = np.random.default_rng(5)
    country = sorted(CATEGORICAL)[0]
    X = rng.random((3000, len(FEATURES)))
    for name in CATEGORICAL:
        X[:, FEATURES.index(name)] = rng.choice([4.0, 25.0, 370.0, 840.0], len(X))
    y = (X[:, 0] + 0.3 * (X[:, FEATURES.index(country)] == 370.0) + rng.normal(0, 0.2, len(X)) > 0.8).astype(int)
    model = fit(new_model(), X, y)
    probe = rng.random((500, len(FEATURES)))
    for name in CATEGORICAL:
        probe[:, FEATURES.index(name)] = rng.choice([4.0, 25.0, 370.0, 999.0, -1.0, np.nan], len(probe))
    probe[rng.random(probe.shape) < 0.05] = np.nan
    assert np.array_equal(CompiledTrees(model).proba(probe), raw_scores(model, probe))
    # scikit-learn's loop over its trees on rows encoded by scoring.trees: the same again
    assert np.array_equal(CompiledTrees(model).proba_by_predictors(probe), raw_scores(model, probe))
    # rows drawn from 40, numbers moved by a hair (mostly the same side of every split), and half of them with
    # one column drawn anew (most often another side of some split: a score of its own)
    shared = probe[rng.integers(0, 40, 2000)]
    numbers = [j for j, name in enumerate(FEATURES) if name not in CATEGORICAL]
    shared[:, numbers] += rng.choice([0.0, 1e-9, -1e-9], (len(shared), len(numbers)))
    redrawn = np.flatnonzero(rng.random(len(shared)) < 0.5)
    shared[redrawn, rng.choice(numbers, len(redrawn))] = rng.random(len(redrawn))
    trees = CompiledTrees(model)
    assert len(np.unique(trees.cells(trees._encoded(shared)), axis=0)) <= 40 + len(redrawn)
    scorer = Scorer("v", model)
    memo = ScoreMemo(scorer)
    parts = [memo.scores(part) for part in (shared[:30], shared[30:1000], probe, shared[1000:])]
    assert np.array_equal(np.concatenate(parts), scorer.scores(np.vstack([shared[:1000], probe, shared[1000:]])))
    assert len(memo._known) <= 40 + len(redrawn) + len(probe)
    assert np.array_equal(np.concatenate([scorer.scores(probe[:100]), scorer.scores(probe[100:])]), scorer.scores(probe))


def _reference_values(request: dict, candidate: dict, hierarchy: Hierarchy, today_year: int) -> np.ndarray:
    """One pair's features but the buyer's history and the rule's score, written out pair by pair: the
    reference the batched feature rows must equal bit for bit."""
    matches = capability_matches(request, candidate, hierarchy)
    capability_coverage = (sum(c for c, _ in matches.values()) / len(matches)) if matches else 1.0
    volume = request.get("monthly_volume")
    if volume:
        capacities = [candidate["capabilities"].get(via) for credit, via in matches.values() if credit >= GENERAL]
        capacities = [c for c in capacities if c]
        capacity_fit = min(1.0, min(capacities) / volume) if capacities else 0.0
    else:
        capacity_fit = 1.0
    distance = candidate.get("distance_km")
    proximity = math.exp(-distance / PROXIMITY_KM) if distance is not None else 0.0
    founded = candidate.get("founded")
    years = max(0, today_year - founded) if founded else 0
    mandatory_coverage, preferred_coverage, missing_mandatory, standing_coverage = _reference_standards(request,
                                                                                                         candidate)
    positive, negative = candidate.get("outcomes_positive", 0), candidate.get("outcomes_negative", 0)
    products = request.get("products") or []
    made = set(candidate.get("products") or ())
    buyer = request.get("buyer_profile") or {}
    origin = (buyer.get("home_country") or "").upper()
    values = np.array([
        capability_coverage,
        mandatory_coverage, preferred_coverage, missing_mandatory,
        text_similarity(request.get("text"), candidate.get("description_text")),
        proximity,
        capacity_fit,
        math.log1p(years),
        float(candidate.get("export_share") or 0.0),
        math.log1p(candidate.get("large_fdi_customers", 0)),
        math.log1p(candidate.get("same_sector_buyers", 0)),
        math.log1p(candidate.get("shared_customers", 0)),
        1.0 if candidate.get("supplies_buyer") else 0.0,
        (positive + RECORD_PRIOR / 2) / (positive + negative + RECORD_PRIOR),
        math.log1p(positive + negative),
        (sum(1 for p in products if p in made) / len(products)) if products else 1.0,
        1.0 if buyer.get("kind") == "fdi" else 0.0,
        1.0 if buyer.get("kind") == "large" else 0.0,
        1.0 if origin in NORTHEAST_ASIA else 0.0,
        1.0 if origin in WESTERN else 0.0,
        math.log1p(buyer.get("employees") or 0),
        country_code(origin),
        isic_division(buyer.get("sector_isic")),
        standing_coverage,
        0.5,
        0.0,
        0.0,
    ], dtype=float)
    return values


def _reference_standards(request: dict, candidate: dict) -> tuple[float, float, float, float]:
    valid = candidate.get("valid_standards") or ()
    standards = request.get("standards") or []
    mandatory = [s["id"] for s in standards if s.get("mandatory")]
    preferred = [s["id"] for s in standards if not s.get("mandatory")]
    standing = list((request.get("buyer_profile") or {}).get("standing") or ())
    mandatory_held = sum(1 for s in mandatory if s in valid)
    preferred_held = sum(1 for s in preferred if s in valid)
    return (mandatory_held / len(mandatory) if mandatory else 1.0,
            preferred_held / len(preferred) if preferred else 1.0, float(len(mandatory) - mandatory_held),
            sum(1 for s in standing if s in valid) / len(standing) if standing else 1.0)


def test_one_request_against_many_candidates_gives_each_pair_s_own_values_bit_for_bit():
    """feature_rows works a request's pool out column by column (_request_values), and pairs of requests that
    differ (one SME against many requests) row by row from each request's own values worked out once; on random
    requests and candidates (needs with and without capabilities, volumes, products, standing terms; candidates
    without a distance, a founding year or capacities) every value equals the pair-by-pair reference."""
    from scoring.features import _history_and_rule, feature_rows
    rng = np.random.default_rng(20261129)
    caps = ["machining", "cnc-milling", "cnc-turning", "aluminium-machining", "welding"]
    standards = ["iso-9001", "iatf-16949", "iso-14001", "rohs"]
    words = ["gia", "cong", "nhom", "cnc", "han", "thep", "khuon"]

    def pick(pool, most):
        return sorted(set(rng.choice(pool, size=int(rng.integers(0, most + 1))).tolist()))
    pairs = []
    for trial in range(40):
        request = with_buyer({
            "capabilities": pick(caps, 3), "products": pick(["7616", "8708", "7318"], 2),
            "standards": [{"id": s, "mandatory": bool(rng.random() < 0.5)} for s in pick(standards, 3)],
            "monthly_volume": None if rng.random() < 0.3 else float(rng.choice([500, 20000])),
            "text": " ".join(pick(words, 4)) or None},
            {"kind": str(rng.choice(["fdi", "large", "sme"])), "home_country": str(rng.choice(["JP", "DE", "", "VN"])),
             "employees": int(rng.integers(0, 5000)), "sector_isic": str(rng.choice(["2910", "1010", ""])),
             "standing": pick(standards, 2)})
        pool = [candidate(id=f"s{k}", capabilities={c: (None if rng.random() < 0.2 else float(rng.integers(1, 40000)))
                                                     for c in pick(caps, 3)},
                          valid_standards=pick(standards, 3), products=pick(["7616", "8708"], 2),
                          distance_km=None if rng.random() < 0.2 else float(rng.uniform(0, 80)),
                          founded=None if rng.random() < 0.2 else int(rng.integers(1990, 2026)),
                          description_text=" ".join(pick(words, 5)) or None,
                          outcomes_positive=int(rng.integers(0, 3)), outcomes_negative=int(rng.integers(0, 3)),
                          supplies_buyer=bool(rng.random() < 0.1)) for k in range(int(rng.integers(2, 30)))]
        fast = feature_rows([(request, c) for c in pool], TREE, 2026)
        reference = np.vstack([_reference_values(request, c, TREE, 2026) for c in pool])
        _history_and_rule(reference, [(request, c) for c in pool])
        assert np.array_equal(fast, reference), trial
        pairs.append((request, pool[0]))
    # one candidate against the 40 requests, each twice (not in a row): row by row
    pairs = [*pairs, *pairs[::-1]]
    fast = feature_rows(pairs, TREE, 2026)
    reference = np.vstack([_reference_values(request, c, TREE, 2026) for request, c in pairs])
    _history_and_rule(reference, pairs)
    assert np.array_equal(fast, reference)


def test_a_full_memo_of_capability_matches_starts_again_rather_than_remembering_nothing(monkeypatch):
    """A worker's searches fill the Hierarchy's memo of (needed, held) matches: once full it starts again, so that
    the next readiness report's thousands of requests of few distinct needs are still worked out once each."""
    import scoring.features as features
    monkeypatch.setattr(features, "_MATCHES_KEPT", 4)
    tree = Hierarchy(dict(TREE.parent))
    for k in range(10):
        tree.best_matches(("machining",), (f"x{k}",))
    assert 0 < len(tree._matches) <= 4
    found = tree.best_matches(("machining",), ("cnc-milling",))
    assert tree._matches[(("machining",), ("cnc-milling",))] is found
    assert tree.best_matches(("machining",), ("cnc-milling",)) is found
