"""Slot and table numbers as people say them: from 1, wherever people read or type them (the API's
input and output, iCalendar files, pages, spreadsheets and messages). The solver, the services and the
graph count from 0. This module is the one place that converts: the API's schemas through the fields
below, the pages through the ``number`` template filter, the services' messages through ``shown``."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields

FIRST = 1       # the first slot and the first table, as people number them


def shown(index: int | None) -> int | None:
    """The number people see for a 0-based index."""
    return None if index is None else index + FIRST


def stored(number: int | None) -> int | None:
    """The 0-based index of a number people gave."""
    return None if number is None else number - FIRST


_SLOT_OR_TABLE = re.compile(r"\b(slot|table) (\d+)\b")


def shown_in_text(text: str) -> str:
    """A solver's message ('... fixed to slot 0') with its slot and table indices as people number them."""
    return _SLOT_OR_TABLE.sub(lambda m: f"{m.group(1)} {shown(int(m.group(2)))}", text)


class _Number(fields.Integer):
    """An integer field that reads and writes people's numbers (from 1) of a 0-based index."""

    what = "item"

    def __init__(self, **kwargs):
        metadata = {"minimum": FIRST, **kwargs.pop("metadata", {})}
        metadata.setdefault("description", f"{self.what} number, counted from {FIRST}")
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(shown(value), attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if number < FIRST:
            raise ValidationError(f"{self.what}s are numbered from {FIRST}")
        return stored(number)


class SlotNumber(_Number):
    """A time slot, numbered from 1 in time order."""
    what = "slot"


class TableNumber(_Number):
    """A table, numbered from 1."""
    what = "table"
