"""The supplier scorer: a transparent rule-based baseline and a learned scikit-learn model (monotone
gradient-boosted trees with isotonic calibration), versioned on disk in skops format (loading never
unpickles arbitrary objects)."""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from threadpoolctl import ThreadpoolController

from .features import CATEGORICAL, FEATURES, MONOTONE, RULE_WEIGHTS, rule_scores
from .trees import CompiledTrees

BASELINE_VERSION = "rule-based-baseline"
BASELINE_WEIGHTS = RULE_WEIGHTS
ESTIMATOR = "HistGradientBoostingClassifier (monotone where the need says so) + isotonic calibration"

# The only types a model file may contain; anything else is refused before loading.
TRUSTED_TYPES = {
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn._loss.loss.HalfBinomialLoss", "sklearn._loss.link.LogitLink", "sklearn._loss.link.Interval",
    "sklearn.preprocessing._label.LabelEncoder",
    "numpy.ndarray", "numpy.dtype", "numpy.float64", "numpy.int64", "numpy.random.mtrand.RandomState",
    "builtins.tuple", "builtins.list", "builtins.dict", "builtins.str", "builtins.int", "builtins.float",
    "builtins.bool", "builtins.NoneType", "builtins.slice", "numpy.core.multiarray._reconstruct",
    # the categorical features' encoder validates its input with sklearn's own check_array (a partial of it)
    "functools.partial", "sklearn.utils.validation.check_array",
}


class UntrustedModel(Exception):
    """A model file holds types outside the allow-list."""


def baseline_scores(X: np.ndarray) -> np.ndarray:
    """The transparent rule: a weighted sum of coverage, proximity and capacity, in [0, 1]."""
    return rule_scores(X)


def new_model() -> HistGradientBoostingClassifier:
    """Gradient-boosted trees: they learn how buyers differ (interactions of buyer and supplier features,
    the buyer's country and sector split as categories) and are held to the directions of ``MONOTONE``
    (more coverage never hurts, a missing mandatory standard never helps)."""
    return HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=30, l2_regularization=1.0,
        monotonic_cst=[MONOTONE.get(name, 0) for name in FEATURES],
        categorical_features=[name in CATEGORICAL for name in FEATURES], early_stopping=False, random_state=0)


# Below this many rows the trees are evaluated by scoring.trees in numpy, from it on by scikit-learn's loop over
# its trees on rows scoring.trees encodes; both bit for bit predict_proba's answer, which costs ~2 ms more a call
# in its preprocessing. Measured on the scale model (200 trees, depth 11): 64 rows 2.8 / 3.1 ms, 100 rows 4.0 /
# 2.0 ms (numpy / the loop; benchmarks/README.md).
_COMPILED_BELOW = 80
_CONTROLLERS: dict[int, ThreadpoolController] = {}


def _one_thread():
    """One OpenMP thread for the trees: its threads fight the web workers and each other, and one is faster
    here. The controller is made once per process (finding the loaded libraries took ~6 ms a call)."""
    controller = _CONTROLLERS.get(os.getpid())
    if controller is None:
        controller = _CONTROLLERS[os.getpid()] = ThreadpoolController()
    return controller.limit(limits=1)


def fit(model, X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None):
    with _one_thread():
        return model.fit(X, y, sample_weight=weights)


def raw_scores(model, X: np.ndarray) -> np.ndarray:
    with _one_thread():
        return model.predict_proba(X)[:, 1]


