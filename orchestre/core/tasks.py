"""Background tasks of the core app, run by `orchestre worker`."""

from django_tasks import task

from orchestre.core.outbox import relay_due_messages


@task()
def relay_outbox() -> int:
    """Send the due outbox messages; safe to run in several workers at once."""
    return relay_due_messages()
