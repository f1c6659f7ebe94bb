"""Schemas at the edge, for the API and the pages alike: query arguments, request bodies (and forms) and
documented responses."""
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from graph_schema.model import (COMMUNE_KINDS, EFFORT_CLASSES, ENTERPRISE_KINDS, LANGUAGES, OUTCOMES,
                                 REQUEST_STATUSES, STANDARD_KINDS, ZONE_KINDS)
from .importing.rows import EnterpriseRow, IMPORT_KINDS, Identifier
from .importing.records import ENCODINGS, FORMATS
from .numbering import SlotNumber, TableNumber
from .services.enterprises import SORTS
from .services.readiness import FEW_PEERS, GAIN_SAMPLE


class Rounded(fields.Float):
    """A number shown to ``places`` decimals: services return what they computed, the answer rounds it
    (a whole number stays whole)."""

    def __init__(self, places: int, **kwargs):
        super().__init__(**kwargs)
        self.places = places

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        return round(float(value), self.places)


class RoundedValues(fields.Dict):
    """Numbers by name, each shown to ``places`` decimals."""

    def __init__(self, places: int, **kwargs):
        super().__init__(**kwargs)
        self.places = places

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else {k: round(float(v), self.places) for k, v in value.items()}


def _not_after_tomorrow(day) -> bool:
    """What happened cannot be dated later than tomorrow (a caller's day may be ahead of the server's)."""
    import datetime
    if day > datetime.date.today() + datetime.timedelta(days=1):
        raise ValidationError(f"{day.isoformat()} has not come yet")
    return True


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class EnterpriseQueryArgs(PageArgs):
    kind = fields.String(validate=validate.OneOf(ENTERPRISE_KINDS))
    sector = fields.String()
    capability = fields.String(metadata={"description": "capability id; firms with any sub-capability match too"})
    standard = fields.String(metadata={"description": "standard id; only valid (unexpired) certificates count"})
    zone = fields.String()
    commune = fields.String()
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "full-text search in names and descriptions, with or without diacritics"})
    latitude = fields.Float(validate=validate.Range(-90, 90), allow_nan=False)
    longitude = fields.Float(validate=validate.Range(-180, 180), allow_nan=False)
    radius_km = fields.Float(validate=validate.Range(min=0.01, max=500), allow_nan=False)
    sort = fields.String(validate=validate.OneOf(SORTS))


class EnterpriseIn(EnterpriseRow):
    """An enterprise as created or updated through the API (same rules as an imported row); a field it does
    not know is refused, so that a misspelt one is not silently dropped."""

    class Meta:
        unknown = RAISE


class EnterprisePatch(EnterpriseIn):
    """The fields of an enterprise to change; null removes an optional field. The firm itself may change
    every field but id, code, kind and home_country, which only an admin may change."""


class CapabilityHeld(Schema):
    capability = fields.String()
    name_en = fields.String(allow_none=True)
    name_vi = fields.String(allow_none=True)
    capacity = fields.Float(allow_none=True)
    unit = fields.String(allow_none=True)


class CertificationHeld(Schema):
    standard = fields.String()
    name_en = fields.String(allow_none=True)
    name_vi = fields.String(allow_none=True)
    number = fields.String(allow_none=True)
    issuer = fields.String(allow_none=True)
    issued = fields.String(allow_none=True)
    expires = fields.String(allow_none=True)
    valid = fields.Boolean()


class EnterpriseOut(Schema):
    id = fields.String()
    code = fields.String(allow_none=True)
    name = fields.String()
    description = fields.String(allow_none=True)
    kind = fields.String()
    home_country = fields.String(allow_none=True)
    employees = fields.Integer(allow_none=True)
    founded = fields.Integer(allow_none=True)
    revenue_band = fields.String(allow_none=True)
    export_share = fields.Float(allow_none=True)
    address = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    sectors = fields.List(fields.String())
    zone = fields.String(allow_none=True)
    associations = fields.List(fields.String())
    capabilities = fields.List(fields.Nested(CapabilityHeld))
    certifications = fields.List(fields.Nested(CertificationHeld))
    source = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)


class _Page(Schema):
    """A page of a list: its items (a subclass says of what), which page, its size and how many in all."""
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class EnterprisePage(_Page):
    items = fields.List(fields.Nested(EnterpriseOut))


class DuplicateArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(["open", "confirmed", "dismissed"]))


class ImportArgs(Schema):
    format = fields.String(validate=validate.OneOf(FORMATS + ("ndjson",)),
                           metadata={"description": "csv, json or jsonl; guessed from the file name if omitted"})
    mapping = fields.String(metadata={"description": 'JSON object {"our_field": "your column"}, '
                                                     'e.g. {"name": "Facility Name"}'})
    source = fields.String(validate=validate.Length(max=200))
    encoding = fields.String(load_default="utf-8", validate=validate.OneOf(ENCODINGS),
                             metadata={"description": "the file's text encoding; a byte not of it is refused with "
                                                      "its line and offset (cp1258: Windows Vietnamese)"})


class RejectedRow(Schema):
    line = fields.Integer(metadata={"description": "file line (CSV, JSON Lines) or position in the array (JSON)"})
    field = fields.String(allow_none=True)
    reason = fields.String()


class RepeatedRow(Schema):
    line = fields.Integer()
    same_as = fields.Integer(metadata={"description": "the earlier line of the same firm"})


class ImportReportOut(Schema):
    kind = fields.String(validate=validate.OneOf(IMPORT_KINDS))
    format = fields.String()
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    probable_duplicates = fields.Integer()
    repeated = fields.Integer(metadata={"description": "rows that said again what an earlier row of the file said"})
    repeats = fields.List(fields.Nested(RepeatedRow))
    errors = fields.List(fields.Nested(RejectedRow))
    errors_listed = fields.Integer()
    ignored_columns = fields.List(fields.String(), metadata={
        "description": "columns of the file that no field of this kind reads (their values were not stored): "
                       "check their names, or give a mapping"})


class ZoneArgs(Schema):
    kind = fields.String(validate=validate.OneOf(ZONE_KINDS))


