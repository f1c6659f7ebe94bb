"""New B2B meeting-scheduling instances of the same shape as the published ones (../shared/b2b), seeded.

Published range (the 13 base instances there): 42-70 participants, 125-237 meetings, 8-21 slots, 12-27
tables, 61-98% of the table-slots used; one session (tic, forumt) or a morning and an afternoon (forum);
variants with forbidden slots, 20/40% fixed meetings and precedences (about 0.2 and 0.4 per meeting,
always between two meetings of one participant); fairness d = 2. Generated here: 36-80 participants,
8-22 slots, about 90-330 meetings, tables from the planted schedule (tight: every table-slot nearly used).

How feasibility is known:
- ``feasible=True``: a schedule was planted first (each slot a matching of participants, a few tables),
  the requested meetings are the pairs it holds, and every extra (forbidden slots where the participant
  is idle, fixed meetings at their planted slot, precedences in planted order, sessions of the planted
  slot) keeps it valid; the validator checks the planted schedule against the event.
- ``feasible=False``: built infeasible on purpose from such an instance; ``why`` says what makes it so
  (a counting argument, a precedence chain that cannot fit, a participant whose free slots force more
  breaks than fairness allows, ...).
- ``feasible=None``: forbidden slots drawn at random as in the published forb variants; unknown.

Families cycle with the seed (``FAMILIES[seed % 12]``), so any 12 consecutive seeds hold each of them.

The split: ``training_set(n)`` and ``held_out_set(n)`` draw from disjoint seed ranges. Strategies, and
every constant in them, are chosen on the training set only; no tuning may look at the held-out set,
which is run for the report alone.

    .venv/bin/python -m scheduling.generator --set training --n 24 --out /tmp/b2b-training
"""
from __future__ import annotations

import argparse
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from .model import ANY_SESSION, Event, Meeting, Participant, Placement, Schedule, breaks_of
from .validator import participant_slots, validate

FAIRNESS = 2
FAMILIES = ("original", "forbidden", "fixed20", "prec15", "tight", "infeasible",
            "hard", "open", "fixed40", "prec25", "original", "infeasible")
INFEASIBLE_KINDS = ("overbooked", "partners_away", "tables", "fixed_clash", "precedence_chain",
                    "fairness", "precedence_cycle")
TRAINING_SEEDS = range(1_200, 11_200)
HELD_OUT_SEEDS = range(960_000, 970_000)   # never used to choose or tune anything


@dataclass(frozen=True)
class Shape:
    """The size of an event: participants, slots (the first ``morning`` are the morning session)."""

    style: str          # "tic" (one session, many participants busy all day), "forum" (two sessions), "tiny"
    participants: int
    slots: int
    morning: int        # = slots when there is one session
    full_share: float   # share of participants who ask for a meeting in every slot


@dataclass(frozen=True)
class Instance:
    """A generated event, what is known about its feasibility, and the planted schedule if any."""

    name: str
    seed: int
    family: str
    event: Event
    feasible: bool | None             # True: planted schedule valid; False: infeasible by construction
    planted: Schedule | None = None   # a valid schedule when feasible is True
    planted_breaks: int | None = None  # its total breaks: an upper bound of the optimum
    why: str = ""                     # for infeasible ones: why no schedule exists

    def dzn(self) -> str:
        return to_dzn(self.event)


# ---------------------------------------------------------------------------------------------- sizes

def draw_shape(rng: random.Random, style: str | None = None) -> Shape:
    style = style or ("forum" if rng.random() < 0.3 else "tic")
    if style == "tiny":
        slots = rng.randint(5, 8)
        return Shape("tiny", rng.randint(8, 12), slots, slots, 0.3)
    if style == "forum":
        slots = rng.randint(16, 22)
        return Shape("forum", rng.randint(50, 80), slots, round(slots * rng.uniform(0.55, 0.68)), 0.0)
    slots = rng.randint(8, 12)
    return Shape("tic", rng.randint(36, 72), slots, slots, rng.uniform(0.2, 0.5))


