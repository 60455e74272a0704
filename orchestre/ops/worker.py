"""`orchestre worker`: runs queued background tasks and enqueues the periodic jobs.

The task loop is django-tasks-db's own worker, run in the main thread; a scheduler thread
enqueues each periodic job when it falls due, as an ordinary task, so a job runs on
whichever worker picks it up, once, even when several workers run on several machines.
"""

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task, task_backends
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    task_path: str
    every_seconds: float


# Tasks are named by dotted path and imported when first due, so the worker starts (and
# logs the gap) even when an app does not provide its task.
PERIODIC_JOBS = (
    PeriodicJob("orchestre.core.tasks.relay_outbox", 5),
    PeriodicJob("orchestre.payments.tasks.deliver_sandbox_webhooks_task", 2),
    PeriodicJob("orchestre.inventory.tasks.expire_reservations_task", 60),
    PeriodicJob("orchestre.checkout.tasks.cancel_abandoned_checkouts_task", 300),
    PeriodicJob("orchestre.cart.tasks.delete_stale_carts_task", 86400),
    PeriodicJob("orchestre.shipping.tasks.poll_carrier_tracking_task", 60),
    PeriodicJob("orchestre.support.tasks.send_delivery_surveys_task", 3600),
    PeriodicJob("orchestre.ops.worker.prune_task_results", 3600),
)
# A run still RUNNING after this long belongs to a worker that died without finishing it
# (django-tasks-db does not reclaim such rows): it no longer holds back the next run.
STALE_RUN_AFTER = timedelta(minutes=10)
KEEP_SUCCESSFUL_RESULTS = timedelta(days=1)
KEEP_FAILED_RESULTS = timedelta(days=14)


@task()
def prune_task_results() -> int:
    """Delete old finished task results (periodic jobs add thousands a day)."""
    now = timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCESSFUL_RESULTS)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED_RESULTS)
    ).delete()
    return deleted


class Scheduler:
    """Enqueues each job when due; skips a job whose previous run is still waiting or
    running, so a worker that falls behind does not pile up copies of it."""

    def __init__(
        self,
        jobs: Sequence[PeriodicJob] = PERIODIC_JOBS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.jobs = tuple(jobs)
        self.clock = clock
        self.next_run = {job.task_path: float("-inf") for job in self.jobs}
        self.tasks: dict[str, Task | None] = {}

    def enqueue_due_jobs(self) -> list[str]:
        """Enqueue every job that is due; return the paths of the jobs enqueued."""
        now = self.clock()
        enqueued = []
        for job in self.jobs:
            if self.next_run[job.task_path] > now:
                continue
            self.next_run[job.task_path] = now + job.every_seconds
            periodic_task = self._task(job.task_path)
            if periodic_task is None or has_unfinished_run(periodic_task):
                continue
            periodic_task.enqueue()
            enqueued.append(job.task_path)
        return enqueued

    def seconds_until_next_job(self) -> float:
        return max(0.0, min(self.next_run.values(), default=60.0) - self.clock())

    def run_until(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self.enqueue_due_jobs()
                except Exception:
                    # A database restart or a long lock must not end the schedule.
                    logger.exception("Could not enqueue the periodic jobs; trying again")
                stop.wait(self.seconds_until_next_job())
        finally:
            connection.close()

    def _task(self, path: str) -> Task | None:
        if path not in self.tasks:
            try:
                found = import_string(path)
            except ImportError as error:
                logger.warning("Periodic job %s is not available (%s); skipped", path, error)
                found = None
            if found is not None and not isinstance(found, Task):
                logger.error("Periodic job %s is not a task; skipped", path)
                found = None
            self.tasks[path] = found
        return self.tasks[path]


def has_unfinished_run(periodic_task: Task) -> bool:
    """Whether a run of the task waits or runs in the database backend (other backends
    keep no such record: their runs are never skipped)."""
    backend = periodic_task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.filter(task_path=periodic_task.module_path, backend_name=backend.alias)
        .filter(
            Q(status=TaskResultStatus.READY)
            | Q(
                status=TaskResultStatus.RUNNING,
                started_at__gte=timezone.now() - STALE_RUN_AFTER,
            )
        )
        .exists()
    )


def run_worker(
    *, once: bool = False, interval: float = 1.0, jobs: Sequence[PeriodicJob] = PERIODIC_JOBS
) -> None:
    """Run tasks and periodic jobs until SIGTERM/SIGINT (the task being run finishes
    first; a second signal aborts it), or with `once` enqueue every job, run every
    waiting task, and return."""
    scheduler = Scheduler(jobs)
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    task_runner = None
    if isinstance(backend, DatabaseBackend):
        task_runner = Worker(
            queue_names=["*"],
            interval=interval,
            batch=once,
            backend_name=backend.alias,
            startup_delay=not once,
            max_tasks=None,
            worker_id=f"{socket.gethostname()}:{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
    else:
        logger.info(
            "Tasks backend %s is not the database backend: its own workers run the tasks; "
            "this worker only enqueues the periodic jobs.",
            type(backend).__name__,
        )
    if once:
        scheduler.enqueue_due_jobs()
        if task_runner is not None:
            task_runner.run()
        return
    _run_until_stopped(scheduler, task_runner)


def _run_until_stopped(scheduler: Scheduler, task_runner: Worker | None) -> None:
    stop = threading.Event()

    def shut_down(signum, frame):
        stop.set()
        if task_runner is not None:
            # Exits at once when idle; during a task, the loop ends after it.
            task_runner.shutdown(signum, frame)

    previous_handlers = {
        signum: signal.signal(signum, shut_down) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    scheduler_thread = threading.Thread(
        target=scheduler.run_until, args=(stop,), name="periodic-jobs", daemon=True
    )
    try:
        scheduler_thread.start()
        logger.info(
            "Worker started: %d periodic jobs, tasks %s",
            len(scheduler.jobs),
            "run here" if task_runner is not None else "run elsewhere",
        )
        if task_runner is not None:
            task_runner.run()
        else:
            while not stop.is_set():
                time.sleep(0.2)
    finally:
        stop.set()
        if scheduler_thread.is_alive():
            scheduler_thread.join(timeout=30)
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)
        logger.info("Worker stopped")
