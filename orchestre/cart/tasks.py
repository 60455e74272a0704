"""Background work of the cart (thin: the services do the work)."""

from django_tasks import task

from orchestre.cart.services import delete_stale_carts


@task()
def delete_stale_carts_task() -> int:
    """Forget carts untouched for the cart lifetime; the worker runs it daily."""
    return delete_stale_carts()
