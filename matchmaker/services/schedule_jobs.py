"""Schedule jobs: an event's schedule solved by a background worker, with the solver's real progress,
cancellation, and recovery when a worker dies.

A job is queued (by the API), running (a worker holds it and writes a heartbeat and its progress every
few seconds), then done (the schedule is stored on the event, as the synchronous path stored it),
failed (the error in the API's error shape) or cancelled. A running job silent for longer than
``JobSettings.stale_seconds`` has lost its worker: it is queued again while it has attempts left, else
failed (``worker_lost``). Workers look for such jobs when they start (a job of a dead process of their
own machine at once) and every minute; reading a job checks it too. Nothing is lost: a job's state is
in the graph, and a queued job whose message left the queue without being run is put back.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import secrets
import time

from scheduling.model import relative_gap

from ..config import JobSettings
from ..errors import Conflict, DomainError, JobQueueUnavailable, NotFound
from ..repositories.schedule_jobs import ScheduleJobRepository
from . import new_id, now_iso
from .events import EventService

log = logging.getLogger(__name__)
KEEP_FINISHED = 10          # finished jobs kept per event
MAX_POINTS = 240            # progress points kept per job (older ones thinned)


class ScheduleJobService:
    def __init__(self, graph, queue=None, settings: JobSettings | None = None):
        """``queue``: what enqueues a job id for a worker (matchmaker.jobs.JobQueue)."""
        self.repo = ScheduleJobRepository(graph)
        self.events = EventService(graph)
        self.queue = queue
        self.settings = settings or JobSettings()

    # -- the API's side --------------------------------------------------------------------------
    def submit(self, event_id: str, time_limit: float) -> tuple[dict, bool]:
        """A new job solving the event as it is now: (job, True). While a job with the same inputs is
        queued or running: (that job, False). A new job cancels the event's other active jobs."""
        event = self.events.get(event_id)
        solver_event, _ = self.events.solver_event(event)
        job = {"id": new_id("J"), "inputs": inputs_key(solver_event, time_limit), "time_limit": time_limit,
               "max_attempts": self.settings.attempts, "created_at": now_iso()}
        stored, created = self.repo.submit(event_id, job, f"superseded by {job['id']}: the event changed")
        if stored is None:
            raise NotFound(f"no event with id '{event_id}'")
        if created:
            self._enqueue(stored["id"])
        return view(stored), created

    def get(self, event_id: str, job_id: str) -> dict:
        """The job with its progress; a running job silent for too long is handled as lost first."""
        job = self._job(event_id, job_id)
        if job["status"] == "running" and self._silent(job):
            self._lost(job)
            job = self._job(event_id, job_id)
        return view(job)

    def latest(self, event_id: str) -> dict | None:
        """The event's newest job (for the event's page), checked like ``get``."""
        job = self.repo.latest(event_id)
        return self.get(event_id, job["id"]) if job else None

    def cancel(self, event_id: str, job_id: str) -> dict:
        """Cancel a queued or running job (a running solve stops at its next solution); cancelling a
        cancelled job again changes nothing; a finished one is a conflict."""
        self._job(event_id, job_id)
        before = self.repo.cancel(job_id, "cancelled on request")
        if before in ("done", "failed"):
            raise Conflict(f"the job has already finished ({before})", {"job": [f"{before}: nothing to cancel"]})
        return view(self._job(event_id, job_id))

    def _job(self, event_id: str, job_id: str) -> dict:
        job = self.repo.get(job_id)
        if job is None or job["event_id"] != event_id:
            raise NotFound(f"no schedule job '{job_id}' for event '{event_id}'")
        return job

    def _enqueue(self, job_id: str) -> None:
        try:
            self.queue.enqueue(job_id)
        except Exception as err:    # noqa: BLE001 (Redis down, the SQLite file unwritable)
            log.warning("cannot enqueue schedule job %s: %s", job_id, err)
            raise JobQueueUnavailable(f"the job queue cannot be reached; job '{job_id}' is kept and a worker "
                                      f"will queue it again") from err

    # -- the worker's side -------------------------------------------------------------------------
    def run(self, job_id: str, worker: str, runner) -> str | None:
        """Run a queued job to its end: claim it, solve with ``runner`` (solve_in_child's signature)
        while writing heartbeats and progress, then store the schedule with the job done, or the error
        with the job failed. Returns the final status (None: the job was not queued)."""
        token = secrets.token_hex(8)
        job = self.repo.claim(job_id, token, worker)
        if job is None:
            return None
        progress = Progress(job["time_limit"], job["attempt"])

        def keep_going() -> bool:
            try:
                status = self.repo.beat(job_id, token, progress.snapshot())
            except DomainError as err:     # the graph is unreachable: keep solving, beat again later
                log.warning("heartbeat of job %s not written: %s", job_id, err.message)
                return True
            return status == "running"

        def solver(solver_event, time_limit):
            result = runner(solver_event, time_limit, progress.add, keep_going, self.settings.heartbeat_seconds)
            if result is None:
                raise _Stopped()
            progress.conclude(result)
            return result

        def save(event_id, body, changes, expected_version):
            result = {**body, "version": expected_version + 1, "changes": changes}
            outcome = self.repo.complete(job_id, token, event_id, body, expected_version, result,
                                         progress.snapshot(final=True))
            if outcome == "gone":
                raise _Stopped()
            return outcome == "done"
        try:
            self.events.schedule(job["event_id"], time_limit=job["time_limit"], solver=solver, save=save)
        except _Stopped:
            self.repo.stopped(job_id, token, progress.snapshot(final=True))
            return "cancelled"
        except DomainError as err:
            self.repo.fail(job_id, token, error_of(err), progress.snapshot(final=True))
            return "failed"
        except Exception:   # noqa: BLE001 (logged; the job says so in the API's error shape)
            log.exception("schedule job %s failed", job_id)
            self.repo.fail(job_id, token, {"status": 500, "code": "internal_error",
                                           "message": "The solver failed unexpectedly; it has been logged."},
                           progress.snapshot(final=True))
            return "failed"
        self.repo.prune(job["event_id"], KEEP_FINISHED)
        return "done"

    def reap(self, this_host: str | None = None) -> list[str]:
        """Running jobs whose worker is gone (silent too long, or a dead process of this host) are queued
        again or failed; queued jobs whose message is no longer in the queue are put back. Returns the
        ids handled."""
        handled = []
        for job in self.repo.running():
            if self._silent(job) or (this_host and _dead_here(job.get("worker"), this_host)):
                self._lost(job)
                handled.append(job["id"])
        waiting = self.repo.waiting(self.settings.stale_seconds)
        if waiting and self.queue is not None:
            pending = self.queue.pending()
            for job_id in waiting:
                if job_id not in pending:
                    self.queue.enqueue(job_id)
                    self.repo.enqueued(job_id)
                    handled.append(job_id)
        return handled

    def _silent(self, job: dict) -> bool:
        return job.get("silent_seconds") is None or job["silent_seconds"] > self.settings.stale_seconds

    def _lost(self, job: dict) -> None:
        note = f"its worker ({job.get('worker') or 'unknown'}) stopped during attempt {job.get('attempt') or 1}"
        if (job.get("attempt") or 1) < (job.get("max_attempts") or self.settings.attempts):
            if self.repo.requeue(job["id"], job.get("token"), note + "; queued again") and self.queue is not None:
                try:
                    self.queue.enqueue(job["id"])
                    self.repo.enqueued(job["id"])
                except Exception as err:   # noqa: BLE001 (a worker's reaper puts it back later)
                    log.warning("cannot enqueue schedule job %s again: %s", job["id"], err)
        else:
            self.repo.fail(job["id"], job.get("token"), {
                "status": 503, "code": "worker_lost",
                "message": f"The schedule was not finished: {note}. Post the schedule again."})


