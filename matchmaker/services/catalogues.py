"""The catalogues people pick from: capabilities, standards, sectors, zones, and Hanoi's wards and communes."""
from __future__ import annotations

from scoring.text import commune_key

from ..repositories.catalogues import CatalogueRepository


class Names(dict):
    """Catalogue names by (type, id): 'capability', 'standard' or 'sector'; an id without a catalogue entry
    stands for itself."""

    def __missing__(self, key):
        return key[1]

    def capability(self, capability_id: str) -> str:
        return self[("capability", capability_id)]


class Communes:
    """Hanoi's wards and communes by every way a file or a person writes one: the official name in any accents
    or case, with or without 'Phường'/'Xã', or the GSO code; each to its official name (name_vi)."""

    def __init__(self, entries: list[dict]):
        self.count = len(entries)
        self._names = {}
        for entry in entries:
            for written in (entry["name_vi"], entry["name_en"], entry["id"], entry["id"].lstrip("0")):
                self._names.setdefault(commune_key(written), entry["name_vi"])

    def official(self, written: str | None) -> str | None:
        """The official name of the ward or commune ``written`` names; None when it names none."""
        return self._names.get(commune_key(written)) if written else None

    def unknown(self, written: str) -> str:
        return (f"unknown ward or commune '{written}': not one of Hanoi's {self.count} since 1 July 2025 (see GET "
                "/communes); leave it empty for a firm outside Hanoi")


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

    def list_communes(self) -> list[dict]:
        return self.repo.list_communes(with_enterprises=True)
