"""A proven upper bound on the value of meetings an event can hold, by min-cost flow.

When every request joins two sides (buyers and suppliers: a bipartite request graph), dropping the slot
structure leaves a b-matching: each participant meets at most min(max meetings, free slots) times, and
no more meetings than slots x tables are held. Its optimum, a min-cost flow, bounds every schedule.
"""
from __future__ import annotations

from collections import defaultdict

from ortools.graph.python import min_cost_flow

from .model import Event


def two_sides(event: Event) -> dict[str, int] | None:
    """Side 0 or 1 of each participant when the request graph is bipartite, else None."""
    neighbours = defaultdict(set)
    for m in event.meetings:
        neighbours[m.a].add(m.b)
        neighbours[m.b].add(m.a)
    side: dict[str, int] = {}
    for start in neighbours:
        if start in side:
            continue
        side[start] = 0
        stack = [start]
        while stack:
            node = stack.pop()
            for other in neighbours[node]:
                if other not in side:
                    side[other] = 1 - side[node]
                    stack.append(other)
                elif side[other] == side[node]:
                    return None
    return side


def value_upper_bound(event: Event) -> tuple[int, set[str]] | None:
    """(bound, the meetings of one flow reaching it), or None when the request graph is not bipartite."""
    side = two_sides(event)
    if side is None or not event.meetings:
        return None
    people = event.participant_index
    index = {who: k + 2 for k, who in enumerate(sorted(side))}   # 0 source, 1 sink
    flow = min_cost_flow.SimpleMinCostFlow()
    total = event.n_slots * event.n_tables
    hub = len(index) + 2
    flow.add_arc_with_capacity_and_unit_cost(0, hub, total, 0)
    for who, k in index.items():
        p = people[who]
        capacity = event.n_slots - len(p.forbidden)
        if p.max_meetings is not None:
            capacity = min(capacity, p.max_meetings)
        if side[who] == 0:
            flow.add_arc_with_capacity_and_unit_cost(hub, k, capacity, 0)
        else:
            flow.add_arc_with_capacity_and_unit_cost(k, 1, capacity, 0)
    arcs = {}
    for m in event.meetings:
        a, b = (m.a, m.b) if side[m.a] == 0 else (m.b, m.a)
        if event.allowed_slots(m):
            arcs[flow.add_arc_with_capacity_and_unit_cost(index[a], index[b], 1, -m.weight)] = m.id
    # Let flow bypass unprofitable arcs: the source may send less than its capacity.
    flow.add_arc_with_capacity_and_unit_cost(hub, 1, total, 0)
    flow.set_node_supply(0, total)
    flow.set_node_supply(1, -total)
    if flow.solve() != flow.OPTIMAL:
        return None
    chosen = {meeting for arc, meeting in arcs.items() if flow.flow(arc) > 0}
    return -flow.optimal_cost(), chosen
