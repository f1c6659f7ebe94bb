"""The supplier scorer: a transparent rule-based baseline and a learned scikit-learn Pipeline,
versioned on disk in skops format (loading never unpickles arbitrary objects)."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .features import FEATURES

BASELINE_VERSION = "rule-based-baseline"
BASELINE_WEIGHTS = {"capability_coverage": 0.3, "mandatory_coverage": 0.3, "preferred_coverage": 0.1,
                    "proximity": 0.1, "capacity_fit": 0.1, "text_similarity": 0.1}

# The only types a model file may contain; anything else is refused before loading.
TRUSTED_TYPES = {
    "sklearn.pipeline.Pipeline", "sklearn.preprocessing._data.StandardScaler",
    "sklearn.linear_model._logistic.LogisticRegression", "numpy.ndarray", "numpy.dtype", "numpy.float64",
    "numpy.int64", "builtins.tuple", "builtins.list", "builtins.dict", "builtins.str", "builtins.int",
    "builtins.float", "builtins.bool", "builtins.NoneType", "numpy.core.multiarray._reconstruct",
}


class UntrustedModel(Exception):
    """A model file holds types outside the allow-list."""


def baseline_scores(X: np.ndarray) -> np.ndarray:
    """The transparent rule: a weighted sum of coverage, proximity and capacity, in [0, 1]."""
    weights = np.array([BASELINE_WEIGHTS.get(name, 0.0) for name in FEATURES])
    return np.clip(X @ weights, 0.0, 1.0)


def new_pipeline() -> Pipeline:
    return Pipeline([("scale", StandardScaler()),
                     ("classify", LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced"))])


def contributions(pipeline: Pipeline, X: np.ndarray) -> np.ndarray:
    """Each feature's additive part of the log-odds, relative to an average pair."""
    scaled = pipeline.named_steps["scale"].transform(X)
    return scaled * pipeline.named_steps["classify"].coef_[0]


@dataclass
class Scorer:
    """A scorer ready to use: the learned pipeline, or the baseline when ``pipeline`` is None."""

    version: str
    pipeline: Pipeline | None = None
    meta: dict | None = None

    def scores(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0)
        if self.pipeline is None:
            return baseline_scores(X)
        return self.pipeline.predict_proba(X)[:, 1]

    def contributions(self, X: np.ndarray) -> np.ndarray:
        if self.pipeline is None:
            weights = np.array([BASELINE_WEIGHTS.get(name, 0.0) for name in FEATURES])
            return (X - 0.5) * weights
        return contributions(self.pipeline, X)


BASELINE = Scorer(BASELINE_VERSION)


class ModelStore:
    """Model versions in a folder: vNNNN.skops + vNNNN.json, and CURRENT naming the active one."""

    _NAME = re.compile(r"^v(\d{4})\.skops$")

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._cache: tuple[str, Scorer] | None = None

    def versions(self) -> list[dict]:
        if not self.folder.exists():
            return []
        metas = []
        for path in sorted(self.folder.glob("v*.json")):
            metas.append(json.loads(path.read_text()))
        return metas

    def current_version(self) -> str | None:
        try:
            return (self.folder / "CURRENT").read_text().strip() or None
        except OSError:
            return None

    def save(self, pipeline: Pipeline, training: dict, metrics: dict) -> dict:
        import skops.io as sio
        self.folder.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in self.folder.glob("v*.skops") if (m := self._NAME.match(p.name))]
        version = f"v{(max(numbers) + 1 if numbers else 1):04d}"
        meta = {"version": version, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "features": list(FEATURES), "sklearn_version": sklearn.__version__,
                "estimator": "StandardScaler + LogisticRegression", "training": training, "metrics": metrics}
        sio.dump(pipeline, self.folder / f"{version}.skops")
        (self.folder / f"{version}.json").write_text(json.dumps(meta, indent=2))
        self.activate(version)
        return meta

    def activate(self, version: str) -> None:
        if not (self.folder / f"{version}.skops").exists():
            raise KeyError(version)
        tmp = self.folder / "CURRENT.tmp"
        tmp.write_text(version)
        tmp.replace(self.folder / "CURRENT")  # atomic: other workers see the old or the new name

    def rollback(self) -> str:
        """Activate the version before the current one; returns it."""
        versions = [m["version"] for m in self.versions()]
        current = self.current_version()
        if current not in versions or versions.index(current) == 0:
            raise KeyError("no earlier version to roll back to")
        previous = versions[versions.index(current) - 1]
        self.activate(previous)
        return previous

    def load(self, version: str) -> Scorer:
        import skops.io as sio
        path = self.folder / f"{version}.skops"
        untrusted = set(sio.get_untrusted_types(file=path))
        refused = untrusted - TRUSTED_TYPES
        if refused:
            raise UntrustedModel(f"{path.name} holds types outside the allow-list: {sorted(refused)}")
        pipeline = sio.load(path, trusted=sorted(untrusted))
        meta = json.loads((self.folder / f"{version}.json").read_text())
        if meta.get("features") != list(FEATURES):
            raise UntrustedModel(f"{version} was trained on other features: {meta.get('features')}")
        return Scorer(version, pipeline, meta)

    def active(self) -> Scorer:
        """The active scorer (cached until CURRENT changes), or the baseline when none is trained."""
        version = self.current_version()
        if version is None:
            return BASELINE
        if self._cache is None or self._cache[0] != version:
            self._cache = (version, self.load(version))
        return self._cache[1]
