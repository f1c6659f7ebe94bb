"""Matchmaking events: define, register, request, schedule, change on the day, agendas, outcomes."""
from flask import url_for

from ..downloads import attachment
from . import (Blueprint, authorize, caller, graph, in_language, job_service, model_store, printable, reader_language,
               reader_wording)
from ..schemas import (AgendaArgs, AgendaOut, ChangeIn, ErrorResponse, EventIn, EventOut, EventPage, MeetingOutcomeIn,
                      MeetingOutcomeOut, MeetingRequestOut, MeetingRequestsIn, PageArgs, ParticipantsIn, ScheduleArgs,
                      ScheduleJobOut, ScheduleOut, SuggestionArgs, SuggestionDecision, SuggestionsOut, SummaryOut, TablesOut,
                      VersionDetailOut, VersionsOut)
from ..services.events import EventService
from ..web.i18n import calendar_words

blp = Blueprint("events", __name__, url_prefix="/events", description="B2B matchmaking events")


def _service():
    return EventService(graph())


def _as_organiser(event_id: str) -> EventService:
    """The service, once the caller is shown to be the event's organiser (or an admin)."""
    service = _service()
    service.check_organiser(caller(), event_id)
    return service


def _as_organiser_or_party(event_id: str, participant_ids: list[str]) -> EventService:
    """The organiser, an admin, or a buyer or SME that one of the participants represents."""
    service = _service()
    service.check_organiser_or_party(caller(), event_id, participant_ids)
    return service


@blp.route("", methods=["POST"])
@blp.arguments(EventIn)
@blp.response(201, EventOut)
@blp.alt_response(200, schema=EventOut, description="a retry with the same reference and definition: nothing new")
def create_event(data):
    """Create an event with its time slots (in sessions) and tables (organiser; it owns the event)."""
    principal = caller()
    authorize(principal, "create an event")
    event, created = _service().create(data, organiser=principal.tenant)
    return event, 201 if created else 200


@blp.route("", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, EventPage)
def list_events(args):
    """Events, newest first: an organiser's own, every event for an admin."""
    principal = caller()
    authorize(principal, "list events")
    return _service().page(None if principal.is_admin else principal.tenant, args["page"], args["per_page"])


@blp.route("/<string:event_id>", methods=["GET"])
@blp.response(200, EventOut)
def get_event(event_id):
    """The event with its slots, tables, participants, requests and current schedule."""
    return _as_organiser(event_id).get(event_id)


@blp.route("/<string:event_id>/participants", methods=["POST"])
@blp.arguments(ParticipantsIn)
@blp.response(200, EventOut)
def add_participants(data, event_id):
    """Register participants (idempotent by participant id)."""
    return _as_organiser(event_id).add_participants(event_id, data["participants"])


@blp.route("/<string:event_id>/requests", methods=["POST"])
@blp.arguments(MeetingRequestsIn)
@blp.response(200, EventOut)
def add_requests(data, event_id):
    """Meeting requests from either side with a priority; both sides asking makes it mutual."""
    return _as_organiser(event_id).add_requests(event_id, data["requests"],
                                   source="organiser" if data["organiser"] else "participant")


@blp.route("/<string:event_id>/suggestions", methods=["POST"])
@blp.arguments(SuggestionArgs, location="query")
@blp.response(200, SuggestionsOut)
def suggestions(args, event_id):
    """Suggested meetings from the scorer to fill free capacity (participants accept or decline them)."""
    return _as_organiser(event_id).suggest(event_id, model_store(), per_buyer=args["per_buyer"])


@blp.route("/<string:event_id>/requests/<string:request_id>/decision", methods=["POST"])
@blp.arguments(SuggestionDecision)
@blp.response(200, MeetingRequestOut)
def decide(data, event_id, request_id):
    """Accept or decline a suggested meeting (its organiser, or either party): the request as it now stands."""
    service = _service()
    service.check_may_decide(caller(), event_id, request_id)
    return service.decide_suggestion(event_id, request_id, data["accept"])


@blp.route("/<string:event_id>/schedule", methods=["POST"])
@blp.arguments(ScheduleArgs, location="query")
@blp.response(202, ScheduleJobOut)
def schedule(args, event_id):
    """Start solving the schedule in the background: 202 with the job to follow (GET it for progress
    and the result). Posting again while a job for the same event and inputs is queued or running
    answers that job; a job for changed inputs replaces it."""
    _as_organiser(event_id)
    job, _ = job_service().submit(event_id, time_limit=args["time_limit"])
    job = _linked(job)
    return job, 202, {"Location": job["links"]["self"]}


