"""Matchmaking events for organisers: create an event, import participants and meeting requests from
a spreadsheet, run the scheduler, the schedule as a grid of slots by tables, changes on the day with
what moved highlighted, agendas (print and ICS) and meeting outcomes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import flash, g, jsonify, make_response, redirect, render_template, request, url_for
from marshmallow import ValidationError

from graph_schema.model import OUTCOMES
from scoring.text import fold

from ..context import job_service
from ..schemas import ChangeIn, EventIn, MeetingOutcomeIn, MeetingRequestIn, ParticipantIn, ScheduleArgs, ScheduleJobOut
from ..downloads import attachment
from ..errors import Conflict, DomainError, InvalidInput, flatten_messages
from ..numbering import shown as number_of
from ..numbering import stored
from ..importing.sheets import read_rows
from ..services.access import authorize
from ..services.events import EventService
from . import _graph, load_form, principal, web, wording
from .i18n import calendar_words

SCHEDULE_TIME_LIMIT = int(ScheduleArgs().fields["time_limit"].validators[0].max)   # a job: as long as the API allows

PAGE_TIME_LIMIT = 90        # seconds: a page waits for a change's re-solve; a web worker's timeout is 120 s
CHANGES = ("no_show", "cancel_participant", "cancel_meeting", "table_lost")
_COLUMNS = {  # spreadsheet columns (folded) -> the API's field, in English and Vietnamese
    "id": "id", "ma": "id", "code": "id", "name": "name", "ten": "name", "role": "role", "vai_tro": "role",
    "enterprise": "enterprise", "doanh_nghiep": "enterprise", "ma_doanh_nghiep": "enterprise",
    "max_meetings": "max_meetings", "so_cuoc_gap_toi_da": "max_meetings",
    "forbidden_slots": "forbidden_slots", "khung_gio_ban": "forbidden_slots",
    "hosted_table": "hosted_table", "ban_co_dinh": "hosted_table",
    "from": "from", "tu": "from", "to": "to", "den": "to", "with": "to", "priority": "priority", "uu_tien": "priority",
    "fixed_slot": "fixed_slot", "khung_gio_co_dinh": "fixed_slot", "after": "after", "sau": "after",
}
_ROLES = {"buyer": "buyer", "ben mua": "buyer", "supplier": "supplier", "nha cung cap": "supplier",
          "ben ban": "supplier", "other": "other", "khac": "other"}


def _service(event_id: str) -> EventService:
    """The service, once the person is shown to be the event's organiser (or an admin)."""
    service = EventService(_graph())
    service.check_organiser(principal(), event_id)
    return service


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _items(value) -> list[str]:
    """'a; b, c' -> ['a', 'b', 'c']."""
    return [p for p in re.split(r"[;,\s]+", _text(value) or "") if p]


def _numbers(value) -> list[int | str]:
    """'1; 4' -> [1, 4]: slot and table numbers as people write them (from 1, as the API takes them)."""
    return [int(p) if p.isdigit() else p for p in _items(value)]


def participant_row(row: dict) -> dict:
    """One spreadsheet row as the API's participant."""
    row = {_COLUMNS.get(k, k): v for k, v in row.items()}
    out = {k: _text(row.get(k)) for k in ("id", "name", "enterprise", "max_meetings")}
    role = _text(row.get("role"))
    out["role"] = _ROLES.get(fold(role), role) if role else None
    out["forbidden_slots"] = _numbers(row.get("forbidden_slots"))
    hosted = _numbers(row.get("hosted_table"))
    out["hosted_table"] = hosted[0] if hosted else None
    return out


def request_row(row: dict) -> dict:
    """One spreadsheet row as the API's meeting request."""
    row = {_COLUMNS.get(k, k): v for k, v in row.items()}
    fixed = _numbers(row.get("fixed_slot"))
    return {"from": _text(row.get("from")), "to": _text(row.get("to")), "priority": _text(row.get("priority")),
            "fixed_slot": fixed[0] if fixed else None,
            "after": _items(row.get("after"))}


