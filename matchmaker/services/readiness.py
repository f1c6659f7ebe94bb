"""SME readiness: gaps against a buyer, request or sector; which gap to close first; peers."""
from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

from graph_schema.model import BUYER_KINDS
from scoring.explain import explanations_for, reason_text
from scoring.features import (FULL, GENERAL, NO_HISTORY, BuyerHistory, Hierarchy, capability_matches,
                             StandardsClosed, feature_matrix, feature_rows, request_asks, with_buyer)
from scoring.model import ModelStore, ScoreMemo

from ..errors import InvalidInput, NotFound
from ..repositories.readiness import ReadinessRepository
from .catalogues import Names
from .matching import CUTOFF_PLACES, MatchService
from .plans import Effort, cost_for_staff, doors_of, plans

# A missing capability: a related process the SME runs already (same family in the capability tree)
# means new tooling and trained operators; an unrelated one, a new line. Our estimate, shown as such.
CAPABILITY_EFFORT = {"related": ("medium", 3, 6), "new": ("high", 6, 12)}
CAPABILITY_EFFORT_SOURCE = ("our estimate: tooling and operator training for a process related to one already run, "
                            "a new line otherwise (to be replaced by the programme's own figures)")
CAPABILITY_EFFORT_SOURCE_VI = ("ước tính của chúng tôi: khuôn, dụng cụ và đào tạo thợ cho một công đoạn gần với công "
                               "đoạn đang làm, nếu không thì một dây chuyền mới (sẽ thay bằng số liệu của chương trình)")


# A mean score gain is measured on at most this many of the requests asking for an item, drawn at random by
# request id (the same draw every time): ISO 9001 may be asked by 4,000 requests in an SME's reach, and the
# mean of 256 was within 0.0033 of theirs at the median, 0.028 at worst (gains of ~0.12), over 191 items of
# 14 SMEs at Hanoi scale (benchmarks/bench_gain_sample.py). What an item or a plan opens is counted in full.
GAIN_SAMPLE = 256

# A mean gain under half the last place of a shown score (4 places) is rounding noise, not a gain.
NO_GAIN = 0.5 * 10 ** -CUTOFF_PLACES


PEER_DEFINITION = "SMEs of the same sector, in the same zone or commune, with half to twice the employees"
# Under this many peers one firm moves a share by more than 10 points: the shares are a hint, not a rate.
FEW_PEERS = 10


@dataclass(frozen=True)
class SmeSummary:
    """The SME a readiness answer is about."""
    id: str
    name: str | None
    kind: str | None
    commune: str | None
    zone: str | None
    employees: int | None
    sectors: list[str]
    sector_names: list[str]     # in English; the pages name them in the reader's language


@dataclass(frozen=True)
class ItemRef:
    """A standard or capability (``type``), by id and English name."""
    type: str
    id: str
    name: str


@dataclass(frozen=True)
class TargetSummary:
    """What the gaps are measured against: a buyer, one of its requests, or a whole sector."""
    type: str
    id: str
    name: str | None
    kind: str | None = None         # a buyer's kind
    buyer: str | None = None        # the buyer: the target itself or a request's (None for a sector)
    buyer_name: str | None = None


@dataclass(frozen=True)
class StandardStatus:
    """A standard of the target and where the SME stands on it. For a buyer or sector target, how many of
    its open requests make it mandatory or preferred (None for a request)."""
    id: str
    name: str
    mandatory: bool
    expires: str | None = None          # a held certificate's expiry (ISO date)
    days_left: int | None = None        # expiring within the horizon
    expired_on: str | None = None
    requests_mandatory: int | None = None
    requests_preferred: int | None = None


@dataclass(frozen=True)
class StandardAsked:
    """A standard a buyer's or sector's open requests ask beyond its standing terms."""
    id: str
    name: str
    held: bool
    requests_mandatory: int
    requests_preferred: int


@dataclass(frozen=True)
class StandardGaps:
    met: list[StandardStatus]
    expiring: list[StandardStatus]
    expired: list[StandardStatus]
    missing_mandatory: list[StandardStatus]
    missing_preferred: list[StandardStatus]
    asked_by_requests: list[StandardAsked] | None = None    # buyer and sector targets only
    open_requests: int | None = None


@dataclass(frozen=True)
class CapabilityGap:
    id: str
    name: str
    has_related: str | None = None      # partial: the related capability the SME runs
    credit: float | None = None


@dataclass(frozen=True)
class CapabilityGaps:
    met: list[CapabilityGap]
    partial: list[CapabilityGap]
    missing: list[CapabilityGap]


@dataclass(frozen=True)
class Readiness:
    """The SME's score as the target's buyer would see it, and what keeps it out of the list."""
    score: float
    model_version: str | None
    eligible: bool
    score_once_closed: float | None     # the score with every blocker closed
    blocking: list[ItemRef]
    reasons: list[str]
    explanations: list[dict]


