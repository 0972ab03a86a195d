"""The index follows every change at once, and `elkaar reindex` rebuilds exactly what the changes built."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from elkaar.catalogue import services
from elkaar.catalogue.models import CourseStatus
from elkaar.search import engine
from elkaar.search.models import Document, Statistics, Term, Word
from tests import factories

pytestmark = pytest.mark.django_db


def found(query: str, doc_type: str = "course", user=None) -> list[int]:
    return [hit.object_id for hit in engine.search(query, doc_type, user=user).items]


def snapshot() -> dict:
    return {
        "documents": sorted(
            Document.objects.values_list(
                "doc_type", "object_id", "is_public", "title_tokens", "keyword_tokens", "body_tokens", "words"
            )
        ),
        "facets": sorted(
            (document.object_id, name, value)
            for document in Document.objects.all()
            for name, value, _label in document.facet_values
        ),
        "terms": sorted(Term.objects.values_list("doc_type", "token", "document_count", "head_count")),
        "words": sorted(Word.objects.values_list("doc_type", "word", "document_count")),
        "stats": sorted(
            Statistics.objects.values_list("doc_type", "document_count", "title_total", "keyword_total", "body_total")
        ),
    }


def test_index_follows_course_created_through_service(alice, woo):
    course = services.create_course(
        alice,
        topics=[woo],
        title="Lakken in Woo-besluiten",
        summary="Wat je weglakt.",
        description="Uitleg.",
        publish=True,
    )

    assert found("lakken") == [course.pk]


def test_index_follows_edit(alice, course):
    services.update_course(alice, course, title="Actieve openbaarmaking")

    assert (found("openbaarmaking"), found("afhandelen")) == ([course.pk], [])


def test_index_follows_archive_and_delete(alice, course):
    assert found("woo") == [course.pk]

    services.archive_course(alice, course)
    assert found("woo") == []
    assert found("woo", user=alice) == [course.pk]

    course.delete()
    assert found("woo", user=alice) == []
    assert Document.objects.filter(doc_type="course").count() == 0


def test_index_follows_publication(alice, woo):
    course = services.create_course(alice, topics=[woo], title="Woo voor starters", summary="Start.", description="x")
    assert found("starters") == []

    services.publish_course(alice, course)

    assert found("starters") == [course.pk]


def test_index_follows_topic_rename(course, topic):
    topic.name = "Openbaarheid van bestuur"
    topic.save()

    assert found("openbaarheid") == [course.pk]


def test_index_follows_session_location(alice, course):
    services.add_session(
        alice,
        course,
        services.SessionData(starts_at=timezone.now() + timedelta(days=7), location="Stadhuis Amersfoort"),
    )

    assert found("amersfoort") == [course.pk]


def test_index_follows_person_opting_in_and_out(bob):
    bob.expertise_keywords = "schuldhulpverlening"
    bob.findable_as_expert = True
    bob.save()
    assert found("schuldhulpverlening", "person") == [bob.pk]

    bob.findable_as_expert = False
    bob.save()
    assert found("schuldhulpverlening", "person") == []


def test_index_follows_expertise_topics(bob, topic):
    bob.findable_as_expert = True
    bob.save()
    bob.expertise_topics.add(topic)

    assert found("openbaarheid overheid", "person") == [bob.pk]


def test_index_counts_follow_changes_like_a_rebuild(alice, bob, woo, course):
    other = factories.CourseFactory(title="Excel in de praktijk", topics=[woo], status=CourseStatus.DRAFT)
    services.update_course(alice, course, title="Woo-verzoeken sneller afhandelen")
    other.delete()
    bob.findable_as_expert = True
    bob.expertise_keywords = "Excel, draaitabellen"
    bob.save()
    incremental = snapshot()

    call_command("reindex", stdout=io.StringIO())

    assert snapshot() == incremental


def test_reindex_rebuilds_a_lost_index(course):
    Document.objects.all().delete()
    assert found("woo") == []

    call_command("reindex", "course", stdout=io.StringIO())

    assert found("woo") == [course.pk]


@pytest.mark.django_db(transaction=True)
def test_reindex_outside_a_transaction_also_cleans_up(make_course):
    """Run as the command runs in production: not inside a transaction, so PostgreSQL also vacuums."""
    course = make_course("Woo-verzoeken in de praktijk")
    Document.objects.all().delete()

    call_command("reindex", stdout=io.StringIO())

    assert found("woo") == [course.pk]
