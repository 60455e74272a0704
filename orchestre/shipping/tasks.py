"""Background work of the shipments (thin: the services do the work)."""

from django_tasks import task

from orchestre.shipping.services import poll_carrier_tracking


@task()
def poll_carrier_tracking_task() -> int:
    """Record what the carrier reports about parcels on their way (deliveries included);
    the worker runs it periodically. Returns the number of new events."""
    return poll_carrier_tracking()
