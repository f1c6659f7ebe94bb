"""The learned model's trees evaluated all at once with numpy: the same probabilities as scikit-learn's
``HistGradientBoostingClassifier.predict_proba`` (bit for bit: the same comparisons, the trees added in
the same order), without its cost of a few milliseconds a call (a Python call per tree), which a search
or a readiness view pays two or three times.

The rules are those of scikit-learn's ``_predictor.pyx``: a missing value goes the node's missing side;
a category goes left when in the node's left set, right when a category seen in training, else the
missing side (as a negative one does); a number goes left when at most the threshold.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

_CATEGORIES = 256     # the trees' categories are 0..255 (scikit-learn's binned values)


def _bits(bitset_row: np.ndarray) -> np.ndarray:
    """A scikit-learn bitset (8 x uint32) as 256 booleans."""
    words = np.asarray(bitset_row, dtype=np.uint32)
    return ((words[np.arange(_CATEGORIES) // 32] >> (np.arange(_CATEGORIES) % 32).astype(np.uint32)) & 1).astype(bool)


class CompiledTrees:
    """A fitted binary ``HistGradientBoostingClassifier`` as flat node arrays."""

    def __init__(self, model):
        if getattr(model, "n_trees_per_iteration_", 1) != 1:
            raise ValueError("only binary classifiers are compiled")
        known, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        parts, roots, offset = [], [], 0
        cat_nodes, cat_sets = [], []     # categorical split nodes (global index) and their left categories
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            roots.append(offset)
            parts.append((nodes, offset))
            for i in np.flatnonzero(nodes["is_categorical"].astype(bool) & ~nodes["is_leaf"].astype(bool)):
                cat_nodes.append(offset + int(i))
                cat_sets.append(_bits(predictor.raw_left_cat_bitsets[nodes[i]["bitset_idx"]]))
            offset += len(nodes)
        allnodes = np.concatenate([nodes for nodes, _ in parts])
        shift = np.concatenate([np.full(len(nodes), off) for nodes, off in parts])
        leaf = allnodes["is_leaf"].astype(bool)
        self.roots = np.array(roots, dtype=np.intp)
        self.feature = allnodes["feature_idx"].astype(np.intp)
        self.threshold = allnodes["num_threshold"].astype(np.float64)
        self.left = np.where(leaf, np.arange(offset), allnodes["left"].astype(np.intp) + shift)
        self.right = np.where(leaf, np.arange(offset), allnodes["right"].astype(np.intp) + shift)
        self.leaf = leaf
        self.value = allnodes["value"].astype(np.float64)
        self.missing_left = allnodes["missing_go_to_left"].astype(bool)
        self.categorical = allnodes["is_categorical"].astype(bool) & ~leaf
        self.cat_row = np.full(offset, -1, dtype=np.intp)
        self.cat_row[cat_nodes] = np.arange(len(cat_nodes))
        self.left_cats = np.array(cat_sets) if cat_sets else np.zeros((1, _CATEGORIES), dtype=bool)
        n_features = int(model.n_features_in_)
        # per feature: the categories seen in training (f_idx_map gives each feature its row of ``known``)
        self.known_cats = (np.array([_bits(known[row]) for row in f_idx_map]) if known is not None and len(known)
                           else np.zeros((n_features, _CATEGORIES), dtype=bool))
        self.baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
        self._model = model
        self.depth = int(allnodes["depth"].max()) + 1
        # scikit-learn's own preprocessing of plain arrays: the categorical columns first, each category as
        # its position among those seen in training (an unseen one, or none, as missing), then the rest
        self.columns = np.arange(n_features)
        self.categories: list[np.ndarray] = []
        preprocessor = getattr(model, "_preprocessor", None)
        if preprocessor is not None:
            (_, encoder, is_cat), (_, _, is_num) = preprocessor.transformers_[:2]
            self.columns = np.concatenate([np.flatnonzero(is_cat), np.flatnonzero(is_num)])
            self.categories = [np.asarray(c, dtype=np.float64) for c in encoder.categories_]
        # per encoded column: the thresholds its numeric splits compare with, in order (``cells``)
        numeric = ~leaf & ~self.categorical
        self.cuts = [np.unique(self.threshold[numeric & (self.feature == j)]) for j in range(n_features)]
        self.exact = set(range(len(self.categories))) | set(self.feature[self.categorical].tolist())

    def _encoded(self, X: np.ndarray) -> np.ndarray:
        out = X[:, self.columns]
        for j, categories in enumerate(self.categories):
            v = out[:, j]
            at = np.minimum(np.searchsorted(categories, v), len(categories) - 1)
            out[:, j] = np.where(categories[at] == v, at, np.nan)
        return out

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The summed leaf values (the log-odds) of each row."""
        X = self._encoded(np.asarray(X, dtype=np.float64))
        n = len(X)
        rows = np.arange(n)[:, None]
        at = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        for _ in range(self.depth):
            if self.leaf[at].all():
                break
            value = X[rows, self.feature[at]]
            missing = np.isnan(value)
            left = np.where(missing, self.missing_left[at], value <= self.threshold[at])
            categorical = self.categorical[at] & ~missing
            if categorical.any():
                r, t = np.nonzero(categorical)
                node = at[r, t]
                v = value[r, t]
                code = v.astype(np.int64) & 0xFF           # as scikit-learn's cast to an unsigned byte
                in_left = self.left_cats[self.cat_row[node], code]
                known = self.known_cats[self.feature[node], code]
                left[r, t] = np.where(v < 0, self.missing_left[node],
                                      np.where(in_left, True, np.where(known, False, self.missing_left[node])))
            at = np.where(left, self.left[at], self.right[at])
        values = self.value[at]
        total = np.zeros(n)
        total += self.baseline
        for tree in range(values.shape[1]):     # in the trees' order, as scikit-learn adds them
            total += values[:, tree]
        return total

    def proba(self, X: np.ndarray) -> np.ndarray:
        """The probability of a good outcome for each row (``predict_proba(X)[:, 1]``)."""
        return expit(self.raw(X))

    def proba_by_predictors(self, X: np.ndarray) -> np.ndarray:
        """``predict_proba(X)[:, 1]`` by scikit-learn's own loop over its trees (the faster from ~100 rows), on
        rows encoded here: its preprocessing (a ColumnTransformer, checks, joblib) cost as much as the trees."""
        model = self._model
        raw = np.zeros((len(X), 1), dtype=model._baseline_prediction.dtype, order="F")
        raw += model._baseline_prediction
        model._predict_iterations(self._encoded(np.asarray(X, dtype=np.float64)), model._predictors, raw,
                                  is_binned=False, n_threads=1)
        return model._loss.predict_proba(raw)[:, 1]

    def cells(self, encoded: np.ndarray) -> np.ndarray:
        """Each encoded row as the cell of every split it falls in: a number by how many of its column's
        thresholds lie below it (``value <= threshold`` goes left; -1 when missing), a category by its value's
        bits. Rows of one cell take the same path through every tree, so the same score, bit for bit (each
        row's leaf values are added on their own, in the trees' order)."""
        cells = np.empty(encoded.shape, dtype=np.int64)
        for j in range(encoded.shape[1]):
            v = encoded[:, j]
            missing = np.isnan(v)
            if j in self.exact:
                cell = np.where(missing, np.nan, v).view(np.int64)     # one bit pattern for every missing value
            elif len(self.cuts[j]):
                cell = np.searchsorted(self.cuts[j], np.where(missing, 0.0, v), side="left")
                cell[missing] = -1
            else:
                cell = np.zeros(len(v), dtype=np.int64)
            cells[:, j] = cell
        return cells