class _Stopped(Exception):
    """The run no longer holds its job (cancelled, or handed to another worker)."""


class Progress:
    """The points a run's solver reported, thinned to MAX_POINTS, and what the job shows of them."""

    def __init__(self, time_limit: float, attempt: int):
        self.time_limit, self.attempt = time_limit, attempt
        self.points: list[dict] = []
        self.solutions = 0
        self.started = time.monotonic()
        self.seconds = None     # the solve's own duration, once it has ended
        self._best: dict[str, dict] = {}    # by stage: the best value so far (and how) and the tightest bound

    def add(self, point: dict) -> None:
        if point.get("objective") is not None:
            self.solutions += 1
        self.points.append(self._so_far(point))
        if len(self.points) > MAX_POINTS:
            self.points = self.points[:-1:2] + self.points[-1:]

    def _so_far(self, point: dict) -> dict:
        """The point as the job shows it: the stage's best value found so far (with the method that found
        it) and its tightest bound proven so far. Methods prove bounds of their own (the flow bound first,
        then CP-SAT's, often looser): a looser bound or a worse value later is no news, and shown as such
        neither would ever seem to go backwards."""
        stage = point.get("stage")
        if stage not in ("meetings", "breaks"):
            return point
        better = max if stage == "meetings" else min        # meetings' value is maximised, breaks minimised
        tighter = min if stage == "meetings" else max       # so the one's bound is an upper, the other's a lower
        seen = self._best.setdefault(stage, {})
        objective, bound = point.get("objective"), point.get("bound")
        if objective is not None and (seen.get("objective") is None or
                                      better(objective, seen["objective"]) != seen["objective"]):
            seen["objective"], seen["how"] = objective, point.get("how")
        if bound is not None:
            seen["bound"] = bound if seen.get("bound") is None else tighter(bound, seen["bound"])
        objective, bound = seen.get("objective"), seen.get("bound")
        return {**point, "objective": objective, "how": seen["how"] if objective is not None else point.get("how"),
                "bound": bound, "gap": None if objective is None or bound is None else relative_gap(objective, bound)}

    def conclude(self, result) -> None:
        """The solve's final word: its value and breaks with the bounds it proved (CP-SAT may prove a
        bound after its last solution, and MaxSAT reports only here)."""
        self.seconds = result.seconds
        if result.schedule is None:
            return
        for stage, objective, bound in (("meetings", result.value, result.value_bound),
                                        ("breaks", result.breaks, result.breaks_bound)):
            if objective is not None and bound is not None:
                self.points.append({**self._so_far({"seconds": self.seconds, "stage": stage, "objective": objective,
                                                    "bound": bound}), "final": True})

    def snapshot(self, final: bool = False) -> dict:
        best = {}
        for point in self.points:
            stage = point.get("stage")
            if stage not in ("meetings", "breaks"):
                continue
            if point.get("objective") is not None:
                best[stage] = point
            elif stage in best and point.get("bound") is not None:    # a better bound alone
                objective = best[stage]["objective"]
                best[stage] = {**best[stage], "bound": point["bound"],
                               "gap": relative_gap(objective, point["bound"])}
        seconds = self.seconds if self.seconds is not None else time.monotonic() - self.started
        return {"attempt": self.attempt, "time_limit": self.time_limit, "seconds": seconds,
                "solutions": self.solutions, "stage": self.points[-1]["stage"] if self.points else None,
                "final": final, "meetings": best.get("meetings"), "breaks": best.get("breaks"),
                "points": list(self.points)}


