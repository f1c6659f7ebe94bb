"""Rows of a spreadsheet an organiser uploads: CSV (comma or semicolon, UTF-8 with or without BOM)
or XLSX (the first sheet). The first row names the columns."""
from __future__ import annotations

import csv
import io

from scoring.text import fold

from ..errors import InvalidInput

MAX_ROWS = 20_000


def column_name(header) -> str:
    """'Forbidden slots' / 'forbidden-slots' -> 'forbidden_slots'."""
    return fold(str(header or "")).replace(" ", "_")


def read_rows(filename: str, data: bytes) -> list[dict]:
    """The sheet's rows as {column: value}, blank rows dropped; numbers stay numbers in XLSX."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        table = _csv(data)
    else:
        raise InvalidInput("upload a .csv or .xlsx file", {"file": [f"'{filename}' is neither CSV nor XLSX"]})
    if not table:
        raise InvalidInput("the file is empty", {"file": ["no header row"]})
    header = [column_name(h) for h in table[0]]
    rows = []
    for values in table[1:]:
        if all(v in (None, "") for v in values):
            continue
        rows.append({h: v for h, v in zip(header, values) if h})
    if len(rows) > MAX_ROWS:
        raise InvalidInput("too many rows", {"file": [f"at most {MAX_ROWS:,} rows"]})
    return rows


def _csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the CSV file is not UTF-8", {"file": ["save it as 'CSV UTF-8'"]}) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx(data: bytes) -> list[list]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("the XLSX file cannot be read", {"file": ["not an Excel workbook (.xlsx)"]}) from None
    try:
        table = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            table.append(list(row))
            if len(table) > MAX_ROWS + 1:        # stop reading: a small file may unpack to millions of rows
                raise InvalidInput("too many rows", {"file": [f"at most {MAX_ROWS:,} rows"]})
        return table
    finally:
        book.close()
