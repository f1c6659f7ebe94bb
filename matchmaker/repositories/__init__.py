"""Repositories: every Cypher statement of the service lives in this package, always parameterised."""
