"""Plans of what to close, in which order (pure), and the effort catalogue behind them."""
from matchmaker.services.plans import Door, Effort, doors_of, plans, with_prerequisites
from seeds import catalogue as cat
from seeds.effort import EFFORT, effort_row

S = "standard"
EFFORTS = {(S, "iso-9001"): Effort(3, 6), (S, "iatf-16949"): Effort(12, 18, ("iso-9001",)),
           (S, "imds"): Effort(1, 2), (S, "rohs"): Effort(1, 2), (S, "iso-14001"): Effort(4, 8),
           ("capability", "forging"): Effort(6, 12), ("capability", "stamping"): Effort(3, 6)}


def test_a_door_opens_with_all_its_standards_and_any_one_needed_capability():
    door = Door(0, frozenset({"rohs"}), frozenset({"forging", "stamping"}))
    assert not door.opened_by({(S, "rohs")})
    assert door.opened_by({(S, "rohs"), ("capability", "stamping")})
    assert doors_of([set(), {(S, "rohs")}]) == [Door(1, frozenset({"rohs"}), frozenset())]


def test_prerequisites_come_first_and_held_ones_are_skipped():
    assert with_prerequisites([(S, "iatf-16949")], EFFORTS, held=set()) == [(S, "iso-9001"), (S, "iatf-16949")]
    assert with_prerequisites([(S, "iatf-16949")], EFFORTS, held={"iso-9001"}) == [(S, "iatf-16949")]
    assert with_prerequisites([(S, "unknown")], EFFORTS, held=set()) is None


def test_two_items_that_open_doors_together_beat_either_alone_per_month():
    # three requests need RoHS alone, four need RoHS and ISO 14001 together, one needs IMDS alone
    doors = ([Door(k, frozenset({"rohs"}), frozenset()) for k in range(3)]
             + [Door(k, frozenset({"rohs", "iso-14001"}), frozenset()) for k in range(3, 7)]
             + [Door(7, frozenset({"imds"}), frozenset())])
    found = plans(doors, EFFORTS, held=set())
    # RoHS alone: 3 doors in 1.5 months (2/month); RoHS then ISO 14001: 7 in 7.5 months (0.93/month)
    assert found[0].steps == ((S, "rohs"),) and found[0].doors == (0, 1, 2)
    assert found[0].doors_per_month == 2.0
    pair = next(p for p in found if len(p.steps) == 2)
    assert pair.steps == ((S, "rohs"), (S, "iso-14001"))    # the one opening doors alone goes first
    assert pair.doors == tuple(range(7)) and (pair.months_min, pair.months_max) == (5, 10)
    # ISO 14001 alone opens nothing, so it is no plan; IMDS with RoHS opens nothing they do not open alone
    assert all(p.steps != ((S, "iso-14001"),) for p in found)
    assert all(set(p.steps) != {(S, "rohs"), (S, "imds")} for p in found)


def test_a_plan_carries_the_prerequisite_it_needs():
    doors = [Door(k, frozenset({"iatf-16949", "imds"}), frozenset()) for k in range(5)]
    found = plans(doors, EFFORTS, held=set())
    assert found[0].steps == ((S, "iso-9001"), (S, "iatf-16949"), (S, "imds"))
    assert (found[0].months_min, found[0].months_max) == (16, 26) and len(found[0].doors) == 5
    held = plans(doors, EFFORTS, held={"iso-9001"})
    assert held[0].steps == ((S, "iatf-16949"), (S, "imds")) and (held[0].months_min, held[0].months_max) == (13, 20)


