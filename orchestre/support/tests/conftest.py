import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English, the source language (e-mails pick their own)."""
    with translation.override("en"):
        yield
