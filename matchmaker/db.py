"""One Neo4j driver per process, created lazily (so after gunicorn forks) and closed at shutdown.

Every call to the graph goes through :class:`Graph`, and this is the one place where the driver's
errors become the service's: when the database cannot answer (down, restarting, shutting down,
unreachable, out of connections) the call is retried with a short backoff while the retry budget
(``Neo4jSettings.retry_seconds``) lasts, then :class:`~matchmaker.errors.GraphUnavailable` is raised;
a read stopped by its time limit raises :class:`~matchmaker.errors.QueryTimeout`. Anything else the
driver raises (a Cypher error, a constraint a repository handles) passes through unchanged.

The budget is a window of wall-clock time a web request shares over all its graph calls, from its
first call. Attempts begin only while there is room for one in the window (see ``_ATTEMPT_ROOM``) and
waiting for a connection is cut to what is left of it (at least a second), so a request answers 503
within about ``retry_seconds`` of beginning to need the graph, never several budgets later. A request
that has run longer than the budget (a large import) opens a new window at its next call, so a blip
late in it is retried too. Outside a request (commands) each call has its own window.
"""
from __future__ import annotations

import atexit
import logging
import os
import random
import threading
import time
from contextlib import contextmanager

from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase
from neo4j.exceptions import (ClientError, ConnectionPoolError, DatabaseError, DriverError, IncompleteCommit,
                              Neo4jError, ResultFailedError, ServiceUnavailable, SessionExpired, TransientError)

from .config import Neo4jSettings
from .errors import GraphUnavailable, QueryTimeout

log = logging.getLogger(__name__)

# Errors of the server that mean "it cannot answer now", not "the request is wrong".
_STOPPED = {
    "Neo.ClientError.Transaction.Terminated",            # the database is shutting down (or an operator)
    "Neo.ClientError.Transaction.LockClientStopped",
    "Neo.DatabaseError.Transaction.TransactionStartFailed",
    "Neo.DatabaseError.Transaction.TransactionCommitFailed",
    "Neo.DatabaseError.Database.UnableToStartDatabase",
}
_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"   # also ...TimedOutClientConfiguration
_FIRST_PAUSE, _LONGEST_PAUSE = 0.2, 1.0      # seconds between attempts (doubling, with jitter)
# No attempt begins in the last 1.5 s of the window, or in less than the slowest failed attempt of the
# window took: a stopping Neo4j holds a transaction's start for about 2 s before refusing it, so the
# 503 still comes within the budget (connection refused: at about retry_seconds - 1.5 s).
_ATTEMPT_ROOM = 1.5
# Asking for a connection is always allowed this long, even at the window's end: on a healthy server a
# new connection (TCP, TLS, hello) must not fail just because the request already did work for a while.
_SHORTEST_CONNECT = 1.0


def _causes(err: BaseException):
    """``err`` and what caused it (a failed result is reported for the broken connection under it)."""
    seen = 0
    while err is not None and seen < 5:
        yield err
        err, seen = err.__cause__, seen + 1


def _retryable(err: Exception) -> bool:
    """Worth another attempt: the driver's transient errors (a restart, a leader switch, a lost connection)."""
    return isinstance(err, (DriverError, Neo4jError)) and err.is_retryable()


def domain_error(err: Exception) -> Exception | None:
    """The service's error for a driver error that means the graph cannot answer; None for the rest."""
    for cause in _causes(err):
        code = getattr(cause, "code", None) or ""
        if isinstance(cause, ClientError) and code.startswith(_TIMED_OUT):
            return QueryTimeout()
        if isinstance(cause, IncompleteCommit):
            return GraphUnavailable("The graph database stopped answering while a change was being committed; "
                                    "it may or may not have been stored. Check, then try again.")
        if isinstance(cause, (ServiceUnavailable, SessionExpired, ConnectionPoolError, TransientError)) \
                or (isinstance(cause, (ClientError, DatabaseError)) and code in _STOPPED):
            return GraphUnavailable()
        if not isinstance(cause, ResultFailedError):
            break
    return None


