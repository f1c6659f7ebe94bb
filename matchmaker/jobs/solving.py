"""A solve in a child process of the worker, reporting CP-SAT's progress and stoppable at any time.

Why a child: the worker must keep writing its heartbeat while the solver runs, and a MaxSAT call
(PySAT) holds Python's lock for as long as a minute, which would silence a heartbeat thread beside it
(and make a live job look lost). The child sends a point at each CP-SAT solution (best value, bound);
asked to stop, it calls ``StopSearch()`` at its next solution callback, and the parent ends it after a
short grace when no callback comes (MaxSAT and local search have none). On Linux the child dies with
the worker thread that started it, so a killed worker leaves no solver behind.
"""
from __future__ import annotations

import multiprocessing
import os
import time
import traceback

from ortools.sat.python import cp_model

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
    from scheduling.solver import solve
    try:
        result = solve(event, time_limit=time_limit, progress=Progress(sender, stop))
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


class Progress(cp_model.CpSolverSolutionCallback):
    """CP-SAT solution callback: sends each new (stage, best, bound) to the parent; stops when asked."""

    def __init__(self, sender, stop):
        super().__init__()
        self.sender, self.stop = sender, stop
        self.started = time.monotonic()
        self.last = None

    def on_solution_callback(self) -> None:
        if self.stop.is_set():
            self.StopSearch()
            return
        objective, bound = self.ObjectiveValue(), self.BestObjectiveBound()
        point = point_of(objective, bound, self.response_proto.inner_objective_lower_bound)
        if point != self.last:
            self.last = point
            self.sender.send(("progress", {"seconds": round(time.monotonic() - self.started, 2), **point}))


def point_of(objective: float, bound: float, inner_lower_bound: float) -> dict:
    """What one CP-SAT solution says. The scheduler maximises the value of the meetings held (stage
    'meetings': bound is an upper bound), then minimises breaks ('breaks': bound is a lower bound), and
    asks yes-or-no questions without an objective ('check'). CP-SAT minimises internally: a maximised
    objective shows as its negation in the inner bound."""
    if objective == 0 and bound == 0:
        return {"stage": "check", "objective": None, "bound": None, "gap": None}
    maximised = objective < bound or (objective == bound and abs(inner_lower_bound + bound) < 0.5)
    return {"stage": "meetings" if maximised else "breaks", "objective": int(round(objective)),
            "bound": int(round(bound)), "gap": round(abs(bound - objective) / max(abs(objective), 1), 4)}