def view(job: dict) -> dict:
    """What callers see of a job (not its run's token or input key)."""
    return {"id": job["id"], "event": job["event_id"], "status": job["status"], "time_limit": job["time_limit"],
            "attempt": job.get("attempt") or 0, "max_attempts": job.get("max_attempts"),
            "created_at": job.get("created_at"), "started_at": job.get("started_at"),
            "finished_at": job.get("finished_at"), "heartbeat_at": job.get("heartbeat_at"),
            "solver_stopped_at": job.get("solver_stopped_at"),
            "worker": job.get("worker"), "note": job.get("note"), "progress": job.get("progress"),
            "result": job.get("result"), "error": job.get("error")}


def error_of(err: DomainError) -> dict:
    """A domain error in the API's one error shape (the body's ``error`` object)."""
    body = {"status": err.status, "code": err.code, "message": err.message}
    if err.fields:
        body["fields"] = err.fields
    return body


def inputs_key(solver_event, time_limit: float) -> str:
    """A digest of everything the solver is given: the same event and time limit, the same key."""
    def plain(value):
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        raise TypeError(type(value))
    text = json.dumps({"event": dataclasses.asdict(solver_event), "time_limit": time_limit},
                      sort_keys=True, default=plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _dead_here(worker: str | None, this_host: str) -> bool:
    """Whether ``worker`` ('host:pid') is a process of this host that no longer exists."""
    host, _, pid = (worker or "").rpartition(":")
    if host != this_host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