class Graph:
    """Holds the process's driver and runs units of work in transactions on the configured database."""

    def __init__(self, settings: Neo4jSettings, read_timeout: float | None = None):
        self.settings = settings
        self.read_timeout = read_timeout     # seconds a read may run (None: the server's limit)
        # small facts of this graph's catalogue kept for a while by the services (time read, value), by name;
        # kept here, not in a module-wide table, so that they live and die with this graph's connection
        self.facts: dict[str, tuple[float, object]] = {}
        # larger copies of this graph's data the repositories keep current themselves (the open market, the
        # firms' offers), by name: ``keep``
        self.keeps: dict[str, object] = {}
        self._keeps_lock = threading.Lock()
        self._driver: Driver | None = None
        self._bookmarks = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        atexit.register(self.close)

    @property
    def driver(self) -> Driver:
        if self._driver is None or self._pid != os.getpid():
            with self._lock:
                if self._driver is None or self._pid != os.getpid():
                    budget = max(self.settings.retry_seconds, 0.1)
                    # A driver inherited across fork must not be used (its sockets are shared).
                    # Connecting and waiting for a pooled connection never outlast the retry budget;
                    # Graph's own calls narrow both to what is left of it.
                    self._driver = GraphDatabase.driver(
                        self.settings.uri, auth=(self.settings.user, self.settings.password),
                        max_connection_pool_size=50, connection_acquisition_timeout=budget,
                        connection_timeout=min(5.0, budget), max_transaction_retry_time=self.settings.retry_seconds,
                        notifications_min_severity="OFF")
                    # Read-your-writes across this process's sessions, also when reads go to a
                    # cluster's secondaries (neo4j:// URIs): every session shares one bookmark manager.
                    self._bookmarks = GraphDatabase.bookmark_manager()
                    self._pid = os.getpid()
        return self._driver

    def keep(self, name: str, make):
        """The keep of this name, made by ``make()`` the first time: it lives and dies with this graph's
        connection (one per process and server)."""
        with self._keeps_lock:
            kept = self.keeps.get(name)
            if kept is None:
                kept = self.keeps[name] = make()
            return kept

    def _session(self, **kwargs):
        driver = self.driver
        return driver.session(database=self.settings.database, bookmark_manager=self._bookmarks, **kwargs)

    @contextmanager
    def session(self, **kwargs):
        """A driver session for work that needs one directly (no retries); an unavailable graph or a
        timed-out query inside the ``with`` block raises the service's error, like :meth:`read`."""
        try:
            with self._session(**kwargs) as session:
                yield session
        except (DriverError, Neo4jError) as err:
            mapped = domain_error(err)
            if mapped is None:
                raise
            raise mapped from err

    def read(self, work, *args, **kwargs):
        """Run ``work(tx, *args, **kwargs)`` in a read transaction (stopped after ``read_timeout``)."""
        return self._transact(READ_ACCESS, self.read_timeout, work, args, kwargs)

    def write(self, work, *args, **kwargs):
        """Run ``work(tx, *args, **kwargs)`` in a write transaction."""
        return self._transact(WRITE_ACCESS, None, work, args, kwargs)

    def _transact(self, mode: str, timeout: float | None, work, args, kwargs):
        """One transaction, retried on transient errors until the request's retry window ends.

        ``work`` may run more than once (as with the driver's managed transactions), so it must not
        have effects outside the transaction."""
        window = _Window.of_this_request(self.settings.retry_seconds)
        deadline = window.deadline()
        pause = _FIRST_PAUSE
        while True:
            started = time.monotonic()
            wait = max(deadline - started, _SHORTEST_CONNECT)
            try:
                with self._session(default_access_mode=mode, connection_acquisition_timeout=wait) as session:
                    with session.begin_transaction(timeout=timeout) as tx:
                        result = work(tx, *args, **kwargs)
                        tx.commit()
                return result
            except (DriverError, Neo4jError) as err:
                mapped = domain_error(err)
                if mapped is None:
                    raise                      # a bug or a refusal a repository handles, not unavailability
                now = time.monotonic()
                window.slowest_failure = max(window.slowest_failure, now - started)
                left = deadline - now - max(_ATTEMPT_ROOM, window.slowest_failure)
                if not (_retryable(err) and left > 0):
                    log.warning("graph call failed: %s (%s)", type(err).__name__,
                                getattr(err, "code", None) or "no server code")
                    raise mapped from err
                pause = min(pause * random.uniform(0.8, 1.2), left)
                log.info("graph call failed (%s); retrying in %.2f s", type(err).__name__, pause)
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_PAUSE)

    def close(self) -> None:
        if self._driver is not None and self._pid == os.getpid():
            self._driver.close()
        self._driver = None


class _Window:
    """The retry window of a web request (kept on ``flask.g``), else of one call."""

    def __init__(self, seconds: float):
        self.seconds = max(seconds, 0.0)
        self.start: float | None = None
        self.slowest_failure = 0.0    # seconds the slowest failed attempt of this window took

    @classmethod
    def of_this_request(cls, seconds: float) -> "_Window":
        from flask import g, has_request_context
        if not has_request_context():
            return cls(seconds)
        window = g.get("_graph_retry_window")
        if window is None:
            window = g._graph_retry_window = cls(seconds)
        return window

    def deadline(self) -> float:
        """The end of the window; a call made after it ended opens a new one."""
        now = time.monotonic()
        if self.start is None or now - self.start > self.seconds:
            self.start, self.slowest_failure = now, 0.0
        return self.start + self.seconds
