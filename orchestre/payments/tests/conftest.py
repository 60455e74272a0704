import pytest

from orchestre.payments.tests.support import ShopEndpoint


@pytest.fixture
def shop_endpoint() -> ShopEndpoint:
    return ShopEndpoint()
