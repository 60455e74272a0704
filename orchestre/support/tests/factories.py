"""Tickets for tests, opened through the services so they are numbered and threaded the
way the shop does it; `aged` moves a ticket's clock back."""

from datetime import timedelta

from django.utils import timezone

from orchestre.support.models import Ticket
from orchestre.support.services import open_customer_ticket


def customer_ticket(**overrides) -> Ticket:
    arguments = {
        "email": "camille.durand@example.org",
        "name": "Camille Durand",
        "subject": "Where is my parcel?",
        "body": "I ordered a week ago and have no news.",
        "language": "fr",
    }
    return open_customer_ticket(**(arguments | overrides))


def aged(ticket: Ticket, *, hours: float) -> Ticket:
    """The ticket as if opened `hours` ago."""
    created = timezone.now() - timedelta(hours=hours)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=created, updated_at=created)
    ticket.messages.update(created_at=created)
    ticket.refresh_from_db()
    return ticket