def test_a_longer_plan_is_shown_only_when_it_opens_more_than_a_plan_of_some_of_its_steps():
    """FSSC 22000 presupposes HACCP: "HACCP, FSSC 22000, then BRCGS" opens no more than "HACCP, then FSSC 22000"
    when the doors asking BRCGS also ask GlobalGAP (seen on the demo by a new user's check)."""
    effort = {(S, "haccp"): Effort(3, 6), (S, "fssc-22000"): Effort(6, 12, ("haccp",)), (S, "brcgs"): Effort(6, 12),
              (S, "globalgap"): Effort(6, 12)}
    doors = ([Door(k, frozenset({"fssc-22000"}), frozenset()) for k in range(4)]
             + [Door(k, frozenset({"fssc-22000", "brcgs", "globalgap"}), frozenset()) for k in range(4, 6)])
    found = plans(doors, effort, held=set())
    assert [p.steps for p in found] == [((S, "haccp"), (S, "fssc-22000"))]
    assert found[0].doors == (0, 1, 2, 3)
    # with HACCP held, FSSC 22000 alone; BRCGS and GlobalGAP after it open nothing more either
    assert [p.steps for p in plans(doors, effort, held={"haccp"})] == [((S, "fssc-22000"),)]


def test_a_capability_door_opens_with_the_cheaper_of_its_capabilities():
    doors = [Door(0, frozenset(), frozenset({"forging", "stamping"}))]
    assert plans(doors, EFFORTS, held=set())[0].steps == (("capability", "stamping"),)


def test_every_standard_of_the_catalogue_has_its_effort_with_sources():
    assert set(EFFORT) == {s[0] for s in cat.STANDARDS}
    from graph_schema.model import EFFORT_CLASSES, STANDARD_KINDS
    for standard_id, _, kind, effort_class, _ in cat.STANDARDS:
        assert kind in STANDARD_KINDS and effort_class in EFFORT_CLASSES, standard_id
        row = effort_row(standard_id)
        assert 0 < row["months_min"] <= row["months_max"] and 0 < row["cost_min_mvnd"] <= row["cost_max_mvnd"]
        assert row["months_source"] and row["cost_source"] and row["certifier"]
        assert all(p in EFFORT and p != standard_id for p in row["prerequisites"])
        # the effort class agrees with the months: a declaration of weeks is low, a year or more is high
        assert (row["months_max"] <= 3) == (effort_class == "low"), standard_id
        assert effort_class != "high" or row["months_max"] >= 12, standard_id


def test_a_site_audit_costs_by_the_staff_audited_and_a_declaration_does_not():
    from matchmaker.services.plans import AUDIT_DAYS, audit_days, cost_for_staff
    from seeds.effort import AUDITED
    assert audit_days(1) == 1.5 and audit_days(45) == 4 and audit_days(46) == 5 and audit_days(200) == 9
    assert audit_days(50_000) == AUDIT_DAYS[-1][1]
    days = [audit_days(n) for n in range(1, 3000)]
    assert days == sorted(days)                         # more staff never audit in fewer days
    assert cost_for_staff(40, 120, 30) == (40, 120, 1)  # the catalogue's quote is for 26-45 staff (4 days)
    assert cost_for_staff(40, 120, 8) == (20, 60, 0.5)  # 2 days
    assert cost_for_staff(40, 120, None) == (40, 120, None) and cost_for_staff(40, 120, 0) == (40, 120, None)
    assert {"iso-9001", "iatf-16949", "amfori-bsci", "haccp"} <= AUDITED
    assert not {"reach", "rohs", "imds", "apqp-ppap", "higg-index"} & AUDITED
    assert effort_row("iso-9001")["cost_scales_with_staff"] and not effort_row("reach")["cost_scales_with_staff"]


