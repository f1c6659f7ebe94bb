"""HTTP layer: blueprints and marshmallow schemas; views stay thin and call services."""
from flask import current_app


def graph():
    """The process's Graph (driver holder), bound to the app in the factory."""
    return current_app.extensions["graph"]