class _Named(Schema):
    id = fields.String(required=True)
    name_en = fields.String(allow_none=True, metadata={"description": "the name in English"})
    name_vi = fields.String(allow_none=True, metadata={"description": "the name in Vietnamese"})


class CapabilityOut(_Named):
    parent = fields.String(allow_none=True, metadata={"description": "the broader process it is part of"})
    isic = fields.String(allow_none=True)
    unit = fields.String(allow_none=True, metadata={"description": "the unit of a supplier's capacity"})


class SectorAsks(Schema):
    sector = fields.String()
    mandatory = fields.Boolean()


class StandardOut(_Named):
    kind = fields.String(validate=validate.OneOf(STANDARD_KINDS))
    scope = fields.String(allow_none=True)
    effort = fields.String(allow_none=True, validate=validate.OneOf(EFFORT_CLASSES), metadata={"description": "effort class"})
    months_min = fields.Float(allow_none=True)
    months_max = fields.Float(allow_none=True)
    cost_min_mvnd = fields.Float(allow_none=True, metadata={"description": "million VND"})
    cost_max_mvnd = fields.Float(allow_none=True, metadata={"description": "million VND"})
    certifier = fields.String(allow_none=True, metadata={"description": "who certifies or accepts it"})
    prerequisites = fields.List(fields.String(), metadata={"description": "standards to hold first"})
    required_by_sectors = fields.List(fields.Nested(SectorAsks))


class StandardAsked(Schema):
    standard = fields.String()
    mandatory = fields.Boolean()


class SectorOut(_Named):
    isic = fields.String(allow_none=True)
    aliases = fields.List(fields.String(), metadata={"description": "other names an import may use"})
    requirements = fields.List(fields.Nested(StandardAsked))


class ZoneOut(_Named):
    kind = fields.String()
    commune = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    sectors = fields.List(fields.String())
    enterprises = fields.Integer(metadata={"description": "enterprises located in it"})


class CommuneOut(Schema):
    id = fields.String(required=True, metadata={"description": "the General Statistics Office's unit code"})
    kind = fields.String(validate=validate.OneOf(COMMUNE_KINDS), metadata={"description": "ward (phường) or commune (xã)"})
    name_vi = fields.String(metadata={"description": "the official name, as enterprises carry it"})
    name_en = fields.String(metadata={"description": "the same without accents"})
    enterprises = fields.Integer(metadata={"description": "enterprises in it"})


def _items(schema: type[Schema], name: str) -> type[Schema]:
    """A response of the form {"items": [...]}."""
    return Schema.from_dict({"items": fields.List(fields.Nested(schema), required=True)}, name=name)


CapabilitiesOut = _items(CapabilityOut, "CapabilitiesOut")
StandardsOut = _items(StandardOut, "StandardsOut")
SectorsOut = _items(SectorOut, "SectorsOut")
ZonesOut = _items(ZoneOut, "ZonesOut")
CommunesOut = _items(CommuneOut, "CommunesOut")


class StandardNeed(Schema):
    id = fields.String(required=True)
    mandatory = fields.Boolean(load_default=False)


class SourcingNeed(Schema):
    """What a buyer needs: capabilities, products, standards, where, how much, in words."""

    class Meta:
        unknown = EXCLUDE

    buyer = fields.String(metadata={"description": "the buyer's enterprise id"})
    title = fields.String(validate=validate.Length(max=200), load_default=None)
    capabilities = fields.List(fields.String(), load_default=list,
                               metadata={"description": "capability ids; related ones in the hierarchy get part credit"})
    products = fields.List(fields.String(validate=validate.Regexp(r"^\d{4,10}$", error="an HS code of 4-10 digits")),
                           load_default=list)
    standards = fields.List(fields.Nested(StandardNeed), load_default=list)
    latitude = fields.Float(validate=validate.Range(-90, 90), allow_nan=False, load_default=None)
    longitude = fields.Float(validate=validate.Range(-180, 180), allow_nan=False, load_default=None)
    max_distance_km = fields.Float(validate=validate.Range(min=0.1, max=2000), allow_nan=False, load_default=None)
    monthly_volume = fields.Float(validate=validate.Range(min=0, min_inclusive=False), allow_nan=False,
                                  load_default=None)
    text = fields.String(validate=validate.Length(max=2000), load_default=None,
                         metadata={"description": "free text, English or Vietnamese, with or without diacritics"})


class SourcingRequestIn(SourcingNeed):
    class Meta:
        unknown = RAISE

    reference = Identifier(load_default=None, metadata={
        "description": "optional, your own reference for the request (unique among your requests): retrying a "
                       "create with the same reference and body is safe. The id is made by the service."})
    buyer = fields.String(required=True)
    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES), load_default="open")


class SourcingRequestPatch(SourcingNeed):
    class Meta:
        unknown = RAISE     # a misspelt field (max_distance) would otherwise change nothing, silently

    buyer = fields.String()
    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES))


class RequestListArgs(PageArgs):
    buyer = fields.String()
    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES))


class MatchOptions(PageArgs):
    hard_mandatory = fields.Boolean(load_default=True,
                                    metadata={"description": "drop suppliers lacking a valid mandatory standard"})
    hard_distance = fields.Boolean(load_default=True,
                                   metadata={"description": "drop suppliers beyond max_distance_km"})
    kinds = fields.List(fields.String(validate=validate.OneOf(ENTERPRISE_KINDS)), load_default=None,
                        metadata={"description": "supplier kinds (default sme)"})
    min_score = fields.Float(validate=validate.Range(0, 1), load_default=None)


class AdHocSearch(SourcingNeed):
    class Meta:
        unknown = RAISE     # a misspelt max_distance_km would otherwise search the whole city, silently

    options = fields.Nested(MatchOptions(unknown=RAISE), load_default=dict)


