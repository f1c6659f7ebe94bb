"""Synthetic events at the scale of Hanoi's investment conferences."""
from __future__ import annotations

import random

from .model import Event, Meeting, Participant


def conference(n_participants: int = 1500, n_requests: int = 6000, n_slots: int = 16, n_tables: int = 200,
               seed: int = 5, buyer_share: float = 0.2, mutual_share: float = 0.25) -> Event:
    """Buyers (a fifth) and suppliers; requests mostly supplier->buyer with popular buyers drawing more;
    a quarter mutual (weight 3), others weight 1 or 2 by priority; a few forbidden slots; two sessions."""
    rng = random.Random(seed)
    n_buyers = int(n_participants * buyer_share)
    buyers = [f"B{i:04d}" for i in range(n_buyers)]
    suppliers = [f"S{i:04d}" for i in range(n_participants - n_buyers)]
    popularity = [rng.paretovariate(1.5) for _ in buyers]
    participants = []
    for who in buyers + suppliers:
        forbidden = frozenset(rng.sample(range(n_slots), rng.choice([0, 0, 0, 1, 2])))
        participants.append(Participant(who, forbidden=forbidden, max_meetings=n_slots - len(forbidden)))
    pairs, meetings = set(), []
    while len(meetings) < n_requests:
        buyer = rng.choices(buyers, popularity)[0]
        supplier = rng.choice(suppliers)
        if (buyer, supplier) in pairs:
            continue
        pairs.add((buyer, supplier))
        mutual = rng.random() < mutual_share
        weight = 3 if mutual else rng.choice([1, 2])
        meetings.append(Meeting(f"R{len(meetings):05d}", buyer, supplier, weight=weight))
    half = n_slots // 2
    return Event(n_slots=n_slots, session_ends=(half, n_slots), n_tables=n_tables,
                 participants=tuple(participants), meetings=tuple(meetings), fairness=None)
