"""The only place the inventory locks: the reservations of one reference change one
transaction at a time (reserve, allocate, release, expire), so a check such as "does this
reference already hold stock?" stays true until the transaction ends.

Stock rows themselves are never locked ahead: they change by conditional UPDATEs, which the
database applies one at a time per row (docs/adr/0005-stock-reservations.md)."""

from django.db import connection

from orchestre.inventory.models import CycleCount, PurchaseOrder

# First key of PostgreSQL's two-key advisory locks, so these never collide with locks
# other parts of the shop may take on the same hashed text.
RESERVATION_LOCK_SPACE = 5_000_001


def lock_reference(reference: str) -> None:
    """Hold the lock of `reference` until the current transaction ends (call inside
    `transaction.atomic()`).

    PostgreSQL: a transaction-scoped advisory lock on the reference's hash; two references
    that share a hash only wait for each other, they are never mixed. SQLite: nothing to do,
    the IMMEDIATE transaction already holds the database's write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [RESERVATION_LOCK_SPACE, reference],
            )


def lock_purchase_order(purchase_order_id: int) -> PurchaseOrder | None:
    """The purchase order, locked until the transaction ends, so receipts, sending and
    cancelling of one order happen one at a time; None when it does not exist."""
    return PurchaseOrder.objects.select_for_update().filter(pk=purchase_order_id).first()


def lock_cycle_count(count_id: int) -> CycleCount | None:
    """The cycle count, locked until the transaction ends, so it is confirmed once; None
    when it does not exist."""
    return CycleCount.objects.select_for_update().filter(pk=count_id).first()
