"""The instance generator and the untuned reference: seeded, split, feasible or infeasible for certain."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scheduling.dzn import read_dzn
from scheduling.generator import (FAMILIES, HELD_OUT_SEEDS, INFEASIBLE_KINDS, TRAINING_SEEDS, evident_infeasibility,
                                  generate, held_out_set, to_dzn, training_set, write_set)
from scheduling.model import breaks_of
from scheduling.reference import solve_reference
from scheduling.validator import participant_slots, validate

ROOT = Path(__file__).resolve().parents[1]


def test_same_seed_same_instance():
    for seed in (TRAINING_SEEDS[0], TRAINING_SEEDS[5], HELD_OUT_SEEDS[7]):
        assert generate(seed) == generate(seed)
        assert generate(seed).dzn() == generate(seed).dzn()
    assert generate(TRAINING_SEEDS[0]).dzn() != generate(TRAINING_SEEDS[12]).dzn()


def test_same_seed_same_instance_in_another_process():
    """No dependence on string hashing (set order) across interpreter runs."""
    code = ("import hashlib; from scheduling.generator import training_set; "
            "print(hashlib.sha256(''.join(i.dzn() for i in training_set(12)).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(h)}).stdout for h in (1, 2)}
    assert len(digests) == 1


def test_training_and_held_out_are_disjoint_and_hold_every_family():
    assert not set(TRAINING_SEEDS) & set(HELD_OUT_SEEDS)
    training, held_out = training_set(12), held_out_set(12)
    assert not {i.name for i in training} & {i.name for i in held_out}
    for split in (training, held_out):
        assert {i.family.split("-")[0] for i in split} == set(FAMILIES)


def test_planted_schedules_validate_and_infeasible_ones_say_why():
    instances = training_set(36)
    assert {i.feasible for i in instances} >= {True, False}
    for inst in instances:
        if inst.feasible:
            assert validate(inst.event, inst.planted) == []
            busy = participant_slots(inst.event, inst.planted)
            assert inst.planted_breaks == sum(breaks_of(s) for s in busy.values())
        else:
            assert inst.planted is None
        if inst.feasible is False:
            assert inst.why and inst.family.startswith("infeasible-")


def test_sizes_span_the_published_instances():
    events = [i.event for i in training_set(48)]
    participants = [len(e.participants) for e in events]
    meetings = [len(e.meetings) for e in events]
    slots = [e.n_slots for e in events]
    assert min(participants) <= 42 and max(participants) >= 70
    assert min(meetings) <= 125 and max(meetings) >= 237
    assert min(slots) <= 8 and max(slots) >= 21
    assert any(len(e.session_ends) == 2 for e in events) and any(len(e.session_ends) == 1 for e in events)


def test_dzn_round_trip(tmp_path):
    for inst in training_set(12):
        path = tmp_path / f"{inst.name}.dzn"
        path.write_text(to_dzn(inst.event))
        again = read_dzn(path)
        assert again == inst.event, inst.name
        if inst.planted:
            assert validate(again, inst.planted) == []
    write_set(training_set(2), tmp_path / "set")
    assert len(list((tmp_path / "set").glob("*.dzn"))) == 2 and (tmp_path / "set" / "manifest.json").exists()


def _tiny(kind):
    for seed in range(100):
        try:
            return generate(seed, family=f"infeasible-{kind}", style="tiny")
        except ValueError:
            continue
    raise AssertionError(f"no tiny instance of {kind}")


@pytest.mark.parametrize("kind", INFEASIBLE_KINDS)
def test_reference_says_infeasible_on_tiny_infeasible_ones(kind):
    inst = _tiny(kind)
    assert inst.feasible is False and inst.family == f"infeasible-{kind}"
    assert solve_reference(inst.event, time_limit=5, workers=1).status == "infeasible"


def test_reference_finds_a_valid_schedule_on_a_small_instance():
    inst = generate(3, family="original", style="tiny")
    result = solve_reference(inst.event, time_limit=5, workers=1)
    assert result.status in ("optimal", "feasible") and validate(inst.event, result.schedule) == []
    assert result.breaks_bound <= result.breaks <= inst.planted_breaks


def test_evident_infeasibility_by_counting():
    assert evident_infeasibility(_tiny("overbooked").event)
    assert evident_infeasibility(_tiny("fairness").event) is None      # the subtle kind: counting misses it
    assert evident_infeasibility(generate(3, family="original", style="tiny").event) is None