def _validated(rows: list[dict], schema) -> list[dict]:
    """Every row through the API's schema; all errors named by spreadsheet line (header = line 1)."""
    clean, errors = [], {}
    for i, row in enumerate(rows):
        try:
            clean.append(schema.load({k: v for k, v in row.items() if v not in (None, "", [])}))
        except ValidationError as err:
            for field, reasons in flatten_messages(err.messages).items():
                errors[f"line {i + 2}: {field}"] = reasons
    if errors:
        raise InvalidInput("some rows are not valid; nothing was stored", errors)
    if not clean:
        raise InvalidInput("the file has no rows", {"file": ["only a header"]})
    return clean


def _by_line(err: DomainError) -> DomainError:
    """The service names rows by their place in the body ('requests.3.from'); the organiser knows spreadsheet
    lines."""
    def line(key):
        collection, _, rest = key.partition(".")
        first, _, field = rest.partition(".")
        return f"line {int(first) + 2}: {field}" if collection in ("participants", "requests") and first.isdigit() \
            else key
    return type(err)(err.message, {line(k): v for k, v in err.fields.items()})


@web.route("/events", methods=["GET", "POST"])
def events():
    """The organiser's events, and a new one from the form."""
    p = principal()
    authorize(p, "create an event")
    service = EventService(_graph())
    errors, form = {}, request.form
    if request.method == "POST":
        try:
            created, _ = service.create(load_form(EventIn(), _event_body(form)), organiser=p.tenant)
            return redirect(url_for("web.event", event_id=created["id"]))
        except InvalidInput as err:
            errors = err.fields
    items = service.list(None if p.is_admin else p.tenant)
    return render_template("web/events.html", items=items, errors=errors, form=form), 422 if errors else 200


