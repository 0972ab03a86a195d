"""How registrations follow changes the catalogue makes to sessions (connected in EnrolmentConfig.ready)."""

from __future__ import annotations

import functools

from django.db import transaction
from django.dispatch import receiver

from elkaar.catalogue.models import Session
from elkaar.catalogue.signals import session_changed
from elkaar.enrolment import services


@receiver(session_changed, dispatch_uid="enrolment_session_changed")
def on_session_changed(sender, session: Session, visible_change: bool, old_capacity: int, **kwargs) -> None:
    """A trainer changed a session: tell the people registered, and fill places that were added."""
    if visible_change:  # written after commit, so the catalogue's lock on the session is not held meanwhile
        transaction.on_commit(functools.partial(services.notify_session_changed, session), robust=True)
    if session.capacity > old_capacity:
        services.queue_fill(session)
