"""Import endpoints: enterprises, capabilities, certifications and supply links from CSV, JSON, JSON Lines."""
import json

from flask import request

from . import Blueprint, authorize, caller, graph
from ..schemas import ImportArgs, ImportReportOut
from ..errors import InvalidInput
from ..importing.rows import IMPORT_KINDS
from ..services.imports import ImportService

blp = Blueprint("imports", __name__, url_prefix="/imports",
                description="Batched, idempotent imports; every rejected row is reported with its line")

_CONTENT_TYPES = {"text/csv": "csv", "application/json": "json", "application/x-ndjson": "jsonl",
                  "application/jsonl": "jsonl", "application/jsonlines": "jsonl"}


@blp.route("/<string:kind>", methods=["POST"])
@blp.arguments(ImportArgs, location="query")
@blp.response(200, ImportReportOut)
def import_file(args, kind):
    """Import a file (multipart field `file`, or the raw body with its content type). Safe to retry. Admin."""
    authorize(caller(), "manage enterprises")
    if kind not in IMPORT_KINDS:
        raise InvalidInput(f"unknown import kind '{kind}'", {"kind": [f"must be one of {', '.join(IMPORT_KINDS)}"]})
    upload = request.files.get("file")
    if upload is None and request.mimetype == "multipart/form-data":
        others = sorted(request.files) or sorted(request.form)
        raise InvalidInput("a multipart upload carries the file in its field 'file'",
                           {"file": ["missing" + (f"; this form has {', '.join(repr(o) for o in others)}" if others else "")]})
    if upload is not None:
        data, filename = upload.read(), upload.filename
    else:
        data, filename = request.get_data(), None
    if not data:
        raise InvalidInput("no file given", {"file": ["send a multipart field 'file' or a request body"]})
    fmt = args.get("format")
    if fmt is None and upload is None:
        fmt = _CONTENT_TYPES.get((request.mimetype or "").lower())
    mapping = None
    if args.get("mapping"):
        try:
            mapping = json.loads(args["mapping"])
        except json.JSONDecodeError:
            mapping = None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise InvalidInput("mapping must be a JSON object of strings",
                               {"mapping": ['e.g. {"name": "Facility Name", "latitude": "lat"}']})
    report = ImportService(graph()).import_bytes(kind, data, filename=filename, fmt=fmt, mapping=mapping,
                                                 source=args.get("source"), encoding=args["encoding"])
    return report.as_dict()