@dataclass(frozen=True)
class Renewal:
    """A certificate expired or expiring within the horizon."""
    standard: str
    name: str | None
    number: str | None
    issuer: str | None
    expires: str
    days_left: int
    expired: bool
    required_by_target: bool


@dataclass(frozen=True)
class Gaps:
    """What an SME lacks against one target."""
    sme: SmeSummary
    target: TargetSummary
    horizon_days: int
    readiness: Readiness
    standards: StandardGaps
    capabilities: CapabilityGaps
    certificates_to_renew: list[Renewal]


@dataclass(frozen=True)
class Prerequisite:
    id: str
    name: str
    held: bool


@dataclass(frozen=True)
class ItemEffort:
    """What closing an item takes: class, months and cost ranges with their sources, who certifies, and the
    standards to hold first."""
    effort_class: str | None
    months_min: float | None
    months_max: float | None
    months_source: str | None
    months_source_vi: str | None
    cost_min_mvnd: float | None
    cost_max_mvnd: float | None
    cost_staff: int | None
    cost_scale: float | None
    cost_source: str | None
    cost_source_vi: str | None
    certifier: str | None
    certifier_vi: str | None
    prerequisites: list[Prerequisite]
    builds_on_related: bool | None = None      # a capability: related to one the SME runs


@dataclass(frozen=True)
class BuyerOpened:
    id: str
    name: str | None
    kind: str


@dataclass(frozen=True)
class Unlocks:
    """What closing items opens among the requests in reach."""
    requests: int
    buyers: int
    fdi_buyers: int
    large_buyers: int
    top10: int                  # requests where the SME would enter the top 10
    top10_pending: int          # requests whose top 10 is being recomputed
    expected_good_outcomes: float | None    # calibrated models only
    request_ids: list[str]
    buyers_opened: list[BuyerOpened]        # FDI first, then large, by name


@dataclass(frozen=True)
class Priority:
    """One missing standard or capability, with what closing it opens and what it takes."""
    type: str
    id: str
    name: str
    kind: str | None            # a standard's kind
    blocker: bool
    blocks_requests: int
    needed_by_requests: int
    unlocks: Unlocks
    doors_per_month: float
    mean_score_gain: float
    score_gain_measured_on: int     # requests the mean gain was measured on (all asking, or a sample)
    effort: ItemEffort
    message: str


@dataclass(frozen=True)
class PlanStep:
    type: str
    id: str
    name: str
    months_min: float | None
    months_max: float | None


@dataclass(frozen=True)
class ReadinessPlan:
    """One or two items in order (prerequisites first), and what they open together."""
    steps: list[PlanStep]
    months_min: float
    months_max: float
    doors_per_month: float
    unlocks: Unlocks


@dataclass(frozen=True)
class Priorities:
    sme: SmeSummary
    model_version: str | None
    open_requests_considered: int
    eligible_now: int
    cutoffs_pending: int
    items: list[Priority]
    plans: list[ReadinessPlan]


@dataclass(frozen=True)
class PeerHolding:
    """A standard or capability, and how many of the SME's peers hold it (``share`` of them, unrounded)."""
    id: str
    name: str
    share: float
    peers_holding: int
    held: bool          # the SME holds it too


@dataclass(frozen=True)
class Peers:
    """How an SME compares with its peers (``PEER_DEFINITION``): what they hold, most held first."""
    sme: SmeSummary
    peers: int
    peer_definition: str
    standards: list[PeerHolding]
    capabilities: list[PeerHolding]
    few: bool           # some peers, but fewer than FEW_PEERS


@dataclass(frozen=True)
class ReadinessReport:
    """Everything on one page for an advisor: renewals, priorities, the gaps per sector, peers."""
    generated_on: str
    sme: SmeSummary
    horizon_days: int
    certificates_to_renew: list[Renewal]
    priorities: Priorities
    sector_gaps: list[Gaps]
    peers: Peers


