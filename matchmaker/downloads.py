"""Headers for files people download (calendars, spreadsheets), shared by the API and the pages."""
from __future__ import annotations

from urllib.parse import quote


def attachment(filename: str) -> str:
    """A Content-Disposition for a download whose name may hold Vietnamese letters (RFC 6266/5987)."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def csv_download(text: str, filename: str):
    """A CSV file as a download response."""
    from flask import make_response
    return make_response(text, 200, {"Content-Type": "text/csv; charset=utf-8",
                                     "Content-Disposition": attachment(filename)})
