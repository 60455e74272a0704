"""Background work of the inventory (thin: the services do the work)."""

from django_tasks import task

from orchestre.inventory.services import expire_reservations


@task()
def expire_reservations_task() -> int:
    """Give back the stock of reservations whose time is up; the worker runs it
    periodically. Returns the units given back."""
    return expire_reservations()
