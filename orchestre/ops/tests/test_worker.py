import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.core.models import OutboxMessage
from orchestre.core.outbox import email_message_id, enqueue_email
from orchestre.ops import server
from orchestre.ops.worker import PERIODIC_JOBS, PeriodicJob, Scheduler, prune_task_results

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
RELAY = "orchestre.core.tasks.relay_outbox"
PRUNE = "orchestre.ops.worker.prune_task_results"


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def enqueue_confirmation(key="order-confirmation:OR-2026-00001"):
    with transaction.atomic():
        return enqueue_email(
            key=key, to="claire@example.fr", subject="Votre commande", text_body="Merci."
        )


def relay_runs():
    return list(
        DBTaskResult.objects.filter(task_path=RELAY)
        .order_by("enqueued_at")
        .values_list("status", flat=True)
    )


def test_the_periodic_jobs_and_their_periods():
    assert [(job.task_path, job.every_seconds) for job in PERIODIC_JOBS] == [
        ("orchestre.core.tasks.relay_outbox", 5),
        ("orchestre.payments.tasks.deliver_sandbox_webhooks_task", 2),
        ("orchestre.inventory.tasks.expire_reservations_task", 60),
        ("orchestre.checkout.tasks.cancel_abandoned_checkouts_task", 300),
        ("orchestre.cart.tasks.delete_stale_carts_task", 86400),
        ("orchestre.shipping.tasks.poll_carrier_tracking_task", 60),
        ("orchestre.support.tasks.send_delivery_surveys_task", 3600),
        ("orchestre.ops.worker.prune_task_results", 3600),
    ]


@pytest.mark.django_db(transaction=True)
def test_once_relays_a_pending_message_through_the_database_backend(settings):
    settings.TASKS = DATABASE_TASKS
    message = enqueue_confirmation()
    assert relay_runs() == [TaskResultStatus.READY]
    assert mail.outbox == []

    call_command("worker", "--once", verbosity=0)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == email_message_id(
        key="order-confirmation:OR-2026-00001", from_email="boutique@orchestre.example"
    )
    # The periodic relay was not enqueued beside the one still waiting from the commit.
    assert relay_runs() == [TaskResultStatus.SUCCESSFUL]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.mark.django_db
def test_each_job_is_enqueued_at_its_own_period(settings):
    settings.TASKS = DUMMY_TASKS
    clock = FakeClock()
    scheduler = Scheduler([PeriodicJob(RELAY, 5), PeriodicJob(PRUNE, 60)], clock=clock)

    ticks = {}
    for elapsed in (0, 4.9, 5, 10, 59, 60):
        clock.now = 1000.0 + elapsed
        ticks[elapsed] = scheduler.enqueue_due_jobs()

    assert ticks == {
        0: [RELAY, PRUNE],
        4.9: [],
        5: [RELAY],
        10: [RELAY],
        59: [RELAY],
        60: [PRUNE],
    }
    assert scheduler.seconds_until_next_job() == 4.0


@pytest.mark.django_db
def test_a_job_still_waiting_or_running_is_not_enqueued_again(settings):
    settings.TASKS = DATABASE_TASKS
    clock = FakeClock()
    scheduler = Scheduler([PeriodicJob(RELAY, 5)], clock=clock)

    def tick():
        clock.now += 5
        return scheduler.enqueue_due_jobs()

    assert tick() == [RELAY]
    assert tick() == []
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert tick() == []
    # A run started 11 minutes ago belongs to a worker that died: it holds nothing back.
    DBTaskResult.objects.update(started_at=timezone.now() - timedelta(minutes=11))
    assert tick() == [RELAY]
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
    assert tick() == [RELAY]
    assert relay_runs() == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.READY,
    ]


@pytest.mark.django_db
def test_a_missing_task_is_logged_once_and_the_other_jobs_still_run(settings, caplog):
    settings.TASKS = DUMMY_TASKS
    clock = FakeClock()
    scheduler = Scheduler(
        [
            PeriodicJob("orchestre.nowhere.tasks.missing_task", 5),
            PeriodicJob("orchestre.core.outbox.relay_due_messages", 5),
            PeriodicJob(RELAY, 5),
        ],
        clock=clock,
    )

    with caplog.at_level(logging.WARNING, logger="orchestre.ops.worker"):
        first = scheduler.enqueue_due_jobs()
        clock.now += 5
        second = scheduler.enqueue_due_jobs()

    assert first == second == [RELAY]
    assert [record.getMessage() for record in caplog.records] == [
        "Periodic job orchestre.nowhere.tasks.missing_task is not available "
        "(No module named 'orchestre.nowhere'); skipped",
        "Periodic job orchestre.core.outbox.relay_due_messages is not a task; skipped",
    ]


