import pytest
from django.test import Client

from orchestre.team.tests.factories import customer_user, staff_member


@pytest.fixture
def console_client():
    """A client signed in as a new staff member in the given role (None: no role)."""

    def sign_in(role: str | None):
        client = Client()
        client.force_login(staff_member(role))
        return client

    return sign_in


@pytest.fixture
def customer_client(db):
    client = Client()
    client.force_login(customer_user())
    return client
