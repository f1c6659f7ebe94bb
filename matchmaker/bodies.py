"""What a request body may be, checked before anything parses it: its size, sent with a length or in chunks,
the nesting depth of JSON, that a JSON body is JSON (400 with the line and column, not a generic
page), and that an endpoint reading JSON is sent JSON (415 otherwise). A body over the limit is refused whole (413), never cut and half-used.
(Uploaded files are parsed by the importer, which refuses a file nested too deeply on its own.)"""
from __future__ import annotations

import json
import re

import numpy as np
from flask import current_app, request

from .errors import InvalidInput, MalformedBody, UnsupportedMediaType, payload_too_large

FILE_BODIES = {"imports.import_file"}     # endpoints whose JSON body is a file to import
MAX_JSON_DEPTH = 32          # deeper than any body of this API needs; deep enough for any real file
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(data: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar), without parsing it."""
    skeleton = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if not skeleton:
        return 0
    steps = np.frombuffer(skeleton, dtype=np.uint8)
    opens = (steps == ord("[")) | (steps == ord("{"))
    return int(np.cumsum(np.where(opens, 1, -1)).max())


def _is_json(mimetype: str | None) -> bool:
    return bool(mimetype) and (mimetype in ("application/json", "application/x-ndjson", "application/jsonl",
                                            "application/jsonlines") or mimetype.endswith("+json"))


def _reads_json(endpoint: str | None) -> bool:
    """Whether the endpoint's documented arguments for this method include a JSON body (flask-smorest's
    own record)."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    view = getattr(getattr(view, "view_class", None), request.method.lower(), view)     # a MethodView's handler
    arguments = (getattr(view, "_apidoc", None) or {}).get("arguments") or {}
    return any(p.get("in") == "json" for p in arguments.get("parameters", []))


def guard_body() -> None:
    """Before every request with a body: read it whole (so a chunked body is measured too), refuse it when
    larger than the limit, and refuse JSON nested deeper than ``MAX_JSON_DEPTH``."""
    if request.content_length is None and "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return
    limit = current_app.extensions["settings"].max_upload_bytes
    # Flask's MAX_CONTENT_LENGTH is one byte above the limit, so that a longer chunked body shows itself
    # here by that byte instead of being cut at the limit without a word.
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise payload_too_large(limit)
    if data.strip() and not _is_json(request.mimetype) and _reads_json(request.endpoint):
        sent = request.mimetype or "no Content-Type"
        raise UnsupportedMediaType(f"this endpoint reads a JSON body; it was sent as {sent}: send it with "
                                   f"Content-Type: application/json", {"Content-Type": [f"{sent}, not application/json"]})
    if _is_json(request.mimetype):
        depth = json_depth(data)
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(f"the JSON is nested {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted",
                               {"body": [f"nested deeper than {MAX_JSON_DEPTH} levels"]})
        # An import's body is the file itself: the importer reports what is wrong with it, row by row.
        if request.mimetype == "application/json" and data.strip() and request.endpoint not in FILE_BODIES:
            try:
                json.loads(data)
            except ValueError as err:      # a JSONDecodeError, or bytes that are not UTF-8
                where = (f" at line {err.lineno}, column {err.colno}" if isinstance(err, json.JSONDecodeError)
                         else "")
                raise MalformedBody(f"the body is not valid JSON{where}",
                                    {"body": [f"{getattr(err, 'msg', 'not UTF-8 text')}{where}"]}) from err
