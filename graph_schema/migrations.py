"""Ordered, idempotent schema migrations. Each runs once; the applied version is stored in the graph."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from .feed import OFFER_SCHEMA, RESET
from .feed import SCHEMA as FEED_SCHEMA
from .model import PLAIN_CODE, WITHOUT_CODE
from .projection import OFFER_INDEX, REFRESH_ALL


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    data: Callable | None = None    # a step in Python, data(tx), run in a write transaction after the statements


def schedule_versions_of_stored_schedules(tx) -> int:
    """Migration 10's data step: the schedule kept on an event as a property (before versions were nodes)
    becomes its version node, numbered as the event's counter said; the property goes. Idempotent."""
    rows = tx.run("MATCH (ev:Event) WHERE ev.schedule IS NOT NULL "
                  "RETURN ev.id AS id, ev.schedule AS schedule, ev.last_changes AS changes, "
                  "coalesce(ev.schedule_version, 1) AS number").data()
    for row in rows:
        body = json.loads(row["schedule"])
        changes = json.loads(row["changes"]) if row["changes"] else None
        tx.run("""
            MATCH (ev:Event {id: $event})
            MERGE (v:ScheduleVersion {key: $event + '/' + toString($number)})
            ON CREATE SET v.event = $event, v.number = $number, v.schedule = $schedule, v.changes = $changes,
                          v.status = $status, v.meetings = $meetings, v.breaks = $breaks, v.value = $value,
                          v.created_at = $created_at, v.cause = $cause, v.change = $change
            MERGE (v)-[:OF_EVENT]->(ev)
            SET ev.schedule_version = $number
            REMOVE ev.schedule, ev.last_changes""",
               event=row["id"], number=max(row["number"], 1), schedule=row["schedule"], changes=row["changes"],
               status=body.get("status"), meetings=len(body.get("placements") or []), breaks=body.get("breaks"),
               value=body.get("value"), created_at=body.get("solved_at"), cause="change" if changes else "scheduled",
               change=((changes or {}).get("change") or {}).get("type")).consume()
    return len(rows)


def upsert_communes(tx, rows: list[dict]) -> None:
    """Hanoi's wards and communes (:Commune); enterprises whose commune names one without its accents or with a
    prefix take its official name."""
    tx.run("UNWIND $rows AS row MERGE (c:Commune {id: row.id}) "
           "SET c.kind = row.kind, c.name_vi = row.name_vi, c.name_en = row.name_en, c.key = row.key",
           rows=rows).consume()
    tx.run("UNWIND $rows AS row MATCH (e:Enterprise) WHERE e.commune IN [row.name_en, row.key] "
           "SET e.commune = row.name_vi", rows=rows).consume()


def _commune_rows() -> list[dict]:
    from seeds.hanoi import commune_rows
    return commune_rows()