def _wishes(rng: random.Random, shape: Shape) -> list[int]:
    """How many meetings each participant asks for."""
    T = shape.slots
    out = []
    for _ in range(shape.participants):
        r = rng.random()
        if shape.style == "forum":
            top = min(T - 4, 15)
            if r < 0.08:
                out.append(rng.randint(8, top))
            else:
                out.append(rng.choices(range(1, top + 1), [math.exp(-k / 4.0) for k in range(1, top + 1)])[0])
        elif r < 0.04 and shape.style == "tic":
            out.append(0)
        elif r < 0.04 + shape.full_share:
            out.append(T)
        else:
            out.append(max(1, min(T, round(rng.triangular(1, T, T - 1)))))
    return out


# ------------------------------------------------------------------------------------------- planting

def _plant(rng: random.Random, shape: Shape, wish: list[int], cap: int | None) -> dict[tuple[int, int], int]:
    """A schedule first: slot by slot, a matching among the participants whose day is on, the most
    pressed first, at most ``cap`` meetings a slot, each pair once. Returns pair -> slot."""
    T, P = shape.slots, shape.participants
    start, end = [], []
    for w in wish:
        span = min(T, w + rng.choices((0, 1, 2), (0.6, 0.25, 0.15))[0])
        first = int(rng.triangular(0, T - span, 0)) if shape.style == "forum" else rng.randint(0, T - span)
        start.append(first)
        end.append(first + span)
    left = list(wish)
    slot_of: dict[tuple[int, int], int] = {}
    for t in range(T):
        active = [p for p in range(P) if start[p] <= t < end[p] and left[p] > 0]
        rng.shuffle(active)
        slack = {p: (end[p] - t) - left[p] for p in active}
        active.sort(key=lambda p: slack[p])
        matched: set[int] = set()
        for p in active:
            if cap is not None and len(matched) >= 2 * cap:
                break
            if p in matched:
                continue
            options = [q for q in active if q != p and q not in matched and (min(p, q), max(p, q)) not in slot_of]
            if not options:
                continue
            q = options[min(int(rng.expovariate(0.5)), len(options) - 1)]
            slot_of[(min(p, q), max(p, q))] = t
            matched |= {p, q}
            left[p] -= 1
            left[q] -= 1
    _make_fair(slot_of, P)
    return slot_of


def _per_slot(slot_of: dict[tuple[int, int], int]) -> dict[int, int]:
    count: dict[int, int] = defaultdict(int)
    for t in slot_of.values():
        count[t] += 1
    return count


def _make_fair(slot_of: dict[tuple[int, int], int], n: int) -> None:
    """Drop first or last meetings of the participants with most breaks until the planted schedule is
    fair (d = 2); dropping an end meeting never adds a break to its participant."""
    while True:
        busy: dict[int, list[int]] = {p: [] for p in range(n)}
        for (a, b), t in slot_of.items():
            busy[a].append(t)
            busy[b].append(t)
        breaks = {p: breaks_of(s) for p, s in busy.items()}
        if max(breaks.values()) - min(breaks.values()) <= FAIRNESS:
            return
        worst = max(sorted(breaks), key=lambda p: breaks[p])
        ends = (min(busy[worst]), max(busy[worst]))

        def after(pair):
            trial = dict(slot_of)
            del trial[pair]
            return sum(breaks_of([t for (a, b), t in trial.items() if w in (a, b)]) for w in pair)
        pairs = sorted(pair for pair, t in slot_of.items() if worst in pair and t in ends)
        del slot_of[min(pairs, key=after)]


def _build(rng: random.Random, shape: Shape, slot_of: dict[tuple[int, int], int], tables: int,
           session_share: tuple[float, float]) -> tuple[Event, Schedule]:
    """The event the planted schedule answers: shuffled participant numbers, meetings sorted as in the
    published files, sessions taken from the planted slots (a share of them only)."""
    P, T = shape.participants, shape.slots
    number = list(range(1, P + 1))
    rng.shuffle(number)
    rows = []
    for (a, b), t in sorted(slot_of.items()):
        x, y = (number[a], number[b]) if rng.random() < 0.5 else (number[b], number[a])
        session = ANY_SESSION
        if shape.morning < T:
            morning = t < shape.morning
            if rng.random() < (session_share[0] if morning else session_share[1]):
                session = 1 if morning else 2
        rows.append((x, y, session, t))
    rows.sort()
    meetings = tuple(Meeting(str(i), str(x), str(y), session=s, required=True)
                     for i, (x, y, s, _) in enumerate(rows, start=1))
    per_slot: dict[int, int] = defaultdict(int)
    placements = []
    for i, (_, _, _, t) in enumerate(rows, start=1):
        placements.append(Placement(str(i), t, per_slot[t]))
        per_slot[t] += 1
    sessions = (shape.morning, T) if shape.morning < T else (T,)
    event = Event(n_slots=T, session_ends=sessions, n_tables=tables,
                  participants=tuple(Participant(str(p)) for p in range(1, P + 1)),
                  meetings=meetings, precedences=(), fairness=FAIRNESS)
    return event, Schedule(tuple(placements))


