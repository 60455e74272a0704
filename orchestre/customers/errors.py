"""Errors of the customer accounts and address books."""

from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, NotFound


class UnknownAddress(NotFound):
    code = "unknown_address"

    def __init__(self):
        super().__init__(_("This address is not in your address book."))


class AddressBookFull(Conflict):
    code = "address_book_full"

    def __init__(self, limit: int):
        super().__init__(
            _("Your address book is full (%(limit)d addresses): delete one to add another.")
            % {"limit": limit}
        )
