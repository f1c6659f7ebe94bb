"""The market simulator's pure parts (benchmarks/market.py): preferences, truth, contacts, metrics."""
import random
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import market as mk  # noqa: E402

TODAY = date(2026, 11, 27)
PARENTS = {"machining": None, "cnc-milling": "machining", "cnc-turning": "machining", "welding": None}


def _buyer(i, kind="fdi", home="JP", sector="automotive"):
    return mk.Buyer(f"B{i}", kind, home, mk.origin_group(kind, home), sector, 21.0, 105.8,
                    ({"id": "iso-9001", "mandatory": True}, {"id": "iatf-16949", "mandatory": False}))


def _supplier(**kw):
    base = dict(id="S1", sector="automotive", latitude=21.0, longitude=105.8, capabilities={"cnc-milling": 5000.0},
                certificates={"iso-9001": None}, export_share=0.3, founded=2006, large_fdi_customers=2)
    return mk.Supplier(**{**base, **kw})


NEED = {"buyer": "B1", "capabilities": ["cnc-milling"], "standards": [{"id": "iso-9001", "mandatory": True}],
        "monthly_volume": 2000.0, "latitude": 21.0, "longitude": 105.8, "max_distance_km": 30.0}


def test_origin_groups():
    assert mk.origin_group("fdi", "KR") == "japan_korea"
    assert mk.origin_group("fdi", "TW") == "china_taiwan"
    assert mk.origin_group("fdi", "DE") == "eu_us"
    assert mk.origin_group("fdi", "SG") == "asean"
    assert mk.origin_group("large", None) == "domestic_large"


def test_capability_credit_follows_the_hierarchy_without_siblings():
    assert mk.capability_credit(PARENTS, "cnc-milling", "cnc-milling") == 1.0
    assert mk.capability_credit(PARENTS, "machining", "cnc-milling") == 1.0      # more specific
    assert mk.capability_credit(PARENTS, "cnc-milling", "machining") == 0.5      # more general
    assert mk.capability_credit(PARENTS, "cnc-milling", "cnc-turning") == 0.0    # sibling
    assert mk.capability_credit(PARENTS, "cnc-milling", "welding") == 0.0


def test_attributes():
    a = mk.attributes(NEED, _supplier(), PARENTS, TODAY)
    assert a["mandatory"] == 1.0 and a["capability"] == 1.0 and a["capacity"] == 1.0
    assert a["distance_km"] == pytest.approx(0.0) and a["years"] == 20 and a["large_fdi"] == 2
    expired = _supplier(certificates={"iso-9001": date(2026, 1, 1)}, capabilities={"machining": 500.0})
    b = mk.attributes(NEED, expired, PARENTS, TODAY)
    assert b["mandatory"] == 0.0 and b["capability"] == 0.5 and b["capacity"] == 0.25
    # what the buyer truly insists on may be more than the need states
    c = mk.attributes(NEED, _supplier(), PARENTS, TODAY, mandatory=["iso-9001", "iatf-16949"])
    assert c["mandatory"] == 0.5


def test_preferences_are_seeded_and_variants_differ():
    buyers = [_buyer(i, home=h, sector=s) for i, (h, s) in
              enumerate([("JP", "automotive"), ("CN", "electronics"), ("US", "garments"), ("TH", "food")])]
    buyers.append(_buyer(9, kind="large", home=None, sector="mechanical"))
    a, b = mk.make_preferences(buyers, 1, "default"), mk.make_preferences(buyers, 1, "default")
    assert a == b
    alt = mk.make_preferences(buyers, 1, "alt")
    assert {p.form for p in a.values()} == {"linear"} and {p.form for p in alt.values()} == {"threshold"}
    assert a["B0"].weights != alt["B0"].weights
    assert mk.make_preferences(buyers, 2, "default")["B0"].weights != a["B0"].weights
    assert mk.variant_number("alt") == 1 and mk.variant_number(3) == 3 and mk.variant_number("4") == 4


