"""The e-mails of customer service, in HTML and plain text, in the customer's language.

Each carries a link to a page reached by an unguessable token (the ticket's thread, the
survey), so they go to the customer's own address only."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from orchestre.core.outbox import enqueue_email
from orchestre.support.models import SatisfactionSurvey, Ticket, TicketMessage


def ticket_url(ticket: Ticket) -> str:
    """The absolute address of the customer's page of the thread, in the active language."""
    return settings.SHOP_URL + reverse(
        "storefront:support_ticket", kwargs={"token": ticket.access_token}
    )


def survey_url(survey: SatisfactionSurvey) -> str:
    return settings.SHOP_URL + reverse(
        "storefront:support_survey", kwargs={"token": survey.access_token}
    )


def enqueue_ticket_received(ticket: Ticket) -> None:
    """Acknowledge a new ticket with the link to its thread. Call inside its transaction."""
    with translation.override(ticket.language):
        context = {"ticket": ticket, "url": ticket_url(ticket), "shop_name": settings.SHOP_NAME}
        subject = _("[%(number)s] We have received your message") % {"number": ticket.number}
        _enqueue(f"ticket-received-{ticket.pk}", ticket.email, subject, "received", context)


def enqueue_ticket_reply(ticket: Ticket, message: TicketMessage) -> None:
    """E-mail a staff reply to the customer. Call inside the reply's transaction."""
    with translation.override(ticket.language):
        context = {
            "ticket": ticket,
            "message": message,
            "url": ticket_url(ticket),
            "shop_name": settings.SHOP_NAME,
        }
        subject = _("[%(number)s] Re: %(subject)s") % {
            "number": ticket.number,
            "subject": ticket.subject,
        }
        _enqueue(f"ticket-reply-{message.pk}", ticket.email, subject, "reply", context)


def enqueue_survey(survey: SatisfactionSurvey) -> None:
    """E-mail a satisfaction survey. Call inside the transaction that creates it."""
    with translation.override(survey.language):
        context = {
            "survey": survey,
            "url": survey_url(survey),
            "shop_name": settings.SHOP_NAME,
            "scores": range(1, 6),
        }
        if survey.kind == SatisfactionSurvey.Kind.TICKET:
            subject = _("[%(number)s] How did we do?") % {"number": survey.ticket.number}
        else:
            subject = _("Your order %(number)s: how did we do?") % {"number": survey.order.number}
        _enqueue(f"survey-{survey.pk}", survey.email, subject, "survey", context)


def _enqueue(key: str, to: str, subject: str, template: str, context: dict) -> None:
    base = f"storefront/support/emails/{template}"
    enqueue_email(
        key=key,
        to=to,
        subject=subject,
        text_body=render_to_string(f"{base}.txt", context),
        html_body=render_to_string(f"{base}.html", context),
    )
