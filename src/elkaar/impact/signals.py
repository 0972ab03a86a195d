"""Changes elsewhere that alter the figures of sessions that took place mark those sessions stale; the next round of
`elkaar run-periodic` computes them again (ledger.refresh_due). The mark is written in the changing transaction, so
it exists exactly when the change does. Bulk updates that bypass signals are caught by `elkaar impact_rebuild`."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from elkaar.catalogue.models import Course, CourseTrainer, Session
from elkaar.enrolment.models import Registration

UID = "elkaar.impact"


def _ended_sessions_of(course_id: int | None) -> list[int]:
    if course_id is None:
        return []
    return list(Session.objects.filter(course_id=course_id, ends_at__lte=timezone.now()).values_list("pk", flat=True))


def _mark(session_ids: list[int]) -> None:
    from elkaar.impact.ledger import mark_stale

    if session_ids:
        mark_stale(session_ids)


def _session_ended(registration: Registration) -> bool:
    session = registration._state.fields_cache.get("session")  # type: ignore[attr-defined]
    if session is not None:
        return session.starts_at <= timezone.now()
    return Session.objects.filter(pk=registration.session_id, starts_at__lte=timezone.now()).exists()


def registration_saved(sender, instance: Registration, created: bool, update_fields=None, raw=False, **kwargs) -> None:
    if raw:
        return
    if update_fields is not None and not {"attendance", "status", "session", "user"} & set(update_fields):
        return
    if _session_ended(instance):
        _mark([instance.session_id])


def registration_deleted(sender, instance: Registration, **kwargs) -> None:
    if Session.objects.filter(pk=instance.session_id, starts_at__lte=timezone.now()).exists():
        _mark([instance.session_id])


def session_saved(sender, instance: Session, created: bool, raw=False, **kwargs) -> None:
    if not raw and instance.starts_at <= timezone.now():
        _mark([instance.pk])


def course_saved(sender, instance: Course, created: bool, raw=False, **kwargs) -> None:
    if not raw and not created:
        _mark(_ended_sessions_of(instance.pk))


def trainer_changed(sender, instance: CourseTrainer, raw=False, **kwargs) -> None:
    if not raw:
        _mark(_ended_sessions_of(instance.course_id))


def topics_changed(sender, instance, action: str, pk_set=None, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Course):
        _mark(_ended_sessions_of(instance.pk))


def connect() -> None:
    post_save.connect(registration_saved, sender=Registration, dispatch_uid=f"{UID}.registration_saved")
    post_delete.connect(registration_deleted, sender=Registration, dispatch_uid=f"{UID}.registration_deleted")
    post_save.connect(session_saved, sender=Session, dispatch_uid=f"{UID}.session_saved")
    post_save.connect(course_saved, sender=Course, dispatch_uid=f"{UID}.course_saved")
    post_save.connect(trainer_changed, sender=CourseTrainer, dispatch_uid=f"{UID}.trainer_saved")
    post_delete.connect(trainer_changed, sender=CourseTrainer, dispatch_uid=f"{UID}.trainer_deleted")
    m2m_changed.connect(topics_changed, sender=Course.topics.through, dispatch_uid=f"{UID}.topics_changed")
