"""Precision and recall of duplicate detection: the current rule against the old one, in one run.

    .venv/bin/python benchmarks/bench_duplicates.py [--part heldout|train|both] [--seed 2026] [--show-errors]

A pair counts as flagged when the import would compare it (blocking: the records share a blocking key
or the old name key, or lie within 1 km) and the verdict says one firm. Pairs come from
``benchmarks/duplicate_pairs.py`` (seeded; tune on "train", report "heldout") and, as an extra check,
from ``benchmarks/real_facility_pairs.csv``: pairs of rows of the real facility lists in
``../shared/realdata/facility_lists`` labelled by hand (see that file's header). Records are given as
the import stores them (countries normalised); coordinates only where the pair has them (the real
pairs are judged without them).

The old rule (identical name keys or 1 km, then ``duplicate_verdict`` as it was before issue 12) is
kept here, and only here, as the baseline.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import namedtuple
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from duplicate_pairs import Pair, pairs, split  # noqa: E402

from matchmaker.importing.duplicates import duplicate_verdict  # noqa: E402
from matchmaker.importing.rows import normalise_country  # noqa: E402
from scoring.features import haversine_km  # noqa: E402
from scoring.text import blocking_keys, fold, jaccard, name_key, tokens  # noqa: E402

REAL_PAIRS = ROOT / "benchmarks" / "real_facility_pairs.csv"
Point = namedtuple("Point", "x y")
RADIUS_M = 1000.0


# -- the old rule, as it was (baseline only) -----------------------------------------------------
_OLD_LEGAL = frozenset("""
co company corp corporation ltd limited llc inc jsc plc pte pvt sdn bhd gmbh sa srl de cv sas spa bv
joint stock jointstock group holdings holding international intl the and of
cong ty tnhh cp co phan trach nhiem huu han mtv mot thanh vien doanh nghiep tu nhan hop tac xa dntn htx
""".split())


def old_name_key(name):
    words = [t for t in tokens(name) if t not in _OLD_LEGAL]
    return " ".join(sorted(set(words))) or fold(name)


def _old_distance_m(a, b):
    if a is None or b is None:
        return None
    return haversine_km(a.y, a.x, b.y, b.x) * 1000.0


def old_verdict(a, b):
    if a.get("code") and b.get("code") and a["code"] != b["code"]:
        return None
    if a.get("country") and b.get("country") and a["country"] != b["country"]:
        return None
    key_a, key_b = old_name_key(a.get("name")), old_name_key(b.get("name"))
    name_similarity = 1.0 if key_a == key_b else SequenceMatcher(None, key_a, key_b).ratio()
    address_similarity = jaccard(set(tokens(a.get("address"))), set(tokens(b.get("address"))))
    metres = _old_distance_m(a.get("location"), b.get("location"))
    near = metres is not None and metres <= 1000.0
    if name_similarity >= 0.999:
        if address_similarity >= 0.3 or near:
            return 0.8, "same name"
        return 0.6, "same name, different address"
    if name_similarity >= 0.85 and (address_similarity >= 0.5 or (near and metres <= 200)):
        return 0.5, "similar name and address"
    return None


def old_flags(a, b) -> bool:
    metres = _old_distance_m(a.get("location"), b.get("location"))
    blocked = old_name_key(a["name"]) == old_name_key(b["name"]) or (metres is not None and metres <= RADIUS_M)
    return blocked and old_verdict(a, b) is not None


# -- the rule now -------------------------------------------------------------------------------
def new_blocked(a, b) -> bool:
    ka, kb = blocking_keys(a["name"]), blocking_keys(b["name"])
    if any(ka.get(k) and ka.get(k) == kb.get(k) for k in ka) or name_key(a["name"]) == name_key(b["name"]):
        return True
    if a.get("location") is None or b.get("location") is None:
        return False
    return haversine_km(a["location"].y, a["location"].x, b["location"].y, b["location"].x) * 1000 <= RADIUS_M


def new_flags(a, b) -> bool:
    return new_blocked(a, b) and duplicate_verdict(a, b) is not None


# -- measuring ------------------------------------------------------------------------------------
def stored(record: dict) -> dict:
    """The record as the import stores it: country normalised, coordinates as a point."""
    out = {k: v for k, v in record.items() if k not in ("latitude", "longitude")}
    out["country"] = normalise_country(record.get("country"))
    if record.get("latitude") is not None:
        out["location"] = Point(record["longitude"], record["latitude"])
    return out


def measure(items: list[Pair], flags) -> dict:
    tp = fp = fn = tn = 0
    for p in items:
        flagged = flags(stored(p.a), stored(p.b))
        tp += flagged and p.same
        fp += flagged and not p.same
        fn += (not flagged) and p.same
        tn += (not flagged) and not p.same
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(items), "same": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1}


def real_pairs() -> list[Pair]:
    if not REAL_PAIRS.exists():
        return []
    with REAL_PAIRS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return [Pair({"name": r["name_a"], "address": r["address_a"], "country": r["country_a"]},
                 {"name": r["name_b"], "address": r["address_b"], "country": r["country_b"]},
                 r["same"] == "1", r.get("note", "")) for r in rows]


def show_errors(items: list[Pair]) -> None:
    for p in items:
        a, b = stored(p.a), stored(p.b)
        flagged = new_flags(a, b)
        if flagged != p.same:
            verdict = duplicate_verdict(a, b)
            print(f"  {'FP' if flagged else 'FN'} [{p.kind}] blocked={new_blocked(a, b)} {verdict}\n"
                  f"     {a.get('name')} | {a.get('address')} | {a.get('country')}\n"
                  f"     {b.get('name')} | {b.get('address')} | {b.get('country')}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("heldout", "train", "both"), default="heldout")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    train, heldout = split(pairs(args.seed), args.seed)
    sets = {"train": train, "heldout": heldout}
    chosen = ["train", "heldout"] if args.part == "both" else [args.part]
    groups = [(f"generated {name} (seed {args.seed})", sets[name]) for name in chosen]
    real = real_pairs()
    if real:
        groups.append(("real facility-list pairs (no coordinates)", real))
    print(f"{'pairs':44} {'n':>4} {'same':>4}  {'rule':8} {'precision':>9} {'recall':>7} {'F1':>6}  tp fp fn")
    for label, items in groups:
        for rule, flags in (("old", old_flags), ("new", new_flags)):
            m = measure(items, flags)
            print(f"{label:44} {m['pairs']:>4} {m['same']:>4}  {rule:8} {m['precision']:>9.3f} {m['recall']:>7.3f} "
                  f"{m['f1']:>6.3f}  {m['tp']} {m['fp']} {m['fn']}")
        if args.show_errors:
            show_errors(items)


if __name__ == "__main__":
    main()
