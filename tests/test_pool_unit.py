"""The candidate pool worked out in memory (scoring.pool): the hard filters and the pre-score, alone.

tests/test_pool_graph.py compares it with the graph's query on a generated market."""
import math

import pytest

from scoring.features import PRESCORE_WEIGHTS, PROXIMITY_KM
from scoring.pool import FirmOffers, NeedsTheGraph, neo4j_distance_m, pool_of

DAY = 20261129
PLANT = (21.0, 105.8)


def offers(*firms):
    """(id, kind, km north of the plant or None, capabilities, {standard: until}, products) per firm; element ids
    in the order given."""
    return FirmOffers.from_rows([
        (firm, f"4:x:{k:03d}", kind, None if km is None else PLANT[0] + km / 111.2, None if km is None else PLANT[1],
         caps, sorted(certs), [certs[s] for s in sorted(certs)], products)
        for k, (firm, kind, km, caps, certs, products) in enumerate(firms)], DAY)


def need(**given):
    base = {"buyer": "B", "sourcing": ["cnc"], "credit_of": {"cnc": [1.0]}, "needed": ["cnc"], "products": [],
            "text_query": "", "mandatory": [], "hard_standards": [], "latitude": PLANT[0], "longitude": PLANT[1],
            "max_m": 50_000.0, "kinds": ["sme"]}
    return {**base, **given}


MARKET = offers(
    ("B", "fdi", 0.0, ["cnc"], {}, []),                                  # the buyer itself
    ("near", "sme", 1.0, ["cnc"], {"iso-9001": 20270101}, []),
    ("far", "sme", 80.0, ["cnc"], {"iso-9001": 20270101}, []),
    ("expired", "sme", 2.0, ["cnc"], {"iso-9001": 20250101}, []),
    ("large", "large", 1.0, ["cnc"], {"iso-9001": 20270101}, []),
    ("nowhere", "sme", None, ["cnc"], {"iso-9001": 20270101}, []),
    ("maker", "sme", 3.0, [], {}, ["8708"]),
    ("other", "sme", 1.0, ["welding"], {}, []),
)


def ids(found):
    return [MARKET.ids[k] for k, _ in found[0]], found[1]


def test_hard_filters_kind_distance_standards_and_the_buyer():
    assert ids(pool_of(MARKET, need(), 10)) == (["near", "expired"], 2)
    assert ids(pool_of(MARKET, need(kinds=["sme", "large", "fdi"]), 10)) == (["near", "large", "expired"], 3)
    # a mandatory standard, as a hard filter: a certificate expired before the day does not count
    strict = need(mandatory=["iso-9001"], hard_standards=["iso-9001"])
    assert ids(pool_of(MARKET, strict, 10)) == (["near"], 1)
    # not a hard filter: counted in the pre-score instead, and a firm without a location has no distance
    soft = need(mandatory=["iso-9001"], max_m=None)
    assert ids(pool_of(MARKET, soft, 10)) == (["near", "far", "nowhere", "expired"], 4)
    assert ids(pool_of(MARKET, soft, 2)) == (["near", "far"], 4)     # the pool is cut, the count is not


def test_products_bring_makers_in_and_words_alone_need_the_graph():
    assert ids(pool_of(MARKET, need(products=["8708"]), 10)) == (["near", "expired", "maker"], 3)
    assert ids(pool_of(MARKET, need(sourcing=["laser"], credit_of={"laser": [1.0]}, needed=["laser"]), 10)) == ([], 0)
    with pytest.raises(NeedsTheGraph):
        pool_of(MARKET, need(sourcing=[], credit_of={}, needed=[], text_query="nhom"), 10)
    assert ids(pool_of(MARKET, need(sourcing=[], credit_of={}, needed=[], text_query=""), 10)) == ([], 0)


def test_the_prescore_and_its_ties(monkeypatch):
    (first, metres), = pool_of(MARKET, need(), 1)[0]
    assert MARKET.ids[first] == "near" and metres == pytest.approx(1000.0, rel=2e-3)
    twins = offers(("b2", "sme", 1.0, ["cnc"], {}, []), ("a1", "sme", 1.0, ["cnc"], {}, []))
    # the same pre-score: the query's tie-break, element id order (here the order given), not the firm's id
    assert [twins.ids[k] for k, _ in pool_of(twins, need(), 10)[0]] == ["b2", "a1"]
    # the capability weighs most: the needed one 20 km away before a related one (half credit) next door,
    # and next door before the needed one 60 km away once proximity outweighs the half credit lost
    w = PRESCORE_WEIGHTS
    related = need(sourcing=["cnc", "milling"], credit_of={"cnc": [1.0], "milling": [0.5]}, max_m=None)
    market = offers(("full", "sme", 20.0, ["cnc"], {}, []), ("part", "sme", 0.0, ["milling"], {}, []))
    assert [market.ids[k] for k, _ in pool_of(market, related, 10)[0]] == ["full", "part"]
    heavy = {**w, "capability": 0.05}
    gained = w["proximity"] * (1 - math.exp(-60 / PROXIMITY_KM))
    assert heavy["capability"] * 0.5 < gained < w["capability"] * 0.5     # the arithmetic behind the next line
    monkeypatch.setattr("scoring.pool.PRESCORE_WEIGHTS", heavy)
    far = offers(("full", "sme", 60.0, ["cnc"], {}, []), ("part", "sme", 0.0, ["milling"], {}, []))
    assert [far.ids[k] for k, _ in pool_of(far, related, 10)[0]] == ["part", "full"]