def test_the_programme_says_eligible_and_one_item_away_exactly_as_readiness_blocks():
    """On random SMEs and requests: a request counts when readiness would look at it (a related capability
    or a buyer of the SME's sector, within its distance); eligible when readiness finds nothing blocking;
    one item away when it finds one missing standard, or the needed capabilities alone (the programme then
    names the first of them by id the SME holds a relative of, else the first). The counts per SME and
    item, their buyers and requests are those of the pairs one by one."""
    import math
    import random
    from collections import defaultdict

    from matchmaker.services.programme import programme_counts
    from matchmaker.services.readiness import ReadinessService
    from scoring.features import Hierarchy

    hierarchy = Hierarchy({"machining": None, "cnc-milling": "machining", "cnc-turning": "machining",
                           "forming": None, "stamping": "forming", "forging": "forming", "painting": None})
    caps, stds = sorted(hierarchy.parent), ["iso-9001", "iso-14001", "rohs", "reach", "iatf-16949"]
    rng = random.Random(5)
    smes = [{"id": f"s{k}", "latitude": 21.0 + rng.uniform(-0.3, 0.3), "longitude": 105.8 + rng.uniform(-0.3, 0.3),
             "capabilities": rng.sample(caps, rng.randint(0, 2)), "standards": rng.sample(stds, rng.randint(0, 4)),
             "products": [], "sectors": rng.sample(["auto", "food", "wood"], rng.randint(0, 1))} for k in range(120)]
    smes[3]["latitude"] = smes[3]["longitude"] = None       # no location: not ruled out by distance
    requests = [{"id": f"r{k}", "buyer": f"b{k % 7}", "latitude": 21.0 + rng.uniform(-0.3, 0.3),
                 "longitude": 105.8 + rng.uniform(-0.3, 0.3), "max_distance_km": rng.choice([10.0, 30.0, None]),
                 "capabilities": rng.sample(caps, rng.randint(1, 2)), "products": [],
                 "standards": rng.sample(stds, rng.randint(0, 3)),
                 "buyer_sectors": rng.sample(["auto", "food", "wood"], 1)} for k in range(90)]
    counts = programme_counts(smes, requests, hierarchy)
    eligible, opened = [False] * len(smes), defaultdict(lambda: defaultdict(set))    # item -> sme -> requests
    seen = {"eligible": 0, "standard": 0, "capability": 0}
    for s, sme in enumerate(smes):
        inputs = {"capabilities": {c: 1.0 for c in sme["capabilities"]}, "valid_standards": set(sme["standards"]),
                  "products": []}
        for k, r in enumerate(requests):
            relevant = any(hierarchy.credit(c, h) > 0 or hierarchy.credit(h, c) > 0
                           for c in r["capabilities"] for h in sme["capabilities"]) \
                or bool(set(sme["sectors"]) & set(r["buyer_sectors"]))
            if sme["latitude"] is not None and r["max_distance_km"] is not None:
                km = 6371.0 * 2 * math.asin(math.sqrt(
                    math.sin(math.radians(r["latitude"] - sme["latitude"]) / 2) ** 2
                    + math.cos(math.radians(r["latitude"])) * math.cos(math.radians(sme["latitude"]))
                    * math.sin(math.radians(r["longitude"] - sme["longitude"]) / 2) ** 2))
                relevant = relevant and km <= r["max_distance_km"] + 1e-6
            if not relevant:
                continue
            target = {**r, "standards": [{"id": x, "mandatory": True} for x in r["standards"]]}
            blocked = ReadinessService.blocking(target, inputs, hierarchy)
            if not blocked:
                eligible[s] = True
                seen["eligible"] += 1
            elif len(blocked) == 1 and next(iter(blocked))[0] == "standard":
                opened[next(iter(blocked))][s].add(k)
                seen["standard"] += 1
            elif all(t == "capability" for t, _ in blocked):
                relatives = [c for c in sorted(r["capabilities"])
                             if any(hierarchy.credit(c, h) > 0 for h in sme["capabilities"])]
                named = ("capability", (relatives or sorted(r["capabilities"]))[0])
                assert named in blocked
                opened[named][s].add(k)
                seen["capability"] += 1
    assert min(seen.values()) > 20     # each case came up often enough to mean something
    assert counts.eligible.tolist() == eligible
    assert set(counts.items) == set(opened)
    for item, per_sme in opened.items():
        assert {s: int(v) for s, v in enumerate(counts.opened[item]) if v} == {s: len(ks) for s, ks in per_sme.items()}
        assert {s: int(v) for s, v in enumerate(counts.buyers[item]) if v} == \
            {s: len({requests[k]["buyer"] for k in ks}) for s, ks in per_sme.items()}
        assert counts.requests[item] == sorted(set().union(*per_sme.values()))