@pytest.mark.django_db
def test_pruning_deletes_only_old_finished_results(settings):
    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    rows = {
        "recent success": (TaskResultStatus.SUCCESSFUL, now - timedelta(hours=23)),
        "old success": (TaskResultStatus.SUCCESSFUL, now - timedelta(hours=25)),
        "recent failure": (TaskResultStatus.FAILED, now - timedelta(days=13)),
        "old failure": (TaskResultStatus.FAILED, now - timedelta(days=15)),
        "waiting": (TaskResultStatus.READY, None),
        "running": (TaskResultStatus.RUNNING, None),
    }
    for name, (status, finished_at) in rows.items():
        DBTaskResult.objects.create(
            task_path=name,
            status=status,
            finished_at=finished_at,
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
        )

    assert prune_task_results.call() == 2

    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == {
        "recent success",
        "recent failure",
        "waiting",
        "running",
    }


def database_url_for_child_process() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    credentials = quote(database["USER"]) + (
        f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    )
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.django_db(transaction=True)
def test_the_worker_process_relays_messages_and_stops_cleanly(settings, tmp_path, stop_signal):
    settings.TASKS = DATABASE_TASKS
    message = enqueue_confirmation()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ORCHESTRE_") and key != "DATABASE_URL"
    }
    environment.update(
        ORCHESTRE_DATA_DIR=str(tmp_path), DATABASE_URL=database_url_for_child_process()
    )
    # The system checks have their own tests; skipping them keeps this one about the worker.
    worker = subprocess.Popen(
        [sys.executable, "-m", "orchestre", "worker", "--skip-checks", "--interval", "0.2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and worker.poll() is None:
            message.refresh_from_db()
            if message.status == OutboxMessage.Status.SENT:
                break
            time.sleep(0.1)
        worker.send_signal(stop_signal)
        _, errors = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert message.status == OutboxMessage.Status.SENT, errors
    assert worker.returncode == 0, errors
    assert "Worker stopped" in errors
    (written,) = (tmp_path / "mail").iterdir()
    assert (
        email_message_id(
            key="order-confirmation:OR-2026-00001", from_email="boutique@orchestre.example"
        )
        in written.read_text()
    )


@pytest.fixture
def stand_in_worker(monkeypatch, tmp_path):
    """A child process standing in for `orchestre worker`: it notes when it runs and when
    it is asked to stop."""
    marker = tmp_path / "worker-state"
    script = (
        "import pathlib, signal, sys, time\n"
        "marker = pathlib.Path(sys.argv[1])\n"
        "def stop(signum, frame):\n"
        "    marker.write_text('stopped')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "marker.write_text('running')\n"
        "time.sleep(60)\n"
    )
    monkeypatch.setattr(server, "WORKER_COMMAND", (sys.executable, "-c", script, str(marker)))
    return marker


def fake_server(marker, seen, *, wait_seconds=10):
    """Stands in for gunicorn: records whether the worker runs while it serves."""

    def serve(**options):
        deadline = time.monotonic() + wait_seconds
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        seen.append((options, marker.read_text() if marker.exists() else "absent"))

    return serve


@pytest.mark.django_db(transaction=True)
def test_the_demo_runs_a_worker_beside_the_server_and_stops_it(
    settings, monkeypatch, stand_in_worker, capsys
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    ProductFactory()  # not an empty shop: the demo data import is tested elsewhere
    seen = []
    monkeypatch.setattr(
        "orchestre.ops.management.commands.demo.serve", fake_server(stand_in_worker, seen)
    )

    call_command("demo", "--port", "8123")

    assert [state for _, state in seen] == ["running"]
    assert seen[0][0]["port"] == 8123
    assert stand_in_worker.read_text() == "stopped"
    assert f"E-mails:    written as files to {settings.EMAIL_FILE_PATH}" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_demo_without_serving_starts_no_worker(monkeypatch, stand_in_worker):
    ProductFactory()
    monkeypatch.setattr(
        "orchestre.ops.management.commands.demo.serve",
        lambda **options: pytest.fail("the demo served with --no-serve"),
    )

    call_command("demo", "--no-serve")

    assert not stand_in_worker.exists()


def test_serve_with_worker_runs_one_beside_the_server(monkeypatch, stand_in_worker):
    seen = []
    monkeypatch.setattr(
        "orchestre.ops.management.commands.serve.serve", fake_server(stand_in_worker, seen)
    )

    call_command("serve", "--port", "8124", "--with-worker")

    assert [state for _, state in seen] == ["running"]
    assert stand_in_worker.read_text() == "stopped"


def test_serve_runs_no_worker_by_default(monkeypatch, stand_in_worker):
    seen = []
    monkeypatch.setattr(
        "orchestre.ops.management.commands.serve.serve",
        fake_server(stand_in_worker, seen, wait_seconds=1),
    )

    call_command("serve", "--port", "8124")

    assert [state for _, state in seen] == ["absent"]


@pytest.mark.parametrize("interval", ["0", "-1", "soon", "nan"])
def test_the_worker_refuses_an_interval_that_is_not_a_positive_number(interval):
    with pytest.raises(CommandError, match="expected a number of seconds above 0"):
        call_command("worker", "--interval", interval)