class OutcomeIn(Schema):
    class Meta:
        unknown = RAISE

    id = Identifier(load_default=None, metadata={
        "description": "only to change an outcome recorded before (the id it was given); a new outcome gets "
                       "its id from the service, and a retry finds it by buyer, supplier, request and date"})
    buyer = fields.String(required=True)
    supplier = fields.String(required=True)
    request = fields.String(load_default=None)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    occurred_on = fields.Date(required=True, validate=lambda day: _not_after_tomorrow(day), metadata={
        "description": "the day of the contact (not a day to come: at most tomorrow, for time zones)"})
    note = fields.String(validate=validate.Length(max=2000), load_default=None)
    shown_rank = fields.Integer(load_default=None, validate=validate.Range(min=1, max=10_000), metadata={
        "description": "the rank at which the supplier was shown when the buyer chose to contact it (from "
                       "the matches); training corrects for buyers contacting mostly the top of a list"})


class TrainArgs(Schema):
    bootstrap = fields.Boolean(load_default=True,
                               metadata={"description": "add the bootstrap set from seeds/ to recorded outcomes "
                                                        "(it fades out as recorded outcomes grow)"})
    force = fields.Boolean(load_default=False,
                           metadata={"description": "activate the new version even if it does not beat the "
                                                    "active one and the rule on held-out outcomes"})


class ActivateIn(Schema):
    version = fields.String(required=True)


class GapArgs(Schema):
    buyer = fields.String(metadata={"description": "a buyer's enterprise id"})
    request = fields.String(metadata={"description": "a sourcing request id"})
    sector = fields.String(metadata={"description": "a sector id"})
    horizon_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650),
                                  metadata={"description": "certificates expiring within this many days are flagged"})


class PriorityArgs(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class ProgrammeArgs(Schema):
    sector = fields.String(metadata={"description": "a sector id: the SMEs of that sector (empty: all)"})
    commune = fields.String(metadata={"description": "a ward or commune of Hanoi, however written (see GET "
                                                     "/communes; empty: all)"})
    zone = fields.String(metadata={"description": "a zone id (industrial park, cluster, craft village; empty: all)"})

    @pre_load
    def _empty_scope_is_all(self, data, **kwargs):
        """A form's empty choice (sector=, zone=) means no filter, as on the page."""
        return {k: v for k, v in data.items() if not (k in ("sector", "commune", "zone") and v == "")}
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=5000),
                           metadata={"description": "at most this many items and shortlisted SMEs (default: 100; "
                                                    "with format=csv, all of them)"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))
    part = fields.String(load_default=None, validate=validate.OneOf(["items", "shortlist"]),
                         metadata={"description": "with format=csv: the items or the shortlist (default)"})

    @post_load
    def _defaults(self, data, **kwargs):
        """A page of the view shows 100 rows; a download holds every row unless told otherwise."""
        if data.get("part") and data["format"] != "csv":
            raise ValidationError({"part": ["only with format=csv"]})
        return {**data, "part": data.get("part") or "shortlist",
                "limit": data.get("limit") or (None if data["format"] == "csv" else 100)}


class ReportArgs(Schema):
    horizon_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "html"]))
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES), metadata={
        "description": "language of the printable report (format=html); default: the Accept-Language header's"})


class SlotIn(Schema):
    start = fields.AwareDateTime(required=True, metadata={"description": "ISO time with offset, e.g. 2026-12-03T09:00+07:00"})
    end = fields.AwareDateTime(required=True)
    session = fields.Integer(load_default=1, validate=validate.Range(min=1, max=20),
                             metadata={"description": "1 morning, 2 afternoon, 3 the next morning..."})


class TableIn(Schema):
    name = fields.String(load_default=None, validate=validate.Length(max=100))
    seats = fields.Integer(load_default=4, validate=validate.Range(min=2, max=50))


class EventIn(Schema):
    class Meta:
        unknown = RAISE

    reference = Identifier(load_default=None, metadata={
        "description": "optional, your own reference for the event (unique among your events): retrying a "
                       "create with the same reference and definition is safe. The id is made by the service."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    location = fields.String(load_default=None, validate=validate.Length(max=300))
    slots = fields.List(fields.Nested(SlotIn), required=True, validate=validate.Length(min=1, max=200))
    tables = fields.List(fields.Nested(TableIn), required=True, validate=validate.Length(min=1, max=2000))
    fairness = fields.Integer(load_default=2, allow_none=True, validate=validate.Range(min=0, max=50),
                              metadata={"description": "max difference of breaks between two participants"})


class ParticipantIn(Schema):
    class Meta:
        unknown = RAISE     # a misspelt field (forbidden for forbidden_slots) would otherwise be dropped, silently

    id = Identifier(required=True)
    name = fields.String(load_default=None, validate=validate.Length(max=200))
    role = fields.String(load_default="other", validate=validate.OneOf(["buyer", "supplier", "other"]))
    enterprise = fields.String(load_default=None, metadata={"description": "the enterprise it represents"})
    max_meetings = fields.Integer(load_default=None, validate=validate.Range(min=0, max=200))
    forbidden_slots = fields.List(SlotNumber(), load_default=list,
                                  metadata={"description": "slots (numbered from 1) the participant cannot meet in"})
    hosted_table = TableNumber(load_default=None, allow_none=True, metadata={
        "description": "hosted-buyer mode: keeps this table (numbered from 1) all day"})


class ParticipantsIn(Schema):
    participants = fields.List(fields.Nested(ParticipantIn), required=True, validate=validate.Length(min=1))


class MeetingRequestIn(Schema):
    class Meta:
        unknown = RAISE     # a misspelt field (prio for priority) would otherwise be dropped, silently

    from_ = fields.String(required=True, data_key="from")
    to = fields.String(required=True)
    priority = fields.Integer(load_default=1, validate=validate.Range(min=1, max=3))
    fixed_slot = SlotNumber(load_default=None, allow_none=True, metadata={
        "description": "organiser-fixed: this slot (numbered from 1), and the meeting must be held"})
    after = fields.List(fields.String(), load_default=list,
                        metadata={"description": "requests (ids 'a~b') that must come earlier"})

    @post_load
    def named_from(self, data, **kwargs):
        data["from"] = data.pop("from_")
        return data


class MeetingRequestsIn(Schema):
    requests = fields.List(fields.Nested(MeetingRequestIn), required=True, validate=validate.Length(min=1))
    organiser = fields.Boolean(load_default=False, metadata={"description": "organiser-fixed requests: must be held"})


class ScheduleArgs(Schema):
    time_limit = fields.Float(load_default=30.0, validate=validate.Range(min=1, max=600))


class ChangeIn(Schema):
    class Meta:
        unknown = RAISE     # a misspelt field (from for from_slot) would otherwise be dropped, silently

    type = fields.String(required=True, validate=validate.OneOf(
        ["cancel_meeting", "no_show", "cancel_participant", "late_registration", "table_lost"]))
    meeting = fields.String(load_default=None)
    participant = fields.String(load_default=None)
    participant_data = fields.Nested(ParticipantIn, load_default=None)
    requests = fields.List(fields.Nested(MeetingRequestIn), load_default=list)
    table = TableNumber(load_default=None, metadata={"description": "table_lost: the table (numbered from 1)"})
    from_slot = SlotNumber(load_default=None, metadata={
        "description": "the slot (numbered from 1) the change takes effect from: meetings before it were held "
                       "and stay as they are"})
    time_limit = fields.Float(load_default=20.0, validate=validate.Range(min=1, max=600))

    @validates_schema
    def check(self, data, **kwargs):
        need = {"cancel_meeting": "meeting", "no_show": "participant", "cancel_participant": "participant",
                "late_registration": "participant_data", "table_lost": "table"}[data["type"]]
        if data.get(need) is None:
            raise ValidationError({need: [f"required for {data['type']}"]})


class SuggestionArgs(Schema):
    per_buyer = fields.Integer(load_default=3, validate=validate.Range(min=1, max=50))


class SuggestionDecision(Schema):
    accept = fields.Boolean(required=True)


class AgendaArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "ics", "html"]))
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES), metadata={
        "description": "language of the printable agenda and the calendar file (format=html or ics); default: the "
                       "Accept-Language header's"})


class MeetingOutcomeIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


# -- what the events endpoints answer (slots and tables numbered from 1, as people number them) -----------
class SlotOut(Schema):
    number = SlotNumber(attribute="index", metadata={"description": "slot number: from 1, in time order"})
    start = fields.String()
    end = fields.String()
    session = fields.Integer(allow_none=True)


class TableOut(Schema):
    number = TableNumber(attribute="index", metadata={"description": "table number, from 1"})
    name = fields.String(allow_none=True)
    seats = fields.Integer(allow_none=True)
    active = fields.Boolean(allow_none=True, metadata={"description": "false once the table is lost"})


class ParticipantOut(Schema):
    id = fields.String()
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    enterprise = fields.String(allow_none=True)
    max_meetings = fields.Integer(allow_none=True)
    forbidden_slots = fields.List(SlotNumber(), attribute="forbidden", allow_none=True,
                                  metadata={"description": "slots (numbered from 1) the participant cannot meet in"})
    hosted_table = TableNumber(allow_none=True)
    status = fields.String(allow_none=True, metadata={"description": "registered, no_show or cancelled"})
    registered_at = fields.String(allow_none=True)


class MeetingRequestOut(Schema):
    id = fields.String(metadata={"description": "the two participant ids in order, joined by '~'"})
    a = fields.String()
    b = fields.String()
    priority = fields.Integer(allow_none=True)
    requested_by = fields.String(allow_none=True, metadata={"description": "a participant, 'both' (mutual), "
                                                                            "'organiser' or 'scorer'"})
    fixed_slot = SlotNumber(allow_none=True)
    after = fields.List(fields.String(), allow_none=True)
    status = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    score = Rounded(4, allow_none=True)
    created_at = fields.String(allow_none=True)


class PlacementOut(Schema):
    meeting = fields.String()
    slot = SlotNumber()
    table = TableNumber()


class PlaceOut(Schema):
    slot = SlotNumber()
    table = TableNumber()


class UnmetOut(Schema):
    meeting = fields.String()
    a = fields.String(allow_none=True)
    b = fields.String(allow_none=True)
    weight = fields.Integer(allow_none=True)
    code = fields.String(allow_none=True, metadata={
        "description": "max_meetings, no_common_slot, slots_taken, no_table (the solver's); request_cancelled, "
                       "request_declined, request_suggested (not accepted yet), request_new (asked after the schedule "
                       "was made)"})
    who = fields.String(allow_none=True)
    limit = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


