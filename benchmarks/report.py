"""Every benchmark ends the same way: its figures printed, and kept in benchmarks/results/NAME.json."""
from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def publish(name: str, figures: dict, saved: dict | None = None) -> None:
    """Print ``figures``; write ``saved`` (default: the figures) to results/``name``.json."""
    print(json.dumps(figures, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(saved if saved is not None else figures, indent=2))