def _event_body(form) -> dict:
    """Slots from the day, first start, slot length, count and an optional lunch break."""
    try:
        day = datetime.strptime(form.get("date", ""), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("the date is not valid", {"date": ["a date like 2026-12-03"]}) from None
    try:
        start = datetime.strptime(form.get("start", ""), "%H:%M").time()
    except ValueError:
        raise InvalidInput("the start time is not valid", {"start": ["a time like 09:00"]}) from None
    numbers = {}
    for field, low, high, default in (("slot_minutes", 5, 240, 20), ("slots", 1, 200, 8), ("break_after", 0, 200, 0),
                                      ("break_minutes", 0, 600, 60), ("tables", 1, 2000, 10), ("seats", 2, 50, 4),
                                      ("utc_offset", -12, 14, 7)):
        raw = (form.get(field) or "").strip()
        try:
            value = int(raw) if raw else default
        except ValueError:
            raise InvalidInput("not a whole number", {field: ["a whole number"]}) from None
        if not low <= value <= high:
            raise InvalidInput("out of range", {field: [f"between {low} and {high}"]})
        numbers[field] = value
    zone = f"{'+' if numbers['utc_offset'] >= 0 else '-'}{abs(numbers['utc_offset']):02d}:00"
    at = datetime.fromisoformat(f"{day.isoformat()}T{start.strftime('%H:%M')}{zone}")
    slots = []
    for i in range(numbers["slots"]):
        session = 2 if numbers["break_after"] and i >= numbers["break_after"] else 1
        if numbers["break_after"] and i == numbers["break_after"]:
            at += timedelta(minutes=numbers["break_minutes"])
        end = at + timedelta(minutes=numbers["slot_minutes"])
        slots.append({"start": at.isoformat(), "end": end.isoformat(), "session": session})
        at = end
    return {"name": form.get("name"), "location": form.get("location"), "slots": slots,
            "tables": [{"seats": numbers["seats"]} for _ in range(numbers["tables"])],
            "fairness": form.get("fairness") or None}


@web.route("/events/<string:event_id>")
def event(event_id):
    """Everything about one event on one page: imports, scheduler, grid, changes, outcomes."""
    service = _service(event_id)
    ev = service.get(event_id)
    summary = service.summary(event_id, ev) if ev.get("schedule") else None
    names = {p["id"]: p.get("name") or p["id"] for p in ev["participants"]}
    # Outcomes and cancellations are entered slot by slot: a large event has thousands of meetings.
    shown = stored(request.args.get("slot", type=int))     # the page names slots by their number
    if shown is None or not 0 <= shown < len(ev["slots"]):
        shown = 0
    in_slot = [p for p in (ev.get("schedule") or {}).get("placements", []) if p["slot"] == shown]
    return render_template("web/event.html", ev=ev, summary=summary, grid=schedule_grid(ev), names=names,
                           outcomes=OUTCOMES, changes=CHANGES, time_limit_max=SCHEDULE_TIME_LIMIT,
                           recorded=service.recorded_outcomes(event_id), shown_slot=shown, in_slot=in_slot,
                           job=job_service().latest(event_id), versions=service.versions(event_id, ev)["versions"])


def schedule_grid(ev: dict) -> dict | None:
    """Rows of slots, columns of tables; each cell the meeting there, marked when the last change
    moved or added it."""
    schedule = ev.get("schedule")
    if not schedule:
        return None
    names = {p["id"]: p.get("name") or p["id"] for p in ev["participants"]}
    requests = {r["id"]: r for r in ev["requests"]}
    last = ev.get("last_changes") or {}
    marks = {m["meeting"]: "moved" for m in last.get("moved", [])} | {m["meeting"]: "added" for m in last.get("added", [])}
    cells = {}
    for p in schedule["placements"]:
        r = requests.get(p["meeting"], {"a": "?", "b": "?"})
        cells[(p["slot"], p["table"])] = {"meeting": p["meeting"], "a": names.get(r["a"], r["a"]),
                                          "b": names.get(r["b"], r["b"]), "mark": marks.get(p["meeting"])}
    return {"slots": ev["slots"], "tables": ev["tables"], "cells": cells, "rows": _rows(ev["slots"]),
            "dropped": [{**d, "a": names.get(requests.get(d["meeting"], {}).get("a"), "?"),
                         "b": names.get(requests.get(d["meeting"], {}).get("b"), "?")} for d in last.get("dropped", [])],
            "notify": [names.get(n, n) for n in last.get("notify", [])], "change": last.get("change")}


def _rows(slots: list[dict]) -> list[dict]:
    """The grid's rows: each slot, and between two sessions the break (lunch, or the night between days)."""
    rows = []
    for before, slot in zip([None] + slots[:-1], slots):
        if before is not None and slot["session"] != before["session"]:
            rows.append({"break": True, "start": before["end"], "end": slot["start"],
                         "same_day": before["end"][:10] == slot["start"][:10]})
        rows.append({"break": False, "slot": slot})
    return rows


@web.route("/events/<string:event_id>/import", methods=["POST"])
def event_import(event_id):
    """Participants or meeting requests from a CSV or XLSX file; all rows or none."""
    service = _service(event_id)
    what = request.form.get("what")
    upload = request.files.get("file")
    if what not in ("participants", "requests"):
        raise InvalidInput("choose what the file holds", {"what": ["participants or requests"]})
    if upload is None or not upload.filename:
        raise InvalidInput("choose a file", {"file": ["a .csv or .xlsx file"]})
    rows = read_rows(upload.filename, upload.read())
    try:
        if what == "participants":
            clean = _validated([participant_row(r) for r in rows], ParticipantIn())
            service.add_participants(event_id, clean)
        else:
            clean = _validated([request_row(r) for r in rows], MeetingRequestIn())
            service.add_requests(event_id, clean, source="organiser" if request.form.get("organiser") else "participant")
    except (InvalidInput, Conflict) as err:
        raise _by_line(err) from None
    flash(("imported." + what, len(clean)))
    return redirect(url_for("web.event", event_id=event_id))


@web.route("/events/<string:event_id>/schedule", methods=["POST"])
def event_schedule(event_id):
    """Start the scheduler in the background for at most the given seconds; the page shows its progress."""
    _service(event_id)
    limit = load_form(ScheduleArgs(), {"time_limit": request.form.get("time_limit")})["time_limit"]
    job_service().submit(event_id, time_limit=limit)
    return redirect(url_for("web.event", event_id=event_id, _anchor="schedule"))


@web.route("/events/<string:event_id>/schedule-jobs/<string:job_id>")
def event_schedule_job(event_id, job_id):
    """The scheduling job as JSON, polled by the event's page for its progress."""
    _service(event_id)
    return jsonify(ScheduleJobOut().dump(job_service().get(event_id, job_id)))


@web.route("/events/<string:event_id>/schedule-jobs/<string:job_id>/cancel", methods=["POST"])
def event_schedule_cancel(event_id, job_id):
    """Stop a scheduling job (nothing is stored)."""
    _service(event_id)
    job_service().cancel(event_id, job_id)
    return redirect(url_for("web.event", event_id=event_id, _anchor="schedule"))


@web.route("/events/<string:event_id>/changes", methods=["POST"])
def event_change(event_id):
    """A change on the day; the grid then shows what moved."""
    service = _service(event_id)
    form = request.form
    kind = form.get("type")
    body = {"type": kind, "from_slot": form.get("from_slot"), "time_limit": form.get("time_limit") or 20}
    if kind in ("no_show", "cancel_participant"):
        body["participant"] = form.get("participant")
    elif kind == "cancel_meeting":
        body["meeting"] = form.get("meeting")
    elif kind == "table_lost":
        body["table"] = form.get("table")
    change = load_form(ChangeIn(), body)
    time_limit = min(change.pop("time_limit"), PAGE_TIME_LIMIT)
    service.change(event_id, change, time_limit=time_limit)
    return redirect(url_for("web.event", event_id=event_id, _anchor="schedule"))


@web.route("/events/<string:event_id>/meetings/<string:meeting_id>/outcome", methods=["POST"])
def event_outcome(event_id, meeting_id):
    """What came of a meeting (safe to send again)."""
    service = _service(event_id)
    data = load_form(MeetingOutcomeIn(), {"outcome": request.form.get("outcome"), "note": request.form.get("note")})
    service.record_outcome(event_id, meeting_id, data["outcome"], data.get("note"))
    flash(("outcome.saved", 1))
    # back to the slot the organiser was working on (the form says which, by its number; no second read)
    return redirect(url_for("web.event", event_id=event_id, slot=request.form.get("slot", number_of(0), type=int),
                            _anchor="outcomes"))


def _as_organiser_or_party(event_id: str, participant_id: str) -> EventService:
    """The organiser, an admin, or the buyer or SME the participant represents (as in the API)."""
    service = EventService(_graph())
    service.check_organiser_or_party(principal(), event_id, [participant_id])
    return service


@web.route("/events/<string:event_id>/participants/<string:participant_id>/agenda")
def agenda(event_id, participant_id):
    body = _as_organiser_or_party(event_id, participant_id).agenda(event_id, participant_id)
    return render_template("web/agenda.html", agenda=body)


@web.route("/events/<string:event_id>/participants/<string:participant_id>/agenda.ics")
def agenda_ics(event_id, participant_id):
    text = _as_organiser_or_party(event_id, participant_id).agenda_ics(event_id, participant_id,
                                                                        calendar_words(g.lang), wording().table)
    return make_response(text, 200, {"Content-Type": "text/calendar; charset=utf-8",
                                     "Content-Disposition": attachment(f"{event_id}-{participant_id}.ics")})


@web.route("/events/<string:event_id>/versions/<int:number>")
def event_version(event_id, number):
    """One schedule version compared with the current one, with a button to roll back to it."""
    service = _service(event_id)
    ev = service.get(event_id)
    version = service.version(event_id, number)
    names = {p["id"]: p.get("name") or p["id"] for p in ev["participants"]}
    requests = {r["id"]: r for r in ev["requests"]}

    def who(meeting_id):
        r = requests.get(meeting_id, {"a": "?", "b": "?"})
        return f"{names.get(r['a'], r['a'])} ↔ {names.get(r['b'], r['b'])}"
    return render_template("web/version.html", ev=ev, version=version, who=who)


@web.route("/events/<string:event_id>/versions/<int:number>/rollback", methods=["POST"])
def event_rollback(event_id, number):
    """Roll back to an earlier schedule version (checked against the event as it is now)."""
    _, created = _service(event_id).rollback(event_id, number)
    flash(("version.rolled_back" if created else "version.already", number))
    return redirect(url_for("web.event", event_id=event_id, _anchor="schedule"))