@blp.route("/<string:event_id>/schedule-jobs/<string:job_id>", methods=["GET"])
@blp.response(200, ScheduleJobOut)
def schedule_job(event_id, job_id):
    """A schedule job: status (queued, running, done, failed, cancelled), the solver's progress (best
    value, bound and gap over time), and when done the schedule stored (as ``result``)."""
    _as_organiser(event_id)
    return _linked(job_service().get(event_id, job_id))


@blp.route("/<string:event_id>/schedule-jobs/<string:job_id>", methods=["DELETE"])
@blp.response(200, ScheduleJobOut)
def cancel_schedule_job(event_id, job_id):
    """Cancel a queued or running schedule job (a running solve stops at once; nothing is stored)."""
    _as_organiser(event_id)
    return _linked(job_service().cancel(event_id, job_id))


def _linked(job: dict) -> dict:
    """The job with the links a client follows."""
    own = url_for("events.schedule_job", event_id=job["event"], job_id=job["id"])
    return {**job, "links": {"self": own, "cancel": own, "event": url_for("events.get_event", event_id=job["event"]),
                             "summary": url_for("events.event_summary", event_id=job["event"])}}


@blp.route("/<string:event_id>/changes", methods=["POST"])
@blp.arguments(ChangeIn)
@blp.response(200, ScheduleOut)
def change(data, event_id):
    """A change on the day; re-solves keeping everything else in place and says who must be told."""
    time_limit = data.pop("time_limit")
    return _as_organiser(event_id).change(event_id, data, time_limit=time_limit)


@blp.route("/<string:event_id>/summary", methods=["GET"])
@blp.response(200, SummaryOut)
def event_summary(event_id):
    """Requests met, the value and breaks of the current schedule (as its version reports them), and unmet
    requests with the reason."""
    return _as_organiser(event_id).summary(event_id)


@blp.route("/<string:event_id>/tables", methods=["GET"])
@blp.response(200, TablesOut)
def tables(event_id):
    """Per-table sheets: who meets at each table, slot by slot."""
    return {"tables": _as_organiser(event_id).tables(event_id)}


@blp.route("/<string:event_id>/participants/<string:participant_id>/agenda", methods=["GET"])
@blp.arguments(AgendaArgs, location="query")
@blp.response(200, AgendaOut)
def participant_agenda(args, event_id, participant_id):
    """A participant's agenda as JSON, an iCalendar file, or a printable page (its organiser or itself)."""
    service = _as_organiser_or_party(event_id, [participant_id])
    lang = reader_language(args["lang"])
    if args["format"] == "ics":
        text = service.agenda_ics(event_id, participant_id, calendar_words(lang), reader_wording(lang).table)
        return in_language(text, lang, "text/calendar; charset=utf-8", **{
            "Content-Disposition": attachment(f"{event_id}-{participant_id}.ics")})
    body = service.agenda(event_id, participant_id)
    if args["format"] == "html":
        return printable("agenda.html", lang, agenda=body)
    return body


@blp.route("/<string:event_id>/meetings/<string:meeting_id>/outcome", methods=["POST"])
@blp.arguments(MeetingOutcomeIn)
@blp.response(201, MeetingOutcomeOut)
@blp.alt_response(200, schema=MeetingOutcomeOut, description="a retry of the same record: nothing new")
def outcome(data, event_id, meeting_id):
    """Record a meeting's outcome in the graph (the scorer's training data). Safe to retry."""
    result = _as_organiser(event_id).record_outcome(event_id, meeting_id, data["outcome"], data.get("note"))
    return result, 201 if result["result"] == "created" else 200


@blp.route("/<string:event_id>/schedule-versions", methods=["GET"])
@blp.response(200, VersionsOut)
def schedule_versions(event_id):
    """The event's schedule versions, newest first: each stored schedule, what made it, its breaks and value."""
    return _as_organiser(event_id).versions(event_id)


@blp.route("/<string:event_id>/schedule-versions/<int:number>", methods=["GET"])
@blp.response(200, VersionDetailOut)
def schedule_version(event_id, number):
    """One schedule version, compared with the current one: the meetings moved, added and dropped since,
    and the breaks and value before and after."""
    return _as_organiser(event_id).version(event_id, number)


@blp.route("/<string:event_id>/schedule-versions/<int:number>/rollback", methods=["POST"])
@blp.response(201, ScheduleOut)
@blp.alt_response(200, schema=ScheduleOut, description="the current schedule is that version's already (a "
                                                        "retry): nothing new")
@blp.alt_response(409, schema=ErrorResponse, description="the version no longer fits the event as it is now: the "
                                                         "reasons in fields (code version_no_longer_valid)")
def rollback(event_id, number):
    """Make an earlier version's schedule current again, as a new version, once it is checked against the
    event as it is now; says what moves and who must be told, as a change does."""
    body, created = _as_organiser(event_id).rollback(event_id, number)
    return body, 201 if created else 200
