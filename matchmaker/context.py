"""What a request's code reaches through the app, for the API and the pages alike: the process's graph
(driver holder), the model store, the queue of background jobs and the schedule-job service."""
from flask import current_app


def graph():
    """The process's Graph, bound to the app in the factory."""
    return current_app.extensions["graph"]


def model_store():
    return current_app.extensions["model_store"]


def job_queue():
    """The app's queue of background jobs (made on first use: only what enqueues needs the file)."""
    queue = current_app.extensions.get("jobs")
    if queue is None:
        from .jobs import JobQueue
        queue = current_app.extensions["jobs"] = JobQueue(current_app.extensions["settings"].jobs)
    return queue


def job_service():
    from .services.schedule_jobs import ScheduleJobService
    return ScheduleJobService(graph(), job_queue(), current_app.extensions["settings"].jobs)
