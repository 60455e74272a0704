"""Background jobs of customer service, thin wrappers over the services."""

from django_tasks import task

from orchestre.support.services import send_delivery_surveys


@task()
def send_delivery_surveys_task() -> int:
    """Periodic: e-mail the satisfaction survey of orders delivered a day ago or more."""
    return send_delivery_surveys()
