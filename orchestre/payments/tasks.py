"""Background work of payments, run by the worker."""

from django_tasks import task

from orchestre.payments.providers.sandbox_processor import deliver_due_sandbox_webhooks


@task()
def deliver_sandbox_webhooks_task() -> int:
    """Send the sandbox processor's due webhooks (run periodically, e.g. every 5 seconds);
    return how many the shop accepted."""
    return deliver_due_sandbox_webhooks()
