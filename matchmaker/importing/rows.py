"""Validation and normalisation of one imported row of each kind."""
from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from graph_schema.model import ENTERPRISE_KINDS, ID_PATTERN
from scoring.text import fold, name_key, slug

IMPORT_KINDS = ("enterprises", "capabilities", "certifications", "supply-links")

# Column names people use for our fields (folded, without punctuation) -> our field.
ALIASES = {
    "enterprise_code": "code", "tax_code": "code", "mst": "code", "ma_so_thue": "code", "taxcode": "code",
    "lat": "latitude", "lng": "longitude", "lon": "longitude", "long": "longitude",
    "sector": "sectors", "industry": "sectors", "kind_of_enterprise": "kind", "type": "kind",
    "facility_name": "name", "company": "name", "company_name": "name", "ten": "name",
    "dia_chi": "address", "facility_address": "address", "ward": "commune", "xa_phuong": "commune",
    "country_code": "country", "employee_count": "employees", "number_of_workers": "employees",
    "year_founded": "founded", "founding_year": "founded", "enterprise": "enterprise", "supplier_code": "supplier",
    "buyer_code": "buyer", "certificate_number": "number", "expiry": "expires", "expiry_date": "expires",
    "valid_until": "expires", "issue_date": "issued", "association": "associations",
}

KIND_WORDS = {"sme": "sme", "small": "sme", "medium": "sme", "micro": "sme", "dnnvv": "sme",
              "large": "large", "le": "large", "large enterprise": "large", "fdi": "fdi", "foreign": "fdi",
              "fdi firm": "fdi", "foreign invested": "fdi"}

COUNTRIES = {
    "vn": "VN", "vietnam": "VN", "viet nam": "VN", "socialist republic of vietnam": "VN",
    "cn": "CN", "china": "CN", "prc": "CN", "people s republic of china": "CN",
    "tw": "TW", "taiwan": "TW", "kr": "KR", "korea": "KR", "south korea": "KR", "republic of korea": "KR",
    "jp": "JP", "japan": "JP", "sg": "SG", "singapore": "SG", "th": "TH", "thailand": "TH",
    "kh": "KH", "cambodia": "KH", "bd": "BD", "bangladesh": "BD", "in": "IN", "india": "IN",
    "id": "ID", "indonesia": "ID", "pk": "PK", "pakistan": "PK", "lk": "LK", "sri lanka": "LK",
    "my": "MY", "malaysia": "MY", "ph": "PH", "philippines": "PH", "mm": "MM", "myanmar": "MM",
    "la": "LA", "laos": "LA", "hk": "HK", "hong kong": "HK", "us": "US", "usa": "US",
    "united states": "US", "united states of america": "US", "de": "DE", "germany": "DE",
    "fr": "FR", "france": "FR", "it": "IT", "italy": "IT", "es": "ES", "spain": "ES", "pt": "PT",
    "portugal": "PT", "gb": "GB", "uk": "GB", "united kingdom": "GB", "nl": "NL", "netherlands": "NL",
    "pl": "PL", "poland": "PL", "ro": "RO", "romania": "RO", "at": "AT", "austria": "AT", "tr": "TR",
    "turkey": "TR", "eg": "EG", "egypt": "EG", "jo": "JO", "jordan": "JO", "mx": "MX", "mexico": "MX",
    "sv": "SV", "el salvador": "SV", "hn": "HN", "honduras": "HN", "gt": "GT", "guatemala": "GT",
    "do": "DO", "dominican republic": "DO", "pe": "PE", "peru": "PE", "ni": "NI", "nicaragua": "NI",
    "ht": "HT", "haiti": "HT", "et": "ET", "ethiopia": "ET", "ke": "KE", "kenya": "KE", "ma": "MA",
    "morocco": "MA", "tn": "TN", "tunisia": "TN", "au": "AU", "australia": "AU", "ca": "CA", "canada": "CA",
    "bg": "BG", "bulgaria": "BG", "mg": "MG", "madagascar": "MG", "lt": "LT", "lithuania": "LT",
}

CODE_PATTERN = re.compile(r"^\d{10}(-\d{3})?$")