class ReadinessService:
    def __init__(self, graph, store: ModelStore):
        self.repo = ReadinessRepository(graph)
        self.matching = MatchService(graph, store)
        self.store = store

    # -- inputs --------------------------------------------------------------------------------
    def _sme(self, sme_id: str, today: date) -> dict:
        sme = self.repo.sme(sme_id, today)
        if sme is None:
            raise NotFound(f"no enterprise with id '{sme_id}'", {"sme": ["no such enterprise"]})
        if sme["kind"] != "sme":
            firm = {"large": "a large firm", "fdi": "an FDI firm"}.get(sme["kind"], f"a firm of kind {sme['kind']}")
            raise InvalidInput(f"'{sme_id}' is {firm}: readiness is an SME's view", {"sme": [f"{firm}, not an SME"]})
        sme["capabilities"] = {c: capacity for c, capacity in sme["capabilities"]}
        sme["valid"] = {c["standard"] for c in sme["certificates"] if c["valid"]}
        sme["expired"] = {c["standard"] for c in sme["certificates"] if not c["valid"]}
        return sme

    def _as_candidate(self, sme: dict, targets: list[dict], today: date) -> list[dict]:
        """The SME as the buyers' search sees it for each target: the same projection, the same numbers."""
        return self.matching.matches.supplier_as_candidate(sme["id"], [
            {"buyer": t.get("buyer"), "sectors": t.get("buyer_sectors") or [], "latitude": t.get("latitude"),
             "longitude": t.get("longitude"), **({"distance_km": t["distance_km"]} if "distance_km" in t else {})}
            for t in targets], today) or []

    @staticmethod
    def _adding(candidate: dict, sme: dict, add: tuple[str, str]) -> dict:
        """The candidate as if it held one more standard (a valid certificate) or capability (at the SME's
        median declared capacity)."""
        if add[0] == "standard":
            return {**candidate, "valid_standards": {*candidate["valid_standards"], add[1]},
                    "expired_standards": set(candidate["expired_standards"]) - {add[1]}}
        known = [c for c in sme["capabilities"].values() if c]
        return {**candidate, "capabilities": {**candidate["capabilities"],
                                              add[1]: statistics.median(known) if known else None}}

    @staticmethod
    def blocking(target: dict, inputs: dict, hierarchy: Hierarchy) -> frozenset[tuple[str, str]]:
        """What keeps the SME out of the target's matches under the default hard filters."""
        needed, _, mandatory, _, _, products = target.get("asks") or request_asks(target)
        valid = inputs["valid_standards"]
        blocked = [("standard", s) for s in mandatory if s not in valid]
        if needed:
            best = max(credit for credit, _ in hierarchy.best_matches(needed, tuple(inputs["capabilities"])))
            if best < GENERAL and not set(products).intersection(inputs["products"]):
                blocked += [("capability", c) for c in needed]
        return frozenset(blocked)

    @staticmethod
    def _unblocked_by(blocked: set, item: tuple[str, str]) -> bool:
        """Adding ``item`` lifts every block: it is the only standard missing, or one capability of the
        needed ones when no capability at all is held (adding any one of them lets the SME in)."""
        rest = {b for b in blocked if b != item}
        if item[0] == "capability":
            rest = {b for b in rest if b[0] != "capability"}
        return item in blocked and not rest

    # -- gap against one target ----------------------------------------------------------------
    def gaps(self, sme_id: str, buyer: str | None = None, request: str | None = None,
             sector: str | None = None, horizon_days: int = 90) -> Gaps:
        given = [(k, v) for k, v in (("buyer", buyer), ("request", request), ("sector", sector)) if v]
        if len(given) != 1:
            raise InvalidInput("give exactly one target: buyer, request or sector",
                               {"target": ["one of buyer, request, sector"]})
        today = date.today()
        sme = self._sme(sme_id, today)
        target = self._target(*given[0], sme)
        hierarchy = self.matching.hierarchy()
        inputs = self._as_candidate(sme, [target], today)[0]
        scorer = self.store.active()
        X = feature_matrix(target, [inputs], hierarchy, today.year)
        score = float(scorer.scores(X)[0])
        blocked = self.blocking(target, inputs, hierarchy)
        once_closed = None
        if blocked:     # kept out of the buyer's list: the score it would show there with the blockers closed
            closed = inputs
            for item in sorted(blocked):
                closed = self._adding(closed, sme, item)
            once_closed = float(scorer.scores(feature_matrix(target, [closed], hierarchy, today.year))[0])
        explained = explanations_for(target, inputs, X[0], scorer.contributions(X)[0])
        if given[0][0] == "sector":     # a sector has no plant: its distance says nothing
            explained = [e for e in explained if e["reason"] != "distance"]
        names = self._names()
        capabilities = {"met": [], "partial": [], "missing": []}
        for needed, (credit, via) in capability_matches(target, inputs, hierarchy).items():
            name = names[("capability", needed)]
            if credit >= FULL:
                capabilities["met"].append(CapabilityGap(needed, name))
            elif via:
                capabilities["partial"].append(CapabilityGap(needed, name, has_related=via, credit=credit))
            else:
                capabilities["missing"].append(CapabilityGap(needed, name))
        return Gaps(
            sme=_sme_summary(sme, names), target=target["summary"], horizon_days=horizon_days,
            readiness=Readiness(
                score=score, model_version=scorer.version, eligible=not blocked, score_once_closed=once_closed,
                blocking=[ItemRef(t, i, names[(t, i)]) for t, i in sorted(blocked)],
                reasons=[reason_text(e, names.capability) for e in explained], explanations=explained),
            standards=self._standard_status(sme, target, today, horizon_days, names),
            capabilities=CapabilityGaps(**capabilities),
            certificates_to_renew=self._renewals(sme, today, horizon_days, target))

    def _names(self) -> Names:
        """Names of standards, capabilities and sectors, by (type, id), as the search names them."""
        return self.matching.names()

    def _target(self, kind: str, target_id: str, sme: dict) -> dict:
        if kind == "request":
            request = self.matching.get_request(target_id)
            buyer = self.repo.buyer_target(request["buyer"]) or {}
            return {**with_buyer(request, buyer), "buyer_sectors": buyer.get("sectors", []),
                    "summary": TargetSummary("request", target_id, request.get("title"), buyer=request["buyer"],
                                             buyer_name=buyer.get("name"))}
        if kind == "buyer":
            buyer = self.repo.buyer_target(target_id)
            if buyer is None:
                raise NotFound(f"no buyer with id '{target_id}'", {"buyer": ["no such enterprise"]})
            if buyer["kind"] not in BUYER_KINDS:
                raise InvalidInput(f"'{target_id}' is an SME: a buyer is a large or FDI firm",
                                   {"buyer": ["an SME, not a large or FDI buyer"]})
            return {**with_buyer({}, buyer), "buyer": target_id, "buyer_sectors": buyer["sectors"],
                    "standards": buyer["standards"], "demand": buyer["demand"],
                    "capabilities": buyer["capabilities"], "products": [], "text": None, "monthly_volume": None,
                    "latitude": buyer["latitude"], "longitude": buyer["longitude"],
                    "summary": TargetSummary("buyer", target_id, buyer["name"], kind=buyer["kind"],
                                             buyer=target_id, buyer_name=buyer["name"])}
        sector = self.repo.sector_target(target_id)
        if sector is None:
            raise NotFound(f"no sector with id '{target_id}'; see GET /sectors", {"sector": ["no such sector"]})
        # A whole sector has no plant: distance is left out by placing the target at the SME.
        return {"buyer": None, "buyer_sectors": [target_id], "standards": sector["standards"], "demand": sector["demand"],
                "capabilities": [c for c in sector["capabilities"] if c in sme["capabilities"]][:1] or
                sector["capabilities"][:3], "products": [], "text": None, "monthly_volume": None,
                "latitude": sme.get("latitude"), "longitude": sme.get("longitude"),
                "summary": TargetSummary("sector", target_id, sector["name_en"])}

    @staticmethod
    def _standard_status(sme: dict, target: dict, today: date, horizon_days: int, names: Names) -> StandardGaps:
        """Each standard of the target by where the SME stands on it. A buyer or sector target also says how
        many of its open requests make each mandatory or preferred, and (``asked_by_requests``) which standards
        those requests ask beyond the standing terms: a standard 'preferred' by the sector may still be
        mandatory in the requests that are open today."""
        held = {c["standard"]: c for c in sme["certificates"]}
        horizon = today + timedelta(days=horizon_days)
        demand = target.get("demand")
        asked = {a["id"]: a for a in demand["asked"]} if demand is not None else None
        out = {"met": [], "expiring": [], "expired": [], "missing_mandatory": [], "missing_preferred": []}
        for s in sorted(target["standards"], key=lambda s: (not s.get("mandatory"), s["id"])):
            entry = {"id": s["id"], "name": names[("standard", s["id"])], "mandatory": bool(s.get("mandatory"))}
            if asked is not None:
                counts = asked.get(s["id"], {})
                entry.update(requests_mandatory=counts.get("mandatory", 0), requests_preferred=counts.get("preferred", 0))
            cert = held.get(s["id"])
            if cert and cert["valid"]:
                expires = cert["expires"].to_native() if cert["expires"] else None
                if expires and expires <= horizon:
                    out["expiring"].append(StandardStatus(**entry, expires=expires.isoformat(),
                                                          days_left=(expires - today).days))
                else:
                    out["met"].append(StandardStatus(**entry, expires=expires.isoformat() if expires else None))
            elif cert:
                out["expired"].append(StandardStatus(**entry, expired_on=cert["expires"].to_native().isoformat()))
            else:
                out["missing_mandatory" if s.get("mandatory") else "missing_preferred"].append(StandardStatus(**entry))
        if demand is None:
            return StandardGaps(**out)
        standing = {s["id"] for s in target["standards"]}
        beyond = sorted((StandardAsked(a["id"], names[("standard", a["id"])], a["id"] in sme["valid"],
                                       a["mandatory"], a["preferred"]) for a in demand["asked"] if a["id"] not in standing),
                        key=lambda e: (-e.requests_mandatory, -e.requests_preferred, e.id))
        return StandardGaps(**out, asked_by_requests=beyond, open_requests=demand["open_requests"])

    @staticmethod
    def _renewals(sme: dict, today: date, horizon_days: int, target: dict | None = None) -> list[Renewal]:
        """Every certificate of the SME that has expired or expires within the horizon."""
        wanted = {s["id"] for s in (target or {}).get("standards", [])}
        horizon = today + timedelta(days=horizon_days)
        out = []
        for c in sme["certificates"]:
            expires = c["expires"].to_native() if c["expires"] else None
            if expires and expires <= horizon:
                out.append(Renewal(standard=c["standard"], name=c["name"], number=c["number"], issuer=c["issuer"],
                                   expires=expires.isoformat(), days_left=(expires - today).days,
                                   expired=not c["valid"], required_by_target=c["standard"] in wanted))
        return sorted(out, key=lambda c: (c.expires, c.standard))

    # -- which gap first -----------------------------------------------------------------------
    def priorities(self, sme_id: str, limit: int = 10, gain_sample: int | None = GAIN_SAMPLE) -> Priorities:
        """What to close first. Blockers first: every missing mandatory item of a request in reach, with
        what closing it opens (requests, buyers, FDI and large among them, places in the top 10, good
        outcomes to expect) and its effort; then other items the requests ask for, by score gained; and
        plans of one or two items (prerequisites first) by doors opened per month. Scores are the
        buyers' search's own; top-10 places use each request's stored cutoff (a read never writes).
        ``gain_sample``: how many requests a mean score gain is measured on at most (None: all)."""
        today = date.today()
        sme = self._sme(sme_id, today)
        hierarchy = self.matching.hierarchy()
        requests = self._in_reach(sme, hierarchy)
        histories = {b: BuyerHistory.of(h) for b, h in
                     self.matching.matches.buyer_histories([r["buyer"] for r in requests]).items()}
        buyers = {}     # what the features read of each buyer, worked out once for its requests
        for r in requests:
            if r["buyer"] not in buyers:
                buyers[r["buyer"]] = with_buyer({}, r["buyer_profile"], history=histories.get(r["buyer"], NO_HISTORY))
        for r in requests:      # the keep's copies, this report's own
            r.update(buyers[r["buyer"]])
        scorer = self.store.active()
        memo = ScoreMemo(scorer)        # the same request's row recurs as it is, with one item and with a plan's
        # a cutoff stored under another model is being recomputed in the background: its places are unknown
        cutoffs = [r.get("cutoff_score") if r.get("cutoff_model") == scorer.version else None for r in requests]
        base_inputs = self._as_candidate(sme, requests, today)
        blocked = [self.blocking(r, i, hierarchy) for r, i in zip(requests, base_inputs)]
        blocks = Counter(b for bs in blocked for b in bs)      # item -> the requests it blocks
        blockers = set(blocks)
        asked_standards = {s["id"] for r in requests for s in r["standards"]}
        candidates = sorted(blockers | {("standard", s) for s in asked_standards - sme["valid"]})
        standards = self.repo.standards()
        names = self._names()
        effort = {item: self._effort(item, sme, standards, hierarchy) for item in candidates}
        lacking = [p for e in effort.values() for p in e["prerequisites"]]
        while lacking:      # a plan puts the standards an item presupposes before it: their effort too
            before = ("standard", lacking.pop())
            if before[1] not in sme["valid"] and before not in effort:
                effort[before] = self._effort(before, sme, standards, hierarchy)
                lacking.extend(effort[before]["prerequisites"])

        rank = {"fdi": 0, "large": 1}      # buyers opened: FDI, then large, by name
        buyer_of = [(rank.get(r["buyer_kind"], 2), r["buyer_name"] or "", r["buyer"], r["buyer_kind"])
                    for r in requests]
        request_ids = [r["id"] for r in requests]

        def opened(closed: list[tuple[str, str]], unlocked: list[int]) -> Unlocks:
            """What holding ``closed`` as well opens among ``unlocked``: buyers, top-10 places, good outcomes.
            Scores with ``closed`` worked out before (``scored_before``) are not worked out again."""
            # scores do not depend on the order items are closed in: plans in either order share them
            known = scored_before.setdefault(tuple(sorted(closed)), {})
            rest = [k for k in unlocked if k not in known]
            known.update(zip(rest, memo.scores(rows_with(closed, rest))) if rest else ())
            scores = [known[k] for k in unlocked]
            buyers = sorted({buyer_of[k] for k in unlocked})
            # buyers contact the top of their list: a good outcome is expected only where the SME would be in
            # the top 10, and only a calibrated score says how likely one is there (the rule's says nothing)
            top = [score for k, score in zip(unlocked, scores)
                   if cutoffs[k] is not None and round(float(score), CUTOFF_PLACES) >= cutoffs[k]]
            return Unlocks(requests=len(unlocked), buyers=len(buyers),
                           fdi_buyers=sum(1 for *_, kind in buyers if kind == "fdi"),
                           large_buyers=sum(1 for *_, kind in buyers if kind == "large"),
                           top10=len(top), top10_pending=sum(1 for k in unlocked if cutoffs[k] is None),
                           expected_good_outcomes=float(sum(top)) if scorer.calibrated else None,
                           request_ids=[request_ids[k] for k in unlocked],
                           buyers_opened=[BuyerOpened(i, name, kind) for _, name, i, kind in buyers])

        asking: dict[tuple[str, str], list[int]] = {}      # item -> the requests that ask for it
        for k, r in enumerate(requests):
            standing = r["buyer_profile"].get("standing") or ()
            for item in ({("standard", s["id"]) for s in r["standards"]} | {("standard", s) for s in standing}
                         | {("capability", c) for c in r.get("capabilities") or []}):
                asking.setdefault(item, []).append(k)
        opens: dict[tuple[str, str], list[int]] = {}       # item -> the requests closing it alone lets the SME in
        lifting = {bs: [item for item in bs if self._unblocked_by(bs, item)] for bs in set(blocked)}
        for k, bs in enumerate(blocked):
            for item in lifting[bs]:
                opens.setdefault(item, []).append(k)
        # the rows each item needs: what it opens (all of them) and its sample for the mean gain; the plans'
        # doors; feature rows of those requests only
        asked = [item for item in candidates if asking.get(item)]
        draw = [_draw(r["id"]) for r in requests]
        sample = {item: _sampled(asking[item], draw, gain_sample) for item in asked}
        needs = {item: sorted({*sample[item], *opens.get(item, [])}) for item in asked}
        held = set(sme["valid"])
        found = plans(doors_of(blocked), {i: Effort(e["months_min"], e["months_max"], tuple(e["prerequisites"]))
                                         for i, e in effort.items() if e["months_min"] is not None}, held)
        kept = sorted({k for ks in needs.values() for k in ks} | {k for plan in found for k in plan.doors})
        local = dict(zip(kept, range(len(kept))))
        base_pairs = [(requests[k], base_inputs[k]) for k in kept]
        base_rows = feature_rows(base_pairs, hierarchy, today.year)
        closing_standards = StandardsClosed(base_pairs, base_rows)

        def rows_with(closed: list[tuple[str, str]], ks: list[int]):
            """Feature rows of requests ``ks`` (of ``kept``) as if the SME held ``closed`` as well."""
            if all(t == "standard" for t, _ in closed):
                return closing_standards.rows_with([i for _, i in closed], [local[k] for k in ks])
            inputs = [base_inputs[k] for k in ks]
            for item in closed:
                inputs = [self._adding(i, sme, item) for i in inputs]
            return feature_rows([(requests[k], i) for k, i in zip(ks, inputs)], hierarchy, today.year)

        # every item's rows scored in one call (a call of the learned model costs ~5 ms whatever its rows)
        parts = [rows_with([item], needs[item]) for item in asked]
        scored = memo.scores(np.vstack(parts)) if parts else np.zeros(0)
        scored_before = {(item,): dict(zip(needs[item], part)) for item, part in
                         zip(asked, np.split(scored, np.cumsum([len(x) for x in parts])[:-1]))}
        measured = sorted({k for item in asked for k in sample[item]})
        base_scores = dict(zip(measured, memo.scores(base_rows[[local[k] for k in measured]])))
        items = []
        for item in asked:
            unlocked = opens.get(item, [])
            touched = asking[item]
            new_scores = scored_before[(item,)]
            unlocks = opened([item], unlocked)
            meta = standards.get(item[1], {}) if item[0] == "standard" else {}
            shown_effort = _effort_out(effort[item], names, sme["valid"])
            gain = float(statistics.fmean(new_scores[k] - base_scores[k] for k in sample[item]))
            items.append(Priority(
                type=item[0], id=item[1], name=names[item], kind=meta.get("kind"), blocker=item in blockers,
                blocks_requests=blocks[item], needed_by_requests=len(touched),
                unlocks=unlocks, doors_per_month=len(unlocked) / max(effort[item]["months"], 0.5),
                mean_score_gain=gain, score_gain_measured_on=len(sample[item]), effort=shown_effort,
                message=_message(names[item], len(touched), unlocks, effort[item]["months_min"],
                                 effort[item]["months_max"], None if item in blockers else gain)))
        first = sorted((e for e in items if e.blocker),
                       key=lambda e: (-e.unlocks.requests, -e.doors_per_month, -e.blocks_requests,
                                      -(e.unlocks.expected_good_outcomes or 0.0), e.type, e.id))
        # beyond the blockers, only what raises the score the buyers see (a food standard for a harness maker does not)
        rest = sorted((e for e in items if not e.blocker and e.mean_score_gain >= NO_GAIN),
                      key=lambda e: (-e.mean_score_gain, -e.needed_by_requests, e.type, e.id))
        return Priorities(sme=_sme_summary(sme, names), model_version=scorer.version,
                          open_requests_considered=len(requests), eligible_now=sum(1 for bs in blocked if not bs),
                          cutoffs_pending=sum(1 for c in cutoffs if c is None), items=first + rest[:limit],
                          plans=[self._plan_out(p, opened, names, effort) for p in found])

    def requests_in_reach(self, sme_id: str) -> list[dict]:
        """The open requests the SME's priorities look at."""
        return self._in_reach(self._sme(sme_id, date.today()), self.matching.hierarchy())

    def _in_reach(self, sme: dict, hierarchy: Hierarchy) -> list[dict]:
        """Open requests within their own distance of the SME that need a related capability or come from a
        buyer of its sector (not its own)."""
        relevant = sorted({c for c in hierarchy.parent for held in sme["capabilities"]
                           if hierarchy.credit(c, held) > 0 or hierarchy.credit(held, c) > 0})
        return [r for r in self.repo.open_requests_near(relevant, sme["sectors"], sme.get("latitude"),
                                                      sme.get("longitude")) if r["buyer"] != sme["id"]]

    @staticmethod
    def _plan_out(plan, opened, names, effort) -> ReadinessPlan:
        return ReadinessPlan(
            steps=[PlanStep(t, i, names[(t, i)], effort[(t, i)]["months_min"], effort[(t, i)]["months_max"])
                   for t, i in plan.steps],
            months_min=plan.months_min, months_max=plan.months_max, doors_per_month=plan.doors_per_month,
            unlocks=opened(list(plan.steps), list(plan.doors)))

    @staticmethod
    def _effort(item: tuple[str, str], sme: dict, standards: dict, hierarchy: Hierarchy) -> dict:
        """Months, cost and who certifies for a standard (the catalogue's figures, with their sources);
        for a capability, an effort class by what the SME already does (see CAPABILITY_EFFORT)."""
        if item[0] == "standard":
            meta = standards.get(item[1], {})
            if meta.get("months_min") is None:
                return {"class": meta.get("effort"), "months_min": None, "months_max": None, "months": 12.0,
                        "months_source": None, "cost_min_mvnd": None, "cost_max_mvnd": None, "cost_source": None,
                        "certifier": None, "prerequisites": [], "cost_staff": None, "cost_scale": None}
            out = {"class": meta.get("effort"), "months": (meta["months_min"] + meta["months_max"]) / 2,
                   "prerequisites": [p for p in meta.get("prerequisites") or []], "cost_staff": None,
                   "cost_scale": None,
                   **{k: meta.get(k) for k in ("months_min", "months_max", "months_source", "cost_min_mvnd",
                                               "cost_max_mvnd", "cost_source", "certifier", "months_source_vi",
                                               "cost_source_vi", "certifier_vi")}}
            if meta.get("cost_scales_with_staff") and out["cost_min_mvnd"] is not None:
                low, high, scale = cost_for_staff(out["cost_min_mvnd"], out["cost_max_mvnd"], sme.get("employees"))
                if scale is not None:
                    out.update(cost_min_mvnd=low, cost_max_mvnd=high, cost_staff=sme["employees"], cost_scale=scale)
            return out
        related = any(hierarchy.credit(item[1], held) > 0 or hierarchy.credit(held, item[1]) > 0
                      for held in sme["capabilities"])
        effort_class, low, high = CAPABILITY_EFFORT["related" if related else "new"]
        return {"class": effort_class, "months_min": low, "months_max": high, "months": (low + high) / 2,
                "months_source": CAPABILITY_EFFORT_SOURCE, "months_source_vi": CAPABILITY_EFFORT_SOURCE_VI,
                "cost_min_mvnd": None, "cost_max_mvnd": None, "cost_staff": None, "cost_scale": None,
                "cost_source": None, "certifier": None, "prerequisites": [], "builds_on_related": related}

    def target_buyers(self, sectors: list[str], limit: int = 40) -> list[dict]:
        """Buyers worth preparing for: the FDI, then large, firms of an SME's sectors."""
        return self.repo.buyers_in_sectors(sectors, limit) if sectors else []

    # -- peers ---------------------------------------------------------------------------------
    def peers(self, sme_id: str) -> Peers:
        today = date.today()
        sme = self._sme(sme_id, today)
        shares = self.repo.peer_shares(sme_id, today)
        total = shares["peers"]
        names = self._names()

        def rows(pairs, held, kind) -> list[PeerHolding]:
            out = [PeerHolding(id=i, name=names[(kind, i)], share=n / total if total else 0.0, peers_holding=n,
                               held=i in held) for i, n in pairs if n]
            return sorted(out, key=lambda r: (-r.share, r.id))
        return Peers(sme=_sme_summary(sme, names), peers=total, peer_definition=PEER_DEFINITION,
                     standards=rows(shares["standards"], sme["valid"], "standard"),
                     capabilities=rows(shares["capabilities"], set(sme["capabilities"]), "capability"),
                     few=0 < total < FEW_PEERS)

    # -- the whole report ----------------------------------------------------------------------
    def report(self, sme_id: str, horizon_days: int = 90) -> ReadinessReport:
        today = date.today()
        sme = self._sme(sme_id, today)
        sectors = [self.gaps(sme_id, sector=s, horizon_days=horizon_days) for s in sme["sectors"]]
        names = self._names()
        return ReadinessReport(
            generated_on=today.isoformat(),
            sme=_sme_summary(sme, names),
            horizon_days=horizon_days, certificates_to_renew=self._renewals(sme, today, horizon_days),
            priorities=self.priorities(sme_id), sector_gaps=sectors, peers=self.peers(sme_id))


