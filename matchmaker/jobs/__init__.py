"""Background jobs on Huey: long schedule solves run in a worker, never inside a web request.

Start a worker with ``huey_consumer matchmaker.jobs.huey`` (``./dev serve`` starts one). The queue is
the one ``JobSettings.url`` names: a SQLite file for one machine (no server), or Redis, whose queue
workers on several machines share (each also needs the graph: NEO4J_URI). A job's state and progress
live in the graph (matchmaker.services.schedule_jobs), so any worker and any API instance see them.
"""
from __future__ import annotations

import logging
import os
import socket
import threading

from huey import RedisHuey, SqliteHuey, crontab

from ..config import JobSettings, Neo4jSettings, model_dir_from_env

log = logging.getLogger(__name__)
QUEUE_NAME = "matchmaker"


class JobQueue:
    """The Huey instance of ``settings`` with the project's tasks registered; what the API enqueues on."""

    def __init__(self, settings: JobSettings):
        self.settings = settings
        url = settings.url
        if url.startswith(("redis://", "rediss://", "unix://")):
            self.huey = RedisHuey(QUEUE_NAME, url=url, results=False)
        else:
            path = url.removeprefix("sqlite://")
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            self.huey = SqliteHuey(QUEUE_NAME, filename=path, results=False)
        self._solve = self.huey.task(name="solve_schedule")(solve_schedule)
        self._cutoffs = self.huey.task(name="refresh_cutoffs")(refresh_cutoffs)
        # catch-up: cutoffs a lost message or a stopped worker left stale (ranking is idempotent)
        self.huey.periodic_task(crontab(minute="*/10"), name="refresh_stale_cutoffs")(refresh_cutoffs)
        self.huey.periodic_task(crontab(minute="*"), name="reap_schedule_jobs")(reap_schedule_jobs)
        self.huey.on_startup("reap_schedule_jobs_at_start")(reap_at_start)

    def enqueue(self, job_id: str) -> None:
        self._solve(job_id)

    def refresh_cutoffs(self) -> None:
        """Rank the open requests whose top-10 cutoff is stale (after a model is activated)."""
        self._cutoffs()

    def pending(self) -> set[str]:
        """Ids of the schedule jobs whose message waits in the queue."""
        return {task.args[0] for task in self.huey.pending() if task.name == "solve_schedule" and task.args}


# -- in the worker (the consumer's process): one queue and one graph, from the environment ----------
_lock = threading.Lock()
_worker: dict = {}


def _worker_parts():
    with _lock:
        if not _worker:
            from ..db import Graph
            _worker["settings"] = JobSettings.from_env()
            _worker["queue"] = JobQueue(_worker["settings"])
            _worker["graph"] = Graph(Neo4jSettings.from_env())
            from scoring.model import ModelStore
            _worker["models"] = ModelStore(model_dir_from_env())
    return _worker


def _service():
    from ..services.schedule_jobs import ScheduleJobService
    parts = _worker_parts()
    return ScheduleJobService(parts["graph"], parts["queue"], parts["settings"])


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def solve_schedule(job_id: str) -> None:
    """Run one schedule job (a queued job's message)."""
    from .solving import solve_in_child
    status = _service().run(job_id, worker_name(), solve_in_child)
    log.info("schedule job %s: %s", job_id, status or "not queued (cancelled, or run elsewhere)")


def refresh_cutoffs() -> None:
    """Rank every open request whose top-10 cutoff was not ranked under the active model."""
    from ..errors import DomainError
    from ..services.matching import MatchService
    parts = _worker_parts()
    try:
        done = MatchService(parts["graph"], parts["models"]).refresh_stale_cutoffs()
    except DomainError as err:     # the graph is down: the catch-up run tries again
        log.warning("could not refresh top-10 cutoffs: %s", err.message)
        return
    if done:
        log.info("top-10 cutoffs ranked again for %d open requests", done)


def reap_schedule_jobs() -> None:
    """Jobs whose worker died: queued again or failed (every minute, on every worker)."""
    from ..errors import DomainError
    try:
        handled = _service().reap(socket.gethostname())
    except DomainError as err:     # the graph is down: the next minute's reap tries again
        log.warning("could not look for lost schedule jobs: %s", err.message)
        return
    if handled:
        log.warning("schedule jobs recovered: %s", ", ".join(handled))


def reap_at_start() -> None:
    """When a worker starts: the jobs a dead process of this machine held are recovered at once."""
    reap_schedule_jobs()


def __getattr__(name: str):
    """``matchmaker.jobs.huey``: the consumer's Huey instance, built from the environment when asked."""
    if name == "huey":
        return _worker_parts()["queue"].huey
    raise AttributeError(name)
