"""Matchmaking events: participants, requests, the optimal schedule, changes on the day, agendas, outcomes."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from scheduling import Event as SolverEvent
from scheduling import Meeting, Participant, Schedule, solve, validate
from scheduling.model import Placement, breaks_of, relative_gap
from scheduling.outputs import (AgendaItem, CalendarWords, ScheduleSummary, TableMeeting, agenda, changes, ics, revisions, summary,
                                table_sheets)
from scheduling.validator import participant_slots
from scoring.explain import reasons_for
from scoring.features import GENERAL, Hierarchy, capability_matches, feature_matrix, with_buyer

from ..errors import Conflict, InvalidInput, NotFound, ScheduleNoLongerValid
from ..numbering import shown, shown_in_text
from ..repositories.catalogues import CatalogueRepository
from ..repositories.enterprises import EnterpriseRepository
from ..repositories.events import EventRepository
from ..repositories.matching import MatchRepository
from ..repositories.sourcing import SourcingRepository
from . import new_id, now_iso
from .access import Principal, acts_as, authorize
from .catalogues import catalogue_names

ACTIVE_REQUESTS = ("open", "accepted")


@dataclass(frozen=True)
class Suggestion:
    """A meeting the scorer suggests: a buyer and a registered supplier it has not asked for yet."""
    id: str
    buyer: str
    supplier: str
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class Suggestions:
    model_version: str | None
    suggestions: list[Suggestion]


@dataclass(frozen=True)
class AgendaEvent:
    id: str
    name: str
    location: str | None
    dates: list[str]            # the event's days (ISO dates)


@dataclass(frozen=True)
class Person:
    id: str
    name: str | None


@dataclass(frozen=True)
class Agenda:
    """A participant's meetings in time order, and those cancelled since a calendar file may have been sent."""
    event: AgendaEvent
    participant: Person
    meetings: list[AgendaItem]
    cancelled: list[AgendaItem]


@dataclass(frozen=True)
class SheetMeeting(TableMeeting):
    start: str
    a_name: str | None
    b_name: str | None


@dataclass(frozen=True)
class TableSheet:
    """What a table's host prints: its meetings slot by slot."""
    index: int
    name: str
    active: bool
    meetings: list[SheetMeeting]


@dataclass(frozen=True)
class EventSummary(ScheduleSummary):
    """The stored schedule's figures: status, version, the solver's gap and bounds, and the summary."""
    status: str
    version: int
    gap: float | None
    value_bound: int | None
    breaks_bound: int | None