# --------------------------------------------------------------------------------------------- extras

def _slots(event: Event, planted: Schedule) -> dict[str, int]:
    return {p.meeting: p.slot for p in planted.placements}


def _busy(event: Event, planted: Schedule) -> dict[str, set[int]]:
    return {who: set(s) for who, s in participant_slots(event, planted).items()}


def _with_forbidden(event: Event, extra: dict[str, set[int]]) -> Event:
    people = tuple(replace(p, forbidden=p.forbidden | frozenset(extra.get(p.id, ()))) for p in event.participants)
    return replace(event, participants=people)


def forbid_idle(rng: random.Random, event: Event, planted: Schedule, density: float) -> Event:
    """Forbidden slots where the participant is idle in the planted schedule (it stays valid)."""
    busy = _busy(event, planted)
    extra = {p.id: {t for t in range(event.n_slots) if t not in busy[p.id] and rng.random() < density}
             for p in event.participants}
    return _with_forbidden(event, extra)


def forbid_anywhere(rng: random.Random, event: Event, density: float) -> Event:
    """Forbidden slots at random, as in the published forb variants, but none that leaves a participant
    fewer free slots than meetings (that one is plain to see): feasibility unknown."""
    of = _of(event)
    extra = {}
    for p in event.participants:
        away = {t for t in range(event.n_slots) if rng.random() < density}
        if event.n_slots - len(p.forbidden | away) >= len(of[p.id]):
            extra[p.id] = away
    return _with_forbidden(event, extra)


def fix_share(rng: random.Random, event: Event, planted: Schedule, share: float) -> Event:
    """A share of the meetings fixed by the organisers, at their planted slot."""
    slots = _slots(event, planted)
    chosen = set(rng.sample(range(len(event.meetings)), round(share * len(event.meetings))))
    meetings = tuple(replace(m, fixed_slot=slots[m.id]) if k in chosen else m for k, m in enumerate(event.meetings))
    return replace(event, meetings=meetings)


def _canonical(precedences) -> tuple[tuple[str, str], ...]:
    """Sorted as the .dzn reader gives them back: by the later meeting, then the earlier one."""
    return tuple(sorted(set(precedences), key=lambda p: (int(p[1]), int(p[0]))))


def add_precedences(rng: random.Random, event: Event, planted: Schedule, rate: float) -> Event:
    """About ``rate`` precedences per meeting, each between two meetings of one participant, in planted order."""
    slots = _slots(event, planted)
    of: dict[str, list[str]] = defaultdict(list)
    for m in event.meetings:
        of[m.a].append(m.id)
        of[m.b].append(m.id)
    people = [p for p in sorted(of, key=int) if len(of[p]) >= 2]
    out = set(event.precedences)
    target = len(out) + round(rate * len(event.meetings))
    for _ in range(20 * target):
        if len(out) >= target or not people:
            break
        who = rng.choices(people, [len(of[p]) for p in people])[0]
        x, y = sorted(rng.sample(of[who], 2), key=lambda m: slots[m])
        if (y, x) not in out:
            out.add((x, y))
    return replace(event, precedences=_canonical(out))


# ------------------------------------------------------------------------------ infeasible on purpose

def _of(event: Event) -> dict[str, list[Meeting]]:
    of: dict[str, list[Meeting]] = {p.id: [] for p in event.participants}
    for m in event.meetings:
        of[m.a].append(m)
        of[m.b].append(m)
    return of


def _refit(event: Event, meetings: dict[str, Meeting]) -> Event:
    return replace(event, meetings=tuple(meetings.get(m.id, m) for m in event.meetings))