@pytest.mark.parametrize("variant", ["default", "alt"])
def test_utility_never_rewards_a_worse_supplier(variant):
    pref = mk.make_preferences([_buyer(1)], 5, variant)["B1"]
    good = mk.attributes(NEED, _supplier(), PARENTS, TODAY)
    for worse in ({"mandatory": 0.0}, {"capability": 0.5}, {"distance_km": 80.0}, {"capacity": 0.1},
                  {"export": 0.0}, {"large_fdi": 0}, {"years": 1}):
        assert pref.utility({**good, **worse}, 0.0) <= pref.utility(good, 0.0)
    assert pref.utility(good, 1.0) > pref.utility(good, 0.0)          # reliability helps


def test_reliability_is_drawn_once_per_seed_and_variant():
    ids = [f"S{i}" for i in range(50)]
    r = mk.make_reliability(ids, 1, 0)
    assert r == mk.make_reliability(list(reversed(ids)), 1, 0)
    assert r != mk.make_reliability(ids, 1, 1)


def test_grades_and_sigmoid():
    assert mk.sigmoid(0.0) == 0.5 and mk.sigmoid(-800) == pytest.approx(0.0) and mk.sigmoid(800) == 1.0
    assert [mk.grade(p) for p in (0.0, 0.19, 0.2, 0.5, 0.79, 0.8, 1.0)] == [0, 0, 1, 2, 3, 4, 4]


def test_contacts_are_the_top_and_some_lower():
    ranked = [f"S{i}" for i in range(1, 61)]
    picked = mk.choose_contacts(random.Random(0), ranked, top=10, lower=5, depth=50)
    ranks = [r for r, _ in picked]
    assert ranks[:10] == list(range(1, 11)) and len(picked) == 15
    assert all(11 <= r <= 50 for r in ranks[10:]) and ranks == sorted(ranks)
    assert all(ranked[r - 1] == s for r, s in picked)
    assert mk.choose_contacts(random.Random(0), ranked[:7]) == list(enumerate(ranked[:7], start=1))


def test_outcome_labels_follow_the_probability():
    rng = random.Random(0)
    labels = [mk.outcome_label(rng, 0.3) for _ in range(4000)]
    good = sum(label != "no_interest" for label in labels) / len(labels)
    assert abs(good - 0.3) < 0.03
    assert set(labels) <= {"no_interest", "follow_up", "sample_order", "nda", "contract"}
    assert all(mk.outcome_label(rng, 0.0) == "no_interest" for _ in range(100))


def test_split_holds_out_each_group_and_never_overlaps():
    buyers = [_buyer(i, home=h) for i, h in enumerate(["JP"] * 6 + ["CN"] * 3 + ["US"] * 3)]
    buyers += [_buyer(100 + i, kind="large", home=None) for i in range(6)]
    train, held = mk.split_buyers(buyers, 1 / 3, seed=1)
    assert not {b.id for b in train} & {b.id for b in held}
    assert len(train) + len(held) == len(buyers)
    assert {b.group for b in held} == {"japan_korea", "china_taiwan", "eu_us", "domestic_large"}
    assert mk.split_buyers(buyers, 1 / 3, seed=1) == (train, held)


def test_ndcg():
    grades = {"a": 3, "b": 2, "c": 0, "d": 1}
    assert mk.ndcg_at_k(["a", "b", "d", "c"], grades) == pytest.approx(1.0)
    worst = mk.ndcg_at_k(["c", "d", "b", "a"], grades)
    assert 0 < worst < mk.ndcg_at_k(["b", "a", "d", "c"], grades) < 1
    # by hand: DCG of (b, a) over the ideal (a, b)
    ideal = 7 + 3 / 1.5849625007211563 + 1 / 2
    assert mk.ndcg_at_k(["b", "a", "d", "c"], grades) == pytest.approx((3 + 7 / 1.5849625007211563 + 1 / 2) / ideal)
    # a ranking that misses a great candidate of the pool is charged for it
    assert mk.ndcg_at_k(["b", "d"], grades) < 1
    assert mk.ndcg_at_k(["a"], {"a": 0, "b": 0}) is None
    assert mk.ndcg_at_k(list("abcdefghijkl"), {c: 0 for c in "abcdefghijk"} | {"l": 4}, k=10) == 0.0


def test_random_ndcg_sits_between():
    grades = {f"s{i}": (4 if i < 3 else 0) for i in range(30)}
    r = mk.random_ndcg(grades, draws=200, seed=1)
    assert 0.05 < r < 0.6
    assert r == mk.random_ndcg(grades, draws=200, seed=1)