def test_distance_as_neo4j_works_it_out():
    import numpy as np
    km = neo4j_distance_m(np.array([21.0, np.nan]), np.array([105.8, 105.8]), 21.0 + 1 / 111.2, 105.8) / 1000
    assert km[0] == pytest.approx(1.0, rel=2e-3) and math.isnan(km[1])


def test_offers_changed_in_place_pool_as_offers_read_anew():
    """A keep changes firms in place (put, drop, another day): its pools are those of the same firms read anew,
    order of ties included, through new firms, moved ones, dropped ones and an element id given again."""
    import random
    draw = random.Random(11)
    capabilities, standards, products = ["cnc", "milling", "welding"], ["iso-9001", "iatf-16949"], ["8708", "7326"]

    def row(firm: str, element: str):
        km = draw.choice([None, 0.5, 1.0, 1.0, 3.0, 20.0, 70.0])      # repeated distances: ties on the pre-score
        certs = {s: draw.choice([20250101, 20261129, 20270101]) for s in draw.sample(standards, draw.randint(0, 2))}
        return (firm, element, draw.choice(["sme", "sme", "large"]), None if km is None else PLANT[0] + km / 111.2,
                None if km is None else PLANT[1], draw.sample(capabilities, draw.randint(0, 2)), sorted(certs),
                [certs[s] for s in sorted(certs)], draw.sample(products, draw.randint(0, 1)))

    def needs():
        for _ in range(12):
            sourcing = draw.sample(capabilities, draw.randint(1, 2))
            hard = draw.sample(standards, draw.randint(0, 1))
            yield need(sourcing=sourcing, credit_of={c: [1.0 if c == sourcing[0] else 0.5] for c in sourcing},
                       needed=sourcing[:1], products=draw.sample(products, draw.randint(0, 1)), mandatory=hard,
                       hard_standards=hard if draw.random() < 0.5 else [], buyer=draw.choice(["f0", "f7", None]),
                       kinds=draw.choice([["sme"], ["sme", "large"]]), max_m=draw.choice([None, 25_000.0]))

    state = {f"f{k}": row(f"f{k}", f"4:x:{draw.randrange(10 ** 6)}") for k in range(60)}
    kept = FirmOffers.from_rows(list(state.values()), DAY)
    day = DAY
    for step in range(25):
        gone = draw.sample(sorted(state), 3)
        changed = [row(f, state[f][1]) for f in draw.sample(sorted(set(state) - set(gone)), 5)]
        born = [row(f"n{step}-{k}", f"4:x:{draw.randrange(10 ** 6)}") for k in range(draw.randint(0, 4))]
        if step % 5 == 4:   # a deleted firm's element id given to a new firm
            born.append(row(f"r{step}", state[gone[0]][1]))
        state.update((r[0], r) for r in changed + born)
        for f in gone:
            state.pop(f)
        kept.drop(gone)
        kept.put(changed + born)
        if step % 7 == 6:
            day += 1
            kept.on_day(day)
        anew = FirmOffers.from_rows(list(state.values()), day)
        assert len(kept) == len(anew) == len(state)
        for asked in needs():
            got, want = pool_of(kept, asked, 15), pool_of(anew, asked, 15)
            assert [(kept.ids[k], m) for k, m in got[0]] == [(anew.ids[k], m) for k, m in want[0]], step
            assert got[1] == want[1]


def test_ties_keep_element_id_order_when_places_run_out():
    """Firms come one by one, each between the last one and the same neighbour: the midpoints run out after ~50
    and every place is numbered again; ties still go by element id."""
    twin = ("sme", PLANT[0], PLANT[1], ["cnc"], [], [], [])
    kept = FirmOffers.from_rows([("a", "4:x:5", *twin), ("z", "4:x:6", *twin)], DAY)
    elements = ["4:x:5", "4:x:6"]
    for k in range(1, 80):
        element = "4:x:5" + "5" * k              # sorts between the one before it and 4:x:6
        kept.put([(f"f{k}", element, *twin)])
        elements.append(element)
    by_element = dict(zip(elements, ["a", "z", *(f"f{k}" for k in range(1, 80))]))
    pooled, passed = pool_of(kept, need(), 100)
    assert passed == 81 and [kept.ids[k] for k, _ in pooled] == [by_element[e] for e in sorted(elements)]
