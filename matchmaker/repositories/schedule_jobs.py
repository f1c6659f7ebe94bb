"""Schedule jobs: a background solve's state, heartbeat and progress, kept beside its event.

Heartbeats use the database's clock (``datetime()``), so workers on several machines and the API agree
on how long a job has been silent whatever their own clocks say. A run holds its job by a ``token``: a
write of a run that lost its job (cancelled, or handed to another worker) changes nothing.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from neo4j.exceptions import ConstraintError

from .events import save_schedule_tx

ACTIVE = ["queued", "running"]

_JOB = """j {.id, .event_id, .status, .inputs, .time_limit, .attempt, .max_attempts, .worker, .created_at,
             .started_at, .finished_at, .solver_stopped_at, .note, .progress, .result, .error, .token,
             heartbeat_at: toString(j.heartbeat_at),
             silent_seconds: CASE WHEN j.heartbeat_at IS NULL THEN null
                                  ELSE duration.inSeconds(j.heartbeat_at, datetime()).seconds END}"""


def _job(row) -> dict | None:
    if row is None:
        return None
    job = dict(row)
    for key in ("progress", "result", "error"):
        job[key] = json.loads(job[key]) if job.get(key) else None
    return job


class ScheduleJobRepository:
    def __init__(self, graph):
        self.graph = graph

    def submit(self, event_id: str, job: dict, superseded_note: str) -> tuple[dict | None, bool]:
        """Create ``job`` for the event unless a queued or running job has the same inputs: (that job,
        False). Creating cancels the event's other active jobs (their inputs are out of date). Submissions
        for one event are serialised by a write on the event; (None, False) when there is no such event."""
        def work(tx):
            row = tx.run("""
                MATCH (ev:Event {id: $event}) SET ev.job_submissions = coalesce(ev.job_submissions, 0) + 1
                WITH ev
                OPTIONAL MATCH (ev)-[:HAS_SCHEDULE_JOB]->(same:ScheduleJob)
                WHERE same.status IN $active AND same.inputs = $inputs
                RETURN count(ev) AS found, head(collect(same.id)) AS same""",
                         event=event_id, active=ACTIVE, inputs=job["inputs"]).single()
            if row is None or not row["found"]:
                return None, False
            if row["same"]:
                return _read(tx, row["same"]), False
            tx.run("""
                MATCH (:Event {id: $event})-[:HAS_SCHEDULE_JOB]->(old:ScheduleJob) WHERE old.status IN $active
                SET old.status = 'cancelled', old.finished_at = $now, old.note = $note""",
                   event=event_id, active=ACTIVE, now=job["created_at"], note=superseded_note).consume()
            tx.run("""
                MATCH (ev:Event {id: $event})
                CREATE (ev)-[:HAS_SCHEDULE_JOB]->(:ScheduleJob {id: $id, event_id: $event, status: 'queued',
                        seq: ev.job_submissions,
                        inputs: $inputs, time_limit: $time_limit, attempt: 0, max_attempts: $max_attempts,
                        created_at: $created_at, enqueued_at: datetime()})""",
                   event=event_id, **{k: job[k] for k in ("id", "inputs", "time_limit", "max_attempts",
                                                          "created_at")}).consume()
            return _read(tx, job["id"]), True
        return self.graph.write(work)

    def get(self, job_id: str) -> dict | None:
        return self.graph.read(_read, job_id)

    def latest(self, event_id: str) -> dict | None:
        """The event's newest job."""
        def work(tx):
            row = tx.run(f"MATCH (:Event {{id: $event}})-[:HAS_SCHEDULE_JOB]->(j:ScheduleJob) "
                         f"RETURN {_JOB} AS j ORDER BY j.seq DESC LIMIT 1",
                         event=event_id).single()
            return _job(row["j"]) if row else None
        return self.graph.read(work)

    def claim(self, job_id: str, token: str, worker: str) -> dict | None:
        """Take a queued job for a run: running, held by ``token``; None when it is not queued."""
        def work(tx):
            row = tx.run(f"""
                MATCH (j:ScheduleJob {{id: $id}}) WHERE j.status = 'queued'
                SET j.status = 'running', j.token = $token, j.worker = $worker, j.attempt = coalesce(j.attempt, 0) + 1,
                    j.started_at = $now, j.heartbeat_at = datetime(), j.progress = null
                RETURN {_JOB} AS j""", id=job_id, token=token, worker=worker, now=_now()).single()
            return _job(row["j"]) if row else None
        return self.graph.write(work)

    def beat(self, job_id: str, token: str, progress: dict) -> str | None:
        """The run is alive: heartbeat and progress. Returns the job's status (None: the run lost it)."""
        def work(tx):
            row = tx.run("""
                MATCH (j:ScheduleJob {id: $id}) WHERE j.token = $token
                SET j.heartbeat_at = datetime(),
                    j.progress = CASE WHEN j.status = 'running' THEN $progress ELSE j.progress END
                RETURN j.status AS status""", id=job_id, token=token, progress=json.dumps(progress)).single()
            return row["status"] if row else None
        return self.graph.write(work)

    def complete(self, job_id: str, token: str, event_id: str, schedule: dict, expected_version: int,
                 result: dict, progress: dict) -> str:
        """In one transaction: the schedule stored on the event (if nobody stored another since) and the
        job done. 'done'; 'conflict' (another schedule was stored meanwhile: nothing written); 'gone' (the
        run no longer holds the job, cancelled or handed on: nothing written)."""
        def work(tx):
            held = tx.run("MATCH (j:ScheduleJob {id: $id}) WHERE j.status = 'running' AND j.token = $token "
                          "RETURN j.id", id=job_id, token=token).single()
            if held is None:
                return "gone"
            if not save_schedule_tx(tx, event_id, schedule, None, expected_version):
                return "conflict"
            tx.run("""
                MATCH (j:ScheduleJob {id: $id})
                SET j.status = 'done', j.result = $result, j.progress = $progress, j.finished_at = $now,
                    j.heartbeat_at = datetime(), j.token = null""",
                   id=job_id, result=json.dumps(result), progress=json.dumps(progress), now=_now()).consume()
            return "done"
        try:
            return self.graph.write(work)
        except ConstraintError:     # another schedule version took the number first
            return "conflict"

    def fail(self, job_id: str, token: str | None, error: dict, progress: dict | None = None) -> bool:
        """A run's job failed (the run holding ``token``; None: whoever holds it, for the reaper)."""
        return self.graph.write(lambda tx: tx.run("""
            MATCH (j:ScheduleJob {id: $id}) WHERE j.status = 'running' AND ($token IS NULL OR j.token = $token)
            SET j.status = 'failed', j.error = $error, j.progress = coalesce($progress, j.progress),
                j.finished_at = $now, j.token = null
            RETURN j.id""", id=job_id, token=token, error=json.dumps(error),
            progress=json.dumps(progress) if progress is not None else None, now=_now()).single() is not None)

    def stopped(self, job_id: str, token: str, progress: dict) -> None:
        """A run of a cancelled job let go of its solver."""
        self.graph.write(lambda tx: tx.run("""
            MATCH (j:ScheduleJob {id: $id}) WHERE j.token = $token
            SET j.solver_stopped_at = $now, j.progress = $progress, j.token = null""",
            id=job_id, token=token, now=_now(), progress=json.dumps(progress)).consume())

    def cancel(self, job_id: str, note: str) -> str | None:
        """Cancel a queued or running job; returns its status before (None: no such job)."""
        def work(tx):
            row = tx.run("""
                MATCH (j:ScheduleJob {id: $id})
                WITH j, j.status AS before
                SET j.status = CASE WHEN before IN $active THEN 'cancelled' ELSE before END,
                    j.finished_at = CASE WHEN before IN $active THEN $now ELSE j.finished_at END,
                    j.note = CASE WHEN before IN $active THEN $note ELSE j.note END
                RETURN before""", id=job_id, active=ACTIVE, now=_now(), note=note).single()
            return row["before"] if row else None
        return self.graph.write(work)

    def running(self) -> list[dict]:
        """Every running job, with how long each has been silent."""
        return self.graph.read(lambda tx: [_job(r["j"]) for r in tx.run(
            f"MATCH (j:ScheduleJob) WHERE j.status = 'running' RETURN {_JOB} AS j")])

    def waiting(self, seconds: float) -> list[str]:
        """Ids of jobs queued more than ``seconds`` ago."""
        return self.graph.read(lambda tx: [r["id"] for r in tx.run("""
            MATCH (j:ScheduleJob) WHERE j.status = 'queued'
              AND duration.inSeconds(j.enqueued_at, datetime()).seconds >= $seconds
            RETURN j.id AS id""", seconds=int(seconds))])

    def requeue(self, job_id: str, token: str | None, note: str) -> bool:
        """A running job back in the queue (its worker was lost); False when it was not running."""
        return self.graph.write(lambda tx: tx.run("""
            MATCH (j:ScheduleJob {id: $id}) WHERE j.status = 'running' AND ($token IS NULL OR j.token = $token)
            SET j.status = 'queued', j.token = null, j.worker = null, j.enqueued_at = datetime(), j.note = $note
            RETURN j.id""", id=job_id, token=token, note=note).single() is not None)

    def enqueued(self, job_id: str) -> None:
        """The job's message was put in the queue again (now)."""
        self.graph.write(lambda tx: tx.run("MATCH (j:ScheduleJob {id: $id}) SET j.enqueued_at = datetime()",
                                           id=job_id).consume())

    def prune(self, event_id: str, keep: int) -> None:
        """Delete the event's finished jobs but the newest ``keep``."""
        self.graph.write(lambda tx: tx.run("""
            MATCH (:Event {id: $event})-[:HAS_SCHEDULE_JOB]->(j:ScheduleJob) WHERE NOT j.status IN $active
            WITH j ORDER BY j.seq DESC
            WITH collect(j) AS finished
            UNWIND finished[$keep..] AS old
            DETACH DELETE old""", event=event_id, active=ACTIVE, keep=keep).consume())


def _read(tx, job_id: str) -> dict | None:
    row = tx.run(f"MATCH (j:ScheduleJob {{id: $id}}) RETURN {_JOB} AS j", id=job_id).single()
    return _job(row["j"]) if row else None


def _now() -> str:
    """The current UTC time to the second, as the services store times."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
