"""The per-firm projection the supplier search filters on, kept on each Enterprise node.

What a firm holds lives in its relationships (HAS_CAPABILITY, CERTIFIED, MAKES). The search's filters
would have to walk them, or read a property, for every firm a popular capability reaches (tens of
thousands at Hanoi scale), so each firm also carries
    capability_ids     ids of the capabilities it holds, sorted
    certified_ids      ids of the standards it holds a certificate for, sorted, and beside them
    certified_until    each certificate's expiry as a yyyymmdd number (99991231 when it has none)
    product_codes      HS codes of the products it makes, sorted
    offer_text         one token per capability, standard held (valid or not), product, its kind and the
                       0.1-degree grid cell of its location ('cap.stamping std.iso-9001 kind.sme
                       cell.210.1058'), in the full-text index ``enterprise_offer`` (whitespace analyzer)
The search asks that index for firms with any needed capability or product AND every mandatory standard
AND an allowed kind AND a cell near the buyer: Lucene intersects its posting lists, so the firms the query
then checks exactly (certificates valid today, the distance) are about as many as the answer, however
popular the capability.

Every write of those relationships refreshes them in the same transaction (``REFRESH`` then ``TOKENS``,
run by the repositories), an enterprise upsert refreshes ``TOKENS`` (kind, location), and migration 11
fills them in for a graph written before. ``STALE`` finds firms whose projection disagrees.
"""
from __future__ import annotations

import math

NO_EXPIRY = 99991231
CELL_DEGREES = 0.1          # ~11 km: a 15 km radius is covered by about 16 cells
MAX_CELLS = 400             # beyond this many cells the distance is left to the exact check alone

_UNTIL = f"CASE WHEN x.expires IS NULL THEN {NO_EXPIRY} ELSE x.expires.year * 10000 + x.expires.month * 100 + x.expires.day END"
_CELL = (f"'cell.' + toString(toInteger(floor(e.location.latitude / {CELL_DEGREES}))) + '.' + "
         f"toString(toInteger(floor(e.location.longitude / {CELL_DEGREES})))")

# Fragments over a node ``e``; each recomputes its properties from the relationships.
REFRESH = {
    "capabilities": "SET e.capability_ids = COLLECT { MATCH (e)-[:HAS_CAPABILITY]->(c:Capability) "
                    "RETURN c.id ORDER BY c.id }",
    "certifications": f"""WITH e, COLLECT {{ MATCH (e)-[x:CERTIFIED]->(s:Standard)
                                RETURN [s.id, {_UNTIL}] AS pair ORDER BY s.id }} AS pairs
        SET e.certified_ids = [p IN pairs | p[0]], e.certified_until = [p IN pairs | p[1]]""",
    "products": "SET e.product_codes = COLLECT { MATCH (e)-[:MAKES]->(p:Product) RETURN p.hs ORDER BY p.hs }",
}
_TOKENS = f"""reduce(text = 'kind.' + coalesce(e.kind, 'none'), token IN
        [c IN coalesce(e.capability_ids, []) | 'cap.' + c] + [s IN coalesce(e.certified_ids, []) | 'std.' + s]
        + [p IN coalesce(e.product_codes, []) | 'hs.' + p]
        + CASE WHEN e.location IS NULL THEN [] ELSE [{_CELL}] END | text + ' ' + token)"""
TOKENS = f"SET e.offer_text = {_TOKENS}"

# Run first, in the transaction of a refresh: writing the node takes its lock before the refresh reads the
# relationships, so two transactions changing one firm's links (even a dense firm's, whose new links do
# not lock the node) refresh one after the other, the second seeing the first's links.
LOCK = "SET e.offer_text = coalesce(e.offer_text, '')"

# Refresh every firm's projection: a migration's statement, in batches (it runs outside a transaction).
REFRESH_ALL = ("MATCH (e:Enterprise) CALL (e) { " + " WITH e ".join([*REFRESH.values(), TOKENS]) + " } "
               "IN TRANSACTIONS OF 5000 ROWS")

OFFER_INDEX = ("CREATE FULLTEXT INDEX enterprise_offer IF NOT EXISTS FOR (e:Enterprise) ON EACH [e.offer_text] "
               "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}")

# Firms whose projection disagrees with their relationships (empty when every write kept it).
STALE = f"""MATCH (e:Enterprise)
    WITH e, COLLECT {{ MATCH (e)-[:HAS_CAPABILITY]->(c) RETURN c.id ORDER BY c.id }} AS caps,
         COLLECT {{ MATCH (e)-[x:CERTIFIED]->(s) RETURN [s.id, {_UNTIL}] AS p ORDER BY s.id }} AS certs,
         COLLECT {{ MATCH (e)-[:MAKES]->(p) RETURN p.hs ORDER BY p.hs }} AS products
    WHERE coalesce(e.capability_ids, []) <> caps OR coalesce(e.certified_ids, []) <> [p IN certs | p[0]]
       OR coalesce(e.certified_until, []) <> [p IN certs | p[1]] OR coalesce(e.product_codes, []) <> products
       OR coalesce(e.offer_text, '') <> {_TOKENS}
    RETURN e.id AS id ORDER BY id LIMIT $limit"""


def day_number(day) -> int:
    """A date as the projection's yyyymmdd number."""
    return day.year * 10000 + day.month * 100 + day.day


def _term(token: str) -> str:
    """A token as a Lucene query term: every character the query syntax gives a meaning is escaped."""
    return "".join("\\" + ch if ch in '+-&|!(){}[]^"~*?:\\/' else ch for ch in token)


def _cells(latitude: float, longitude: float, radius_m: float) -> list[str] | None:
    """The grid cells that may hold a point within ``radius_m``; None when too many to list."""
    dlat = math.degrees(radius_m * 1.01 / 6_356_752.0)   # the polar radius: the box is never too small
    if abs(latitude) + dlat >= 89.0:
        return None
    dlng = dlat / math.cos(math.radians(abs(latitude) + dlat))
    rows = range(math.floor((latitude - dlat) / CELL_DEGREES), math.floor((latitude + dlat) / CELL_DEGREES) + 1)
    cols = range(math.floor((longitude - dlng) / CELL_DEGREES), math.floor((longitude + dlng) / CELL_DEGREES) + 1)
    if len(rows) * len(cols) > MAX_CELLS or abs(longitude) + dlng >= 180.0:
        return None
    return [f"cell.{r}.{c}" for r in rows for c in cols]


def offer_query(capabilities: list[str], products: list[str], standards: list[str], kinds: list[str],
                latitude: float | None = None, longitude: float | None = None,
                radius_m: float | None = None) -> str | None:
    """The ``enterprise_offer`` query for firms holding any of the capabilities or products, a certificate
    (of any date) for every standard, of one of the kinds, in a cell near the point; None when no
    capability or product is asked for."""
    wanted = [f"cap.{c}" for c in capabilities] + [f"hs.{p}" for p in products]
    if not wanted:
        return None
    clauses = ["+(" + " ".join(_term(t) for t in wanted) + ")"]
    clauses += ["+" + _term(f"std.{s}") for s in sorted(set(standards))]
    clauses.append("+(" + " ".join(_term(f"kind.{k}") for k in kinds) + ")")
    cells = _cells(latitude, longitude, radius_m) if latitude is not None and radius_m else None
    if cells:
        clauses.append("+(" + " ".join(_term(c) for c in cells) + ")")
    return " ".join(clauses)
