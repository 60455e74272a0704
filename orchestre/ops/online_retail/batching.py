"""Splitting long id lists so every query stays within the bound-parameter limits of
every database Django supports (SQLite builds may allow only 999)."""

from collections.abc import Iterator, Sequence
from typing import TypeVar

LOOKUP_CHUNK = 900
Item = TypeVar("Item")


def chunked(items: Sequence[Item], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[Item]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