def test_who_certifies_the_sources_and_the_zones_have_vietnamese_words():
    """What the readiness and programme pages show a Vietnamese reader comes in Vietnamese: who certifies
    each standard, where its figures come from, and each zone's name."""
    from seeds.effort import EFFORT, effort_row
    from seeds.hanoi import ZONE_NAMES_VI, ZONES
    for standard_id in EFFORT:
        row = effort_row(standard_id)
        for key in ("certifier", "months_source", "cost_source"):
            assert row[f"{key}_vi"] and row[f"{key}_vi"] != row[key], (standard_id, key)
    assert set(ZONE_NAMES_VI) == {z[0] for z in ZONES}
    assert all(name != english for (zone_id, english, *_), name in ((z, ZONE_NAMES_VI[z[0]]) for z in ZONES))


def test_every_catalogue_entry_carries_its_name_in_both_languages():
    """Sectors, capabilities, standards and zones reach the graph with name_en and name_vi, and the
    pages pick the reader's (falling back to the other language, never to nothing)."""
    from matchmaker.web.i18n import Wording
    from seeds.generator import catalogue_rows
    data = catalogue_rows()
    for kind in ("sectors", "capabilities", "standards", "zones"):
        for row in getattr(data, kind):
            assert row["name_en"] and row["name_vi"] and row["name_en"] != row["name_vi"], (kind, row["id"])
            assert "name" not in row

    class Catalogues:
        def list_capabilities(self):
            return [{"id": "new-process", "name_en": "New process", "name_vi": None},
                    {"id": "cnc-milling", "name_en": "CNC milling", "name_vi": "Phay CNC"}]

        def list_standards(self):
            return []

        def list_sectors(self):
            return []
    vi, en = Wording("vi", Catalogues()), Wording("en", Catalogues())
    assert (vi.name("cnc-milling"), en.name("cnc-milling")) == ("Phay CNC", "CNC milling")
    assert vi.name("new-process") == "New process" and vi.name("unknown") == "unknown"



def test_an_item_s_message_reads_as_a_person_would_write_it():
    from matchmaker.services.readiness import Unlocks, _message

    def unlocks(**counts):
        return Unlocks(**counts, top10_pending=0, expected_good_outcomes=None, request_ids=[], buyers_opened=[])
    one = unlocks(requests=1, buyers=1, fdi_buyers=1, large_buyers=0, top10=0)
    assert _message("EU REACH", 3, one, 1, 2) == (
        "EU REACH would make you eligible for 1 open request from one FDI buyer; you would not yet rank in its top 10. "
        "It typically takes 1-2 months.")
    four = unlocks(requests=4, buyers=2, fdi_buyers=1, large_buyers=1, top10=2)
    assert _message("EU REACH", 3, four, 1, 2).startswith(
        "EU REACH would make you eligible for 4 open requests from 2 buyers, 1 of them FDI and 1 large; you would rank "
        "in the top 10 for 2 of them.")


def test_the_sample_a_mean_gain_is_measured_on():
    """All the requests asking up to GAIN_SAMPLE; beyond, GAIN_SAMPLE of them in a random order fixed by
    request id, the same in every call, whatever else is in reach, and its mean near the whole's."""
    import random

    from matchmaker.services.readiness import GAIN_SAMPLE, _draw, _sampled
    ids = [f"R-{k:05d}" for k in range(4000)]        # ids in sequence, as imports may give them
    draw = [_draw(i) for i in ids]
    few = list(range(0, 3 * GAIN_SAMPLE, 3))
    assert _sampled(few, draw) == few
    asking = list(range(0, 4000, 2))
    chosen = _sampled(asking, draw)
    assert len(chosen) == GAIN_SAMPLE and set(chosen) <= set(asking) and chosen == sorted(chosen)
    assert _sampled(asking, draw) == chosen and [_draw(i) for i in ids[:3]] == draw[:3]
    assert max(chosen) > 3000 and min(chosen) < 1000                # not the first ids: spread over all
    # a request's draw is its own: with others in reach too, those of the first reach still chosen were chosen
    more = sorted({*asking, *range(1, 4000, 4)})
    assert {k for k in _sampled(more, draw) if k % 2 == 0} <= set(chosen)
    gains = random.Random(5).choices([0.0, 0.05, 0.4], weights=[6, 3, 1], k=4000)
    whole = sum(gains[k] for k in asking) / len(asking)
    assert abs(sum(gains[k] for k in chosen) / len(chosen) - whole) < 0.03
