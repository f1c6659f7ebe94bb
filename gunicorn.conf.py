"""gunicorn settings: the app is imported in each worker (no preload), so each has its own driver."""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 120
preload_app = False
accesslog = "-"
# gunicorn >= 25.1 opens a control socket for `gunicornc`, by default at one path for the whole user
# ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl), where a second instance takes over or
# removes the first one's. Off, unless GUNICORN_CONTROL_SOCKET names this instance's own path.
# (Older gunicorn ignores both settings.)
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def post_worker_init(worker):
    """Warm the worker (connections, model, catalogue, query plans) before it takes its first request."""
    from matchmaker.warmup import warm
    from wsgi import app
    worker.log.info("warm-up of worker %s: %s", worker.pid, warm(app))


def worker_exit(server, worker):
    """Close the worker's Neo4j driver on shutdown."""
    try:
        from wsgi import app
    except Exception:  # the worker failed before the app loaded
        return
    app.extensions["graph"].close()
