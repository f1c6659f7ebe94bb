"""Training and evaluating the supplier scorer from recorded outcomes plus the bootstrap set."""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

import numpy as np

from scoring.evaluation import paired_ndcg_gain, ranking_metrics, time_split
from scoring.features import Hierarchy, feature_matrix, with_buyer, without_history
from scoring.model import (BASELINE_VERSION, ModelStore, Scorer, UntrustedModel, baseline_scores, calibration, fit,
                           new_model, raw_scores)

from ..errors import InvalidInput, NotFound
from ..repositories.matching import MatchRepository
from ..repositories.sourcing import SourcingRepository


FADE_ROWS = 1000           # the bootstrap set weighs as this many rows minus the recorded ones
MIN_HELD_OUT_GROUPS = 20   # held-out recorded request groups needed to judge a version on recorded outcomes


log = logging.getLogger(__name__)

def position_weight(shown_rank: int | None) -> float:
    """Inverse propensity of a contact at the rank it was shown: buyers look at the top of a list far more
    than lower down (examination falls as 1 / log2(1 + rank)), so an outcome from lower down stands for
    more that were never looked at. Unknown rank: 1."""
    return float(np.log2(1 + shown_rank)) if shown_rank else 1.0


class LearningService:
    def __init__(self, graph, store: ModelStore, queue=None):
        """``queue``: where a new active model asks for the requests' top-10 cutoffs to be ranked again
        (matchmaker.jobs.JobQueue); without it they are caught up by the worker's periodic run."""
        self.graph = graph
        self.store = store
        self.queue = queue
        self.matches = MatchRepository(graph)
        self.requests = SourcingRepository(graph)

    def recorded_dataset(self) -> dict | None:
        """Feature rows for every labelled outcome in the graph, features as they stood before it."""
        outcomes = self.requests.labelled_outcomes()
        if not outcomes:
            return None
        hierarchy = Hierarchy(self.matches.capability_tree())
        today = date.today()
        X_parts, y, groups, times, weights, suppliers, buyers = [], [], [], [], [], [], []
        by_context = defaultdict(list)
        for o in outcomes:
            by_context[(o["request"] or f"buyer:{o['buyer']}", o["buyer"])].append(o)
        for (context, buyer_id), rows in sorted(by_context.items()):
            buyer = self.matches.buyer_context(buyer_id) or {}
            request = self.requests.get(context) if not context.startswith("buyer:") else None
            if request is None:  # a meeting without a request: the buyer's own standing requirements
                request = {"capabilities": [], "products": [], "text": None, "monthly_volume": None,
                           "standards": buyer.get("requirements", []),
                           "latitude": buyer.get("latitude"), "longitude": buyer.get("longitude")}
            inputs = self.matches.supplier_inputs(
                [{"id": o["supplier"], "before": o["occurred_on"]} for o in rows], buyer,
                request.get("latitude"), request.get("longitude"), today)
            by_key = {(i["id"], i["before"]): i for i in inputs}
            rows = [o for o in rows if (o["supplier"], o["occurred_on"]) in by_key]
            # A group is one buyer context on one day: the candidates it saw side by side, with the buyer's
            # history as it stood before that day.
            by_day = defaultdict(list)
            for o in rows:
                by_day[o["occurred_on"]].append(o)
            for day, day_rows in sorted(by_day.items()):
                seen = with_buyer(request, buyer, before=day)
                X_parts.append(feature_matrix(seen, [by_key[(o["supplier"], day)] for o in day_rows],
                                              hierarchy, today.year))
                y.extend(o["label"] for o in day_rows)
                suppliers.extend(o["supplier"] for o in day_rows)
                buyers.extend(buyer_id for _ in day_rows)
                weights.extend(position_weight(o.get("shown_rank")) for o in day_rows)
                groups.extend(f"{context}@{day}" for _ in day_rows)
                times.extend(day for _ in day_rows)
        if not X_parts:
            return None
        return {"X": np.vstack(X_parts), "y": np.array(y, dtype=int), "groups": np.array(groups),
                "times": np.array(times), "weights": np.array(weights, dtype=float),
                "suppliers": np.array(suppliers, dtype=object), "buyers": np.array(buyers, dtype=object),
                "source": f"recorded outcomes ({len(outcomes)})"}

    def dataset(self, use_bootstrap: bool = True, bootstrap_requests: int = 400) -> dict:
        """Recorded outcomes (``real``) and, if asked, the bootstrap set, with each row's weight: a recorded
        row weighs by where its supplier was shown (``position_weight``); the bootstrap rows together weigh
        ``FADE_ROWS`` minus the recorded rows, so they fade out as outcomes are recorded."""
        parts = []
        recorded = self.recorded_dataset()
        if recorded is not None:
            parts.append({**recorded, "real": np.ones(len(recorded["y"]), dtype=bool)})
        n_real = len(recorded["y"]) if recorded else 0
        if use_bootstrap and n_real < FADE_ROWS:
            from seeds.bootstrap import bootstrap_dataset
            boot = bootstrap_dataset(n_requests=bootstrap_requests)
            n = len(boot["y"])
            parts.append({**boot, "groups": np.array([f"bootstrap:{g}" for g in boot["groups"]]),
                          "suppliers": np.full(n, None, dtype=object), "buyers": np.full(n, None, dtype=object),
                          "weights": np.full(n, (FADE_ROWS - n_real) / n), "real": np.zeros(n, dtype=bool)})
        if not parts:
            raise InvalidInput("no labelled outcomes to learn from", {"bootstrap": ["enable it or record outcomes"]})
        joined = {k: np.concatenate([p[k] for p in parts])
                  for k in ("y", "groups", "times", "weights", "real", "suppliers", "buyers")}
        return {"X": np.vstack([p["X"] for p in parts]), **joined, "sources": [p["source"] for p in parts],
                "recorded_rows": n_real}

    @staticmethod
    def held_out(data: dict) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) masks: the latest quarter of the recorded request groups when it holds enough of
        them or there is nothing else (the bootstrap's made-up dates never enter this split); else the
        bootstrap's latest quarter."""
        real = data["real"]
        if real.any():
            _, test_real = time_split(data["times"][real], data["groups"][real])
            if len(set(data["groups"][real][test_real].tolist())) >= MIN_HELD_OUT_GROUPS or real.all():
                test = np.zeros(len(real), dtype=bool)
                test[np.flatnonzero(real)[test_real]] = True
                return ~test, test
        _, test = time_split(data["times"], data["groups"])
        test &= ~real
        return ~test, test

    def train(self, use_bootstrap: bool = True, force: bool = False) -> dict:
        """Fit on the earlier outcomes and judge on the held-out latest ones; calibrate the scores there; then
        refit on everything. The new version is activated (or ``force``) only if it surely beats the bar:
        the rule when no learned version is active, else the active version on outcomes newer than it,
        while still above the rule. A version not activated is kept with its report."""
        data = self.dataset(use_bootstrap)
        if len(set(data["y"].tolist())) < 2:
            raise InvalidInput("outcomes must include positives and negatives", {"outcomes": ["one class only"]})
        train, test = self.held_out(data)
        X, y, w = data["X"], data["y"], data["weights"]
        if not test.any() or len(set(y[train].tolist())) < 2:
            raise InvalidInput("too few outcomes to hold some out", {"outcomes": ["record more outcomes"]})
        trial = fit(new_model(), *as_new_buyers_too(X, y, w, train & data["real"], train))
        raw = raw_scores(trial, X[test])
        knots = calibration(raw, y[test], w[test])
        candidate = Scorer("candidate", trial, {"calibration": knots})
        held_out_scores = candidate.scores(X[test])
        metrics = evaluate_scores(data, test, held_out_scores)
        ndcg = metrics["model"]["ndcg@10"], metrics["rule_based_baseline"]["ndcg@10"]
        # "Beats" means the paired 95% interval over held-out request groups lies above zero: a few
        # dozen groups can favour a worse version by chance. A good outcome counts by the inverse of how
        # likely its supplier was to be contacted where it was shown (its weight): the held-out contacts
        # were chosen by the ranking in force, and the few from lower down stand for many unseen.
        relevance = y * w
        gain = paired_ndcg_gain(data["groups"][test], relevance[test], held_out_scores, baseline_scores(X[test]))
        metrics["gain_over_rule"] = gain
        beats = gain["low"] > 0          # the bar: the rule, or (below) the active version, which beat it
        vs_active = ""
        active = self._active_scorer()
        if active is not None:
            # The active version was refitted on every outcome it knew: it is judged, beside the new one,
            # only on held-out outcomes recorded after it was trained (none: the rule is the bar).
            seen_until = ((active.meta or {}).get("training") or {}).get("recorded_until") or ""
            fresh = test & data["real"] & (data["times"] > seen_until)
            if fresh.any():
                groups = data["groups"][fresh]
                mine = ranking_metrics(groups, y[fresh], candidate.scores(X[fresh]))
                theirs = ranking_metrics(groups, y[fresh], active.scores(X[fresh]))
                over_active = paired_ndcg_gain(groups, relevance[fresh], candidate.scores(X[fresh]),
                                               active.scores(X[fresh]))
                metrics["active_version"] = {**theirs, "version": active.version, "new_on_same": mine,
                                             "gain": over_active}
                beats = gain["mean"] > 0 and over_active["low"] > 0
                vs_active = (f"; on the {int(fresh.sum())} held-out rows newer than {active.version}: "
                             f"{mine['ndcg@10']:.4f} against its {theirs['ndcg@10']:.4f} "
                             f"(gain {over_active['mean']:+.4f}, 95% [{over_active['low']:+.4f}, "
                             f"{over_active['high']:+.4f}])")
        # Only what buyers really did can show a version is better: on the bootstrap set (our guess of a
        # preference) a version always looks good, so it is never activated on that alone.
        recorded = bool(data["real"][test].all())
        better = recorded and bool(beats) and gain["groups"] >= MIN_HELD_OUT_GROUPS
        decision = (f"NDCG@10 on held-out {'recorded' if recorded else 'bootstrap'} outcomes {ndcg[0]:.4f} against "
                    f"the rule's {ndcg[1]:.4f} (gain {gain['mean']:+.4f}, 95% [{gain['low']:+.4f}, "
                    f"{gain['high']:+.4f}] over {gain['groups']} request groups){vs_active}: "
                    + ("activated" if better else "activated by force" if force else
                       "kept, not activated" + ("" if recorded else " (the bootstrap set alone cannot show a "
                                                 "version beats the rule; record outcomes)")))
        # the version to ship has learnt from every outcome
        shipped = fit(new_model(), *as_new_buyers_too(X, y, w, data["real"], np.ones(len(y), dtype=bool)))
        training = {"rows": int(len(y)), "held_out_rows": int(test.sum()), "positives": int(y.sum()),
                    "sources": data["sources"], "recorded_rows": data["recorded_rows"],
                    "bootstrap_weight": float(w[~data["real"]].sum()), "held_out": "recorded outcomes, latest "
                    "quarter by time" if recorded else "bootstrap set, latest quarter",
                    "time_range": [min(data["times"].tolist()), max(data["times"].tolist())],
                    "recorded_until": max(data["times"][data["real"]].tolist(), default=None)}
        saved = self.store.save(shipped, training, metrics, calibration=knots,
                                reference=[float(v) for v in np.median(X, axis=0)],
                                activate=better or force, decision=decision)
        if better or force:
            self._rank_again()
        return saved

    def _rank_again(self) -> None:
        """Another model is active: the stored top-10 cutoffs are ranked again in the background."""
        if self.queue is None:
            return
        try:
            self.queue.refresh_cutoffs()
        except Exception as err:    # noqa: BLE001 (the queue is down: the periodic catch-up ranks them)
            log.warning("cannot queue the ranking of top-10 cutoffs: %s", err)

    def _active_scorer(self) -> Scorer | None:
        """The active learned version, if it can score today's features."""
        if self.store.current_version() is None:
            return None
        try:
            active = self.store.active()
            return active if active.model is not None else None
        except UntrustedModel:
            return None

    def evaluate(self, version: str | None = None, use_bootstrap: bool = True) -> dict:
        """Metrics of a model, the rule-based baseline and random order on the held-out (latest) groups."""
        version = version or self.store.current_version()
        if version is None:
            raise NotFound("no trained model; run `matchmaker model train`")
        scorer = self.store.load(version)
        data = self.dataset(use_bootstrap)
        _, test = self.held_out(data)
        return {"version": version, **evaluate_scores(data, test, scorer.scores(data["X"][test]))}

    def model_info(self) -> dict:
        current = self.store.current_version()
        versions = self.store.versions()
        active = next((m for m in versions if m["version"] == current), None)
        return {"active": current or BASELINE_VERSION, "model": active, "versions": versions}

    def rollback(self) -> dict:
        try:
            self.store.rollback()
        except KeyError as err:
            raise InvalidInput(str(err.args[0]), {"version": [str(err.args[0])]}) from err
        self._rank_again()
        return self.model_info()

    def activate(self, version: str) -> dict:
        try:
            self.store.activate(version)
        except KeyError as err:
            raise NotFound(f"no model version '{version}'") from err
        self._rank_again()
        return self.model_info()


def as_new_buyers_too(X: np.ndarray, y: np.ndarray, w: np.ndarray, recorded: np.ndarray, rows: np.ndarray):
    """Training rows (``rows``) plus, for each recorded one, a copy as a buyer without history would
    present it, the two halving its weight: the model must rank for buyers it has never seen as well
    as for those whose answers it knows, and would otherwise meet "no history" only in first contacts."""
    copies = without_history(X[recorded])
    weights = np.where(recorded, 0.5, 1.0) * w
    return (np.vstack([X[rows], copies]), np.concatenate([y[rows], y[recorded]]),
            np.concatenate([weights[rows], weights[recorded]]))


def evaluate_scores(data: dict, test: np.ndarray, model_scores: np.ndarray) -> dict:
    """Model, rule and random order on the held-out rows (unweighted: what buyers did)."""
    groups, y, X = data["groups"][test], data["y"][test], data["X"][test]
    rng = np.random.default_rng(0)
    return {"model": ranking_metrics(groups, y, model_scores),
            "rule_based_baseline": ranking_metrics(groups, y, baseline_scores(X)),
            "random_order": ranking_metrics(groups, y, rng.random(len(y)))}
