"""The e-mails of a registration travel through the real task queue: the database backend that `elkaar serve` uses,
worked off by the `db_worker` command that `elkaar serve` starts (elsewhere the tests send at once)."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from elkaar.enrolment import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_confirmation_waits_in_the_queue_until_the_worker_sends_it(database_queue, bob, small_session):
    services.register(bob, small_session)

    queued = list(DBTaskResult.objects.values_list("task_path", "status"))
    sent_before_the_worker = len(mail.outbox)
    call_command("db_worker", batch=True, interval=0, verbosity=0)

    assert queued == [("elkaar.notifications.tasks.send_email_task", "READY")]
    assert sent_before_the_worker == 0
    assert [message.to for message in mail.outbox] == [[bob.email]]
    assert mail.outbox[0].attachments[0][0].endswith(".ics")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
