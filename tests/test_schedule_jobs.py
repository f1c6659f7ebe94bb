"""Schedules solved as background jobs by the real worker (a Huey consumer process on a SQLite file of
the test's own) over the real graph: 202 and a job to follow, progress from the solver's callbacks, the
schedule stored when done, retries answered with the same job, cancellation, a killed worker found out,
the access rules and bad input."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import solved, tenant_firm, wait_for

HANOI = timezone(timedelta(hours=7))


def _slots(n: int, sessions: int = 1) -> list[dict]:
    start = datetime(2026, 12, 3, 9, 0, tzinfo=HANOI)
    per = -(-n // sessions)
    return [{"start": (start + timedelta(minutes=30 * i)).isoformat(),
             "end": (start + timedelta(minutes=30 * i + 25)).isoformat(), "session": 1 + i // per} for i in range(n)]


def _event(client, participants, requests, n_slots=6, tables=3, sessions=1) -> str:
    created = client.post("/events", json={"name": "Supplier day", "slots": _slots(n_slots, sessions),
                                           "tables": [{}] * tables})
    assert created.status_code == 201, created.get_json()
    event_id = created.get_json()["id"]
    assert client.post(f"/events/{event_id}/participants", json={"participants": participants}).status_code == 200
    response = client.post(f"/events/{event_id}/requests", json={"requests": requests})
    assert response.status_code == 200, response.get_json()
    return event_id


@pytest.fixture
def small(client):
    """Five people, six requests; the fund may hold one meeting only, so the value is optimised first."""
    people = [{"id": "fuji", "role": "buyer", "hosted_table": 1}, {"id": "anphat", "role": "supplier"},
              {"id": "minhlong", "role": "supplier", "forbidden_slots": [1]}, {"id": "kyo", "role": "buyer"},
              {"id": "bank", "role": "other", "max_meetings": 1}]
    requests = [{"from": "anphat", "to": "fuji", "priority": 2}, {"from": "fuji", "to": "anphat", "priority": 3},
                {"from": "minhlong", "to": "fuji"}, {"from": "anphat", "to": "kyo"}, {"from": "minhlong", "to": "kyo"},
                {"from": "bank", "to": "anphat"}, {"from": "bank", "to": "minhlong"}]
    return _event(client, people, requests)


@pytest.fixture
def large(client):
    """120 people asking for 400 meetings in 8 slots at 20 tables: the solver works for a long while."""
    from scheduling.synthetic import conference
    ev = conference(n_participants=120, n_requests=400, n_slots=8, n_tables=20, seed=3)
    people = [{"id": p.id, "role": "buyer" if p.id.startswith("B") else "supplier",
               "forbidden_slots": sorted(t + 1 for t in p.forbidden), "max_meetings": p.max_meetings}
              for p in ev.participants]
    requests = [{"from": m.b, "to": m.a, "priority": m.weight} for m in ev.meetings]
    return _event(client, people, requests, n_slots=8, tables=20, sessions=2)


def _job(client, location):
    return client.get(location).get_json()


def test_a_posted_schedule_is_solved_by_the_worker_and_stored(client, small, worker):
    response = client.post(f"/events/{small}/schedule?time_limit=10")
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["status"] in ("queued", "running") and job["id"].startswith("J-") and job["result"] is None
    assert response.headers["Location"] == job["links"]["self"] == f"/events/{small}/schedule-jobs/{job['id']}"
    done = wait_for(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        _job(client, job["links"]["self"])))
    assert done["status"] == "done", done
    result = done["result"]
    assert result["status"] == "optimal" and result["version"] == 1
    placed = {p["meeting"]: p for p in result["placements"]}
    assert len(placed) == 5 and result["unmet"][0]["code"] == "max_meetings"
    assert placed["anphat~fuji"]["table"] == 1 and placed["fuji~minhlong"]["slot"] != 1    # numbered from 1
    # the schedule is stored on the event as the synchronous path stored it
    event = client.get(f"/events/{small}").get_json()
    assert event["schedule_version"] == 1 and event["schedule"]["placements"] == result["placements"]
    assert client.get(f"/events/{small}/summary").get_json()["met"] == 5
    # the solver's own progress: CP-SAT's solutions while it maximised the value of the meetings held
    progress = done["progress"]
    assert progress["solutions"] >= 1 and [p for p in progress["points"] if not p.get("final")]
    assert all(p["seconds"] >= 0 and p["bound"] >= p["objective"] for p in progress["points"] if p["stage"] == "meetings")
    # and its final word: the value and breaks with the bounds it proved
    final = dict(progress["meetings"])
    assert final.pop("how")         # the method that found the best value
    assert final == {"seconds": result["seconds"], "stage": "meetings", "objective": result["value"],
                     "bound": result["value_bound"], "gap": 0.0, "final": True}
    assert (progress["breaks"]["objective"], progress["breaks"]["bound"]) == (result["breaks"], result["breaks_bound"])
    assert done["attempt"] == 1 and done["started_at"] and done["finished_at"]
    # a finished job cannot be cancelled; posting again solves again (the last job is no longer active)
    refused = client.delete(job["links"]["self"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "conflict"
    again = client.post(f"/events/{small}/schedule?time_limit=10").get_json()
    assert again["id"] != job["id"]
    assert solved_job(client, again)["result"]["version"] == 2


def solved_job(client, job):
    return wait_for(lambda: (lambda j: j if j["status"] not in ("queued", "running") else None)(
        _job(client, job["links"]["self"])))


def test_posting_again_answers_the_active_job_and_changed_inputs_replace_it(client, small):
    """No worker here: the jobs stay queued."""
    first = client.post(f"/events/{small}/schedule?time_limit=10")
    second = client.post(f"/events/{small}/schedule?time_limit=10")
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] == second.get_json()["id"] and second.get_json()["status"] == "queued"
    longer = client.post(f"/events/{small}/schedule?time_limit=20").get_json()
    assert longer["id"] != first.get_json()["id"]
    old = _job(client, first.headers["Location"])
    assert old["status"] == "cancelled" and longer["id"] in old["note"]
    # a change of the event is a change of the inputs, too
    client.post(f"/events/{small}/requests", json={"requests": [{"from": "kyo", "to": "bank"}]})
    changed = client.post(f"/events/{small}/schedule?time_limit=20").get_json()
    assert changed["id"] != longer["id"] and _job(client, longer["links"]["self"])["status"] == "cancelled"
    # cancelling a queued job: it never runs; cancelling again changes nothing
    cancelled = client.delete(changed["links"]["self"])
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.delete(changed["links"]["self"]).get_json()["status"] == "cancelled"


def test_a_job_that_cannot_be_scheduled_fails_with_the_reason(client, worker):
    people = [{"id": "a", "role": "buyer"}, {"id": "b", "role": "supplier"}, {"id": "c", "role": "supplier"}]
    requests = [{"from": "b", "to": "a", "fixed_slot": 1}, {"from": "c", "to": "a", "fixed_slot": 1}]
    event_id = _event(client, people, requests, n_slots=2, tables=2)
    client.post(f"/events/{event_id}/requests", json={"organiser": True, "requests": requests})
    job = solved(client, event_id, time_limit=5)
    assert job["status"] == "failed", job
    assert job["error"]["status"] == 422 and job["error"]["code"] == "validation_failed"
    assert "cannot be scheduled" in job["error"]["message"] and "schedule" in job["error"]["fields"]
    assert "all fixed to slot 1" in " ".join(job["error"]["fields"]["schedule"])     # the slot as it was given
    assert client.get(f"/events/{event_id}").get_json()["schedule"] is None


def test_cancelling_a_running_job_stops_the_solver_and_stores_nothing(client, large, worker):
    job = client.post(f"/events/{large}/schedule?time_limit=120").get_json()
    url = job["links"]["self"]
    wait_for(lambda: (_job(client, url)["progress"] or {}).get("points"), 60)    # solving, with progress
    response = client.delete(url)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    stopped = wait_for(lambda: (lambda j: j if j["solver_stopped_at"] else None)(_job(client, url)), 30)
    assert stopped["status"] == "cancelled"
    event = client.get(f"/events/{large}").get_json()
    assert event["schedule"] is None and event["schedule_version"] == 0


def test_a_job_whose_worker_was_killed_runs_again_on_the_next_worker(client, large, start_worker):
    first = start_worker()
    job = client.post(f"/events/{large}/schedule?time_limit=60").get_json()
    url = job["links"]["self"]
    running = wait_for(lambda: (lambda j: j if j["status"] == "running" and j["progress"] else None)(_job(client, url)), 60)
    assert running["attempt"] == 1
    solvers = _children(first.process.pid)
    assert solvers                               # the solve runs in a child process of the worker
    first.kill()
    wait_for(lambda: not any(_alive(pid) for pid in solvers), 10)   # which dies with it
    second = start_worker()     # a worker starting on this machine finds the job of the dead one at once
    again = wait_for(lambda: (lambda j: j if j["attempt"] == 2 and j["status"] == "running" else None)(_job(client, url)), 60)
    assert str(second.process.pid) in again["worker"] and "queued again" in again["note"]
    assert client.delete(url).get_json()["status"] == "cancelled"


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and (_stat(int(p.name)) or [0, 0])[1] == str(pid)]


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def test_a_job_whose_worker_was_killed_fails_when_it_has_no_attempt_left(client, large, start_worker, app):
    from dataclasses import replace
    settings = app.extensions["settings"]
    app.extensions["settings"] = replace(settings, jobs=replace(settings.jobs, attempts=1))   # a job's one run
    worker = start_worker(attempts=1)
    job = client.post(f"/events/{large}/schedule?time_limit=60").get_json()
    url = job["links"]["self"]
    assert wait_for(lambda: (lambda j: j if j["status"] == "running" else None)(_job(client, url)), 60)["max_attempts"] == 1
    worker.kill()
    # nobody restarts it: once its heartbeat is older than the limit, reading the job finds it lost
    failed = wait_for(lambda: (lambda j: j if j["status"] == "failed" else None)(_job(client, url)),
                      app.extensions["settings"].jobs.stale_seconds + 30, every=1)
    assert failed["error"]["code"] == "worker_lost" and "Post the schedule again" in failed["error"]["message"]
    assert client.get(f"/events/{large}").get_json()["schedule"] is None


def test_bad_input_and_other_events_jobs(client, client_as, small):
    for bad in ("0", "601", "soon"):
        response = client.post(f"/events/{small}/schedule?time_limit={bad}")
        assert response.status_code == 422 and "time_limit" in response.get_json()["error"]["fields"]
    assert client.post("/events/E-0/schedule").status_code == 404
    job = client.post(f"/events/{small}/schedule?time_limit=5").get_json()
    other = client.post("/events", json={"name": "Other", "slots": _slots(2), "tables": [{}]}).get_json()["id"]
    for method in ("get", "delete"):
        assert getattr(client, method)(f"/events/{small}/schedule-jobs/J-0").status_code == 404
        misplaced = getattr(client, method)(f"/events/{other}/schedule-jobs/{job['id']}")
        assert misplaced.status_code == 404 and misplaced.get_json()["error"]["code"] == "not_found"
    # another organiser sees neither the event nor its job; a buyer may not ask
    tenant_firm(client, "0500000001", "fdi")
    o2, buyer = client_as("organiser", "O2"), client_as("buyer", "0500000001")
    assert o2.get(job["links"]["self"]).status_code == 404 and o2.delete(job["links"]["self"]).status_code == 404
    assert buyer.get(job["links"]["self"]).status_code == 403
    assert _job(client, job["links"]["self"])["status"] == "queued"


def test_progress_points_are_the_schedulers_reports():
    from matchmaker.jobs.solving import point_of
    from matchmaker.schemas import ProgressPointOut
    point = point_of({"seconds": 0.5, "stage": "meetings", "value": 408, "value_bound": 410})
    assert point == {"seconds": 0.5, "stage": "meetings", "how": None, "objective": 408, "bound": 410,
                     "gap": pytest.approx(2 / 408)}
    # the answer rounds: a gap to 4 places, whole values stay whole
    assert ProgressPointOut().dump({**point, "seconds": 0.123456}) == {
        "seconds": 0.12, "stage": "meetings", "how": None, "objective": 408, "bound": 410, "gap": 0.0049}
    assert point_of({"seconds": 2, "stage": "breaks", "how": "cp-sat", "breaks": 12, "breaks_bound": 3})["gap"] == 0.75
    assert point_of({"seconds": 2, "stage": "breaks", "how": "bound", "breaks": None, "breaks_bound": 3})["gap"] is None


def test_the_event_page_follows_the_job_and_can_stop_it(app, graph, client, small):
    """The organiser's page: the queued job with its status and a stop button, the JSON it polls, then
    the job stopped (no worker here, so it stays queued until then)."""
    import re

    from matchmaker.services.access import KeyService
    _, key = KeyService(graph).issue("admin", None)
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    token = lambda page: re.search(r'name="csrf" value="([^"]+)"', page).group(1)     # noqa: E731
    browser.post("/app/signin", data={"key": key, "csrf": token(browser.get("/app/signin").get_data(as_text=True))})
    page = browser.get(f"/app/events/{small}").get_data(as_text=True)
    assert 'id="job"' not in page
    response = browser.post(f"/app/events/{small}/schedule", data={"time_limit": "30", "csrf": token(page)})
    assert response.status_code == 302
    page = browser.get(f"/app/events/{small}").get_data(as_text=True)
    assert 'data-status="queued"' in page and "Waiting for a worker" in page and 'id="cancel-job"' in page
    assert re.search(r'id="schedule-button"\s+disabled', page)                   # one run at a time
    poll = re.search(r'data-poll="([^"]+)"', page).group(1)
    job = browser.get(poll).get_json()
    assert job["status"] == "queued" and job["time_limit"] == 30
    cancel = re.search(r'action="([^"]+/cancel)"', page).group(1)
    assert browser.post(cancel, data={"csrf": token(page)}).status_code == 302
    page = browser.get(f"/app/events/{small}").get_data(as_text=True)
    assert 'data-status="cancelled"' in page and 'id="cancel-job"' not in page
    assert client.get(f"/events/{small}/schedule-jobs/{job['id']}").get_json()["status"] == "cancelled"


def test_a_jobs_progress_never_goes_backwards():
    """Methods report their own bounds: the flow bound first, then CP-SAT's own, often looser; and a later
    method may find a worse schedule first. The job shows the best value and the tightest bound so far."""
    from matchmaker.services.schedule_jobs import Progress
    progress = Progress(time_limit=10, attempt=1)
    progress.add({"seconds": 0.1, "stage": "meetings", "how": "greedy", "objective": 17, "bound": 17})
    progress.add({"seconds": 0.5, "stage": "meetings", "how": "cp-sat", "objective": 15, "bound": 71})
    progress.add({"seconds": 0.9, "stage": "meetings", "how": "cp-sat", "objective": None, "bound": 60})
    progress.add({"seconds": 1.0, "stage": "breaks", "how": "cp-sat", "objective": 4, "bound": 2})
    progress.add({"seconds": 1.2, "stage": "breaks", "how": "local search", "objective": 3, "bound": 0})
    shown = [(p["objective"], p["how"], p["bound"], p["gap"]) for p in progress.points]
    assert shown[:3] == [(17, "greedy", 17, 0.0)] * 3
    assert [(o, h, b) for o, h, b, _ in shown[3:]] == [(4, "cp-sat", 2), (3, "local search", 2)]
    snapshot = progress.snapshot()
    assert (snapshot["meetings"]["objective"], snapshot["meetings"]["bound"]) == (17, 17)
    assert (snapshot["breaks"]["objective"], snapshot["breaks"]["bound"]) == (3, 2)
    assert progress.solutions == 4
