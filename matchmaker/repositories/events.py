"""Matchmaking events: slots, tables, participants, meeting requests and the schedule on them."""
from __future__ import annotations

import json

from neo4j.exceptions import ConstraintError

from . import create_once

# The event's current schedule: the version its counter names (a version is a node of its own).
_CURRENT = ("head([(ev)<-[:OF_EVENT]-(v:ScheduleVersion) WHERE v.number = ev.schedule_version | v.schedule])")
_CURRENT_CHANGES = ("head([(ev)<-[:OF_EVENT]-(v:ScheduleVersion) WHERE v.number = ev.schedule_version | v.changes])")
_VERSION = "v {.number, .status, .meetings, .breaks, .value, .created_at, .cause, .change, .rolled_back_to}"

_EVENT = """
ev {.id, .reference, .name, .organiser, .location, .utc_offset, .fairness, .created_at, .schedule_version, .schedule_status,
    slots: [(ev)-[:HAS_SLOT]->(s) | s {.index, .start, .end, .session}],
    tables: [(ev)-[:HAS_TABLE]->(t) | t {.index, .name, .seats, .active}]}
"""


class EventRepository:
    def __init__(self, graph):
        self.graph = graph

    def create(self, event: dict, now: str) -> tuple[str, bool]:
        """Create an event with its slots and tables: (its id, True). When its organiser already used the
        event's ``reference``, nothing is written: (the existing event's id, False)."""
        ref_key = f"{event['organiser'] or ''}|{event['reference']}" if event.get("reference") else None

        def write(tx):
            tx.run("""
                CREATE (ev:Event {id: $id, reference: $reference, ref_key: $ref_key, name: $name,
                                  organiser: $organiser, location: $location,
                                  utc_offset: $utc_offset, fairness: $fairness, created_at: $now,
                                  schedule_version: 0})
                WITH ev
                UNWIND $slots AS s
                CREATE (ev)-[:HAS_SLOT]->(:Slot {key: $id + '/' + toString(s.index), index: s.index,
                                                 start: s.start, end: s.end, session: s.session})
                """, now=now, ref_key=ref_key, **{k: event.get(k) for k in (
                    "id", "reference", "name", "organiser", "location", "utc_offset", "fairness", "slots")})
            tx.run("""
                MATCH (ev:Event {id: $id})
                UNWIND $tables AS t
                CREATE (ev)-[:HAS_TABLE]->(:Table {key: $id + '/' + toString(t.index), index: t.index,
                                                   name: t.name, seats: t.seats, active: true})
                """, id=event["id"], tables=event["tables"])
            return event["id"]
        return create_once(self.graph, "Event", ref_key, write)

    def list(self, organiser: str | None, limit: int = 200, offset: int = 0) -> tuple[list[dict], int]:
        """Events newest first (``limit`` of them from ``offset``) and how many there are: one organiser's,
        or everyone's (None, for admins)."""
        def work(tx):
            total = tx.run("MATCH (ev:Event) WHERE $organiser IS NULL OR ev.organiser = $organiser "
                           "RETURN count(ev) AS n", organiser=organiser).single()["n"]
            items = [r["ev"] for r in tx.run("""
                MATCH (ev:Event) WHERE $organiser IS NULL OR ev.organiser = $organiser
                WITH ev ORDER BY ev.created_at DESC, ev.id SKIP $offset LIMIT $limit
                RETURN ev {.id, .reference, .name, .location, .organiser, .created_at, .schedule_version,
                           .schedule_status, first_slot: head([(ev)-[:HAS_SLOT]->(s) WHERE s.index = 0 | s.start]),
                           participants: COUNT { (ev)-[:HAS_PARTICIPANT]->() },
                           requests: COUNT { (ev)-[:HAS_REQUEST]->() }} AS ev""",
                organiser=organiser, limit=limit, offset=offset)]
            return items, total
        return self.graph.read(work)

    def organiser(self, event_id: str) -> tuple[bool, str | None]:
        """(whether the event exists, the organiser's id)."""
        def work(tx):
            row = tx.run("MATCH (ev:Event {id: $id}) RETURN ev.organiser AS organiser", id=event_id).single()
            return (row is not None, row["organiser"] if row else None)
        return self.graph.read(work)

    def represented(self, event_id: str, participant_ids: list[str]) -> set[str]:
        """Enterprise ids the given participants of an event represent."""
        return self.graph.read(lambda tx: set(tx.run(
            "MATCH (:Event {id: $id})-[:HAS_PARTICIPANT]->(p)-[:REPRESENTS]->(e) WHERE p.id IN $ids "
            "RETURN collect(DISTINCT e.id) AS ids", id=event_id, ids=participant_ids).single()["ids"]))

    def request_parties(self, event_id: str, request_id: str) -> list[str]:
        """The two participant ids of a meeting request (empty when there is no such request)."""
        def work(tx):
            row = tx.run("MATCH (:Event {id: $id})-[:HAS_REQUEST]->(r {id: $rid}) RETURN [r.a, r.b] AS parties",
                         id=event_id, rid=request_id).single()
            return row["parties"] if row else []
        return self.graph.read(work)

    def agenda_inputs(self, event_id: str, participant_id: str) -> dict | None:
        """What one participant's agenda needs, without reading the whole event: the event's slots,
        tables and schedule, the participant, its meeting requests and its counterparts' names."""
        def work(tx):
            row = tx.run(f"""
                MATCH (ev:Event {{id: $id}})
                OPTIONAL MATCH (ev)-[:HAS_PARTICIPANT]->(p {{id: $pid}})
                RETURN ev {{.id, .name, .location, schedule: {_CURRENT},
                           slots: [(ev)-[:HAS_SLOT]->(s) | s {{.index, .start, .end}}],
                           tables: [(ev)-[:HAS_TABLE]->(t) | t {{.index, .name}}]}} AS ev,
                       p {{.id, .name}} AS participant,
                       [(ev)-[:HAS_REQUEST]->(r) WHERE r.a = $pid OR r.b = $pid | r {{.id, .a, .b}}] AS requests
                """, id=event_id, pid=participant_id).single()
            if row is None:
                return None
            out = dict(row["ev"])
            out["slots"] = sorted(out["slots"], key=lambda s: s["index"])
            out["schedule"] = json.loads(out["schedule"]) if out["schedule"] else None
            out["participant"], out["requests"] = row["participant"], row["requests"]
            others = sorted({w for r in row["requests"] for w in (r["a"], r["b"])} - {participant_id})
            out["names"] = {r["id"]: r["name"] for r in tx.run(
                "MATCH (:Event {id: $id})-[:HAS_PARTICIPANT]->(q) WHERE q.id IN $others RETURN q.id AS id, q.name AS name",
                id=event_id, others=others)}
            return out
        return self.graph.read(work)

    def get(self, event_id: str) -> dict | None:
        def work(tx):
            record = tx.run(f"MATCH (ev:Event {{id: $id}}) RETURN {_EVENT} AS ev, {_CURRENT} AS schedule, "
                            f"{_CURRENT_CHANGES} AS last_changes", id=event_id).single()
            if record is None:
                return None
            ev = {**record["ev"], "schedule": record["schedule"], "last_changes": record["last_changes"]}
            ev["slots"] = sorted(ev["slots"], key=lambda s: s["index"])
            ev["tables"] = sorted(ev["tables"], key=lambda t: t["index"])
            ev["schedule"] = json.loads(ev["schedule"]) if ev["schedule"] else None
            ev["last_changes"] = json.loads(ev["last_changes"]) if ev["last_changes"] else None
            ev["participants"] = [r["p"] for r in tx.run(
                "MATCH (:Event {id: $id})-[:HAS_PARTICIPANT]->(p) RETURN p {.id, .name, .role, .max_meetings, "
                ".forbidden, .hosted_table, .status, .registered_at, enterprise: head([(p)-[:REPRESENTS]->(e) | e.id])} "
                "AS p ORDER BY p.registered_at, p.id", id=event_id)]
            ev["requests"] = [r["r"] for r in tx.run(
                "MATCH (:Event {id: $id})-[:HAS_REQUEST]->(r) RETURN r {.id, .a, .b, .priority, .requested_by, "
                ".fixed_slot, .after, .status, .source, .score, .created_at} AS r ORDER BY r.created_at, r.id",
                id=event_id)]
            return ev
        return self.graph.read(work)

    def upsert_participants(self, event_id: str, rows: list[dict], now: str) -> None:
        self.graph.write(lambda tx: tx.run("""
            MATCH (ev:Event {id: $event})
            UNWIND $rows AS row
            MERGE (ev)-[:HAS_PARTICIPANT]->(p:Participant {key: $event + '/' + row.id})
            ON CREATE SET p.registered_at = $now, p.status = 'registered'
            SET p.id = row.id, p.name = row.name, p.role = row.role, p.max_meetings = row.max_meetings,
                p.forbidden = row.forbidden, p.hosted_table = row.hosted_table
            WITH p, row
            OPTIONAL MATCH (p)-[old:REPRESENTS]->() DELETE old
            WITH p, row WHERE row.enterprise IS NOT NULL
            MATCH (e:Enterprise {id: row.enterprise})
            MERGE (p)-[:REPRESENTS]->(e)
            """, event=event_id, rows=rows, now=now).consume())

    def upsert_requests(self, event_id: str, rows: list[dict], now: str) -> None:
        self.graph.write(lambda tx: tx.run("""
            MATCH (ev:Event {id: $event})
            UNWIND $rows AS row
            MERGE (ev)-[:HAS_REQUEST]->(r:MeetingRequest {key: $event + '/' + row.id})
            ON CREATE SET r.created_at = $now
            SET r += row
            """, event=event_id, rows=rows, now=now).consume())

    def set_status(self, event_id: str, label: str, item_id: str, status: str) -> bool:
        """Set the status of a participant or request of the event (label from a fixed list)."""
        if label not in ("Participant", "MeetingRequest"):
            raise ValueError(label)
        rel = "HAS_PARTICIPANT" if label == "Participant" else "HAS_REQUEST"
        return self.graph.write(lambda tx: tx.run(
            f"MATCH (:Event {{id: $event}})-[:{rel}]->(n:{label} {{id: $id}}) SET n.status = $status RETURN n.id",
            event=event_id, id=item_id, status=status).single() is not None)

    def set_table_active(self, event_id: str, index: int, active: bool) -> bool:
        return self.graph.write(lambda tx: tx.run(
            "MATCH (:Event {id: $event})-[:HAS_TABLE]->(t:Table {index: $index}) SET t.active = $active RETURN t",
            event=event_id, index=index, active=active).single() is not None)

    def save_schedule(self, event_id: str, schedule: dict, changes: dict | None, expected_version: int) -> bool:
        """Store a new schedule version if nobody stored another since (optimistic check)."""
        try:
            return self.graph.write(save_schedule_tx, event_id, schedule, changes, expected_version)
        except ConstraintError:     # another version took the number first
            return False

    def versions(self, event_id: str) -> list[dict]:
        """The event's schedule versions, newest first, without their content."""
        return self.graph.read(lambda tx: [r["v"] for r in tx.run(
            f"MATCH (:Event {{id: $id}})<-[:OF_EVENT]-(v:ScheduleVersion) RETURN {_VERSION} AS v "
            "ORDER BY v.number DESC", id=event_id)])

    def version(self, event_id: str, number: int) -> dict | None:
        """One schedule version with its content (``schedule``, ``changes``); None when there is none."""
        def work(tx):
            row = tx.run(f"MATCH (:Event {{id: $id}})<-[:OF_EVENT]-(v:ScheduleVersion {{number: $number}}) "
                         f"RETURN {_VERSION} AS v, v.schedule AS schedule, v.changes AS changes",
                         id=event_id, number=number).single()
            if row is None:
                return None
            return {**row["v"], "schedule": json.loads(row["schedule"]),
                    "changes": json.loads(row["changes"]) if row["changes"] else None}
        return self.graph.read(work)


