"""Which items to close, in which order: doors (open requests) opened per month of effort.

Pure: the readiness service gives the doors (what keeps the SME out of each request in reach) and the
effort of each item; this finds the single items and short sequences ("close X, then Y") that open
the most doors per month, with the prerequisites an item needs put before it.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

Item = tuple[str, str]      # ("standard" | "capability", id)


@dataclass(frozen=True)
class Door:
    """One open request in reach that the SME cannot enter yet: the mandatory standards it lacks, and
    the needed capabilities when it holds none of them (any one of those lets it in)."""
    request: int
    standards: frozenset[str]
    capabilities: frozenset[str]

    def opened_by(self, closed: set[Item]) -> bool:
        return (all(("standard", s) in closed for s in self.standards)
                and (not self.capabilities or any(("capability", c) in closed for c in self.capabilities)))


# IAF MD 5:2019, Table QMS 1: auditor-days of an initial certification audit (stage 1 + 2) by effective
# staff, as (most staff, days). A site audit's cost grows with it; the catalogue's costs are quoted for
# 26-45 staff (4 days).
AUDIT_DAYS = ((5, 1.5), (10, 2), (15, 2.5), (25, 3), (45, 4), (65, 5), (85, 6), (125, 7), (175, 8), (275, 9),
              (425, 10), (625, 11), (875, 12), (1175, 13), (1550, 14), (2025, 15), (2675, 16), (3450, 17),
              (4350, 18), (5450, 19), (6800, 20), (8500, 21), (10700, 22))
QUOTED_AUDIT_DAYS = 4


def audit_days(staff: int) -> float:
    """Initial audit days for ``staff`` effective staff (IAF MD 5 QMS; beyond its table, its last step)."""
    for most, days in AUDIT_DAYS:
        if staff <= most:
            return days
    return AUDIT_DAYS[-1][1]


def cost_for_staff(cost_min: float, cost_max: float, staff: int | None) -> tuple[float, float, float | None]:
    """A cost quoted for 26-45 staff, for a firm of ``staff``: times its audit days over the quote's (the
    ratio of IAF MD 5's QMS table, applied to every site audit); the quote as it is, and no factor, when
    the staff is not known."""
    if not staff or staff <= 0:
        return cost_min, cost_max, None
    scale = audit_days(staff) / QUOTED_AUDIT_DAYS
    return round(cost_min * scale), round(cost_max * scale), scale


@dataclass(frozen=True)
class Effort:
    months_min: float
    months_max: float
    prerequisites: tuple[str, ...] = ()     # standards to hold first

    @property
    def months(self) -> float:
        return (self.months_min + self.months_max) / 2


@dataclass(frozen=True)
class Plan:
    steps: tuple[Item, ...]     # in the order to close them
    doors: tuple[int, ...]      # requests it opens
    months_min: float
    months_max: float

    @property
    def doors_per_month(self) -> float:
        return len(self.doors) / max((self.months_min + self.months_max) / 2, 0.5)


def doors_of(blocked: list[set[Item]]) -> list[Door]:
    """A door for each request the SME is kept out of (blocked[k]: what keeps it out of request k)."""
    split: dict[frozenset, tuple[frozenset, frozenset]] = {}     # many requests are kept out by the same items
    doors = []
    for k, b in enumerate(blocked):
        if b:
            key = frozenset(b)
            if key not in split:
                split[key] = (frozenset(i for t, i in b if t == "standard"),
                              frozenset(i for t, i in b if t == "capability"))
            doors.append(Door(k, *split[key]))
    return doors


def with_prerequisites(items: list[Item], effort: dict[Item, Effort], held: set[str]) -> list[Item] | None:
    """``items`` with every standard they presuppose and the SME lacks put before them (recursively);
    None when an item's effort is not known."""
    ordered: list[Item] = []

    def add(item: Item, path: tuple) -> bool:
        if item in ordered:
            return True
        if item in path or item not in effort:
            return False
        for before in effort[item].prerequisites:
            if before not in held and not add(("standard", before), path + (item,)):
                return False
        ordered.append(item)
        return True
    return ordered if all(add(item, ()) for item in items) else None


def plans(doors: list[Door], effort: dict[Item, Effort], held: set[str], max_items: int = 2,
          top: int = 5) -> list[Plan]:
    """The best plans of one or up to ``max_items`` chosen items (plus their prerequisites), by doors
    opened per month of effort (more doors, then fewer months, on a tie). Items are closed one after
    another, so their months add up; of two chosen items the one opening more doors per month alone
    comes first, unless the other is its prerequisite. Items are chosen together only when some door
    needs them together: otherwise the better of them alone opens more doors per month."""
    groups: dict[tuple, list[int]] = {}
    for d in doors:
        groups.setdefault((d.standards, d.capabilities), []).append(d.request)
    needs = [(Door(-1, s, c), requests) for (s, c), requests in groups.items()]
    together: set[tuple] = set()
    for door, _ in needs:
        items = sorted({("standard", s) for s in door.standards} | {("capability", c) for c in door.capabilities})
        for size in range(1, max_items + 1):
            together.update(combinations(items, size))
    alone: dict[Item, float] = {}
    found: dict[frozenset, Plan] = {}
    for chosen in sorted(together, key=lambda c: (len(c), c)):
        if any(item not in effort for item in chosen):
            continue
        chosen = sorted(chosen, key=lambda item: (-alone.get(item, 0.0), item))
        steps = with_prerequisites(chosen, effort, held)
        if steps is None or frozenset(steps) in found:
            continue
        closed = set(steps)
        opened = tuple(sorted(k for door, requests in needs if door.opened_by(closed) for k in requests))
        plan = Plan(tuple(steps), opened, sum(effort[s].months_min for s in steps),
                    sum(effort[s].months_max for s in steps))
        if len(chosen) == 1:
            alone[chosen[0]] = plan.doors_per_month
        if opened:
            found[frozenset(steps)] = plan
    ranked = sorted(found.values(), key=lambda p: (-p.doors_per_month, -len(p.doors), p.months_min + p.months_max,
                                                   p.steps))
    # A sequence is worth showing when it opens more doors than any plan of some of its steps (an item alone
    # with its prerequisites, or a shorter sequence): "HACCP, FSSC 22000, then BRCGS" opening what "HACCP, then
    # FSSC 22000" opens is months for nothing.
    useful = [p for p in ranked if len(p.doors) > max((len(q.doors) for steps, q in found.items()
                                                       if steps < frozenset(p.steps)), default=0)]
    return useful[:top]
