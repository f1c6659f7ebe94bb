"""The catalogues people pick from: capabilities, standards, sectors and zones."""
from __future__ import annotations

from ..repositories.catalogues import CatalogueRepository


class Names(dict):
    """Catalogue names by (type, id): 'capability', 'standard' or 'sector'; an id without a catalogue entry
    stands for itself."""

    def __missing__(self, key):
        return key[1]

    def capability(self, capability_id: str) -> str:
        return self[("capability", capability_id)]


def catalogue_names(catalogues: CatalogueRepository) -> Names:
    return Names(catalogues.names())


class CatalogueService:
    def __init__(self, graph):
        self.repo = CatalogueRepository(graph)

    def list_capabilities(self) -> list[dict]:
        return self.repo.list_capabilities()

    def list_standards(self) -> list[dict]:
        return self.repo.list_standards()

    def list_sectors(self) -> list[dict]:
        return self.repo.list_sectors()

    def zones(self, kind: str | None = None) -> list[dict]:
        return self.repo.list_zones(kind)
