"""Background work of the checkout (thin: the services do the work)."""

from django_tasks import task

from orchestre.checkout.services import cancel_abandoned_checkouts


@task()
def cancel_abandoned_checkouts_task() -> int:
    """Cancel orders whose payment was never completed; the worker runs it periodically."""
    return cancel_abandoned_checkouts()