def normalise_country(value: str | None) -> str | None:
    """ISO 3166 alpha-2 where the spelling is known; otherwise the value as given (never dropped)."""
    if value is None or not str(value).strip():
        return None
    return COUNTRIES.get(_folded_word(str(value)), str(value).strip())


@lru_cache(maxsize=4096)
def _folded_word(value: str) -> str:
    """``fold`` of a short value a file repeats on many rows (a kind, a country)."""
    return fold(value)


def enterprise_kind(value: str | None) -> str | None:
    """'sme', 'large' or 'fdi' for the ways files write them; None for any other."""
    return KIND_WORDS.get(_folded_word(value or "sme"))


def derived_id(name: str, address: str | None, country: str | None) -> str:
    """A stable id for a firm without an enterprise code, so re-importing it is idempotent."""
    basis = "|".join([fold(name), fold(address), (country or "").upper()])
    return "F-" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def _split_list(value):
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in re.split(r"[;|]", str(value)) if part.strip()]


def unread_columns(schema: Schema, record: dict) -> list[str]:
    """The columns of a record (as the file names them) that no field of the schema reads."""
    return [str(column) for column in record if column is not None and _field_name(str(column)) not in schema.fields]


@lru_cache(maxsize=4096)
def _field_name(column: str) -> str:
    """Our field for a column name as a file writes it (a file repeats its few columns on every row)."""
    field = fold(column).replace(" ", "_")
    return ALIASES.get(field, field)


class Identifier(fields.String):
    """An id or reference a caller gives: letters, digits and . _ ~ : -, 1 to 64, starting with a letter or digit
    (so it can stand in a URL path as it is)."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(ID_PATTERN, error="use 1-64 letters, digits and . _ ~ : - "
                                                                    "(starting with a letter or digit)"), **kwargs)


class _RowSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def clean(self, data, **kwargs):
        if not isinstance(data, dict):
            raise ValidationError("expected a JSON object", "_schema")
        cleaned = {}
        for key, value in data.items():
            if key is None:
                continue
            field = _field_name(str(key))
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    value = None
            if field in cleaned and value is None:
                continue
            cleaned[field] = value
        return cleaned


class EnterpriseRow(_RowSchema):
    id = Identifier(load_default=None)
    code = fields.String(validate=validate.Regexp(CODE_PATTERN, error="must be a 10-digit enterprise code, "
                                                  "optionally with a 3-digit branch suffix (0101234567-001)"),
                         load_default=None)
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    kind = fields.String(load_default="sme")
    sectors = fields.Raw(load_default=None)
    description = fields.String(load_default=None, validate=validate.Length(max=5000))
    address = fields.String(load_default=None, validate=validate.Length(max=500))
    commune = fields.String(load_default=None, validate=validate.Length(max=100))
    country = fields.String(load_default=None)
    home_country = fields.String(load_default=None)
    latitude = fields.Float(load_default=None, validate=validate.Range(-90, 90), allow_nan=False)
    longitude = fields.Float(load_default=None, validate=validate.Range(-180, 180), allow_nan=False)
    employees = fields.Integer(load_default=None, validate=validate.Range(min=0, max=1_000_000))
    founded = fields.Integer(load_default=None, validate=validate.Range(min=1800, max=date.today().year))
    revenue_band = fields.String(load_default=None, validate=validate.Length(max=40))
    export_share = fields.Float(load_default=None, validate=validate.Range(0, 1), allow_nan=False)
    zone = fields.String(load_default=None)
    associations = fields.Raw(load_default=None)

    @validates_schema
    def check(self, data, **kwargs):
        errors = {}
        if enterprise_kind(data.get("kind")) not in ENTERPRISE_KINDS:
            errors["kind"] = [f"must be one of {', '.join(ENTERPRISE_KINDS)}"]
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            errors["latitude" if data.get("latitude") is None else "longitude"] = [
                "latitude and longitude come together"]
        if errors:
            raise ValidationError(errors)


def enterprise_record(row: dict, source: str | None) -> dict:
    """The repository's upsert row for a validated enterprise row (id not yet resolved by code)."""
    kind = enterprise_kind(row.get("kind"))
    country = normalise_country(row.get("country")) or ("VN" if row.get("commune") else None)
    name_folded, description_folded = fold(row["name"]), fold(row.get("description"))
    props = {
        "code": row.get("code"),
        "name": row["name"],
        "name_folded": name_folded,
        "name_key": name_key(row["name"]),
        "search_text": " ".join(filter(None, [name_folded, description_folded])),
        "description_text": None if row.get("description") is None else description_folded,
        "description": row.get("description"),
        "kind": kind,
        "home_country": normalise_country(row.get("home_country")),
        "employees": row.get("employees"),
        "founded": row.get("founded"),
        "revenue_band": row.get("revenue_band"),
        "export_share": row.get("export_share"),
        "address": row.get("address"),
        "commune": row.get("commune"),
        "country": country,
        "source": source,
    }
    sectors = _split_list(row.get("sectors"))
    associations = _split_list(row.get("associations"))
    return {
        "id": row.get("id") or row.get("code") or derived_id(row["name"], row.get("address"), country),
        "props": {k: v for k, v in props.items() if v is not None},
        "latitude": row.get("latitude"),
        "longitude": row.get("longitude"),
        "sectors": [{"id": slug(s), "name": s} for s in sectors] if sectors is not None else None,
        "zone": row.get("zone"),
        "associations": associations,
    }