def calibration(raw: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> dict:
    """Isotonic map from raw scores to observed rates on held-out outcomes, as knots: "0.82" then means
    about 82 of 100 such contacts went well."""
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    iso.fit(raw, y, sample_weight=weights)
    return {"x": [float(v) for v in iso.X_thresholds_], "y": [float(v) for v in iso.y_thresholds_]}


@dataclass
class Scorer:
    """A scorer ready to use: the learned model, or the baseline when ``model`` is None."""

    version: str
    model: HistGradientBoostingClassifier | None = None
    meta: dict | None = None
    _trees: CompiledTrees | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def calibrated(self) -> bool:
        """Whether a score is a rate: about that share of such contacts went well (the rule's is not)."""
        return self.model is not None and len(((self.meta or {}).get("calibration") or {}).get("x") or []) >= 2

    def scores(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0)
        if self.model is None:
            return baseline_scores(X)
        trees = self._compiled()
        return self._calibrated(trees.proba(X) if len(X) < _COMPILED_BELOW else trees.proba_by_predictors(X))

    def _compiled(self) -> CompiledTrees:
        if self._trees is None:
            self._trees = CompiledTrees(self.model)
        return self._trees

    def _calibrated(self, raw: np.ndarray) -> np.ndarray:
        knots = (self.meta or {}).get("calibration")
        if not knots or len(knots["x"]) < 2:
            return raw
        # ties broken by the raw score, so that equal calibrated steps keep the model's order
        return np.interp(raw, knots["x"], knots["y"]) + 1e-6 * raw

    def contributions(self, X: np.ndarray, scores: np.ndarray | None = None) -> np.ndarray:
        """How much each feature moves each score: the score minus the score with that feature set to its
        typical value (from the training data). True of the model that scored, whatever its kind.
        ``scores``: the rows' own scores when the caller has them (one pass of the trees fewer)."""
        if self.model is None:
            weights = np.array([BASELINE_WEIGHTS.get(name, 0.0) for name in FEATURES])
            return (X - 0.5) * weights
        reference = np.array((self.meta or {}).get("reference") or np.median(X, axis=0))
        base = self.scores(X) if scores is None else scores
        # a feature already at its typical value moves nothing: only the others' rows are scored
        rows, columns = np.nonzero(X != reference)
        swapped = X[rows]
        swapped[np.arange(len(rows)), columns] = reference[columns]
        out = np.zeros(X.shape)
        out[rows, columns] = base[rows] - self.scores(swapped)
        return out


BASELINE = Scorer(BASELINE_VERSION)


class ScoreMemo:
    """A scorer's scores over calls that share rows (one SME against the same requests, as it is and with an
    item closed): a row that falls in the same cell of every split (``CompiledTrees.cells``) as a row scored
    before takes its score, bit for bit the one it would get. A readiness report's ~11,000 rows at Hanoi
    scale are ~6,000 cells. Lives for one unit of work (its memory grows with the rows it sees)."""

    def __init__(self, scorer: Scorer):
        self.scorer = scorer
        self._known: dict[bytes, float] = {}

    def scores(self, X: np.ndarray) -> np.ndarray:
        scorer = self.scorer
        if len(X) == 0 or scorer.model is None:
            return scorer.scores(X)
        X = np.asarray(X, dtype=np.float64)
        trees = scorer._compiled()
        cells = np.ascontiguousarray(trees.cells(trees._encoded(X)))
        width = cells.shape[1] * cells.itemsize
        flat = cells.tobytes()
        keys = [flat[i:i + width] for i in range(0, len(flat), width)]
        new: dict[bytes, int] = {}
        for k, key in enumerate(keys):
            if key not in self._known and key not in new:
                new[key] = k
        if new:
            self._known.update(zip(new, scorer.scores(X[list(new.values())]).tolist()))
        known = self._known
        return np.array([known[key] for key in keys], dtype=float)


class ModelStore:
    """Model versions in a folder: vNNNN.skops + vNNNN.json, and CURRENT naming the active one."""

    _NAME = re.compile(r"^v(\d{4})\.skops$")

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._cache: tuple[tuple, Scorer] | None = None

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

    def save(self, model, training: dict, metrics: dict, calibration: dict | None = None,
             reference: list[float] | None = None, activate: bool = True, decision: str | None = None) -> dict:
        """A new version on disk with its report; activated when ``activate``."""
        import skops.io as sio
        self.folder.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in self.folder.glob("v*.skops") if (m := self._NAME.match(p.name))]
        version = f"v{(max(numbers) + 1 if numbers else 1):04d}"
        meta = {"version": version, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "features": list(FEATURES), "sklearn_version": sklearn.__version__, "estimator": ESTIMATOR,
                "training": training, "metrics": metrics, "calibration": calibration, "reference": reference,
                "activated": activate, "decision": decision}
        sio.dump(model, self.folder / f"{version}.skops")
        (self.folder / f"{version}.json").write_text(json.dumps(meta, indent=2))
        if activate:
            self.activate(version)
        return meta

    def activate(self, version: str) -> None:
        if not (self.folder / f"{version}.skops").exists():
            raise KeyError(version)
        tmp = self.folder / "CURRENT.tmp"
        tmp.write_text(version)
        tmp.replace(self.folder / "CURRENT")  # atomic: other workers see the old or the new name

    def rollback(self) -> str:
        """Activate the version before the current one (of those that were once activated); returns it."""
        versions = [m["version"] for m in self.versions() if m.get("activated", True)]
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
        meta = json.loads((self.folder / f"{version}.json").read_text())
        if meta.get("features") != list(FEATURES):
            raise UntrustedModel(f"{version} was trained on other features: {meta.get('features')}")
        return Scorer(version, sio.load(path, trusted=sorted(untrusted)), meta)

    def active(self) -> Scorer:
        """The active scorer (cached until CURRENT changes), or the baseline when none is trained. A version
        trained on other features (before an upgrade) cannot score today's: the baseline ranks, and the
        log says to train again, rather than every search failing."""
        version = self.current_version()
        if version is None:
            return BASELINE
        # a version is known by its name and when its file was written (a folder restored or rebuilt may
        # hold another v0001)
        try:
            stamp = (version, (self.folder / f"{version}.skops").stat().st_mtime_ns)
        except OSError:
            stamp = (version, None)
        if self._cache is None or self._cache[0] != stamp:
            meta_path = self.folder / f"{version}.json"
            meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
            if meta.get("features") not in (None, list(FEATURES)):
                logging.getLogger(__name__).warning(
                    "model %s was trained on other features; the rule-based baseline ranks until "
                    "`matchmaker model train` makes a new version", version)
                self._cache = (stamp, BASELINE)
            else:
                self._cache = (stamp, self.load(version))
        return self._cache[1]
