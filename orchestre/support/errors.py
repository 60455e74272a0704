"""Errors of customer service, with the stable codes the API and the pages show."""

from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, NotFound


class UnknownTicket(NotFound):
    code = "unknown_ticket"

    def __init__(self):
        super().__init__(_("No such ticket."))


class UnknownSurvey(NotFound):
    code = "unknown_survey"

    def __init__(self):
        super().__init__(_("No such survey."))


class TicketClosed(Conflict):
    code = "ticket_closed"

    def __init__(self):
        super().__init__(
            _("This conversation is closed. Please send us a new message instead."),
            fields={"body": [_("This conversation is closed.")]},
        )


class SurveyAlreadyAnswered(Conflict):
    code = "survey_answered"

    def __init__(self):
        super().__init__(_("This survey has already been answered. Thank you!"))
