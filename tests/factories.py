"""Factories for the test suite: build real records through the ORM, no fixtures files."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from elkaar.accounts.models import Organisation, OrganisationDomain, OrganisationKind, User
from elkaar.catalogue.models import Course, CourseStatus, CourseTrainer, Programme, Session
from elkaar.core.models import Topic

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Gemeente Testdorp {n}")
    kind = OrganisationKind.MUNICIPALITY

    @factory.post_generation
    def domain(self, create, extracted, **kwargs):
        if create:
            OrganisationDomain.objects.get_or_create(
                domain=extracted or f"{self.slug}.nl", defaults={"organisation": self}
            )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttributeSequence(lambda o, n: f"collega{n}@{o.organisation.domains.first().domain}")
    name = factory.Sequence(lambda n: f"Collega {n}")
    job_title = "Beleidsmedewerker"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Onderwerp {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programma {n}")
    slug = factory.Sequence(lambda n: f"programma-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Cursus {n}")
    slug = factory.Sequence(lambda n: f"cursus-{n}")
    summary = "Een korte cursus van een collega."
    description = "Wat je leert, en hoe."
    organisation = factory.SubFactory(OrganisationFactory)
    status = CourseStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def trainers(self, create, extracted, **kwargs):
        if not create:
            return
        for user in extracted or [UserFactory(organisation=self.organisation)]:
            CourseTrainer.objects.get_or_create(course=self, user=user)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(extracted or [TopicFactory()])


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    capacity = 20
    location = "Stadskantoor, zaal 3"