def save_schedule_tx(tx, event_id: str, schedule: dict, changes: dict | None, expected_version: int) -> bool:
    """``save_schedule`` inside a transaction of the caller's (a schedule job stores it with its own state):
    the schedule becomes a new (:ScheduleVersion)-[:OF_EVENT]->(:Event), numbered one above the event's
    counter, which then names it. What caused it (``cause``: scheduled, change, rollback; the change's
    type; the version rolled back to) is read from ``schedule``."""
    return tx.run("""
        MATCH (ev:Event {id: $event}) WHERE coalesce(ev.schedule_version, 0) = $expected
        SET ev.schedule_version = $expected + 1, ev.schedule_status = $status
        REMOVE ev.schedule, ev.last_changes
        CREATE (v:ScheduleVersion {key: $event + '/' + toString($expected + 1), event: $event,
                                   number: $expected + 1, schedule: $schedule, changes: $changes, status: $status,
                                   meetings: $meetings,
                                   breaks: $breaks, value: $value, created_at: $created_at, cause: $cause,
                                   change: $change, rolled_back_to: $rolled_back_to})
              -[:OF_EVENT]->(ev)
        RETURN ev.id""", event=event_id, schedule=json.dumps(schedule), expected=expected_version,
        status=schedule["status"], changes=json.dumps(changes) if changes else None,
        breaks=schedule.get("breaks"), value=schedule.get("value"), created_at=schedule.get("solved_at"),
        meetings=len(schedule.get("placements") or []), cause=schedule.get("cause") or "scheduled",
        change=((changes or {}).get("change") or {}).get("type"),
        rolled_back_to=schedule.get("rolled_back_to")).single() is not None

