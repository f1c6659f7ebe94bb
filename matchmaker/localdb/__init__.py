"""A local Neo4j Community server for development and tests, fetched from Maven Central.

The jars are fetched with Maven into an ignored folder (``.local/neo4j`` by default), the small
``Launcher.java`` is compiled once, and the server runs as a detached JVM with Bolt on 127.0.0.1.
Users with their own server, cluster or Aura instance skip all of this and set NEO4J_URI instead.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

NEO4J_VERSION = "5.26.30"
_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]


class LocalNeo4jError(RuntimeError):
    """The local server could not be fetched, started or stopped; the message says why."""


def default_home() -> Path:
    env = os.environ.get("MATCHMAKER_NEO4J_HOME")
    if env:
        return Path(env).resolve()
    if (_REPO / "pyproject.toml").exists():
        return _REPO / ".local" / "neo4j"
    return Path.home() / ".cache" / "supply-matchmaker" / "neo4j"


@dataclass(frozen=True)
class LocalServer:
    """One local server: its folder (jars are shared one level up) and its Bolt port."""

    home: Path
    port: int = 7687
    heap: str = "2g"
    pagecache: str = "1g"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def lib_dir(self) -> Path:
        return self.home.parent / f"lib-{NEO4J_VERSION}"

    @property
    def classes_dir(self) -> Path:
        return self.home.parent / f"classes-{NEO4J_VERSION}"

    @property
    def pid_file(self) -> Path:
        return self.home / "server.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    # -- fetch ---------------------------------------------------------------------------------
    def fetch(self, echo=print) -> None:
        """Fetch the Neo4j jars with Maven and compile the launcher, unless already done."""
        java, javac = shutil.which("java"), shutil.which("javac")
        if not java or not javac:
            raise LocalNeo4jError(
                "Java 17+ (java and javac) is needed to run the local Neo4j; install a JDK "
                "(e.g. `apt-get install openjdk-17-jdk-headless`) or point NEO4J_URI at your own server.")
        done_marker = self.lib_dir / ".complete"
        if not done_marker.exists():
            mvn = shutil.which("mvn")
            if not mvn:
                raise LocalNeo4jError(
                    "Maven (mvn) is needed to fetch Neo4j from Maven Central; install it "
                    "(e.g. `apt-get install maven`) or point NEO4J_URI at your own server.")
            echo(f"Fetching Neo4j {NEO4J_VERSION} from Maven Central into {self.lib_dir} ...")
            tmp = self.lib_dir.with_name(self.lib_dir.name + ".partial")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            proc = subprocess.run(
                [mvn, "-q", "-B", "-f", str(_HERE / "pom.xml"), "dependency:copy-dependencies",
                 f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"],
                capture_output=True, text=True)
            if proc.returncode != 0:
                raise LocalNeo4jError(
                    "Maven could not fetch Neo4j:\n" + (proc.stdout + proc.stderr)[-3000:])
            shutil.rmtree(self.lib_dir, ignore_errors=True)
            tmp.rename(self.lib_dir)
            done_marker.write_text(NEO4J_VERSION)
        launcher_class = self.classes_dir / "Launcher.class"
        if not launcher_class.exists():
            self.classes_dir.mkdir(parents=True, exist_ok=True)
            proc = subprocess.run(
                [javac, "-cp", f"{self.lib_dir}/*", "-d", str(self.classes_dir), str(_HERE / "Launcher.java")],
                capture_output=True, text=True)
            if proc.returncode != 0:
                raise LocalNeo4jError("Could not compile the Neo4j launcher:\n" + proc.stderr[-3000:])

    # -- lifecycle -----------------------------------------------------------------------------
    def pid(self) -> int | None:
        """The server's pid when its process is alive, else None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def bolt_ready(self, timeout: float = 2.0) -> bool:
        from neo4j import GraphDatabase
        from neo4j.exceptions import Neo4jError, DriverError

        try:
            with GraphDatabase.driver(self.uri, auth=("neo4j", "neo4j"), connection_timeout=timeout,
                                      notifications_min_severity="OFF") as driver:
                driver.verify_connectivity()
            return True
        except (Neo4jError, DriverError, OSError):
            return False

    def status(self) -> dict:
        pid = self.pid()
        return {"home": str(self.home), "uri": self.uri, "pid": pid,
                "running": pid is not None, "bolt_ready": pid is not None and self.bolt_ready()}

    def start(self, wait: float = 300.0, echo=print) -> None:
        """Start the server (reusing one already running) and wait until Bolt answers."""
        if self.pid() is not None:
            self._wait_ready(wait)
            echo(f"Neo4j already running on {self.uri} (pid {self.pid()})")
            return
        if self.bolt_ready(timeout=1.0):
            raise LocalNeo4jError(
                f"Something else already answers on {self.uri}; stop it, or choose another port "
                "with MATCHMAKER_NEO4J_PORT, or use it by setting NEO4J_URI.")
        self.fetch(echo=echo)
        self.home.mkdir(parents=True, exist_ok=True)
        config = self.home / "neo4j.conf"
        config.write_text(
            "server.bolt.enabled=true\n"
            f"server.bolt.listen_address=127.0.0.1:{self.port}\n"
            f"server.bolt.advertised_address=127.0.0.1:{self.port}\n"
            "server.http.enabled=false\n"
            "dbms.security.auth_enabled=false\n"
            f"server.memory.pagecache.size={self.pagecache}\n"
            "db.tx_log.rotation.retention_policy=2 files\n"
            "db.transaction.timeout=120s\n")
        log = open(self.log_file, "ab")
        cmd = [shutil.which("java") or "java", f"-Xmx{self.heap}", "-XX:+UseG1GC",
               "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8",
               "-cp", f"{self.lib_dir}/*:{self.classes_dir}", "Launcher", str(self.home), str(config)]
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=self.home)
        self.pid_file.write_text(str(proc.pid))
        echo(f"Starting Neo4j {NEO4J_VERSION} on {self.uri} (pid {proc.pid}, log {self.log_file}) ...")
        try:
            self._wait_ready(wait, proc)
        except LocalNeo4jError:
            self.stop(echo=lambda *_: None)
            raise
        echo(f"Neo4j is up on {self.uri}")

    def _wait_ready(self, wait: float, proc: subprocess.Popen | None = None) -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise LocalNeo4jError(
                    f"Neo4j exited with code {proc.returncode} while starting; last lines of "
                    f"{self.log_file}:\n{self._log_tail()}")
            if (self.home / "ready").exists() and self.bolt_ready():
                return
            time.sleep(0.5)
        raise LocalNeo4jError(f"Neo4j did not answer on {self.uri} within {wait:.0f} s; log:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, wait: float = 60.0, echo=print) -> None:
        """Stop the server cleanly (SIGTERM, then SIGKILL after ``wait`` seconds)."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            echo("Neo4j is not running")
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and self.pid() is not None:
            try:  # reap it when it is our child, so it does not linger as a zombie
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.3)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        (self.home / "ready").unlink(missing_ok=True)
        echo("Neo4j stopped")

    def wipe(self) -> None:
        """Delete the server's data (it must be stopped)."""
        if self.pid() is not None:
            raise LocalNeo4jError("stop the server before wiping its data")
        shutil.rmtree(self.home / "data", ignore_errors=True)


def server_from_env(home: Path | None = None, port: int | None = None) -> LocalServer:
    return LocalServer(
        home=home or default_home(),
        port=port or int(os.environ.get("MATCHMAKER_NEO4J_PORT", "7687")),
        heap=os.environ.get("MATCHMAKER_NEO4J_HEAP", "2g"),
        pagecache=os.environ.get("MATCHMAKER_NEO4J_PAGECACHE", "1g"),
    )
