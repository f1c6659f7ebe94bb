"""Importing enterprises, capabilities, certifications and supply links from CSV, JSON and JSON Lines."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

from marshmallow import ValidationError

from scoring.text import slug

from ..errors import InvalidInput
from ..importing.duplicates import duplicate_verdict
from ..importing.records import UnreadableFile, decode, guess_format, read_records
from ..importing.rows import (IMPORT_KINDS, ROW_SCHEMAS, apply_mapping, enterprise_record, first_errors,
                              in_hanoi_terms, unread_columns)
from ..repositories.catalogues import CatalogueRepository
from ..repositories.enterprises import EnterpriseRepository
from . import now_iso
from .catalogues import Communes

BATCH_SIZE = 2000
MAX_LISTED_ERRORS = 1000
DUPLICATE_RADIUS_M = 1000.0


@dataclass
class ImportReport:
    kind: str
    format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    probable_duplicates: int = 0
    repeated: int = 0
    errors: list[dict] = field(default_factory=list)
    repeats: list[dict] = field(default_factory=list)
    ignored_columns: set[str] = field(default_factory=set)
    # enterprise id -> (its first row in the file, a digest of that row's record)
    seen: dict[str, tuple[int, bytes]] = field(default_factory=dict, repr=False)

    def reject(self, line: int, field_name: str | None, reason: str, *more: tuple[str | None, str]) -> None:
        """A row not stored, with every problem found in it (field, reason)."""
        self.rejected += 1
        for name, why in ((field_name, reason), *more):
            if len(self.errors) < MAX_LISTED_ERRORS:
                self.errors.append({"line": line, "field": name, "reason": why})

    def repeat(self, line: int, first: int) -> None:
        """A row that says again what an earlier row of the file said: counted once, reported, not stored twice."""
        self.repeated += 1
        if len(self.repeats) < MAX_LISTED_ERRORS:
            self.repeats.append({"line": line, "same_as": first})

    def add(self, counts: dict) -> None:
        self.created += counts["created"]
        self.updated += counts["updated"]
        self.unchanged += counts["unchanged"]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "format": self.format, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "rejected": self.rejected,
                "probable_duplicates": self.probable_duplicates, "repeated": self.repeated,
                "repeats": self.repeats,
                "errors": sorted(self.errors, key=lambda e: e["line"]),
                "errors_listed": len(self.errors), "ignored_columns": sorted(self.ignored_columns)}


class ImportService:
    def __init__(self, graph):
        self.enterprises = EnterpriseRepository(graph)
        self.catalogues = CatalogueRepository(graph)
        self._commune_catalogue: Communes | None = None

    def import_bytes(self, kind: str, data: bytes, filename: str | None = None, fmt: str | None = None,
                     mapping: dict | None = None, source: str | None = None,
                     progress: Callable[[int], None] | None = None, detect_duplicates: bool = True,
                     encoding: str = "utf-8") -> ImportReport:
        """Import a whole file: every row is validated and the valid ones stored, batch by batch; the file
        as a whole is refused (nothing stored) when it cannot be read: an unknown format or encoding, a
        byte that is not of its encoding."""
        if kind not in IMPORT_KINDS:
            raise InvalidInput(f"unknown import kind '{kind}'", {"kind": [f"must be one of {', '.join(IMPORT_KINDS)}"]})
        try:
            fmt = guess_format(filename, fmt)
            records = read_records(decode(data, encoding), fmt, kind)
            report = ImportReport(kind=kind, format=fmt)
            batch: list[tuple[int, dict]] = []
            for line, record in records:
                report.rows += 1
                if isinstance(record, str):
                    report.reject(line, None, record)
                    continue
                batch.append((line, record))
                if len(batch) >= BATCH_SIZE:
                    self._import_batch(kind, batch, mapping, source or filename, report, detect_duplicates)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                self._import_batch(kind, batch, mapping, source or filename, report, detect_duplicates)
                if progress:
                    progress(len(batch))
        except UnreadableFile as err:
            raise InvalidInput(str(err), {"file": [str(err)]}) from err
        return report

    # -- one batch -----------------------------------------------------------------------------
    def _import_batch(self, kind, batch, mapping, source, report, detect_duplicates):
        schema = ROW_SCHEMAS[kind]
        valid: list[tuple[int, dict]] = []
        for line, record in batch:
            mapped = apply_mapping(record, mapping)
            if len(report.ignored_columns) < MAX_LISTED_ERRORS:
                report.ignored_columns.update(unread_columns(schema, mapped))
            try:
                valid.append((line, schema.load(mapped)))
            except ValidationError as err:
                problems = first_errors(err.messages)
                report.reject(line, *problems[0], *problems[1:])
        if not valid:
            return
        if kind == "enterprises":
            self._enterprises(valid, source, report, detect_duplicates)
        else:
            self._links(kind, valid, report)

    def _enterprises(self, valid, source, report, detect_duplicates):
        rows = [(line, enterprise_record(row, source)) for line, row in valid]
        # Records with the same enterprise code are one enterprise, whatever id the file gives.
        by_code = self.enterprises.ids_by_code([r["props"]["code"] for _, r in rows if r["props"].get("code")])
        known_zones = self.catalogues.zone_ids() if any(r["zone"] for _, r in rows) else set()
        communes = (self._communes() if any(r["props"].get("commune") and in_hanoi_terms(r) for _, r in rows)
                    else None)
        # a sector by its id, a name in either language or an alias; any other is a row error, never a new sector
        sector_of = _by_name(self.catalogues.list_sectors()) if any(r["sectors"] for _, r in rows) else {}
        known_associations = self.catalogues.existing(
            "Association", sorted({a for _, r in rows for a in (r["associations"] or [])}))
        accepted = []
        for (line, record), (_, row) in zip(rows, valid):
            code = record["props"].get("code")
            if code in by_code:
                record["id"] = by_code[code]
            if self._seen_before(report, line, record, code, row.get("id")):
                continue
            problems = [("sectors", f"unknown sector '{s['name']}'; see GET /sectors")
                        for s in record["sectors"] or [] if s["id"] not in sector_of]
            if record["sectors"]:
                record["sectors"] = [{"id": sector_of[s["id"]]} for s in record["sectors"] if s["id"] in sector_of]
            if record["zone"] and record["zone"] not in known_zones:
                problems.append(("zone", f"unknown zone '{record['zone']}'; see GET /zones"))
            written = record["props"].get("commune")
            if written and in_hanoi_terms(record):
                record["props"]["commune"] = communes.official(written)
                if record["props"]["commune"] is None:
                    problems.append(("commune", communes.unknown(written)))
            problems += [("associations", f"unknown association '{a}'")
                         for a in record["associations"] or [] if a not in known_associations]
            if problems:
                report.reject(line, *problems[0], *problems[1:])
                continue
            accepted.append(record)
        if not accepted:
            return
        written = self.enterprises.upsert_many(accepted, now_iso())
        report.add(written)
        # a firm unchanged since it was last written was checked then; a new neighbour checks it from its side
        if detect_duplicates and written["changed"]:
            report.probable_duplicates += self.flag_duplicates(sorted(set(written["changed"])))

    def _communes(self) -> Communes:
        """Hanoi's wards and communes, read once per import (a fixed catalogue)."""
        if self._commune_catalogue is None:
            self._commune_catalogue = Communes(self.catalogues.list_communes())
        return self._commune_catalogue

    @staticmethod
    def _seen_before(report: ImportReport, line: int, record: dict, code: str | None, given_id: str | None) -> bool:
        """Whether an earlier row of the file was already this firm. The same details again (or, for a firm
        known only by name, address and country, the same facility) is a repeat; the same code or id
        with other details is an error, so that no row silently overwrites another."""
        digest = hashlib.sha1(json.dumps(record, sort_keys=True, default=str).encode()).digest()
        first = report.seen.setdefault(record["id"], (line, digest))
        if first[0] == line:
            return False
        if digest == first[1] or not (code or given_id):
            report.repeat(line, first[0])
        else:
            same = ("code", "enterprise code") if code else ("id", "id")
            report.reject(line, same[0], f"the same firm as line {first[0]} of this file (same {same[1]}) with "
                                         f"other details; give each firm one row")
        return True

    def flag_duplicates(self, ids: list[str]) -> int:
        pairs = {}
        for candidate in self.enterprises.duplicate_candidates(ids, DUPLICATE_RADIUS_M):
            a, b = sorted((candidate["a"], candidate["b"]), key=lambda x: x["id"])
            verdict = duplicate_verdict(a, b)
            if verdict:
                pairs[(a["id"], b["id"])] = {"a": a["id"], "b": b["id"], "score": verdict[0], "reason": verdict[1]}
        return self.enterprises.flag_duplicates(list(pairs.values()), now_iso()) if pairs else 0

    def _links(self, kind, valid, report):
        refs = {"capabilities": ("enterprise",), "certifications": ("enterprise",),
                "supply-links": ("supplier", "buyer")}[kind]
        wanted = sorted({row[f] for _, row in valid for f in refs})
        existing = self.enterprises.existing_ids(wanted)
        by_code = self.enterprises.ids_by_code([w for w in wanted if w not in existing])
        # a capability or a standard by its id or its name in either language
        catalogue = {"capabilities": ("capability", self.catalogues.list_capabilities),
                     "certifications": ("standard", self.catalogues.list_standards)}.get(kind)
        known = _by_name(catalogue[1]()) if catalogue else {}
        accepted = []
        for line, row in valid:
            problems = []
            for f in refs:
                resolved = row[f] if row[f] in existing else by_code.get(row[f])
                if resolved is None:
                    problems.append((f, f"unknown enterprise '{row[f]}' (by id or enterprise code)"))
                else:
                    row[f] = resolved
            if catalogue and slug(row[catalogue[0]]) not in known:
                listing = {"capability": "/capabilities", "standard": "/standards"}[catalogue[0]]
                problems.append((catalogue[0], f"unknown {catalogue[0]} '{row[catalogue[0]]}'; see GET {listing}"))
            elif catalogue:
                row[catalogue[0]] = known[slug(row[catalogue[0]])]
            if problems:
                report.reject(line, *problems[0], *problems[1:])
                continue
            accepted.append(row)
        if not accepted:
            return
        writer = {"capabilities": self.enterprises.set_capabilities,
                  "certifications": self.enterprises.set_certifications,
                  "supply-links": self.enterprises.set_supply_links}[kind]
        report.add(writer(accepted))


def _by_name(entries: list[dict]) -> dict[str, str]:
    """Catalogue ids by every way a file may write them: the id, the English or the Vietnamese name, an
    alias (compared as slugs, so case, accents and punctuation do not matter)."""
    ids = {}
    for entry in entries:
        for name in (entry["id"], entry.get("name_en"), entry.get("name_vi"), *entry.get("aliases", [])):
            if name:
                ids.setdefault(slug(name), entry["id"])
    return ids
