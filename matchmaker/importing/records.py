"""Turn an uploaded file into (line number, record) pairs, whatever its format."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Iterator

FORMATS = ("csv", "json", "jsonl")


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not the format it claims, bad encoding)."""


def guess_format(filename: str | None, declared: str | None = None) -> str:
    if declared:
        declared = declared.lower()
        if declared in ("ndjson", "json-lines", "jsonlines"):
            declared = "jsonl"
        if declared not in FORMATS:
            raise UnreadableFile(f"unknown format '{declared}'; use one of {', '.join(FORMATS)}")
        return declared
    name = (filename or "").lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    raise UnreadableFile("cannot tell the file format from its name; give format=csv, json or jsonl")


ENCODINGS = ("utf-8", "cp1258", "cp1252", "latin-1", "utf-16")


def decode(data: bytes, encoding: str = "utf-8") -> str:
    """The file's text in the encoding it is said to be in (UTF-8 unless told otherwise, a byte-order mark
    allowed). A byte that does not belong is refused with its line and offset, never guessed around: one
    wrong guess would store every Vietnamese name of the file garbled."""
    if encoding not in ENCODINGS:
        raise UnreadableFile(f"unknown encoding '{encoding}'; use one of {', '.join(ENCODINGS)}")
    codec = {"utf-8": "utf-8-sig"}.get(encoding, encoding)
    try:
        # composed (NFC): legacy encodings such as cp1258 write tone marks as combining characters
        return unicodedata.normalize("NFC", data.decode(codec))
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise UnreadableFile(
            f"the file is not valid {encoding.upper()}: byte 0x{data[err.start]:02x} at line {line}, byte {column} "
            f"(offset {err.start} in the file); nothing was imported. Save it as UTF-8, or give the encoding it "
            f"is in (e.g. encoding=cp1258 for Windows Vietnamese)") from err


def read_records(text: str, fmt: str, kind: str | None = None) -> Iterator[tuple[int, dict | str]]:
    """Yield (line, record) pairs; a record that cannot be parsed comes as (line, error message).

    ``line`` is the file line for CSV and JSON Lines, and the 1-based position in the array for JSON.
    """
    if fmt == "csv":
        yield from _csv(text)
    elif fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                yield number, f"not valid JSON: {err.msg} at column {err.colno}"
                continue
            except RecursionError:
                yield number, "the JSON is nested too deeply"
                continue
            yield (number, value) if isinstance(value, dict) else (number, "expected a JSON object")
    elif fmt == "json":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise UnreadableFile(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from err
        except RecursionError as err:
            raise UnreadableFile("the JSON is nested too deeply") from err
        if isinstance(value, dict):
            candidates = [value.get(kind), value.get("records"), value.get("items"), value.get("data")]
            value = next((c for c in candidates if isinstance(c, list)), None)
            if value is None:
                raise UnreadableFile(f"expected a JSON array, or an object with a '{kind or 'records'}' array")
        if not isinstance(value, list):
            raise UnreadableFile("expected a JSON array of objects")
        for number, item in enumerate(value, start=1):
            yield (number, item) if isinstance(item, dict) else (number, "expected a JSON object")
    else:
        raise UnreadableFile(f"unknown format '{fmt}'")


def _csv(text: str) -> Iterator[tuple[int, dict | str]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip() for h in header]
    if not any(header):
        raise UnreadableFile("the CSV file has an empty header row")
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield reader.line_num, f"unreadable CSV row: {err}"
            start = reader.line_num + 1
            continue
        line = start
        start = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            extra = [c for c in row[len(header):] if c.strip()]
            if extra:
                yield line, f"{len(row)} cells but the header has {len(header)} columns"
                continue
        yield line, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name}