def make_infeasible(rng: random.Random, event: Event, planted: Schedule, kind: str) -> tuple[Event, str] | None:
    """``event`` changed so that no schedule exists, and why; None when ``kind`` does not apply here."""
    T, of = event.n_slots, _of(event)
    slots = _slots(event, planted)
    people = event.participant_index
    order = sorted(of, key=int)
    if kind == "overbooked":
        who = rng.choice([p for p in order if len(of[p]) >= 2])
        n = len(of[who])
        free = sorted(set(range(T)) - people[who].forbidden)
        away = set(rng.sample(free, len(free) - (n - 1)))
        return (_with_forbidden(event, {who: away}),
                f"participant {who} has {n} meetings but only {n - 1} slots it can meet in")
    if kind == "partners_away":
        # the participant with the most meetings; its partners (not itself) are away in enough slots
        # that its meetings can only use one slot fewer than they are many
        free = [p for p in order if all(m.fixed_slot is None for m in of[p])]
        if not free:
            return None
        who = max(free, key=lambda p: (len(of[p]), -int(p)))
        n = len(of[who])
        usable = sorted({t for m in of[who] for t in event.allowed_slots(m)})
        cut = len(usable) - (n - 1)
        if n < 2 or cut > 3 or cut <= 0:
            return None
        for _ in range(20):     # keep a slot for each meeting: the reason stays the counting one
            away = set(rng.sample(usable, cut))
            if all(set(event.allowed_slots(m)) - away for m in of[who]):
                break
        partners = {m.b if m.a == who else m.a for m in of[who]}
        return (_with_forbidden(event, {p: away for p in partners}),
                f"the {n} meetings of participant {who} fit in only {n - 1} slots: every partner of it "
                f"is away in slots {sorted(t + 1 for t in away)} (1-based)")
    if kind == "tables":
        M = len(event.meetings)
        if len(event.session_ends) > 1:
            morning = event.session_ends[0]
            tables = event.n_tables
            if M > tables * morning:
                need = tables * morning + 1
                ids = [m.id for m in event.meetings]
                early = [i for i in ids if slots[i] < morning]
                late = [i for i in ids if slots[i] >= morning]
                rng.shuffle(late)
                chosen = set(early + late[:max(0, need - len(early))])
                meetings = {m.id: replace(m, session=1) for m in event.meetings if m.id in chosen}
                return (_refit(event, meetings),
                        f"{len(chosen)} meetings must be in the morning, which has {morning} slots x {tables} tables")
        tables = math.ceil(M / T) - 1
        if tables < 1:
            return None
        return replace(event, n_tables=tables), f"{M} meetings but only {T} slots x {tables} tables"
    if kind == "fixed_clash":
        t = rng.randrange(T)
        pool = [m for m in event.meetings if m.fixed_slot is None and t in _allowed_ignoring_fixed(event, m)]
        rng.shuffle(pool)
        used, chosen = set(), []
        for m in pool:
            if m.a not in used and m.b not in used:
                chosen.append(m)
                used |= {m.a, m.b}
            if len(chosen) > event.n_tables:
                meetings = {m.id: replace(m, fixed_slot=t) for m in chosen}
                return (_refit(event, meetings), f"{len(chosen)} meetings fixed in slot {t + 1} (1-based), "
                                                 f"which has {event.n_tables} tables")
        for who in order:
            two = [m for m in of[who] if m.fixed_slot is None and t in _allowed_ignoring_fixed(event, m)]
            if len(two) >= 2:
                a, b = rng.sample(two, 2)
                meetings = {a.id: replace(a, fixed_slot=t), b.id: replace(b, fixed_slot=t)}
                return (_refit(event, meetings),
                        f"participant {who} has two meetings fixed in slot {t + 1} (1-based)")
        return None
    if kind == "precedence_chain":
        # a trail of k meetings, each sharing a participant with the next, each before the next; the
        # first fixed at slot s and the last at s + k - 2: k - 1 steps up do not fit in k - 2 slots
        for _ in range(50):
            k = rng.randint(4, min(6, T))
            first = rng.choice(event.meetings)
            trail, at = [first], rng.choice((first.a, first.b))
            while len(trail) < k:
                nxt = [m for m in of[at] if m not in trail]
                if not nxt:
                    break
                step = rng.choice(nxt)
                trail.append(step)
                at = step.b if step.a == at else step.a
            if len(trail) < k:
                continue
            fixed_at = {(w, m.fixed_slot) for m in event.meetings if m.fixed_slot is not None for w in (m.a, m.b)}
            if any(m.fixed_slot is not None for m in trail):
                continue
            starts = [s for s in range(T - k + 2)
                      if s in _allowed_ignoring_fixed(event, trail[0])
                      and s + k - 2 in _allowed_ignoring_fixed(event, trail[-1])
                      and not {(trail[0].a, s), (trail[0].b, s), (trail[-1].a, s + k - 2),
                               (trail[-1].b, s + k - 2)} & fixed_at]
            if not starts:
                continue
            s = rng.choice(starts)
            meetings = {trail[0].id: replace(trail[0], fixed_slot=s),
                        trail[-1].id: replace(trail[-1], fixed_slot=s + k - 2)}
            chain = [(x.id, y.id) for x, y in zip(trail, trail[1:])]
            out = replace(_refit(event, meetings), precedences=_canonical(list(event.precedences) + chain))
            return (out, f"meetings {' < '.join(m.id for m in trail)} must be in rising slots, but the first is "
                         f"fixed in slot {s + 1} and the last in slot {s + k - 1} (1-based)")
        return None
    if kind == "fairness":
        # participant q with k meetings has at most k - 1 breaks; participant p may only meet in every
        # other slot, so its n meetings make exactly n - 1 breaks: n - k > d makes them too far apart
        d = event.fairness if event.fairness is not None else FAIRNESS
        meeting = [p for p in order if of[p]]
        if not meeting:
            return None
        few = min(meeting, key=lambda p: (len(of[p]), int(p)))
        k = len(of[few])
        for who in sorted(meeting, key=lambda p: (-len(of[p]), int(p))):
            n = len(of[who])
            if n - k <= d:
                return None
            for parity in (0, 1):
                keep = {t for t in range(T) if t % 2 == parity}
                if len(keep - people[who].forbidden) >= n:
                    return (_with_forbidden(event, {who: set(range(T)) - keep}),
                            f"participant {who} may only meet in every other slot, so its {n} meetings make "
                            f"{n - 1} breaks, while participant {few} has {k} meeting(s), so at most {k - 1} "
                            f"break(s) (d = {d})")
        return None
    if kind == "precedence_cycle":
        who = rng.choice([p for p in order if len(of[p]) >= 3])
        x, y, z = rng.sample(of[who], 3)
        cycle = [(x.id, y.id), (y.id, z.id), (z.id, x.id)]
        return (replace(event, precedences=_canonical(list(event.precedences) + cycle)),
                f"precedences {x.id} < {y.id} < {z.id} < {x.id} form a cycle")
    raise ValueError(kind)


