"""gunicorn entry point: `gunicorn wsgi:app`. The Neo4j driver is created lazily in each worker."""
from matchmaker import create_app

app = create_app()
