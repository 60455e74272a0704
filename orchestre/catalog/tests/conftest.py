import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def editor(db):
    """The staff member making the changes (the audit log's actor)."""
    return get_user_model().objects.create_user(
        username="editor", email="editor@staff.example", password="Staff-pass-2026!", is_staff=True
    )