def _allowed_ignoring_fixed(event: Event, meeting: Meeting) -> list[int]:
    return event.allowed_slots(replace(meeting, fixed_slot=None))


# ------------------------------------------------------------------------------- evident infeasibility

def evident_infeasibility(event: Event) -> str | None:
    """A reason no schedule exists that simple counting shows, or None (which proves nothing).

    Checks: a meeting with no allowed slot; a participant whose meetings cannot take distinct slots
    (matching); more meetings, or fixed meetings in one slot, than table-slots; a precedence cycle."""
    of = _of(event)
    for m in event.meetings:
        if not event.allowed_slots(m):
            return f"meeting {m.id} has no slot both participants can take"
    for who in sorted(of, key=_natural):
        options = [event.allowed_slots(m) for m in of[who]]
        if _matching(options) < len(options):
            return f"the {len(options)} meetings of participant {who} cannot take distinct slots"
    if len(event.meetings) > event.n_slots * event.n_tables:
        return f"{len(event.meetings)} meetings but {event.n_slots} slots x {event.n_tables} tables"
    fixed: dict[int, int] = defaultdict(int)
    for m in event.meetings:
        if m.fixed_slot is not None:
            fixed[m.fixed_slot] += 1
    for t, n in sorted(fixed.items()):
        if n > event.n_tables:
            return f"{n} meetings fixed in slot {t + 1} (1-based), which has {event.n_tables} tables"
    after: dict[str, list[str]] = defaultdict(list)
    for x, y in event.precedences:
        after[x].append(y)
    state: dict[str, int] = {}

    def cyclic(node: str) -> bool:
        state[node] = 1
        for nxt in after[node]:
            if state.get(nxt) == 1 or (nxt not in state and cyclic(nxt)):
                return True
        state[node] = 2
        return False
    for node in sorted(after):
        if node not in state and cyclic(node):
            return "the precedences form a cycle"
    return None