# scoring.text.BLOCKING_KEY_PROPS as these migrations were written: a migration does what it did when it ran,
# whatever the code says later (tests/test_duplicates_graph.py checks the two still agree).
_BLOCKING_KEYS = ("dup_key_start", "dup_key_end", "dup_key_ends", "dup_key_sound", "dup_key_letters")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core constraints", (
        "CREATE CONSTRAINT enterprise_id IF NOT EXISTS FOR (e:Enterprise) REQUIRE e.id IS UNIQUE",
        "CREATE CONSTRAINT enterprise_code IF NOT EXISTS FOR (e:Enterprise) REQUIRE e.code IS UNIQUE",
        "CREATE CONSTRAINT capability_id IF NOT EXISTS FOR (c:Capability) REQUIRE c.id IS UNIQUE",
        "CREATE CONSTRAINT product_hs IF NOT EXISTS FOR (p:Product) REQUIRE p.hs IS UNIQUE",
        "CREATE CONSTRAINT standard_id IF NOT EXISTS FOR (s:Standard) REQUIRE s.id IS UNIQUE",
        "CREATE CONSTRAINT sector_id IF NOT EXISTS FOR (s:Sector) REQUIRE s.id IS UNIQUE",
        "CREATE CONSTRAINT zone_id IF NOT EXISTS FOR (z:Zone) REQUIRE z.id IS UNIQUE",
        "CREATE CONSTRAINT association_id IF NOT EXISTS FOR (a:Association) REQUIRE a.id IS UNIQUE",
        "CREATE CONSTRAINT schema_migration_version IF NOT EXISTS FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE",
    )),
    Migration(2, "search indexes", (
        "CREATE POINT INDEX enterprise_location IF NOT EXISTS FOR (e:Enterprise) ON (e.location)",
        "CREATE POINT INDEX zone_location IF NOT EXISTS FOR (z:Zone) ON (z.location)",
        "CREATE INDEX enterprise_kind IF NOT EXISTS FOR (e:Enterprise) ON (e.kind)",
        "CREATE INDEX enterprise_commune IF NOT EXISTS FOR (e:Enterprise) ON (e.commune)",
        "CREATE INDEX enterprise_name_key IF NOT EXISTS FOR (e:Enterprise) ON (e.name_key)",
        "CREATE INDEX enterprise_name_folded IF NOT EXISTS FOR (e:Enterprise) ON (e.name_folded)",
        "CREATE FULLTEXT INDEX enterprise_text IF NOT EXISTS FOR (e:Enterprise) ON EACH [e.name, e.search_text]",
        "CREATE FULLTEXT INDEX catalogue_text IF NOT EXISTS FOR (n:Capability|Standard|Sector|Zone) ON EACH [n.name, n.search_text]",
        "CREATE INDEX certified_expires IF NOT EXISTS FOR ()-[c:CERTIFIED]-() ON (c.expires)",
    )),
    Migration(3, "sourcing requests and outcomes", (
        "CREATE CONSTRAINT sourcing_request_id IF NOT EXISTS FOR (r:SourcingRequest) REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT match_outcome_id IF NOT EXISTS FOR (o:MatchOutcome) REQUIRE o.id IS UNIQUE",
        "CREATE INDEX sourcing_request_status IF NOT EXISTS FOR (r:SourcingRequest) ON (r.status)",
        "CREATE INDEX match_outcome_occurred IF NOT EXISTS FOR (o:MatchOutcome) ON (o.occurred_on)",
    )),
    Migration(4, "matchmaking events", (
        "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE",
        "CREATE CONSTRAINT slot_key IF NOT EXISTS FOR (s:Slot) REQUIRE s.key IS UNIQUE",
        "CREATE CONSTRAINT table_key IF NOT EXISTS FOR (t:Table) REQUIRE t.key IS UNIQUE",
        "CREATE CONSTRAINT participant_key IF NOT EXISTS FOR (p:Participant) REQUIRE p.key IS UNIQUE",
        "CREATE CONSTRAINT meeting_request_key IF NOT EXISTS FOR (r:MeetingRequest) REQUIRE r.key IS UNIQUE",
    )),
    Migration(5, "api keys", (
        "CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE",
        "CREATE INDEX event_organiser IF NOT EXISTS FOR (e:Event) ON (e.organiser)",
    )),
    # Ids of requests, events and outcomes are made by the server; what a caller may retry on is its own
    # reference (unique per owner) or, for an outcome, what it is about. Existing records keep their ids.
    Migration(6, "owner-scoped references and outcome keys", (
        "MATCH (b:Enterprise)-[:POSTED]->(r:SourcingRequest) WHERE r.ref_key IS NULL "
        "SET r.reference = coalesce(r.reference, r.id), r.ref_key = b.id + '|' + coalesce(r.reference, r.id)",
        "MATCH (ev:Event) WHERE ev.ref_key IS NULL "
        "SET ev.reference = coalesce(ev.reference, ev.id), "
        "ev.ref_key = coalesce(ev.organiser, '') + '|' + coalesce(ev.reference, ev.id)",
        "MATCH (o:MatchOutcome) WHERE o.key IS NULL AND o.source STARTS WITH 'event:' "
        "SET o.key = 'meeting:' + o.id",
        "MATCH (o:MatchOutcome)-[:BUYER]->(b), (o)-[:SUPPLIER]->(s) WHERE o.key IS NULL "
        "WITH o, min(b.id) AS buyer, min(s.id) AS supplier "
        "SET o.key = 'contact:' + buyer + '|' + supplier + '|' "
        "+ coalesce(head([(o)-[:FOR_REQUEST]->(r) | r.id]), '') + '|' + toString(o.occurred_on)",
        "CREATE CONSTRAINT sourcing_request_ref_key IF NOT EXISTS FOR (r:SourcingRequest) REQUIRE r.ref_key IS UNIQUE",
        "CREATE CONSTRAINT event_ref_key IF NOT EXISTS FOR (e:Event) REQUIRE e.ref_key IS UNIQUE",
        "CREATE CONSTRAINT match_outcome_key IF NOT EXISTS FOR (o:MatchOutcome) REQUIRE o.key IS UNIQUE",
    )),
    # Blocking keys for duplicate detection (scoring.text.blocking_keys), set on each enterprise at
    # import: two spellings of one firm meet by an index seek on one of them, never by a scan.
    Migration(7, "duplicate blocking keys", tuple(
        f"CREATE INDEX enterprise_{prop} IF NOT EXISTS FOR (e:Enterprise) ON (e.{prop})"
        for prop in _BLOCKING_KEYS)),
    # A need's words are matched against what a firm does, never its name: description_text is the folded
    # description alone, written at upsert. Nodes from before are back-filled here by scoring.text.fold
    # written in Cypher (special letters, NFKD, marks dropped, anything but a-z0-9 a space); the full-text
    # index over it finds firms for needs that name no capability and no product.
    Migration(8, "description text", (
        "MATCH (e:Enterprise) WHERE e.description IS NOT NULL AND e.description_text IS NULL "
        "CALL (e) { "
        "WITH e, [ch IN split(normalize(toLower(reduce(t = e.description, pair IN [['Đ', 'D'], ['đ', 'd'], "
        "['Ø', 'O'], ['ø', 'o'], ['ß', 'ss'], ['Ł', 'L'], ['ł', 'l']] | replace(t, pair[0], pair[1]))), NFKD), '') "
        "WHERE NOT (ch >= '\\u0300' AND ch <= '\\u036f') "
        "| CASE WHEN (ch >= 'a' AND ch <= 'z') OR (ch >= '0' AND ch <= '9') THEN ch ELSE ' ' END] AS chars "
        "WITH e, [w IN split(reduce(s = '', ch IN chars | s + ch), ' ') WHERE w <> ''] AS words "
        "SET e.description_text = reduce(s = '', w IN words | s + CASE WHEN s = '' THEN '' ELSE ' ' END + w) "
        "} IN TRANSACTIONS OF 10000 ROWS",
        "CREATE FULLTEXT INDEX enterprise_description IF NOT EXISTS FOR (e:Enterprise) ON EACH [e.description_text]",
    )),
    # Long schedule solves run as background jobs; a job's state and progress live in the graph, where
    # workers on any machine and the API see them (the reaper finds running jobs by status).
    Migration(9, "schedule jobs", (
        "CREATE CONSTRAINT schedule_job_id IF NOT EXISTS FOR (j:ScheduleJob) REQUIRE j.id IS UNIQUE",
        "CREATE INDEX schedule_job_status IF NOT EXISTS FOR (j:ScheduleJob) ON (j.status)",
    )),
    # Each saved schedule is a (:ScheduleVersion {event, number, schedule, status, breaks, value, created_at,
    # cause})-[:OF_EVENT]->(:Event), so that a change can be compared with and rolled back to an earlier
    # one; the event's schedule_version names the current one. The schedule an event held as a property
    # becomes its version node.
    Migration(10, "schedule versions", (
        "CREATE CONSTRAINT schedule_version_key IF NOT EXISTS FOR (v:ScheduleVersion) REQUIRE v.key IS UNIQUE",
    ), data=schedule_versions_of_stored_schedules),
    # What the search filters on, kept on each firm (graph_schema/projection.py): one property read per
    # candidate instead of a walk over its relationships. Written by every later write of them.
    Migration(11, "search projection on enterprises", (REFRESH_ALL, OFFER_INDEX)),
    # Catalogue entries and zones carry their name in English and in Vietnamese (name_en, name_vi), so that
    # an entry added later brings both and the pages read them from the graph; the single name becomes
    # name_en. The catalogue's full-text index covers both names.
    Migration(12, "catalogue names in both languages", (
        "MATCH (n) WHERE (n:Capability OR n:Standard OR n:Sector OR n:Zone) AND n.name IS NOT NULL "
        "SET n.name_en = coalesce(n.name_en, n.name) REMOVE n.name",
        "DROP INDEX catalogue_text IF EXISTS",
        "CREATE FULLTEXT INDEX catalogue_names IF NOT EXISTS FOR (n:Capability|Standard|Sector|Zone) "
        "ON EACH [n.name_en, n.name_vi, n.search_text]",
    )),
    # Hanoi's wards and communes as a catalogue (:Commune {id: the GSO unit code, kind, name_vi, name_en}); an
    # enterprise's commune is the name_vi of one of them (seeds/hanoi.py), loaded here so that every graph
    # of this schema checks communes; a commune written before without accents takes its official name.
    Migration(13, "wards and communes", (
        "CREATE CONSTRAINT commune_id IF NOT EXISTS FOR (c:Commune) REQUIRE c.id IS UNIQUE",
    ), data=lambda tx: upsert_communes(tx, _commune_rows())),
    # A firm without an enterprise code carries :WithoutCode (written by every upsert), with its own indexes
    # on what duplicates are found by: a firm with a code can be the same firm only as one without, so its
    # candidates come from these indexes, however many coded firms stand within a kilometre of it.
    Migration(14, "firms without an enterprise code", (
        f"CREATE POINT INDEX without_code_location IF NOT EXISTS FOR (e:{WITHOUT_CODE}) ON (e.location)",
        *(f"CREATE INDEX without_code_{prop} IF NOT EXISTS FOR (e:{WITHOUT_CODE}) ON (e.{prop})"
          for prop in ("name_key", *_BLOCKING_KEYS)),
        f"MATCH (e:Enterprise) WHERE NOT coalesce(e.code =~ '{PLAIN_CODE}', false) "
        f"CALL (e) {{ SET e:{WITHOUT_CODE} }} IN TRANSACTIONS OF 10000 ROWS",
    )),
    # The market's change feed (graph_schema/feed.py): web workers keep the open requests and their buyers
    # in memory and read only what changed since they last looked.
    Migration(15, "market change feed", FEED_SCHEMA, data=lambda tx: tx.run(RESET).consume()),
    # Firms' offers on the feed too: web workers keep every firm's offer and work a search's pool out in memory.
    Migration(16, "firm offers on the change feed", OFFER_SCHEMA, data=lambda tx: tx.run(RESET).consume()),
)

LATEST_VERSION = MIGRATIONS[-1].version


def applied_version(tx) -> int:
    record = tx.run("MATCH (m:SchemaMigration) RETURN max(m.version) AS version").single()
    return record["version"] or 0


def _record(tx, migration: Migration) -> None:
    tx.run("MERGE (m:SchemaMigration {version: $version}) "
           "ON CREATE SET m.name = $name, m.applied_at = $at",
           version=migration.version, name=migration.name, at=datetime.now(timezone.utc).isoformat())


def apply_migrations(driver, database: str | None = None) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied. Safe to run again."""
    applied = []
    with driver.session(database=database) as session:
        current = session.execute_read(applied_version)
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            for statement in migration.statements:
                # Schema statements cannot share a transaction with writes; each runs on its own.
                session.run(statement).consume()
            if migration.data is not None:
                session.execute_write(migration.data)
            session.execute_write(_record, migration)
            applied.append(migration.version)
        if applied:     # what a migration rewrote carries no stamp: a keeper of the market reads it all again
            session.execute_write(lambda tx: tx.run(RESET).consume())
        session.run("CALL db.awaitIndexes(300)").consume()
    return applied
