"""Training and evaluating the supplier scorer from recorded outcomes plus the bootstrap set."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np

from scoring.evaluation import ranking_metrics, time_split
from scoring.features import Hierarchy, feature_matrix
from scoring.model import BASELINE_VERSION, ModelStore, baseline_scores, new_pipeline

from ..errors import InvalidInput, NotFound
from ..repositories.matching import MatchRepository
from ..repositories.sourcing import SourcingRepository


class LearningService:
    def __init__(self, graph, store: ModelStore):
        self.graph = graph
        self.store = store
        self.matches = MatchRepository(graph)
        self.requests = SourcingRepository(graph)

    def recorded_dataset(self) -> dict | None:
        """Feature rows for every labelled outcome in the graph, features as they stood before it."""
        outcomes = self.requests.labelled_outcomes()
        if not outcomes:
            return None
        hierarchy = Hierarchy(self.matches.capability_tree())
        today = date.today()
        X_parts, y, groups, times = [], [], [], []
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
                [{"id": o["supplier"], "before": o["occurred_on"]} for o in rows], buyer_id,
                buyer.get("sectors", []), request.get("latitude"), request.get("longitude"), today)
            by_id = {i["id"]: i for i in inputs}
            kept = [o for o in rows if o["supplier"] in by_id]
            X_parts.append(feature_matrix(request, [by_id[o["supplier"]] for o in kept], hierarchy, today.year))
            y.extend(o["label"] for o in kept)
            # A group is one buyer context on one day: the candidates it saw side by side.
            groups.extend(f"{context}@{o['occurred_on']}" for o in kept)
            times.extend(o["occurred_on"] for o in kept)
        return {"X": np.vstack(X_parts), "y": np.array(y, dtype=int), "groups": np.array(groups),
                "times": np.array(times), "source": f"recorded outcomes ({len(outcomes)})"}

    def dataset(self, use_bootstrap: bool = True, bootstrap_requests: int = 400) -> dict:
        parts = []
        recorded = self.recorded_dataset()
        if recorded is not None:
            parts.append(recorded)
        if use_bootstrap:
            from seeds.bootstrap import bootstrap_dataset
            boot = bootstrap_dataset(n_requests=bootstrap_requests)
            boot["groups"] = np.array([f"bootstrap:{g}" for g in boot["groups"]])
            parts.append(boot)
        if not parts:
            raise InvalidInput("no labelled outcomes to learn from", {"bootstrap": ["enable it or record outcomes"]})
        return {"X": np.vstack([p["X"] for p in parts]), "y": np.concatenate([p["y"] for p in parts]),
                "groups": np.concatenate([p["groups"] for p in parts]),
                "times": np.concatenate([p["times"] for p in parts]), "sources": [p["source"] for p in parts],
                "recorded_rows": int(len(recorded["y"])) if recorded else 0}

    def train(self, use_bootstrap: bool = True) -> dict:
        """Fit on the earlier 75% of groups, evaluate on the latest 25%, save a new version and activate it."""
        data = self.dataset(use_bootstrap)
        if len(set(data["y"].tolist())) < 2:
            raise InvalidInput("outcomes must include positives and negatives", {"outcomes": ["one class only"]})
        train, test = time_split(data["times"], data["groups"])
        pipeline = new_pipeline().fit(data["X"][train], data["y"][train])
        metrics = evaluate_scores(data, test, pipeline.predict_proba(data["X"][test])[:, 1])
        training = {"rows": int(train.sum()), "test_rows": int(test.sum()), "positives": int(data["y"][train].sum()),
                    "sources": data["sources"], "recorded_rows": data["recorded_rows"],
                    "time_range": [min(data["times"].tolist()), max(data["times"].tolist())],
                    "test_from": min(data["times"][test].tolist()) if test.any() else None}
        return self.store.save(pipeline, training, metrics)

    def evaluate(self, version: str | None = None, use_bootstrap: bool = True) -> dict:
        """Metrics of a model, the rule-based baseline and random order on the held-out (latest) groups."""
        version = version or self.store.current_version()
        if version is None:
            raise NotFound("no trained model; run `matchmaker model train`")
        scorer = self.store.load(version)
        data = self.dataset(use_bootstrap)
        _, test = time_split(data["times"], data["groups"])
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
        return self.model_info()

    def activate(self, version: str) -> dict:
        try:
            self.store.activate(version)
        except KeyError as err:
            raise NotFound(f"no model version '{version}'") from err
        return self.model_info()


def evaluate_scores(data: dict, test: np.ndarray, model_scores: np.ndarray) -> dict:
    groups, y, X = data["groups"][test], data["y"][test], data["X"][test]
    rng = np.random.default_rng(0)
    return {"model": ranking_metrics(groups, y, model_scores),
            "rule_based_baseline": ranking_metrics(groups, y, baseline_scores(X)),
            "random_order": ranking_metrics(groups, y, rng.random(len(y)))}
