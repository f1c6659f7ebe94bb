"""Headers for files people download (calendars, spreadsheets), shared by the API and the pages."""
from __future__ import annotations

from urllib.parse import quote


def attachment(filename: str) -> str:
    """A Content-Disposition for a download whose name may hold Vietnamese letters (RFC 6266/5987)."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def csv_download(filename: str, header: list[str], rows: list[list]):
    """A CSV download that Excel opens with Vietnamese letters intact (UTF-8 with a byte-order mark), and in
    which no cell runs as a formula."""
    import csv
    import io

    from flask import Response
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_inert(cell) for cell in row] for row in rows])
    return Response(out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": attachment(filename)})


def _inert(cell):
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is kept as text."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