@lru_cache(maxsize=1 << 16)
def _draw(request_id: str) -> int:
    """A request's place in the random order the gain samples follow: the same in every process and call."""
    return int.from_bytes(hashlib.blake2b(request_id.encode(), digest_size=8).digest(), "big")


def _sampled(ks: list[int], draw: list[int], size: int | None = GAIN_SAMPLE) -> list[int]:
    """At most ``size`` of the requests ``ks`` (None: all): the first in the random order of ``draw``."""
    if size is None or len(ks) <= size:
        return ks
    return sorted(sorted(ks, key=draw.__getitem__)[:size])


def _sme_summary(sme: dict, names: Names) -> SmeSummary:
    sectors = sme.get("sectors") or []
    return SmeSummary(id=sme["id"], name=sme.get("name"), kind=sme.get("kind"), commune=sme.get("commune"),
                      zone=sme.get("zone"), employees=sme.get("employees"), sectors=sectors,
                      sector_names=[names[("sector", s)] for s in sectors])


def _effort_out(effort: dict, names, held: set[str]) -> ItemEffort:
    """An item's effort as the reader sees it (the prerequisites each marked held or not)."""
    return ItemEffort(
        effort_class=effort["class"], prerequisites=[Prerequisite(p, names[("standard", p)], p in held)
                                                     for p in effort["prerequisites"]],
        builds_on_related=effort.get("builds_on_related"),
        **{k: effort.get(k) for k in ("months_min", "months_max", "months_source", "months_source_vi", "cost_min_mvnd",
                                      "cost_max_mvnd", "cost_staff", "cost_scale", "cost_source", "cost_source_vi",
                                      "certifier", "certifier_vi")})


