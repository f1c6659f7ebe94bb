"""One Neo4j driver per process, created lazily (so after gunicorn forks) and closed at shutdown."""
from __future__ import annotations

import atexit
import os
import threading

from neo4j import Driver, GraphDatabase, unit_of_work

from .config import Neo4jSettings


class Graph:
    """Holds the process's driver and hands out short sessions on the configured database."""

    def __init__(self, settings: Neo4jSettings, read_timeout: float | None = None):
        self.settings = settings
        self.read_timeout = read_timeout     # seconds a read may run (None: the server's limit)
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
                    # A driver inherited across fork must not be used (its sockets are shared).
                    self._driver = GraphDatabase.driver(
                        self.settings.uri, auth=(self.settings.user, self.settings.password),
                        max_connection_pool_size=50, connection_acquisition_timeout=30,
                        connection_timeout=5, max_transaction_retry_time=self.settings.retry_seconds,
                        notifications_min_severity="OFF")
                    # Read-your-writes across this process's sessions, also when reads go to a
                    # cluster's secondaries (neo4j:// URIs): every session shares one bookmark manager.
                    self._bookmarks = GraphDatabase.bookmark_manager()
                    self._pid = os.getpid()
        return self._driver

    def session(self, **kwargs):
        driver = self.driver
        return driver.session(database=self.settings.database, bookmark_manager=self._bookmarks, **kwargs)

    def read(self, work, *args, **kwargs):
        """Run ``work(tx, *args, **kwargs)`` in a managed read transaction."""
        if self.read_timeout:
            work = unit_of_work(timeout=self.read_timeout)(work)
        with self.session() as session:
            return session.execute_read(work, *args, **kwargs)

    def write(self, work, *args, **kwargs):
        """Run ``work(tx, *args, **kwargs)`` in a managed write transaction."""
        with self.session() as session:
            return session.execute_write(work, *args, **kwargs)

    def close(self) -> None:
        if self._driver is not None and self._pid == os.getpid():
            self._driver.close()
        self._driver = None
