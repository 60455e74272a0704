"""Gapless numbering (invoice and order numbers), see docs/adr/0006-invoice-numbering.md.

A number is taken by an UPDATE of the sequence's row inside the caller's transaction: the
row stays locked until that transaction ends, so concurrent callers queue on it and the
number is consumed only if the transaction commits; a rollback gives it back. No number is
ever skipped or given twice, on SQLite (whose IMMEDIATE transactions already serialise
writers) as on PostgreSQL (row lock).
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from orchestre.core.models import Sequence

# The row exists after at most one lost creation race; more attempts mean a broken table.
_ATTEMPTS = 3


def next_number(name: str) -> int:
    """The next value of the sequence `name` (1 for a new sequence).

    Must run inside `transaction.atomic()`: raises `TransactionManagementError` otherwise.
    Locks the sequence's row until the caller's transaction ends, so keep that transaction
    short after calling it. The first use creates the row; when two transactions create it
    at once, the loser's insert fails in its own savepoint and it takes the next number from
    the winner's row."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "next_number() must run inside transaction.atomic(), so that the number is "
            "consumed only if the transaction commits."
        )
    for _attempt in range(_ATTEMPTS):
        if Sequence.objects.filter(name=name).update(last_value=F("last_value") + 1):
            return Sequence.objects.values_list("last_value", flat=True).get(name=name)
        try:
            with transaction.atomic():
                Sequence.objects.create(name=name, last_value=1)
        except IntegrityError:
            continue  # created meanwhile by a concurrent transaction: update its row
        return 1
    raise RuntimeError(f"Sequence {name!r} can be neither updated nor created.")
