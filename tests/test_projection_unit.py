"""The offer query the search sends to the full-text index (graph_schema/projection.py), without a graph."""
import math
import random

from graph_schema.projection import CELL_DEGREES, _cells, offer_query


def _cell_of(latitude: float, longitude: float) -> str:
    # As the projection's Cypher writes it: floor of the coordinate over the cell size.
    return f"cell.{math.floor(latitude / CELL_DEGREES)}.{math.floor(longitude / CELL_DEGREES)}"


def _haversine_m(a, b, radius=6_378_137.0):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))


def test_every_point_within_the_radius_lies_in_a_listed_cell():
    rng = random.Random(17)
    for _ in range(300):
        centre = (rng.uniform(-60, 60), rng.uniform(-170, 170))
        radius = rng.choice([500.0, 5_000.0, 15_000.0, 50_000.0])
        cells = set(_cells(*centre, radius))
        for _ in range(50):
            # a point at a random bearing, just inside the radius
            bearing, distance = rng.uniform(0, 2 * math.pi), radius * rng.uniform(0.0, 0.999)
            dlat = math.degrees(distance * math.cos(bearing) / 6_378_137.0)
            dlng = math.degrees(distance * math.sin(bearing) / (6_378_137.0 * math.cos(math.radians(centre[0] + dlat))))
            point = (centre[0] + dlat, centre[1] + dlng)
            if _haversine_m(centre, point) <= radius:
                assert _cell_of(*point) in cells, (centre, radius, point)


def test_too_many_cells_or_a_pole_leave_the_distance_to_the_exact_check():
    assert _cells(21.0, 105.8, 5_000_000.0) is None
    assert _cells(89.5, 0.0, 1_000.0) is None
    assert len(_cells(21.0, 105.8, 15_000.0)) <= 25


def test_the_query_asks_for_any_capability_or_product_and_every_standard_kind_and_cell():
    query = offer_query(["cnc-milling", "die:cast"], ["8714"], ["iso-9001", "iatf-16949", "iso-9001"], ["sme"],
                        21.0, 105.8, 1_000.0)
    clauses = query.split(" +")
    assert clauses[0] == r"+(cap.cnc\-milling cap.die\:cast hs.8714)"
    assert clauses[1:3] == [r"std.iatf\-16949", r"std.iso\-9001"]     # once each
    assert clauses[3] == "(kind.sme)"
    assert clauses[4].startswith("(cell.") and _cell_of(21.0, 105.8) in clauses[4]
    # Nothing to look for: no query (the words-only path answers such a need).
    assert offer_query([], [], ["iso-9001"], ["sme"]) is None
    # No place, or no radius: no cell clause.
    assert "cell." not in offer_query(["welding"], [], [], ["sme", "fdi"], 21.0, 105.8, None)
    assert "cell." not in offer_query(["welding"], [], [], ["sme"])


def test_every_character_the_query_syntax_gives_a_meaning_is_escaped():
    query = offer_query(['a+b-c&&d||e!f(g)h{i}j[k]l^m"n~o*p?q:r\\s/t'], [], [], ["sme"])
    inner = query[len("+(cap."):query.index(")", len("+(cap.a"))]
    assert inner.startswith(r"a\+b\-c\&\&d\|\|e\!f\(g")