def _natural(text: str):
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _matching(options: list[list[int]]) -> int:
    """Size of a largest assignment of items to distinct slots (augmenting paths)."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for t in options[i]:
            if t not in seen:
                seen.add(t)
                if t not in owner or augment(owner[t], seen):
                    owner[t] = i
                    return True
        return False
    return sum(1 for i in range(len(options)) if augment(i, set()))


# ----------------------------------------------------------------------------------------- families

def generate(seed: int, family: str | None = None, style: str | None = None) -> Instance:
    """The instance of ``seed``: same seed, same instance. ``family`` defaults to ``FAMILIES[seed % 12]``
    ("infeasible-KIND" asks for one of INFEASIBLE_KINDS, ValueError when it does not apply to the seed);
    ``style`` ("tic", "forum", "tiny") to a draw (tiny is for tests only)."""
    family = family or FAMILIES[seed % len(FAMILIES)]
    rng = random.Random(seed * 7919 + 17)
    shape = draw_shape(rng, style)
    tight = family in ("tight", "hard")
    wish = _wishes(rng, shape)
    cap = None
    if tight:   # fewer tables than the busiest slot of a free planting needs
        trial = _plant(random.Random(seed), shape, wish, None)
        cap = max(1, round(max(_per_slot(trial).values()) * rng.uniform(0.75, 0.9)))
    slot_of = _plant(rng, shape, wish, cap)
    busiest = max(_per_slot(slot_of).values(), default=1)
    if tight:
        tables = busiest
    else:
        tables = max(busiest, math.ceil(len(slot_of) / (shape.slots * rng.uniform(0.6, 0.95))))
    event, planted = _build(rng, shape, slot_of, tables,
                            (0.6, 0.05) if shape.style == "forum" else (0.3, 0.1))
    feasible: bool | None = True
    why = ""
    if family == "forbidden":
        event = forbid_idle(rng, event, planted, rng.uniform(0.005, 0.05))
    elif family in ("fixed20", "fixed40"):
        event = forbid_idle(rng, event, planted, rng.uniform(0.0, 0.01))
        event = fix_share(rng, event, planted, 0.2 if family == "fixed20" else 0.4)
    elif family in ("prec15", "prec25"):
        event = add_precedences(rng, event, planted, 0.19 if family == "prec15" else 0.4)
    elif family == "hard":
        event = forbid_idle(rng, event, planted, rng.uniform(0.01, 0.03))
        event = add_precedences(rng, event, planted, 0.19)
    elif family == "open":
        event = forbid_anywhere(rng, event, rng.uniform(0.003, 0.02))
        feasible = None
    elif family.startswith("infeasible"):
        base = rng.choice(("original", "forbidden", "fixed20", "prec15"))
        if base == "forbidden":
            event = forbid_idle(rng, event, planted, rng.uniform(0.005, 0.03))
        elif base == "fixed20":
            event = fix_share(rng, event, planted, 0.2)
        elif base == "prec15":
            event = add_precedences(rng, event, planted, 0.19)
        first = (seed // 6) % len(INFEASIBLE_KINDS)
        kinds = INFEASIBLE_KINDS[first:] + INFEASIBLE_KINDS[:first]
        if family != "infeasible":
            kinds = (family[len("infeasible-"):],)
        for kind in kinds:
            made = make_infeasible(rng, event, planted, kind)
            if made is not None:
                event, why = made
                family = f"infeasible-{kind}"
                break
        else:
            raise ValueError(f"{family} cannot be built from seed {seed}")
        feasible = False
    elif family not in ("original", "tight"):
        raise ValueError(f"unknown family {family!r}")
    if feasible is None:
        if not validate(event, planted):
            feasible = True
        else:
            why = evident_infeasibility(event) or ""
            feasible = False if why else None
    if feasible:
        violations = validate(event, planted)
        assert not violations, (seed, family, violations[:3])
    else:
        assert validate(event, planted), (seed, family, "an infeasible event accepts its planted schedule")
        planted = None
    breaks = sum(breaks_of(s) for s in participant_slots(event, planted).values()) if planted else None
    return Instance(name=f"gen{seed:06d}.{family}", seed=seed, family=family, event=event, feasible=feasible,
                    planted=planted, planted_breaks=breaks, why=why)


def training_set(n: int, style: str | None = None) -> list[Instance]:
    """The first ``n`` instances of the training seeds: tune on these only."""
    return [generate(seed, style=style) for seed in TRAINING_SEEDS[:n]]


def held_out_set(n: int, style: str | None = None) -> list[Instance]:
    """The first ``n`` instances of the held-out seeds: for the report only, never for tuning."""
    return [generate(seed, style=style) for seed in HELD_OUT_SEEDS[:n]]


# ------------------------------------------------------------------------------------------ .dzn out

def to_dzn(event: Event) -> str:
    """The event in the published MiniZinc format (1-based; meetings all required, weights dropped).
    Participants and meetings are numbered in the order of the event."""
    if len(event.session_ends) > 2:
        raise ValueError("the format has at most a morning and an afternoon session")
    if any(not m.required for m in event.meetings):
        raise ValueError("the format has only required meetings")
    if any(p.max_meetings is not None or p.hosted_table is not None for p in event.participants):
        raise ValueError("the format has no meeting limits or hosted tables")
    person = {p.id: i for i, p in enumerate(event.participants, start=1)}
    number = {m.id: i for i, m in enumerate(event.meetings, start=1)}
    morning = event.session_ends[0] if len(event.session_ends) == 2 else event.n_slots
    of: dict[int, list[int]] = defaultdict(list)
    for m in event.meetings:
        of[person[m.a]].append(number[m.id])
        of[person[m.b]].append(number[m.id])
    before: dict[int, list[int]] = defaultdict(list)
    for x, y in event.precedences:
        before[number[y]].append(number[x])

    def sets(rows):
        return "[" + ",\n".join("{" + ",".join(str(v) for v in row) + "}" for row in rows) + "]"
    requested = "".join(f"|{person[m.a]}, {person[m.b]},{3 if m.session == ANY_SESSION else m.session}, \n"
                        for m in event.meetings)
    n = len(event.participants)
    lines = [
        f"nBusiness = {n};", f"nMeetings = {len(event.meetings)};", f"nTables = {event.n_tables};",
        f"nTotalSlots = {event.n_slots};", f"nMorningSlots = {morning};", "",
        f"requested = [{requested}|];", "",
        f"meetingsxBusiness = {sets([[1] + sorted(k + 1 for k in of[i]) for i in range(1, n + 1)])};", "",
        f"nMeetingsBusiness = [{','.join(str(len(of[i])) for i in range(1, n + 1))}];", "",
        f"forbidden = {sets([sorted(t + 1 for t in p.forbidden) or [0] for p in event.participants])};", "",
        f"fixed = [{','.join(str(m.fixed_slot + 1 if m.fixed_slot is not None else 0) for m in event.meetings)}];",
        "", f"precedences = {sets([sorted(before[i]) for i in range(1, len(event.meetings) + 1)])};", "",
    ]
    return "\n".join(lines)


def write_dzn(event: Event, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(to_dzn(event))
    return path


def write_set(instances: list[Instance], folder: str | Path) -> Path:
    """Each instance as NAME.dzn, and manifest.json: family, feasibility, why, planted breaks and the
    planted slots (1-based, meeting numbers as in the .dzn) so others can check them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = []
    for inst in instances:
        write_dzn(inst.event, folder / f"{inst.name}.dzn")
        manifest.append({
            "name": inst.name, "seed": inst.seed, "family": inst.family, "feasible": inst.feasible,
            "why": inst.why, "planted_breaks": inst.planted_breaks, "fairness": inst.event.fairness,
            "planted_slots": ({p.meeting: p.slot + 1 for p in inst.planted.placements} if inst.planted else None)})
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=("training", "held-out"), default="training")
    parser.add_argument("--n", type=int, default=24)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    instances = training_set(args.n) if args.set == "training" else held_out_set(args.n)
    print(write_set(instances, args.out))


if __name__ == "__main__":
    main()
