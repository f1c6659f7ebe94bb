"""Configuration from the environment, so a user can point the service at their own Neo4j."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str = "neo4j"
    database: str | None = None  # None: the server's default database
    # How long managed transactions retry transient errors (a leader switch, a restart) before the
    # API answers 503; short, so that callers are not kept waiting when the graph is down.
    retry_seconds: float = 5.0

    @classmethod
    def from_env(cls) -> "Neo4jSettings":
        return cls(
            # without NEO4J_URI: the local server `matchmaker neo4j start` runs, on its configured port
            uri=os.environ.get("NEO4J_URI") or f"bolt://127.0.0.1:{os.environ.get('MATCHMAKER_NEO4J_PORT', '7687')}",
            user=os.environ.get("NEO4J_USER", os.environ.get("NEO4J_USERNAME", cls.user)),
            password=os.environ.get("NEO4J_PASSWORD", cls.password),
            database=os.environ.get("NEO4J_DATABASE") or None,
            retry_seconds=float(os.environ.get("MATCHMAKER_NEO4J_RETRY_SECONDS", cls.retry_seconds)),
        )


@dataclass(frozen=True)
class JobSettings:
    """Background jobs (long schedule solves) on Huey: where the queue lives and how a lost worker is told.

    ``url``: a SQLite file (one machine, no server; default ``.local/jobs.db``) or ``redis://host:6379/0``
    (workers on several machines share it; needs the ``redis`` package). MATCHMAKER_JOBS_URL."""
    url: str = ""
    heartbeat_seconds: float = 2.0      # a running job writes its progress and heartbeat this often
    stale_seconds: float = 60.0         # a running job silent this long has lost its worker
    attempts: int = 2                   # runs of a job whose worker died, before it is marked failed

    @classmethod
    def from_env(cls) -> "JobSettings":
        return cls(
            url=os.environ.get("MATCHMAKER_JOBS_URL") or os.path.join(os.getcwd(), ".local", "jobs.db"),
            heartbeat_seconds=float(os.environ.get("MATCHMAKER_JOB_HEARTBEAT_SECONDS", cls.heartbeat_seconds)),
            stale_seconds=float(os.environ.get("MATCHMAKER_JOB_STALE_SECONDS", cls.stale_seconds)),
            attempts=max(1, int(os.environ.get("MATCHMAKER_JOB_ATTEMPTS", cls.attempts))),
        )


def _secret_key() -> str:
    """MATCHMAKER_SECRET_KEY, else one made once and kept in .local/secret_key, so that every gunicorn
    worker (and a restart) signs page sessions with the same key. Several machines need the variable."""
    if os.environ.get("MATCHMAKER_SECRET_KEY"):
        return os.environ["MATCHMAKER_SECRET_KEY"]
    import secrets
    path = os.path.join(os.getcwd(), ".local", "secret_key")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path) as existing:
            return existing.read().strip()
    with os.fdopen(fd, "w") as out:
        key = secrets.token_urlsafe(48)
        out.write(key)
    return key


def model_dir_from_env() -> str:
    """Where model versions are kept: MATCHMAKER_MODEL_DIR, else .local/models of the working folder."""
    return os.environ.get("MATCHMAKER_MODEL_DIR", os.path.join(os.getcwd(), ".local", "models"))


@dataclass(frozen=True)
class Settings:
    neo4j: Neo4jSettings = field(default_factory=Neo4jSettings.from_env)
    model_dir: str = field(default_factory=lambda: model_dir_from_env())
    secret_key: str = field(default_factory=_secret_key, repr=False)
    # Behind HTTPS (any deployment beyond one's own machine) the page cookie must only travel encrypted.
    secure_cookies: bool = field(default_factory=lambda: os.environ.get(
        "MATCHMAKER_SECURE_COOKIES", "").lower() in ("1", "true", "yes"))
    max_upload_bytes: int = field(default_factory=lambda: int(os.environ.get(
        "MATCHMAKER_MAX_UPLOAD_BYTES", 64 * 1024 * 1024)))
    # Query cost: a read of the API that runs longer than this is stopped by Neo4j (503 query_timeout).
    read_timeout_seconds: float | None = field(default_factory=lambda: float(os.environ.get(
        "MATCHMAKER_READ_TIMEOUT_SECONDS", 30)) or None)
    jobs: JobSettings = field(default_factory=JobSettings.from_env)