class RequestAskedOut(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    priority = fields.Integer(allow_none=True)
    fixed_slot = SlotNumber(allow_none=True)
    after = fields.List(fields.String(), allow_none=True)


class ChangeMadeOut(Schema):
    type = fields.String(metadata={"description": "cancel_meeting, no_show, cancel_participant, late_registration, "
                                                  "table_lost, or rollback"})
    meeting = fields.String(allow_none=True)
    participant = fields.String(allow_none=True)
    requests = fields.List(fields.Nested(RequestAskedOut), allow_none=True)
    table = TableNumber(allow_none=True)
    from_slot = SlotNumber(allow_none=True)
    version = fields.Integer(allow_none=True, metadata={"description": "rollback: the version rolled back to"})


class MovedOut(Schema):
    meeting = fields.String()
    was = fields.Nested(PlaceOut)
    now = fields.Nested(PlaceOut)


class DroppedOut(Schema):
    meeting = fields.String()
    was = fields.Nested(PlaceOut)


class AddedOut(Schema):
    meeting = fields.String()
    now = fields.Nested(PlaceOut)


class ChangesOut(Schema):
    change = fields.Nested(ChangeMadeOut, allow_none=True)
    moved = fields.List(fields.Nested(MovedOut))
    dropped = fields.List(fields.Nested(DroppedOut))
    added = fields.List(fields.Nested(AddedOut))
    notify = fields.List(fields.String(), metadata={"description": "participants to tell"})


_VALUE = ("the value of the meetings in the schedule: each weighs its priority, a mutual request 2 x priority + 2 "
          "(the summary's value, counted the same way)")
_BREAKS = ("breaks in the participants' days (runs of idle slots between a participant's first and last meeting), "
           "added up: the summary's breaks, counted the same way")


class _ScheduleFigures(Schema):
    """What a schedule (the current one, or a version of it) holds beside its value and breaks."""
    not_shown = ("calendar",)   # the sequence numbers of the calendar files sent, kept for the next ones

    value_bound = fields.Integer(allow_none=True, metadata={"description": "a proven upper bound of the value"})
    breaks_bound = fields.Integer(allow_none=True, metadata={"description": "a proven lower bound of the breaks"})
    max_breaks = fields.Integer(allow_none=True, metadata={"description": "the most breaks one participant has"})
    gap = Rounded(4, allow_none=True, metadata={"description": "(breaks - breaks_bound) / breaks"})
    seconds = Rounded(2, allow_none=True)
    solved_at = fields.String(allow_none=True)
    placements = fields.List(fields.Nested(PlacementOut))
    unmet = fields.List(fields.Nested(UnmetOut))
    breaks_by_participant = fields.Dict(keys=fields.String(), values=fields.Integer())


class ScheduleOut(_ScheduleFigures):
    status = fields.String(metadata={"description": "optimal, or feasible (valid, not proven best)"})
    value = fields.Integer(metadata={"description": _VALUE})
    breaks = fields.Integer(allow_none=True, metadata={"description": _BREAKS})
    cause = fields.String(allow_none=True, metadata={"description": "scheduled, change or rollback"})
    rolled_back_to = fields.Integer(allow_none=True)
    version = fields.Integer(allow_none=True, metadata={"description": "the schedule version this is"})
    changes = fields.Nested(ChangesOut, allow_none=True, metadata={
        "description": "after a change or a rollback: what moved, was dropped or added, and who must be told"})


class EventListed(Schema):
    id = fields.String(required=True)
    reference = fields.String(allow_none=True)
    name = fields.String()
    location = fields.String(allow_none=True)
    organiser = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    first_slot = fields.String(allow_none=True, metadata={"description": "when its first slot starts"})
    participants = fields.Integer()
    requests = fields.Integer(metadata={"description": "meeting requests"})
    schedule_version = fields.Integer(allow_none=True)
    schedule_status = fields.String(allow_none=True)


class EventPage(_Page):
    items = fields.List(fields.Nested(EventListed), required=True)


class EventOut(Schema):
    id = fields.String()
    reference = fields.String(allow_none=True)
    name = fields.String()
    organiser = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    utc_offset = fields.String(allow_none=True)
    fairness = fields.Integer(allow_none=True)
    created_at = fields.String(allow_none=True)
    schedule_version = fields.Integer(allow_none=True, metadata={"description": "the current schedule version"})
    schedule_status = fields.String(allow_none=True)
    slots = fields.List(fields.Nested(SlotOut))
    tables = fields.List(fields.Nested(TableOut))
    participants = fields.List(fields.Nested(ParticipantOut))
    requests = fields.List(fields.Nested(MeetingRequestOut))
    schedule = fields.Nested(ScheduleOut, allow_none=True)
    last_changes = fields.Nested(ChangesOut, allow_none=True)


class SummaryOut(Schema):
    status = fields.String()
    version = fields.Integer()
    requests = fields.Integer()
    met = fields.Integer()
    value = fields.Integer(metadata={"description": _VALUE})
    value_requested = fields.Integer()
    value_bound = fields.Integer(allow_none=True)
    breaks = fields.Integer(metadata={"description": _BREAKS})
    breaks_bound = fields.Integer(allow_none=True)
    gap = Rounded(4, allow_none=True)
    max_breaks = fields.Integer()
    participants_with_breaks = fields.Integer()
    unmet = fields.List(fields.Nested(UnmetOut))


class TableMeetingOut(Schema):
    slot = SlotNumber()
    start = fields.String()
    meeting = fields.String()
    a = fields.String()
    b = fields.String()
    a_name = fields.String(allow_none=True)
    b_name = fields.String(allow_none=True)


class TableSheetOut(TableOut):
    meetings = fields.List(fields.Nested(TableMeetingOut))


class TablesOut(Schema):
    tables = fields.List(fields.Nested(TableSheetOut))


class AgendaMeetingOut(Schema):
    meeting = fields.String()
    slot = SlotNumber()
    start = fields.String()
    end = fields.String()
    table = TableNumber()
    table_name = fields.String(allow_none=True)
    with_ = fields.String(data_key="with")
    with_name = fields.String(allow_none=True)
    sequence = fields.Integer(metadata={"description": "the revision of this meeting's calendar entry (iCalendar SEQUENCE)"})


class AgendaEventOut(Schema):
    id = fields.String()
    name = fields.String()
    location = fields.String(allow_none=True)
    dates = fields.List(fields.String(), metadata={"description": "the event's days (ISO dates)"})


class AgendaParticipantOut(Schema):
    id = fields.String()
    name = fields.String(allow_none=True)


class AgendaOut(Schema):
    event = fields.Nested(AgendaEventOut)
    participant = fields.Nested(AgendaParticipantOut)
    meetings = fields.List(fields.Nested(AgendaMeetingOut))
    cancelled = fields.List(fields.Nested(AgendaMeetingOut), metadata={
        "description": "meetings of earlier versions of the schedule that were dropped (the calendar file "
                       "cancels them)"})


class SuggestionOut(Schema):
    id = fields.String()
    buyer = fields.String()
    supplier = fields.String()
    score = Rounded(4)
    reasons = fields.List(fields.String(), metadata={"description": "up to three reasons, in plain words"})


class SuggestionsOut(Schema):
    model_version = fields.String(allow_none=True)
    suggestions = fields.List(fields.Nested(SuggestionOut))


class MeetingOutcomeOut(Schema):
    id = fields.String()
    result = fields.String(metadata={"description": "created, updated or unchanged"})
    outcome = fields.String()


class ProgressPointOut(Schema):
    """A report of the solver: its stage, the best value so far, the proven bound and the gap between them."""
    seconds = Rounded(2, allow_none=True)
    stage = fields.String(allow_none=True, metadata={
        "description": "meetings (value of the meetings held, maximised) or breaks (minimised)"})
    how = fields.String(allow_none=True, metadata={"description": "the method that found it"})
    objective = Rounded(4, allow_none=True)
    bound = Rounded(4, allow_none=True)
    gap = Rounded(4, allow_none=True, metadata={"description": "|bound - objective| / |objective|"})
    final = fields.Boolean(metadata={"description": "the solve's last word on this stage"})


class ProgressOut(Schema):
    attempt = fields.Integer(allow_none=True)
    time_limit = fields.Float(allow_none=True)
    seconds = Rounded(2, allow_none=True, metadata={"description": "the solve's time so far, or in all once ended"})
    solutions = fields.Integer(metadata={"description": "schedules the solver found"})
    stage = fields.String(allow_none=True)
    final = fields.Boolean()
    meetings = fields.Nested(ProgressPointOut, allow_none=True, metadata={"description": "the best so far"})
    breaks = fields.Nested(ProgressPointOut, allow_none=True, metadata={"description": "the best so far"})
    points = fields.List(fields.Nested(ProgressPointOut), metadata={"description": "reports over time"})


class ScheduleJobOut(Schema):
    id = fields.String()
    event = fields.String()
    status = fields.String(metadata={"description": "queued, running, done, failed or cancelled"})
    time_limit = fields.Float(allow_none=True)
    attempt = fields.Integer(allow_none=True)
    max_attempts = fields.Integer(allow_none=True)
    created_at = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    heartbeat_at = fields.String(allow_none=True)
    solver_stopped_at = fields.String(allow_none=True)
    worker = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    progress = fields.Nested(ProgressOut, allow_none=True, metadata={
        "description": "the solver's progress: stage, best value, bound and gap over time"})
    result = fields.Nested(ScheduleOut, allow_none=True, metadata={"description": "when done: the schedule stored"})
    error = fields.Dict(allow_none=True, metadata={"description": "when failed: the API's error object"})
    links = fields.Dict(keys=fields.String(), values=fields.String())


class VersionOut(Schema):
    number = fields.Integer()
    current = fields.Boolean()
    status = fields.String(allow_none=True)
    meetings = fields.Integer(allow_none=True, metadata={"description": "meetings in the schedule"})
    value = fields.Integer(allow_none=True)
    breaks = fields.Integer(allow_none=True)
    created_at = fields.String(allow_none=True)
    cause = fields.String(allow_none=True, metadata={"description": "scheduled, change or rollback"})
    change = fields.String(allow_none=True, metadata={"description": "the change's type, for a change"})
    rolled_back_to = fields.Integer(allow_none=True)


class VersionsOut(Schema):
    current = fields.Integer(allow_none=True, metadata={"description": "the current version's number"})
    versions = fields.List(fields.Nested(VersionOut), metadata={"description": "newest first"})


class ComparisonOut(ChangesOut):
    current = fields.Integer(metadata={"description": "the current version: what this one is compared with"})
    breaks_before = fields.Integer(metadata={"description": "breaks of this version"})
    breaks_after = fields.Integer(metadata={"description": "breaks of the current version"})
    value_before = fields.Integer()
    value_after = fields.Integer()
    met_before = fields.Integer()
    met_after = fields.Integer()


class VersionDetailOut(VersionOut, _ScheduleFigures):
    changes = fields.Nested(ChangesOut, allow_none=True, metadata={"description": "what made this version"})
    comparison = fields.Nested(ComparisonOut, metadata={
        "description": "from this version to the current one: meetings moved, added and dropped, and the breaks "
                       "and value of each"})


# -- responses: health, duplicates, sourcing, matches, outcomes, the model, readiness, the programme ------
class HealthOut(Schema):
    status = fields.String(required=True)


class ReadyOut(Schema):
    status = fields.String(required=True, metadata={"description": "ready, unavailable or schema_not_applied"})
    neo4j = fields.String(metadata={"description": "ok or unreachable"})
    schema_version = fields.Integer(allow_none=True)
    expected_schema_version = fields.Integer()
    detail = fields.String()


class DuplicatePairOut(Schema):
    a = fields.Dict(metadata={"description": "one record: id, code, name, address"})
    b = fields.Dict(metadata={"description": "the other record"})
    score = fields.Float(allow_none=True)
    reason = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    flagged_at = fields.String(allow_none=True)


class DuplicatesOut(Schema):
    items = fields.List(fields.Nested(DuplicatePairOut), required=True)
    page = fields.Integer()
    per_page = fields.Integer()


class SourcingRequestOut(Schema):
    id = fields.String(required=True)
    reference = fields.String(allow_none=True)
    buyer = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    capabilities = fields.List(fields.String())
    products = fields.List(fields.String())
    standards = fields.List(fields.Nested(StandardNeed))
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    max_distance_km = fields.Float(allow_none=True)
    monthly_volume = fields.Float(allow_none=True)
    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES))
    created_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)


