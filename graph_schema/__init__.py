"""The graph model as code: labels, relationships, constraints, indexes and their migrations."""
from .migrations import MIGRATIONS, LATEST_VERSION, apply_migrations, applied_version

__all__ = ["MIGRATIONS", "LATEST_VERSION", "apply_migrations", "applied_version"]