def _message(name: str, needed_by_requests: int, u: Unlocks, months_min: float | None, months_max: float | None,
             gain: float | None = None) -> str:
    """One sentence on what closing the item opens and how long it takes; for an item no request in reach
    requires (``gain``: its mean score gain), what it adds to the score."""
    one = needed_by_requests == 1
    if gain is not None:
        months = f" It typically takes {months_min:g}-{months_max:g} months." if months_min is not None else ""
        return (f"{name} is asked for by {needed_by_requests} open request{'' if one else 's'} in your reach, "
                f"required by none: holding it would raise your score there by {gain:.3f} on average "
                f"(scores run from 0 to 1).{months}")
    if not u.requests:
        return (f"{name} is asked for by {needed_by_requests} open request{'' if one else 's'}, "
                f"but other gaps remain in {'it' if one else 'each of them'}.")
    if u.buyers == 1:
        buyers = "one FDI buyer" if u.fdi_buyers else "one large buyer" if u.large_buyers else "one buyer"
    else:
        others = ([f"{u.fdi_buyers} of them FDI"] if u.fdi_buyers else []) + (
            [f"{u.large_buyers} large"] if u.large_buyers else [])
        buyers = f"{u.buyers} buyers" + (f", {' and '.join(others)}" if others else "")
    if not u.top10:
        places = f"you would not yet rank in {'its' if u.requests == 1 else 'their'} top 10"
    elif u.requests == 1:
        places = "you would rank in the top 10 for it"
    else:
        places = f"you would rank in the top 10 for {u.top10} of them"
    if u.top10_pending:
        places += f" (places for {u.top10_pending} more are being recomputed)"
    months = f" It typically takes {months_min:g}-{months_max:g} months." if months_min is not None else ""
    return (f"{name} would make you eligible for {u.requests} open request"
            f"{'s' if u.requests != 1 else ''} from {buyers}; {places}.{months}")