class SourcingRequestPage(_Page):
    items = fields.List(fields.Nested(SourcingRequestOut), required=True)


class SupplierOut(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    employees = fields.Integer(allow_none=True)
    founded = fields.Integer(allow_none=True)
    distance_km = Rounded(1, allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)


class ExplanationOut(Schema):
    """Why a supplier ranks where it does: a wording key and its values (the pages word it per language)."""
    reason = fields.String(required=True)
    capabilities = fields.List(fields.String())
    standards = fields.List(fields.String())
    share = Rounded(4)
    km = Rounded(1)
    years = fields.Integer()
    count = fields.Integer()
    positive = fields.Integer()
    total = fields.Integer()


class MissingOut(Schema):
    """What a supplier lacks for the need, most blocking first."""
    type = fields.String(required=True, metadata={"description": "standard, capability or capacity"})
    id = fields.String(required=True)
    mandatory = fields.Boolean()
    reason = fields.String(metadata={"description": "not_held, expired, related or capacity"})
    note = fields.String()
    related = fields.String(allow_none=True, metadata={"description": "the related capability it holds"})
    capacity = fields.Float()
    volume = fields.Float()


class MatchOut(Schema):
    rank = fields.Integer(required=True)
    score = Rounded(4, required=True, metadata={"description": "calibrated: the share of such contacts that went well"})
    supplier = fields.Nested(SupplierOut, required=True)
    reasons = fields.List(fields.String())
    explanations = fields.List(fields.Nested(ExplanationOut))
    missing = fields.List(fields.Nested(MissingOut))
    features = RoundedValues(4, metadata={"description": "the feature values the scorer saw, by name (numbers)",
                                     "additionalProperties": {"type": "number"}})


class MatchFilters(Schema):
    hard_mandatory = fields.Boolean()
    hard_distance = fields.Boolean()
    kinds = fields.List(fields.String())


class MatchesOut(Schema):
    request = fields.String(allow_none=True, metadata={"description": "the request's id, or ad-hoc"})
    model_version = fields.String()
    items = fields.List(fields.Nested(MatchOut), required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer(metadata={"description": "ranked suppliers (at most the pool)"})
    candidates_passing_filters = fields.Integer()
    pool = fields.Integer()
    filters = fields.Nested(MatchFilters)
    took_ms = Rounded(1)


class OutcomeOut(Schema):
    id = fields.String(required=True)
    result = fields.String(required=True, metadata={"description": "created, updated or unchanged"})
    label = fields.Integer(allow_none=True, metadata={"description": "1 went well, 0 did not, null no signal"})


class ModelVersionOut(Schema):
    version = fields.String(required=True)
    created_at = fields.String(allow_none=True)
    activated = fields.Boolean()
    decision = fields.String(allow_none=True)
    estimator = fields.String(allow_none=True)
    features = fields.List(fields.String())
    sklearn_version = fields.String(allow_none=True)
    training = fields.Dict(metadata={"description": "rows, sources, held-out rows, time range"})
    metrics = fields.Dict(metadata={"description": "held-out NDCG@10, MAP and ROC AUC of the model, the rule and "
                                                   "random order; the paired gain over the rule"})
    calibration = fields.Dict(allow_none=True)
    reference = fields.List(fields.Float(), allow_none=True)


class ModelOut(Schema):
    active = fields.String(required=True)
    model = fields.Nested(ModelVersionOut, allow_none=True)
    versions = fields.List(fields.Nested(ModelVersionOut))


class SmeSummary(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    employees = fields.Integer(allow_none=True)
    zone = fields.String(allow_none=True)
    sectors = fields.List(fields.String())
    sector_names = fields.List(fields.String(), metadata={"description": "in English, as sectors are ordered"})


class TargetOut(Schema):
    type = fields.String(required=True, metadata={"description": "buyer, request or sector"})
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    buyer = fields.String(allow_none=True, metadata={"description": "the buyer: the target itself, or a request's "
                                                                    "buyer (null for a sector)"})
    buyer_name = fields.String(allow_none=True, metadata={"description": "the buyer, by name"})


class ItemNamed(Schema):
    type = fields.String()
    id = fields.String(required=True)
    name = fields.String(allow_none=True, metadata={"description": "in English; the pages name it in the reader's language"})


class _AskedByRequests(Schema):
    requests_mandatory = fields.Integer(allow_none=True, metadata={
        "description": "a buyer or sector target: how many of its open requests make the standard mandatory "
                       "(null for a request target)"})
    requests_preferred = fields.Integer(allow_none=True, metadata={"description": "... and how many prefer it"})


class StandardGap(ItemNamed, _AskedByRequests):
    mandatory = fields.Boolean(metadata={"description": "in the target's standing terms (a request: its own)"})
    expires = fields.String(allow_none=True)
    expired_on = fields.String(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    number = fields.String(allow_none=True)


class StandardAskedOut(ItemNamed, _AskedByRequests):
    held = fields.Boolean(metadata={"description": "the SME holds it, valid"})


class StandardGaps(Schema):
    missing_mandatory = fields.List(fields.Nested(StandardGap))
    missing_preferred = fields.List(fields.Nested(StandardGap))
    expired = fields.List(fields.Nested(StandardGap))
    expiring = fields.List(fields.Nested(StandardGap))
    met = fields.List(fields.Nested(StandardGap))
    asked_by_requests = fields.List(fields.Nested(StandardAskedOut), allow_none=True, metadata={
        "description": "a buyer or sector target: standards its open requests ask beyond its standing terms "
                       "(null for a request target)"})
    open_requests = fields.Integer(allow_none=True, metadata={
        "description": "a buyer or sector target: its open requests (null for a request target)"})


class CapabilityGap(ItemNamed):
    has_related = fields.String(allow_none=True, metadata={"description": "partial: the related capability held"})
    credit = fields.Float(allow_none=True, metadata={"description": "partial: the credit the related one earns"})


class CapabilityGaps(Schema):
    missing = fields.List(fields.Nested(CapabilityGap))
    partial = fields.List(fields.Nested(CapabilityGap))
    met = fields.List(fields.Nested(CapabilityGap))


class ReadinessScore(Schema):
    eligible = fields.Boolean()
    score = Rounded(4, allow_none=True)
    score_once_closed = Rounded(4, allow_none=True)
    model_version = fields.String(allow_none=True)
    blocking = fields.List(fields.Nested(ItemNamed))
    reasons = fields.List(fields.String())
    explanations = fields.List(fields.Nested(ExplanationOut))


class RenewalOut(Schema):
    standard = fields.String(required=True)
    name = fields.String(allow_none=True)
    number = fields.String(allow_none=True)
    issuer = fields.String(allow_none=True)
    expires = fields.String()
    days_left = fields.Integer()
    expired = fields.Boolean()
    required_by_target = fields.Boolean()


class GapsOut(Schema):
    sme = fields.Nested(SmeSummary, required=True)
    target = fields.Nested(TargetOut)
    horizon_days = fields.Integer()
    standards = fields.Nested(StandardGaps)
    capabilities = fields.Nested(CapabilityGaps)
    readiness = fields.Nested(ReadinessScore)
    certificates_to_renew = fields.List(fields.Nested(RenewalOut))


class PrerequisiteOut(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    held = fields.Boolean(metadata={"description": "whether the SME holds it already"})


class EffortOut(Schema):
    """What it takes to close an item, each figure with its source."""
    effort_class = fields.String(data_key="class", allow_none=True,
                                 validate=validate.OneOf(EFFORT_CLASSES))
    months_min = fields.Float(allow_none=True)
    months_max = fields.Float(allow_none=True)
    months = fields.Float(allow_none=True)
    months_source = fields.String(allow_none=True)
    months_source_vi = fields.String(allow_none=True)
    cost_min_mvnd = fields.Float(allow_none=True, metadata={"description": "million VND"})
    cost_max_mvnd = fields.Float(allow_none=True)
    cost_staff = fields.Integer(allow_none=True, metadata={
        "description": "the staff the cost is worked out for (a site audit's days grow with it); null: the "
                       "catalogue's quote for 26-45 staff, or a cost that does not depend on size"})
    cost_scale = Rounded(3, allow_none=True, metadata={
        "description": "the factor applied to the catalogue's quote for 26-45 staff: IAF MD 5 initial audit days for "
                       "that staff over 4"})
    cost_source = fields.String(allow_none=True)
    cost_source_vi = fields.String(allow_none=True)
    certifier = fields.String(allow_none=True)
    certifier_vi = fields.String(allow_none=True)
    prerequisites = fields.List(fields.Nested(PrerequisiteOut), metadata={"description": "standards to hold first"})
    builds_on_related = fields.Boolean(allow_none=True)


class BuyerOpened(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    kind = fields.String(validate=validate.OneOf(ENTERPRISE_KINDS))


class UnlocksOut(Schema):
    requests = fields.Integer()
    buyers = fields.Integer()
    fdi_buyers = fields.Integer()
    large_buyers = fields.Integer()
    top10 = fields.Integer()
    top10_pending = fields.Integer(metadata={"description": "requests whose top 10 is not ranked yet"})
    expected_good_outcomes = Rounded(2, allow_none=True, metadata={
        "description": "the sum of the calibrated scores where the SME would enter the top 10 (null while the rule ranks)"})
    request_ids = fields.List(fields.String())
    buyers_opened = fields.List(fields.Nested(BuyerOpened), metadata={"description": "the buyers of those requests, "
                                                                                      "FDI first, then large"})


class PriorityOut(ItemNamed):
    kind = fields.String(allow_none=True)
    blocker = fields.Boolean()
    blocks_requests = fields.Integer()
    needed_by_requests = fields.Integer()
    unlocks = fields.Nested(UnlocksOut)
    mean_score_gain = Rounded(4, allow_none=True, metadata={
        "description": "the mean rise of the SME's score in the requests asking for the item, were it held"})
    score_gain_measured_on = fields.Integer(metadata={
        "description": f"how many of those requests the mean was measured on: all of them up to {GAIN_SAMPLE}, else "
                       f"{GAIN_SAMPLE} drawn at random (the same every time)"})
    doors_per_month = Rounded(3, allow_none=True)
    effort = fields.Nested(EffortOut)
    message = fields.String()


class PlanStep(ItemNamed):
    months_min = fields.Float(allow_none=True)
    months_max = fields.Float(allow_none=True)


class PlanOut(Schema):
    steps = fields.List(fields.Nested(PlanStep))
    unlocks = fields.Nested(UnlocksOut)
    months_min = fields.Float(allow_none=True)
    months_max = fields.Float(allow_none=True)
    doors_per_month = Rounded(3, allow_none=True)


class PrioritiesOut(Schema):
    sme = fields.Nested(SmeSummary, required=True)
    model_version = fields.String(allow_none=True)
    open_requests_considered = fields.Integer()
    eligible_now = fields.Integer()
    cutoffs_pending = fields.Integer()
    items = fields.List(fields.Nested(PriorityOut), required=True)
    plans = fields.List(fields.Nested(PlanOut))


class PeerShare(ItemNamed):
    held = fields.Boolean()
    peers_holding = fields.Integer()
    share = Rounded(3)


class PeersOut(Schema):
    sme = fields.Nested(SmeSummary, required=True)
    peers = fields.Integer()
    peer_definition = fields.String()
    standards = fields.List(fields.Nested(PeerShare))
    capabilities = fields.List(fields.Nested(PeerShare))
    few = fields.Boolean(metadata={"description": f"some peers but fewer than {FEW_PEERS}: one firm moves a share "
                                                  f"by more than {100 // FEW_PEERS} points, so the shares are a hint, "
                                                  "not a rate"})


class ReadinessReportOut(Schema):
    sme = fields.Nested(SmeSummary, required=True)
    generated_on = fields.String()
    horizon_days = fields.Integer()
    certificates_to_renew = fields.List(fields.Nested(RenewalOut))
    sector_gaps = fields.List(fields.Nested(GapsOut))
    priorities = fields.Nested(PrioritiesOut)
    peers = fields.Nested(PeersOut)


class ProgrammeScope(Schema):
    sector = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)


class ProgrammeItem(ItemNamed):
    smes = fields.Integer(metadata={"description": "SMEs of the scope that would be eligible for a request it opens"})
    smes_newly_linked = fields.Integer(metadata={"description": "of them, those eligible for no FDI request now"})
    fdi_requests = fields.Integer()
    fdi_buyers = fields.Integer()


class ShortlistSme(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)


class ShortlistEntry(Schema):
    sme = fields.Nested(ShortlistSme, required=True)
    item = fields.Nested(ItemNamed, required=True)
    requests = fields.Integer()
    buyers = fields.Integer()
    items_one_away = fields.Integer()


class ProgrammeOut(Schema):
    scope = fields.Nested(ProgrammeScope)
    smes = fields.Integer()
    open_fdi_requests = fields.Integer()
    fdi_buyers = fields.Integer()
    smes_linked_now = fields.Integer()
    smes_one_item_away = fields.Integer()
    items = fields.List(fields.Nested(ProgrammeItem), required=True)
    shortlist = fields.List(fields.Nested(ShortlistEntry))


class ErrorDetail(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "e.g. validation_failed, not_found, forbidden"})
    message = fields.String(required=True)
    invalid_fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields",
                                 metadata={"description": "each offending field by its path, with the reasons"})


class ErrorResponse(Schema):
    """The one shape of every error the API returns."""
    error = fields.Nested(ErrorDetail, required=True)