def in_hanoi_terms(record: dict) -> bool:
    """Whether an enterprise record's commune must be one of Hanoi's wards and communes: the firm is in Vietnam
    (a commune without a country is taken to be); a firm abroad keeps its locality as written."""
    return record["props"].get("country") == "VN"


class CapabilityRow(_RowSchema):
    enterprise = fields.String(required=True)
    capability = fields.String(required=True)
    capacity = fields.Float(load_default=None, validate=validate.Range(min=0), allow_nan=False)
    unit = fields.String(load_default=None, validate=validate.Length(max=30))


class CertificationRow(_RowSchema):
    enterprise = fields.String(required=True)
    standard = fields.String(required=True)
    number = fields.String(load_default=None, validate=validate.Length(max=100))
    issuer = fields.String(load_default=None, validate=validate.Length(max=200))
    issued = fields.Date(load_default=None)
    expires = fields.Date(load_default=None)

    @validates_schema
    def check(self, data, **kwargs):
        if data.get("issued") and data.get("expires") and data["expires"] < data["issued"]:
            raise ValidationError({"expires": ["must not be before issued"]})


class SupplyLinkRow(_RowSchema):
    supplier = fields.String(required=True)
    buyer = fields.String(required=True)
    since = fields.Integer(load_default=None, validate=validate.Range(min=1900, max=date.today().year))
    product = fields.String(load_default=None, validate=validate.Length(max=200))

    @validates_schema
    def check(self, data, **kwargs):
        if data.get("supplier") and data.get("supplier") == data.get("buyer"):
            raise ValidationError({"buyer": ["a firm cannot supply itself"]})


ROW_SCHEMAS = {"enterprises": EnterpriseRow(), "capabilities": CapabilityRow(),
               "certifications": CertificationRow(), "supply-links": SupplyLinkRow()}


def apply_mapping(record: dict, mapping: dict[str, str] | None) -> dict:
    """Rename the user's columns to ours: mapping is {our_field: their_column}."""
    if not mapping:
        return record
    renamed = dict(record)
    for ours, theirs in mapping.items():
        if theirs in record:
            renamed.pop(theirs, None)
            renamed[ours] = record[theirs]
    return renamed


def first_errors(messages: dict) -> list[tuple[str, str]]:
    """Flatten marshmallow messages to (field, reason) pairs."""
    pairs = []
    for field, reasons in messages.items():
        if isinstance(reasons, dict):
            for sub, sub_reasons in first_errors(reasons):
                pairs.append((f"{field}.{sub}", sub_reasons))
        else:
            for reason in (reasons if isinstance(reasons, list) else [reasons]):
                pairs.append((field, str(reason)))
    return pairs
