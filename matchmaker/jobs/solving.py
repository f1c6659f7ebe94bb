"""A solve in a child process of the worker, reporting CP-SAT's progress and stoppable at any time.

Why a child: the worker must keep writing its heartbeat while the solver runs, and a MaxSAT call
(PySAT) holds Python's lock for as long as a minute, which would silence a heartbeat thread beside it
(and make a live job look lost). The child forwards the scheduler's progress reports (CP-SAT's
solutions through its solution callbacks, MaxSAT's and local search's improvements and bounds); asked
to stop, the scheduler's ``should_stop`` ends the search (``StopSearch``) and the parent ends the child
after a short grace if it has not answered. On Linux the child dies with the worker thread that
started it, so a killed worker leaves no solver behind.
"""
from __future__ import annotations

import multiprocessing
import os
import time
import traceback

from scheduling.model import relative_gap

STOP_GRACE_SECONDS = 3.0


class SolverCrashed(RuntimeError):
    """The solver process ended without an answer (killed, out of memory) or raised."""


def solve_in_child(event, time_limit: float, on_progress, keep_going, beat_seconds: float,
                   grace_seconds: float = STOP_GRACE_SECONDS):
    """``scheduling.solve(event, time_limit)`` in a child process: its SolveResult, or None when
    ``keep_going()`` (asked every ``beat_seconds``) said to stop. ``on_progress(point)`` gets each point."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    child = context.Process(target=_child, args=(event, time_limit, sender, stop, os.getpid()),
                            name="schedule-solver", daemon=True)
    child.start()
    sender.close()
    next_beat, stop_by = time.monotonic() + beat_seconds, None
    try:
        while True:
            now = time.monotonic()
            if stop_by is not None and now >= stop_by:
                return None                     # no callback came in the grace: ended below
            wait = min(next_beat, stop_by or next_beat) - now
            if receiver.poll(max(0.0, wait)):
                try:
                    kind, payload = receiver.recv()
                except EOFError:
                    child.join(5)
                    if stop_by is not None:
                        return None
                    raise SolverCrashed(f"the solver process ended without an answer (exit code {child.exitcode})")
                if kind == "progress":
                    on_progress(payload)
                elif kind == "result":
                    return None if stop_by is not None else payload
                else:
                    raise SolverCrashed(f"the solver failed: {payload}")
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + beat_seconds
                if stop_by is None and not keep_going():
                    stop.set()                  # StopSearch at the next callback
                    stop_by = time.monotonic() + grace_seconds
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(10)


def _child(event, time_limit, sender, stop, parent_pid) -> None:
    _die_with_parent(parent_pid)
    import threading

    from scheduling.solver import solve
    lock = threading.Lock()

    def report(point: dict) -> None:
        with lock:
            sender.send(("progress", point_of(point)))
    try:
        result = solve(event, time_limit=time_limit, on_progress=report, should_stop=stop.is_set)
        sender.send(("result", result))
    except BaseException:       # noqa: BLE001 (reported to the parent, which fails the job)
        sender.send(("error", traceback.format_exc(limit=5)))
    finally:
        sender.close()


def _die_with_parent(parent_pid: int) -> None:
    """Linux: the kernel kills this process when the worker thread that started it ends."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:     # the worker died before the line above
        os._exit(1)


def point_of(report: dict) -> dict:
    """A progress report of the scheduler as a job shows it: the stage ('meetings': the value of the
    meetings held, maximised, with its proven upper bound; 'breaks': minimised, with its proven lower
    bound), the best value so far, the bound and the gap; 'how' names the method that found it."""
    stage = report.get("stage")
    if stage == "meetings":
        objective, bound = report.get("value"), report.get("value_bound")
    else:
        objective, bound = report.get("breaks"), report.get("breaks_bound")
    gap = None if objective is None or bound is None else relative_gap(objective, bound)
    return {"seconds": report.get("seconds"), "stage": stage, "how": report.get("how"), "objective": objective,
            "bound": bound, "gap": gap}
