"""A buyer's shortlist of suppliers found in searches (kept in the graph, so it follows the buyer)."""
from __future__ import annotations

from ..errors import InvalidInput, NotFound
from ..repositories.shortlists import ShortlistRepository
from . import now_iso


class ShortlistService:
    def __init__(self, graph):
        self.repo = ShortlistRepository(graph)

    def add(self, buyer: str, supplier: str) -> bool:
        """Add a supplier (a retry changes nothing); True when it was not on the list before."""
        if buyer == supplier:
            raise InvalidInput("a buyer cannot shortlist itself", {"supplier": ["the buyer itself"]})
        added = self.repo.add(buyer, supplier, now_iso())
        if added is None:
            raise NotFound(f"no enterprise '{buyer}' or '{supplier}'", {"supplier": ["unknown enterprise"]})
        return added

    def remove(self, buyer: str, supplier: str) -> None:
        self.repo.remove(buyer, supplier)

    def list(self, buyer: str) -> list[dict]:
        return self.repo.list(buyer)

    def holds(self, buyer: str, suppliers: list[str]) -> set[str]:
        return self.repo.holds(buyer, suppliers) if suppliers else set()
