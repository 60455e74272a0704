import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Error messages and notes are asserted in English, the source language, so the tests
    do not depend on the French catalogue (e-mails and invoices pick their own language)."""
    with translation.override("en"):
        yield
