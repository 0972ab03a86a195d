"""E-mail messages: rendered in the recipient's language, queued after the transaction commits.

A message is prepared at once (so the texts reflect the state at the time of the change) and handed to the
task queue only when the surrounding transaction has committed; a rolled back change sends nothing. Inside
`muted()` nothing is sent at all (`elkaar demo` replaying a made-up past through the services).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

_muted: ContextVar[bool] = ContextVar("elkaar_mail_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Send no e-mail from inside the block, also not from what commits inside it (on_commit callbacks): for
    history that is loaded rather than lived, whose people are made up and whose moments have passed."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    """Inside `muted()`: a caller may skip preparing what would only be sent (a calendar file, say)."""
    return _muted.get()


def prepare(
    to: str,
    template: str,
    context: dict,
    language: str = "nl",
    attachments: Iterable[tuple[str, bytes, str]] = (),
    reply_to: str | None = None,
) -> dict:
    """Render `notifications/email/<template>_subject.txt`, `_body.txt` and (if present) `_body.html`."""
    context = {**context, "SITE_URL": settings.SITE_URL, "SITE_NAME": settings.SITE_NAME}
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    return {
        "to": to,
        "subject": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        "body": body,
        "reply_to": reply_to,
        "attachments": [
            {"filename": name, "content": base64.b64encode(data).decode(), "mimetype": mimetype}
            for name, data, mimetype in attachments
        ],
    }


def deliver(message: dict) -> None:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message["to"]],
        reply_to=[message["reply_to"]] if message.get("reply_to") else None,
    )
    for attachment in message.get("attachments", []):
        email.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    email.send()


def queue(message: dict) -> None:
    """Send `message` from the task queue once the current transaction has committed."""
    from elkaar.notifications.tasks import send_email_task

    transaction.on_commit(lambda: send_email_task.enqueue(message))


def send(
    to: str,
    template: str,
    context: dict,
    language: str = "nl",
    attachments: Iterable[tuple[str, bytes, str]] = (),
    reply_to: str | None = None,
) -> None:
    """Prepare and queue one message; the usual way for services to e-mail someone (nothing inside `muted()`)."""
    if _muted.get():
        return
    queue(prepare(to, template, context, language, attachments, reply_to))
