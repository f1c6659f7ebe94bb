"""The catalogues people pick from: capabilities, standards, sectors and zones."""
from __future__ import annotations

from ..repositories.catalogues import CatalogueRepository


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
