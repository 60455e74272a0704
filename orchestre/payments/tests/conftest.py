import pytest
from django.utils import translation

from orchestre.payments.tests.support import ShopEndpoint


@pytest.fixture
def shop_endpoint() -> ShopEndpoint:
    return ShopEndpoint()


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English, the source language, so the tests do not depend
    on the French catalogue."""
    with translation.override("en"):
        yield
