import pytest
from django.utils import translation

from orchestre.shipping.models import DeliveryZone
from orchestre.shipping.offer import install_default_offer


@pytest.fixture
def offer(db):
    """The shop's offer as migration 0002 installs it (again, if a test that flushes the
    database ran before)."""
    if not DeliveryZone.objects.exists():
        install_default_offer()


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English, the source language, so the tests do not depend
    on the French catalogue."""
    with translation.override("en"):
        yield
