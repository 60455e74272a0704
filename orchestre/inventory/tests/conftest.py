import pytest
from django.utils import translation

from orchestre.inventory.tests.factories import WarehouseFactory


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def lyon(db):
    """Ships first."""
    return WarehouseFactory(code="lyon", name="Lyon", city="Lyon", priority=1)


@pytest.fixture
def paris(db):
    """Ships what Lyon cannot."""
    return WarehouseFactory(code="paris", name="Paris", city="Paris", priority=2)