class EventService:
    def __init__(self, graph):
        self.graph = graph
        self.repo = EventRepository(graph)
        self.enterprises = EnterpriseRepository(graph)
        self.outcomes = SourcingRepository(graph)

    # -- definition ----------------------------------------------------------------------------
    def create(self, data: dict, organiser: str | None = None) -> tuple[dict, bool]:
        """A new event under a new id (created=True); a retry with the organiser's same ``reference`` and
        definition returns the stored one (created=False)."""
        slots = sorted(data["slots"], key=lambda s: s["start"])
        for i, slot in enumerate(slots):
            if slot["end"] <= slot["start"]:
                raise InvalidInput("a slot must end after it starts", {f"slots.{i}.end": ["before its start"]})
            if i and slot["start"] < slots[i - 1]["end"]:
                raise InvalidInput("slots overlap", {f"slots.{i}.start": ["overlaps the slot before"]})
            if slot["start"].tzinfo is None:
                raise InvalidInput("slot times need a UTC offset", {f"slots.{i}.start": ["add +07:00 or Z"]})
        sessions = [s.get("session") or 1 for s in slots]
        if sessions != sorted(sessions):
            raise InvalidInput("sessions must follow each other in time", {"slots": ["session numbers go down"]})
        tables = data["tables"]
        event = {"id": new_id("E"), "reference": data.get("reference"), "name": data["name"],
                 "organiser": organiser, "location": data.get("location"),
                 "utc_offset": slots[0]["start"].strftime("%z"), "fairness": data.get("fairness", 2),
                 "slots": [{"index": i, "start": s["start"].isoformat(), "end": s["end"].isoformat(),
                            "session": sessions[i]} for i, s in enumerate(slots)],
                 "tables": [{"index": i, "name": t.get("name") or f"Table {shown(i)}", "seats": t.get("seats", 4)}
                            for i, t in enumerate(tables)]}
        event_id, created = self.repo.create(event, now_iso())
        stored = self.get(event_id)
        if not created and _definition(stored) != _definition(event):
            raise Conflict(f"your event '{event['reference']}' exists with another definition",
                           {"reference": ["already used for another event"]})
        return stored, created

    def list(self, organiser: str | None) -> list[dict]:
        """The newest 200 events: one organiser's, or everyone's (None)."""
        return self.repo.list(organiser)[0]

    def page(self, organiser: str | None, page: int, per_page: int) -> dict:
        """One page of the events, newest first, with how many there are."""
        items, total = self.repo.list(organiser, per_page, (page - 1) * per_page)
        return {"items": items, "total": total, "page": page, "per_page": per_page}

    # -- who may act on it ---------------------------------------------------------------------
    def organiser_of(self, event_id: str) -> str | None:
        found, organiser = self.repo.organiser(event_id)
        if not found:
            raise _no_event(event_id)
        return organiser

    def check_organiser(self, principal: Principal, event_id: str) -> None:
        """The event's organiser or an admin may go on; another organiser's event answers as unknown (404),
        a buyer or SME key gets 403 whatever the id."""
        authorize(principal, "run an event", self.organiser_of(event_id), _no_event(event_id))

    def check_organiser_or_party(self, principal: Principal, event_id: str, participant_ids: list[str]) -> None:
        """The organiser, an admin, or a buyer or SME that one of the participants represents; anyone else
        is told the event or participant does not exist."""
        if acts_as(principal, "take part in an event"):   # an unknown event and a stranger's get one answer
            authorize(principal, "take part in an event", self.enterprises_of(event_id, participant_ids),
                      NotFound(f"no participant '{', '.join(participant_ids)}' in event '{event_id}'"))
        else:
            authorize(principal, "run an event", self.organiser_of(event_id), _no_event(event_id))

    def enterprises_of(self, event_id: str, participant_ids: list[str]) -> set[str]:
        """The enterprises that the given participants represent."""
        return self.repo.represented(event_id, participant_ids)

    def check_may_decide(self, principal: Principal, event_id: str, request_id: str) -> None:
        """The organiser, an admin, or either party of the meeting request may accept or decline it."""
        no_request = NotFound(f"no request '{request_id}' in event '{event_id}'")
        if not acts_as(principal, "take part in an event"):
            self.check_organiser(principal, event_id)
        parties = self.repo.request_parties(event_id, request_id)
        if not parties:
            raise no_request
        if acts_as(principal, "take part in an event"):   # an unknown request and a stranger's get one answer
            authorize(principal, "take part in an event", self.enterprises_of(event_id, parties), no_request)

    def get(self, event_id: str) -> dict:
        event = self.repo.get(event_id)
        if event is None:
            raise NotFound(f"no event with id '{event_id}'")
        return event

    def add_participants(self, event_id: str, rows: list[dict]) -> dict:
        event = self.get(event_id)
        n_slots, n_tables = len(event["slots"]), len(event["tables"])
        hosted = {p["hosted_table"]: p["id"] for p in event["participants"] if p.get("hosted_table") is not None}
        clean = []
        for i, row in enumerate(rows):
            bad = [s for s in row.get("forbidden_slots", []) if not 0 <= s < n_slots]
            if bad:
                raise InvalidInput("forbidden slot out of range", {f"participants.{i}.forbidden_slots": [
                    f"no slot {shown(bad[0])}: the event has slots {shown(0)} to {shown(n_slots - 1)}"]})
            table = row.get("hosted_table")
            if table is not None:
                if not 0 <= table < n_tables:
                    raise InvalidInput("no such table", {f"participants.{i}.hosted_table": [
                        f"no table {shown(table)}: the event has tables {shown(0)} to {shown(n_tables - 1)}"]})
                if hosted.get(table, row["id"]) != row["id"]:
                    raise Conflict(f"table {shown(table)} is hosted by {hosted[table]}",
                                   {f"participants.{i}.hosted_table": ["taken"]})
                hosted[table] = row["id"]
            clean.append({"id": row["id"], "name": row.get("name") or row["id"], "role": row.get("role", "other"),
                          "max_meetings": row.get("max_meetings"), "forbidden": sorted(set(row.get("forbidden_slots", []))),
                          "hosted_table": table, "enterprise": row.get("enterprise")})
        known = self.enterprises.existing_ids([r["enterprise"] for r in clean if r["enterprise"]])
        for i, row in enumerate(clean):
            if row["enterprise"] and row["enterprise"] not in known:
                raise InvalidInput("unknown enterprise", {f"participants.{i}.enterprise": [f"no enterprise '{row['enterprise']}'"]})
        self.repo.upsert_participants(event_id, clean, now_iso())
        return self.get(event_id)

    def add_requests(self, event_id: str, rows: list[dict], source: str = "participant") -> dict:
        """Requests from either side; a request in both directions becomes one mutual meeting."""
        event = self.get(event_id)
        people = {p["id"] for p in event["participants"]}
        existing = {r["id"]: r for r in event["requests"]}
        out = {}
        for i, row in enumerate(rows):
            a, b = row["from"], row["to"]
            for field, who in (("from", a), ("to", b)):
                if who not in people:
                    raise InvalidInput("unknown participant", {f"requests.{i}.{field}": [f"'{who}' is not registered"]})
            if a == b:
                raise InvalidInput("a participant cannot meet itself", {f"requests.{i}.to": ["same as from"]})
            if row.get("fixed_slot") is not None and not 0 <= row["fixed_slot"] < len(event["slots"]):
                raise InvalidInput("no such slot", {f"requests.{i}.fixed_slot": [
                    f"no slot {shown(row['fixed_slot'])}: the event has slots {shown(0)} to "
                    f"{shown(len(event['slots']) - 1)}"]})
            first, second = sorted((a, b))
            request_id = f"{first}~{second}"
            current = out.get(request_id) or existing.get(request_id)
            if source == "organiser":
                by = "organiser"
            elif current and current["requested_by"] not in (a, "organiser") and current["status"] != "suggested":
                by = "both"   # the other side asked too: a mutual request
            else:
                by = a
            out[request_id] = {"id": request_id, "a": first, "b": second,
                               "priority": max(row.get("priority", 1), (current or {}).get("priority") or 0),
                               "requested_by": by, "fixed_slot": row.get("fixed_slot"),
                               "after": row.get("after", []), "status": "open", "source": source}
        unknown_after = [x for r in out.values() for x in r["after"] if x not in existing and x not in out]
        if unknown_after:
            raise InvalidInput("unknown request in 'after'", {"after": [f"no request '{unknown_after[0]}'"]})
        self.repo.upsert_requests(event_id, list(out.values()), now_iso())
        return self.get(event_id)

    def suggest(self, event_id: str, store, per_buyer: int = 3) -> Suggestions:
        """Meetings the scorer suggests to fill free capacity: for each buyer that represents an enterprise,
        the best-scored registered suppliers it has not asked for yet. Participants accept or decline."""
        event = self.get(event_id)
        matches = MatchRepository(self.graph)
        n_slots = len(event["slots"])
        active = [p for p in event["participants"] if p["status"] == "registered"]
        load = {p["id"]: 0 for p in active}
        asked = set()
        for r in event["requests"]:
            asked.add(r["id"])
            if r["status"] in ACTIVE_REQUESTS:
                for who in (r["a"], r["b"]):
                    load[who] = load.get(who, 0) + 1
        room = {p["id"]: (p.get("max_meetings") if p.get("max_meetings") is not None
                          else n_slots - len(p.get("forbidden") or [])) - load.get(p["id"], 0) for p in active}
        suppliers = [p for p in active if p["role"] == "supplier" and p.get("enterprise")]
        scorer = store.active()
        hierarchy = Hierarchy(matches.capability_tree())
        today = datetime.now().date()
        suggestions = []
        names = catalogue_names(CatalogueRepository(self.graph))
        for buyer in (p for p in active if p["role"] == "buyer" and p.get("enterprise")):
            context = matches.buyer_context(buyer["enterprise"])
            if context is None or room[buyer["id"]] <= 0:
                continue
            # what the buyer looks for: the capabilities its open requests need (else those its sectors use)
            need = with_buyer({"capabilities": matches.buyer_needs(buyer["enterprise"]), "products": [], "text": None,
                               "monthly_volume": None, "standards": context["requirements"],
                               "latitude": context["latitude"], "longitude": context["longitude"]}, context)
            open_suppliers = [s for s in suppliers if room[s["id"]] > 0
                              and "~".join(sorted((buyer["id"], s["id"]))) not in asked]
            inputs = matches.supplier_inputs([{"id": s["enterprise"], "before": today.isoformat()}
                                              for s in open_suppliers], context,
                                             context["latitude"], context["longitude"], today)
            by_enterprise = {i["id"]: i for i in inputs}
            pairs = [(s, by_enterprise[s["enterprise"]]) for s in open_suppliers if s["enterprise"] in by_enterprise]
            if not pairs:
                continue
            X = feature_matrix(need, [i for _, i in pairs], hierarchy, today.year)
            scores = scorer.scores(X)
            parts = scorer.contributions(X, scores)
            # as in the buyers' search, a supplier holds a capability the buyer looks for, at least in its general
            # form (a sibling process, rubber moulding for extrusion, is not enough)
            fits = [not need["capabilities"] or max(credit for credit, _ in capability_matches(need, i, hierarchy).values())
                    >= GENERAL for _, i in pairs]
            ranked = sorted(np.flatnonzero(fits), key=lambda k: (-scores[k], pairs[k][0]["id"]))
            for k in ranked:
                supplier = pairs[k][0]
                if room[buyer["id"]] <= 0 or len([x for x in suggestions if x.buyer == buyer["id"]]) >= per_buyer:
                    break
                if room[supplier["id"]] <= 0:
                    continue
                room[buyer["id"]] -= 1
                room[supplier["id"]] -= 1
                a, b = sorted((buyer["id"], supplier["id"]))
                suggestions.append(Suggestion(id=f"{a}~{b}", buyer=buyer["id"], supplier=supplier["id"],
                                              score=float(scores[k]),
                                              reasons=reasons_for(need, pairs[k][1], X[k], parts[k],
                                                                  names.capability)))
        rows = [{"id": sgn.id, "a": min(sgn.buyer, sgn.supplier), "b": max(sgn.buyer, sgn.supplier), "priority": 1,
                 "requested_by": "scorer", "fixed_slot": None, "after": [], "status": "suggested", "source": "scorer",
                 "score": sgn.score} for sgn in suggestions]
        if rows:
            self.repo.upsert_requests(event_id, rows, now_iso())
        return Suggestions(model_version=scorer.version, suggestions=suggestions)

    def decide_suggestion(self, event_id: str, request_id: str, accept: bool) -> dict:
        """Accept or decline a suggested meeting; the meeting request as it now stands (only that: a party
        may decide, and the rest of the event is its organiser's)."""
        event = self.get(event_id)
        request = next((r for r in event["requests"] if r["id"] == request_id), None)
        if request is None:
            raise NotFound(f"no request '{request_id}' in event '{event_id}'")
        if request["status"] not in ("suggested", "accepted", "declined"):
            raise InvalidInput("only suggested meetings are accepted or declined", {"status": ["not a suggestion"]})
        status = "accepted" if accept else "declined"
        self.repo.set_status(event_id, "MeetingRequest", request_id, status)
        return {**request, "status": status}

    # -- the schedule --------------------------------------------------------------------------
    def solver_event(self, event: dict, frozen_before: int | None = None,
                     current: Schedule | None = None) -> tuple[SolverEvent, list[int]]:
        """The event as the solver sees it; with ``frozen_before``, meetings already held stay put
        and nothing new goes before that slot. Returns the solver event and the active table indices."""
        tables = [t["index"] for t in event["tables"] if t["active"]]
        to_solver = {index: k for k, index in enumerate(tables)}
        slots = event["slots"]
        session_ends = tuple(i + 1 for i in range(len(slots))
                             if i + 1 == len(slots) or slots[i + 1]["session"] != slots[i]["session"])
        active = {p["id"]: p for p in event["participants"] if p["status"] == "registered"}
        past = set(range(frozen_before or 0))
        placed = current.by_meeting() if current else {}
        participants = tuple(Participant(p["id"], forbidden=frozenset(p.get("forbidden") or []) | past,
                                         max_meetings=p.get("max_meetings"),
                                         hosted_table=to_solver.get(p.get("hosted_table")))
                             for p in active.values())
        meetings, precedences = [], []
        for r in event["requests"]:
            if r["status"] not in ACTIVE_REQUESTS or r["a"] not in active or r["b"] not in active:
                continue
            held = placed.get(r["id"])
            if held is not None and held.slot in past:
                continue  # already held: outside the re-solve, its slot stays busy for both
            meetings.append(Meeting(r["id"], r["a"], r["b"], weight=_weight(r), fixed_slot=r.get("fixed_slot"),
                                    required=r.get("fixed_slot") is not None or r["requested_by"] == "organiser"))
            precedences.extend((before, r["id"]) for before in r.get("after") or [])
        ids = {m.id for m in meetings}
        precedences = tuple(p for p in precedences if p[0] in ids and p[1] in ids)
        return SolverEvent(n_slots=len(slots), session_ends=session_ends, n_tables=len(tables),
                           participants=participants, meetings=tuple(meetings), precedences=precedences,
                           fairness=event.get("fairness")), tables

    def schedule(self, event_id: str, time_limit: float = 30.0, solver=None, save=None) -> dict:
        """Solve the event and store the schedule as its next version: what a schedule job runs. ``solver``
        (default: ``scheduling.solve`` here) and ``save`` (default: the event's repository) let the job
        solve in a process of its own and store the schedule together with the job's state."""
        event = self.get(event_id)
        solver_event, tables = self.solver_event(event)
        result = (solver or solve)(solver_event, time_limit=time_limit)
        return self._store(event, tables, result, None, save=save)

    def _store(self, event, tables, result, change_report, kept: list[dict] | None = None, save=None,
               cause: str = "scheduled") -> dict:
        """The solver's schedule (plus meetings ``kept`` outside the solve: held before a change) stored as
        the event's next version."""
        if result.schedule is None:
            reasons = [shown_in_text(r) for r in result.explanation]
            raise InvalidInput("the event cannot be scheduled: " + "; ".join(reasons[:3]), {"schedule": reasons})
        kept = kept or []
        placements = [{"meeting": p.meeting, "slot": p.slot, "table": tables[p.table]}
                      for p in result.schedule.placements] + kept
        view = self._view(event)
        whole, held = _figures(view, placements), _figures(view, kept)
        # The solver's bounds are about the meetings it placed; the meetings held before stay as they
        # were, so their value adds to the bound, and their breaks to the least number of breaks.
        breaks_bound = None if result.breaks_bound is None else min(result.breaks_bound + held["breaks"],
                                                                    whole["breaks"])
        gap = result.gap if not kept else (
            None if breaks_bound is None else relative_gap(whole["breaks"], breaks_bound))
        body = {"status": result.status, "value": whole["value"], "value_bound": result.value_bound + held["value"],
                "breaks": whole["breaks"], "breaks_bound": breaks_bound, "max_breaks": whole["max_breaks"],
                "gap": gap, "seconds": result.seconds, "unmet": result.unmet,
                "breaks_by_participant": whole["breaks_by_participant"]}
        return self._save(event, placements, body, change_report, cause, save)

    def _save(self, event: dict, placements: list[dict], body: dict, change_report: dict | None, cause: str,
              save=None, **extra) -> dict:
        """``body`` with its placements stored as the event's next version, unless another was stored
        since the event was read (409)."""
        expected = event.get("schedule_version") or 0
        placements = sorted(placements, key=lambda p: (p["slot"], p["table"]))
        body = {**body, "solved_at": now_iso(), "placements": placements, "cause": cause, **extra,
                "calendar": revisions(event.get("schedule"), placements, expected + 1)}
        if not (save or self.repo.save_schedule)(event["id"], body, change_report, expected):
            raise Conflict("the schedule changed while solving; try again", {"schedule": ["changed meanwhile"]})
        return {**body, "version": expected + 1, "changes": change_report}

    def current_schedule(self, event: dict) -> Schedule:
        if not event.get("schedule"):
            raise InvalidInput("the event has no schedule yet", {"schedule": ["POST /events/{id}/schedule first"]})
        return Schedule(tuple(Placement(p["meeting"], p["slot"], p["table"]) for p in event["schedule"]["placements"]))

    # -- changes on the day --------------------------------------------------------------------
    def change(self, event_id: str, change: dict, time_limit: float = 20.0) -> dict:
        """Apply a change (cancellation, no-show, late registration, table lost), re-solve keeping
        everything else where it is, and report exactly what moved and who must be told."""
        event = self.get(event_id)
        before = self.current_schedule(event)
        kind = change["type"]
        if kind == "cancel_meeting":
            if not self.repo.set_status(event_id, "MeetingRequest", change["meeting"], "cancelled"):
                raise NotFound(f"no meeting '{change['meeting']}'")
        elif kind in ("no_show", "cancel_participant"):
            if not self.repo.set_status(event_id, "Participant", change["participant"],
                                        "no_show" if kind == "no_show" else "cancelled"):
                raise NotFound(f"no participant '{change['participant']}'")
        elif kind == "late_registration":
            self.add_participants(event_id, [change["participant_data"]])
            if change.get("requests"):
                self.add_requests(event_id, change["requests"])
        elif kind == "table_lost":
            if not self.repo.set_table_active(event_id, change["table"], False):
                raise NotFound(f"no table {shown(change['table'])}")
        event = self.get(event_id)
        frozen = change.get("from_slot")
        solver_event, tables = self.solver_event(event, frozen_before=frozen, current=before)
        to_solver = {index: k for k, index in enumerate(tables)}
        ids = {m.id for m in solver_event.meetings}
        keep = Schedule(tuple(Placement(p.meeting, p.slot, to_solver.get(p.table, -1))
                              for p in before.placements if p.meeting in ids))
        kept = [{"meeting": p.meeting, "slot": p.slot, "table": p.table} for p in before.placements
                if frozen is not None and p.slot < frozen and p.meeting not in ids]
        result = solve(solver_event, time_limit=time_limit, keep=keep)
        after_placements = [Placement(p.meeting, p.slot, tables[p.table]) for p in result.schedule.placements] \
            if result.schedule else []
        after = Schedule(tuple(after_placements) + tuple(Placement(k["meeting"], k["slot"], k["table"]) for k in kept))
        report = {"change": {k: v for k, v in change.items() if k != "participant_data"},
                  **changes(self._view(event), before, after)}
        return self._store(event, tables, result, report, kept, cause="change")

    # -- outputs -------------------------------------------------------------------------------
    def agenda(self, event_id: str, participant_id: str) -> Agenda:
        """A participant's meetings in time order, the event's dates, and the meetings cancelled since a
        calendar file may have been sent (each with the sequence its calendar entry carries)."""
        found = self.repo.agenda_inputs(event_id, participant_id)
        if found is None:
            raise NotFound(f"no event with id '{event_id}'")
        if found["participant"] is None:
            raise NotFound(f"no participant '{participant_id}' in event '{event_id}'")
        self.current_schedule(found)    # says so when there is no schedule yet
        mine = {r["id"]: r for r in found["requests"]}
        schedule = Schedule(tuple(Placement(p["meeting"], p["slot"], p["table"])
                                  for p in found["schedule"]["placements"] if p["meeting"] in mine))
        view = SolverEvent(n_slots=len(found["slots"]), session_ends=(len(found["slots"]),),
                           n_tables=len(found["tables"]), participants=(),
                           meetings=tuple(Meeting(r["id"], r["a"], r["b"]) for r in mine.values()))
        slot_times = [(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"])) for s in found["slots"]]
        names = {**found["names"], participant_id: found["participant"]["name"] or participant_id}
        table_names = {t["index"]: t["name"] for t in found["tables"]}
        calendar = found["schedule"].get("calendar") or {}
        sequence = calendar.get("sequence") or {}
        items = [item.at(table_names.get(item.table), sequence.get(item.meeting, 0))
                 for item in agenda(view, schedule, participant_id, slot_times, names)]
        cancelled = []
        for meeting_id, was in sorted((calendar.get("cancelled") or {}).items(), key=lambda kv: kv[1]["slot"]):
            request = mine.get(meeting_id)
            if request is None or not 0 <= was["slot"] < len(slot_times):
                continue
            other = request["b"] if request["a"] == participant_id else request["a"]
            start, end = slot_times[was["slot"]]
            cancelled.append(AgendaItem(meeting=meeting_id, slot=was["slot"], start=start.isoformat(),
                                        end=end.isoformat(), table=was["table"], with_=other,
                                        with_name=names.get(other) or other, table_name=table_names.get(was["table"]),
                                        sequence=was["sequence"]))
        dates = sorted({start.date().isoformat() for start, _ in slot_times})
        return Agenda(event=AgendaEvent(found["id"], found["name"], found["location"], dates),
                      participant=Person(participant_id, names[participant_id]), meetings=items, cancelled=cancelled)

    def agenda_ics(self, event_id: str, participant_id: str, words: CalendarWords = CalendarWords(),
                   table_label=None) -> str:
        """The agenda as an iCalendar file, in the words given; ``table_label(name, index)``: how a table is
        named to the reader (default: its own name)."""
        body = self.agenda(event_id, participant_id)
        if table_label is not None:
            def named(items):
                return [replace(m, table_name=table_label(m.table_name, m.table)) for m in items]
            body = replace(body, meetings=named(body.meetings), cancelled=named(body.cancelled))
        return ics(event_id, body.event.name, body.participant.name, body.meetings, location=body.event.location,
                   cancelled=body.cancelled, words=words)

    def tables(self, event_id: str) -> list[TableSheet]:
        """Every table's sheet (an inactive table's is empty)."""
        event = self.get(event_id)
        sheets = table_sheets(self._view(event), self.current_schedule(event))
        names = {p["id"]: p["name"] for p in event["participants"]}
        return [TableSheet(t["index"], t["name"], t["active"],
                           [SheetMeeting(**vars(m), start=event["slots"][m.slot]["start"], a_name=names.get(m.a),
                                         b_name=names.get(m.b)) for m in sheets.get(t["index"], [])])
                for t in event["tables"]]

    def summary(self, event_id: str, event: dict | None = None) -> EventSummary:
        """Requests met, the value and breaks of the schedule (the very numbers its version was stored
        with), and every other request with the reason it is not met (of ``event`` when already read): met and
        unmet add up to the requests."""
        event = event or self.get(event_id)
        schedule = self.current_schedule(event)
        view = self._view(event)
        stored = event["schedule"]
        placed = schedule.by_meeting()
        declined = [{"meeting": r["id"], "a": r["a"], "b": r["b"], "code": f"request_{r['status']}",
                     "reason": f"request {r['status']}"}
                    for r in event["requests"] if r["status"] in ("cancelled", "declined")]
        told = {u["meeting"] for u in declined}
        unmet = [u for u in stored["unmet"] if u["meeting"] not in told] + declined
        told |= {u["meeting"] for u in unmet}
        # requests the schedule could not know of: a suggestion not accepted yet, a request asked since
        unmet += [{"meeting": r["id"], "a": r["a"], "b": r["b"],
                   "code": "request_suggested" if r["status"] == "suggested" else "request_new",
                   "reason": "suggested, not accepted yet" if r["status"] == "suggested" else
                   "asked after this schedule was made"}
                  for r in event["requests"] if r["id"] not in placed and r["id"] not in told]
        return EventSummary(**vars(summary(view, schedule, unmet)), status=stored["status"],
                            version=event["schedule_version"], gap=stored["gap"], value_bound=stored.get("value_bound"),
                            breaks_bound=stored.get("breaks_bound"))

    def _view(self, event: dict) -> SolverEvent:
        """All participants and requests (weighed as the solver weighs them), for outputs (not for solving)."""
        slots = event["slots"]
        return SolverEvent(n_slots=len(slots), session_ends=(len(slots),), n_tables=len(event["tables"]),
                           participants=tuple(Participant(p["id"]) for p in event["participants"]),
                           meetings=tuple(Meeting(r["id"], r["a"], r["b"], weight=_weight(r))
                                          for r in event["requests"]))

    # -- schedule versions ---------------------------------------------------------------------
    def versions(self, event_id: str, event: dict | None = None) -> dict:
        """The event's schedule versions, newest first; which one is current (of ``event`` when already read)."""
        event = event or self.get(event_id)
        current = event.get("schedule_version") or None
        return {"current": current if event.get("schedule") else None,
                "versions": [{**v, "current": v["number"] == current} for v in self.repo.versions(event_id)]}

    def version(self, event_id: str, number: int) -> dict:
        """One version with its schedule, compared with the current one: the meetings moved, added and
        dropped from that version to the current one, with the breaks and value of each."""
        event = self.get(event_id)
        found = self._version(event_id, number)
        view = self._view(event)
        then, now = found["schedule"]["placements"], event["schedule"]["placements"]
        before, after = _figures(view, then), _figures(view, now)
        diff = changes(view, _as_schedule(then), _as_schedule(now))
        return {**{k: v for k, v in found.items() if k != "schedule"}, **found["schedule"],
                "number": number, "current": number == event["schedule_version"],
                "comparison": {"current": event["schedule_version"], **diff,
                               "breaks_before": before["breaks"], "breaks_after": after["breaks"],
                               "value_before": before["value"], "value_after": after["value"],
                               "met_before": len(then), "met_after": len(now)}}

    def rollback(self, event_id: str, number: int) -> tuple[dict, bool]:
        """Make an earlier version's schedule the current one again, stored as a new version (True), once
        it is checked against the event as it is now (409 with the reasons when it no longer fits). When
        the current schedule is that one already, as on a retry, nothing is stored (False)."""
        event = self.get(event_id)
        target = self._version(event_id, number)
        current = event["schedule"]
        placements = target["schedule"]["placements"]
        if _places(placements) == _places(current["placements"]):
            return {**current, "version": event["schedule_version"], "changes": event.get("last_changes")}, False
        solver_event, tables = self.solver_event(event)
        reasons = self._no_longer_fitting(event, solver_event, tables, placements, current["placements"])
        if reasons:
            raise ScheduleNoLongerValid(f"version {number} no longer fits the event: " + "; ".join(reasons[:3]),
                                        {"version": reasons})
        view = self._view(event)
        whole = _figures(view, placements)
        old_unmet = {u["meeting"]: u for u in target["schedule"].get("unmet") or []}
        placed = {p["meeting"] for p in placements}
        unmet = [old_unmet.get(m.id) or {"meeting": m.id, "a": m.a, "b": m.b, "weight": m.weight, "code": "not_in_version",
                                         "reason": f"not in version {number}, which was rolled back to"}
                 for m in solver_event.meetings if m.id not in placed]
        # valid for the event as it is now, but not proven best for it: no bounds
        body = {"status": "feasible", "value": whole["value"], "value_bound": None, "breaks": whole["breaks"],
                "breaks_bound": None, "max_breaks": whole["max_breaks"], "gap": None, "seconds": 0.0,
                "unmet": unmet, "breaks_by_participant": whole["breaks_by_participant"]}
        report = {"change": {"type": "rollback", "version": number},
                  **changes(view, _as_schedule(current["placements"]), _as_schedule(placements))}
        try:
            return self._save(event, placements, body, report, "rollback", rolled_back_to=number), True
        except Conflict:
            latest = self.get(event_id)     # a retry racing the first: the first one's version stands
            if latest.get("schedule") and _places(latest["schedule"]["placements"]) == _places(placements):
                return {**latest["schedule"], "version": latest["schedule_version"],
                        "changes": latest.get("last_changes")}, False
            raise

    def _version(self, event_id: str, number: int) -> dict:
        found = self.repo.version(event_id, number)
        if found is None:
            raise NotFound(f"no schedule version {number} of event '{event_id}'")
        return found

    def _no_longer_fitting(self, event: dict, solver_event: SolverEvent, tables: list[int], placements: list[dict],
                           current: list[dict]) -> list[str]:
        """Why ``placements`` would not be a valid schedule of the event as it is now (empty: it would)."""
        to_solver = {index: k for k, index in enumerate(tables)}
        ids = {m.id for m in solver_event.meetings}
        requests = {r["id"]: r for r in event["requests"]}
        names = {p["id"]: p.get("name") or p["id"] for p in event["participants"]}
        table_names = {t["index"]: t["name"] for t in event["tables"]}
        # meetings held before a change stay in the current schedule, outside the re-solve
        history = {(p["meeting"], p["slot"], p["table"]) for p in current if p["meeting"] not in ids}
        reasons, checked = [], []
        for p in placements:
            if p["meeting"] not in ids:
                if (p["meeting"], p["slot"], p["table"]) not in history:
                    r = requests.get(p["meeting"], {"a": "?", "b": "?", "status": "unknown"})
                    reasons.append(f"the meeting of {names.get(r['a'], r['a'])} with {names.get(r['b'], r['b'])} "
                                   f"is no longer requested (the request or a participant was cancelled, or "
                                   f"did not come)")
            elif p["table"] not in to_solver:
                reasons.append(f"{table_names.get(p['table'], shown(p['table']))} (table {shown(p['table'])}) "
                               f"is no longer in use; meeting {p['meeting']} is there in slot {shown(p['slot'])}")
            else:
                checked.append(Placement(p["meeting"], p["slot"], to_solver[p["table"]]))
        violations = validate(solver_event, Schedule(tuple(checked)), slot_name=lambda t: str(shown(t)),
                              table_name=lambda k: str(shown(tables[k])) if 0 <= k < len(tables) else "?")
        return reasons + [f"{v.constraint.replace('_', ' ')}: {v.detail}" for v in violations]

    # -- outcomes ------------------------------------------------------------------------------
    def recorded_outcomes(self, event_id: str) -> dict[str, str]:
        """{meeting id: outcome} of the event's meetings whose outcome has been recorded."""
        prefix = _meeting_key(event_id, "")
        return {k[len(prefix):]: v for k, v in self.outcomes.outcomes_with_key_prefix(prefix).items()}

    def record_outcome(self, event_id: str, meeting_id: str, outcome: str, note: str | None) -> dict:
        """A meeting's outcome goes into the graph as the scorer's training data."""
        from graph_schema.model import OUTCOME_LABELS
        event = self.get(event_id)
        placed = {p["meeting"]: p for p in (event.get("schedule") or {}).get("placements", [])}
        if meeting_id not in placed:
            raise NotFound(f"meeting '{meeting_id}' is not in the schedule of '{event_id}'")
        request = next(r for r in event["requests"] if r["id"] == meeting_id)
        people = {p["id"]: p for p in event["participants"]}
        a, b = people[request["a"]], people[request["b"]]
        buyer, supplier = (a, b) if a["role"] == "buyer" else (b, a)
        if not buyer.get("enterprise") or not supplier.get("enterprise"):
            raise InvalidInput("both participants must represent enterprises to record a business outcome",
                               {"meeting": ["participants not linked to enterprises"]})
        day = datetime.fromisoformat(event["slots"][placed[meeting_id]["slot"]]["start"]).date()
        outcome_id, result = self.outcomes.record_outcome({
            "key": _meeting_key(event_id, meeting_id), "new_id": new_id("O"), "buyer": buyer["enterprise"],
            "supplier": supplier["enterprise"], "request": None, "outcome": outcome, "label": OUTCOME_LABELS[outcome],
            "occurred_on": day.isoformat(), "note": note, "source": f"event:{event_id}"}, now_iso())
        return {"id": outcome_id, "result": result, "outcome": outcome}


def _weight(request: dict) -> int:
    """What holding a requested meeting is worth: its priority; a mutual request 2 x priority + 2."""
    priority = request.get("priority") or 1
    return (2 * priority + 2) if request.get("requested_by") == "both" else priority


def _as_schedule(placements: list[dict]) -> Schedule:
    return Schedule(tuple(Placement(p["meeting"], p["slot"], p["table"]) for p in placements))


def _places(placements: list[dict]) -> set[tuple[str, int, int]]:
    return {(p["meeting"], p["slot"], p["table"]) for p in placements}


def _figures(view: SolverEvent, placements: list[dict]) -> dict:
    """The value and breaks of a schedule, counted one way for the stored version, the summary and the
    comparison of versions: the value of the meetings held (as ``_weight`` weighs them) and the breaks in
    each participant's day (runs of idle slots between its first and last meeting)."""
    schedule = _as_schedule(placements)
    figures = summary(view, schedule)
    by_participant = {who: breaks_of(slots) for who, slots in participant_slots(view, schedule).items() if slots}
    return {"value": figures.value, "breaks": figures.breaks, "max_breaks": figures.max_breaks,
            "breaks_by_participant": by_participant}


def _no_event(event_id: str) -> NotFound:
    return NotFound(f"no event with id '{event_id}'")


def _definition(event: dict) -> dict:
    """What an event was created with, to tell a retry from another event under the same reference."""
    return {"name": event["name"], "location": event.get("location"), "fairness": event.get("fairness"),
            "slots": [(s["start"], s["end"], s["session"]) for s in event["slots"]],
            "tables": [(t["name"], t["seats"]) for t in event["tables"]]}


def _meeting_key(event_id: str, meeting_id: str) -> str:
    """What a meeting's outcome is about; a retry or a correction of it finds the same record."""
    return f"meeting:{event_id}/{meeting_id}"
