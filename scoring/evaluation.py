"""Ranking metrics over groups of (request, candidates): NDCG@10, MAP, ROC AUC."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, ndcg_score, roc_auc_score


def ranking_metrics(groups: np.ndarray, y: np.ndarray, scores: np.ndarray, k: int = 10) -> dict:
    """Mean NDCG@k and MAP over groups with at least one positive and two candidates; AUC over all pairs."""
    ndcgs, aps = [], []
    for group in np.unique(groups):
        mask = groups == group
        labels, s = y[mask], scores[mask]
        if mask.sum() < 2 or labels.sum() == 0:
            continue
        ndcgs.append(ndcg_score(labels[None, :], s[None, :], k=k))
        aps.append(average_precision_score(labels, s))
    auc = roc_auc_score(y, scores) if 0 < y.sum() < len(y) else float("nan")
    return {"ndcg@10": float(np.mean(ndcgs)) if ndcgs else float("nan"),
            "map": float(np.mean(aps)) if aps else float("nan"),
            "roc_auc": float(auc), "groups": len(ndcgs), "pairs": int(len(y))}


def time_split(times: np.ndarray, groups: np.ndarray, test_share: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """Train on the earlier groups, test on the latest ``test_share`` of them (whole groups, by time)."""
    order = sorted({(t, g) for t, g in zip(times, groups)})
    cut = int(round(len(order) * (1 - test_share)))
    test_groups = {g for _, g in order[cut:]}
    test = np.array([g in test_groups for g in groups])
    return ~test, test


def paired_ndcg_gain(groups: np.ndarray, y: np.ndarray, new: np.ndarray, old: np.ndarray, k: int = 10,
                     resamples: int = 2000, seed: int = 0) -> dict:
    """Mean NDCG@k of ``new`` minus ``old`` over the groups both can be judged on (two candidates or more,
    one positive at least), with a paired bootstrap 95% interval over those groups."""
    diffs = []
    for group in np.unique(groups):
        mask = groups == group
        labels = y[mask]
        if mask.sum() < 2 or labels.sum() == 0:
            continue
        diffs.append(ndcg_score(labels[None, :], new[mask][None, :], k=k)
                     - ndcg_score(labels[None, :], old[mask][None, :], k=k))
    if not diffs:
        return {"mean": float("nan"), "low": float("nan"), "high": float("nan"), "groups": 0}
    diffs = np.array(diffs)
    rng = np.random.default_rng(seed)
    means = diffs[rng.integers(0, len(diffs), size=(resamples, len(diffs)))].mean(axis=1)
    return {"mean": float(diffs.mean()), "low": float(np.quantile(means, 0.025)),
            "high": float(np.quantile(means, 0.975)), "groups": len(diffs)}
