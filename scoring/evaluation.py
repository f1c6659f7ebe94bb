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
