from django_tasks import task

from elkaar.notifications.mail import deliver


@task()
def send_email_task(message: dict) -> None:
    """Send one prepared e-mail message (see notifications.mail.prepare)."""
    deliver(message)
