"""Receivers that keep the index in step with the catalogue and the accounts, connected in SearchConfig.ready().

Every save or delete of a course, session, trainer link, person, organisation or topic re-indexes the documents
it shows up in, inside the same transaction. Nothing in the catalogue or accounts apps knows about search.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from elkaar.accounts.models import Organisation, User
from elkaar.catalogue.models import Course, CourseTrainer, Session
from elkaar.core.models import Topic
from elkaar.search import engine, index
from elkaar.search.documents import courses_of_person
from elkaar.search.models import Synonym

COURSE = "course"
PERSON = "person"
_COUNT_FIELDS = frozenset({"confirmed_count", "waiting_count", "updated_at"})  # enrolment bookkeeping only

# Courses and people a topic or organisation appears in, remembered between pre_delete and post_delete.
_before_delete: dict[tuple[str, int], tuple[list[int], list[int]]] = {}


def _course_changed(sender, instance: Course, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    index.update(COURSE, instance.pk)
    index.update_many(PERSON, CourseTrainer.objects.filter(course=instance).values_list("user_id", flat=True))


def _course_deleted(sender, instance: Course, **kwargs) -> None:
    index.remove(COURSE, instance.pk)


def _course_topics_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # topic.courses.add(...): instance is a Topic
        index.update_many(COURSE, pk_set or Course.objects.filter(topics=instance).values_list("pk", flat=True))
    else:
        index.update(COURSE, instance.pk)


def _session_changed(sender, instance: Session, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and set(update_fields) <= _COUNT_FIELDS):
        return  # places are read live at query time; only locations and status changes matter to the index
    index.update(COURSE, instance.course_id)


def _session_deleted(sender, instance: Session, **kwargs) -> None:
    index.update(COURSE, instance.course_id)


def _trainer_changed(sender, instance: CourseTrainer, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    index.update(COURSE, instance.course_id)
    index.update(PERSON, instance.user_id)


def _user_changed(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    index.update(PERSON, instance.pk)
    index.update_many(COURSE, courses_of_person(instance.pk))  # trainer names are part of course texts


def _user_deleted(sender, instance: User, **kwargs) -> None:
    index.remove(PERSON, instance.pk)


def _expertise_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # topic.experts.add(...): instance is a Topic
        index.update_many(PERSON, pk_set or User.objects.filter(expertise_topics=instance).values_list("pk", flat=True))
    else:
        index.update(PERSON, instance.pk)


def _affected_by_topic(topic: Topic) -> tuple[list[int], list[int]]:
    courses = list(Course.objects.filter(topics=topic).values_list("pk", flat=True))
    people = list(User.objects.filter(expertise_topics=topic).values_list("pk", flat=True))
    people += list(CourseTrainer.objects.filter(course_id__in=courses).values_list("user_id", flat=True))
    return courses, people


def _topic_changed(sender, instance: Topic, raw: bool = False, created: bool = False, **kwargs) -> None:
    if raw or created:
        return
    courses, people = _affected_by_topic(instance)
    index.update_many(COURSE, courses)
    index.update_many(PERSON, people)


def _topic_deleting(sender, instance: Topic, **kwargs) -> None:
    _before_delete[("topic", instance.pk)] = _affected_by_topic(instance)


def _topic_deleted(sender, instance: Topic, **kwargs) -> None:
    courses, people = _before_delete.pop(("topic", instance.pk), ([], []))
    index.update_many(COURSE, courses)
    index.update_many(PERSON, people)


def _organisation_changed(sender, instance: Organisation, raw: bool = False, created: bool = False, **kwargs) -> None:
    if raw or created:
        return
    index.update_many(COURSE, Course.objects.filter(organisation=instance).values_list("pk", flat=True))
    index.update_many(
        PERSON, User.objects.filter(organisation=instance, findable_as_expert=True).values_list("pk", flat=True)
    )


def connect() -> None:
    uid = "elkaar.search"
    post_save.connect(_course_changed, sender=Course, dispatch_uid=f"{uid}.course_saved")
    post_delete.connect(_course_deleted, sender=Course, dispatch_uid=f"{uid}.course_deleted")
    m2m_changed.connect(_course_topics_changed, sender=Course.topics.through, dispatch_uid=f"{uid}.course_topics")
    post_save.connect(_session_changed, sender=Session, dispatch_uid=f"{uid}.session_saved")
    post_delete.connect(_session_deleted, sender=Session, dispatch_uid=f"{uid}.session_deleted")
    post_save.connect(_trainer_changed, sender=CourseTrainer, dispatch_uid=f"{uid}.trainer_saved")
    post_delete.connect(_trainer_changed, sender=CourseTrainer, dispatch_uid=f"{uid}.trainer_deleted")
    post_save.connect(_user_changed, sender=User, dispatch_uid=f"{uid}.user_saved")
    post_delete.connect(_user_deleted, sender=User, dispatch_uid=f"{uid}.user_deleted")
    m2m_changed.connect(_expertise_changed, sender=User.expertise_topics.through, dispatch_uid=f"{uid}.expertise")
    post_save.connect(_topic_changed, sender=Topic, dispatch_uid=f"{uid}.topic_saved")
    pre_delete.connect(_topic_deleting, sender=Topic, dispatch_uid=f"{uid}.topic_deleting")
    post_delete.connect(_topic_deleted, sender=Topic, dispatch_uid=f"{uid}.topic_deleted")
    post_save.connect(engine.forget_synonyms, sender=Synonym, dispatch_uid=f"{uid}.synonym_saved")
    post_delete.connect(engine.forget_synonyms, sender=Synonym, dispatch_uid=f"{uid}.synonym_deleted")
    post_save.connect(_organisation_changed, sender=Organisation, dispatch_uid=f"{uid}.organisation_saved")
