"""Errors of the returns, with the stable codes the API and the pages show."""

from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, InvalidInput, NotFound
from orchestre.returns.models import ReturnStatus


class UnknownReturn(NotFound):
    code = "unknown_return"

    def __init__(self):
        super().__init__(_("No such return."))


class UnknownCreditNote(NotFound):
    code = "unknown_credit_note"

    def __init__(self):
        super().__init__(_("No such credit note."))


class WithdrawalClosed(Conflict):
    """The order cannot be withdrawn from (period over, not paid, nothing left)."""

    code = "withdrawal_closed"


class IllegalReturnTransition(Conflict):
    code = "illegal_return_transition"

    def __init__(self, *, from_status: str, action: str):
        super().__init__(
            _("A return that is “%(status)s” cannot be %(action)s.")
            % {"status": ReturnStatus(from_status).label, "action": action}
        )
        self.from_status = from_status


class InvalidReturnLines(InvalidInput):
    """Quantities that do not fit the order or the return (field errors per line)."""

    code = "invalid_return_lines"


class RefundRefused(Conflict):
    """The refund cannot be made now (order status, payment, provider's refusal)."""

    code = "refund_refused"