def test_paired_interval():
    a, b = [0.8, 0.9, 0.7, 0.85] * 10, [0.7, 0.8, 0.65, 0.8] * 10
    mean, lo, hi = mk.paired_interval(a, b, draws=500)
    assert mean == pytest.approx(0.075) and lo <= mean <= hi and lo > 0
    mean, lo, hi = mk.paired_interval([0.5, 0.6, 0.4], [0.5, 0.6, 0.4])
    assert (mean, lo, hi) == (0.0, 0.0, 0.0)


def test_draw_need_is_a_valid_request_body():
    buyer = _buyer(1)
    need = mk.draw_need(random.Random(3), buyer)
    assert need["buyer"] == "B1" and 1 <= len(need["capabilities"]) <= 2
    assert set(need["capabilities"]) <= set(mk.cat.SECTOR_CAPABILITIES["automotive"])
    assert {s["id"] for s in need["standards"]} <= {"iso-9001", "iatf-16949"}
    assert not any(s["mandatory"] for s in need["standards"] if s["id"] == "iatf-16949")
    assert need["monthly_volume"] > 0 and need["max_distance_km"] in (20.0, 30.0, 50.0)


def test_driver_truth_uses_the_buyers_standing_requirements_and_hidden_reliability():
    buyer = _buyer(1)
    near, far = _supplier(id="S1"), _supplier(id="S2", latitude=21.3)
    world = mk.World([buyer], {"S1": near, "S2": far}, PARENTS, TODAY)
    prefs = mk.make_preferences([buyer], 1, "default")
    driver = mk.MarketDriver(world, prefs, {"S1": -3.0, "S2": 3.0}, seed=1, send_shown_rank=False)
    assert driver.visible_order(NEED, ["S2", "S1"]) == ["S1", "S2"]       # nearer, reliability unseen
    assert driver.probability(NEED, "S2") > driver.probability(NEED, "S1")  # the hidden reliability decides
    assert driver.probability(NEED, "unknown") == 0.0
    # the buyer insists on IATF 16949 only if it is a standing mandatory requirement: here it is not
    assert driver.probability(NEED, "S1", hidden=False) == pytest.approx(
        mk.sigmoid(prefs["B1"].utility(mk.attributes(NEED, near, PARENTS, TODAY, ["iso-9001"]), 0.0)))


def test_reliability_posterior_follows_the_outcomes_and_the_ceiling_uses_it():
    rng = random.Random(5)
    # a supplier good well beyond what its attributes promise, one worse, one never contacted
    contacts = [("good", 0.0, 1.0, rng.random() < mk.sigmoid(1.5)) for _ in range(60)]
    contacts += [("bad", 0.0, 1.0, rng.random() < mk.sigmoid(-1.5)) for _ in range(60)]
    posteriors = mk.reliability_posteriors(contacts)
    mean = {s: sum(q * r for q, r in zip(w, mk._GRID)) for s, w in posteriors.items()}
    assert mean["good"] > 0.8 and mean["bad"] < -0.8 and "unseen" not in posteriors
    assert sum(posteriors["good"]) == pytest.approx(1.0)
    # two outcomes barely move it: the prior holds
    few = mk.reliability_posteriors([("s", 0.0, 1.0, True), ("s", 0.0, 1.0, True)])
    assert 0 < sum(q * r for q, r in zip(few["s"], mk._GRID)) < 0.8
    # the expected gain rises with what is known and the visible utility
    assert mk.expected_gain(1.0, 1.0, posteriors["good"]) > mk.expected_gain(1.0, 1.0, None) \
        > mk.expected_gain(1.0, 1.0, posteriors["bad"])
    assert mk.expected_gain(2.0, 1.0, None) > mk.expected_gain(0.0, 1.0, None)
    buyer = _buyer(1)
    world = mk.World([buyer], {"S1": _supplier(id="S1"), "S2": _supplier(id="S2")}, PARENTS, TODAY)
    driver = mk.MarketDriver(world, mk.make_preferences([buyer], 1, "default"), {}, seed=1, send_shown_rank=False)
    assert driver.bayes_order(NEED, ["S1", "S2"], {"S2": posteriors["good"], "S1": posteriors["bad"]}) == ["S2", "S1"]
    assert driver.bayes_order(NEED, ["S2", "S1"], {}) == ["S1", "S2"]       # alike: by id
