"""How knowledge requests follow what happens elsewhere (connected once, in DemandConfig.ready).

- catalogue's `course_published`: requests the course answers move on, the priority window opens, matching
  requesters are told (services.course_published);
- a new session of a published course: offered requests become scheduled (services.session_added);
- enrolment asks `services.check_priority_window` before every registration (enrolment.services.REGISTRATION_RULES);
- the search index learns the "request" document type (demand.index);
- `elkaar run-periodic` runs demand's clock jobs (demand.periodic).
"""

from __future__ import annotations

from django.db.models.signals import post_save

from elkaar.catalogue.models import Course, Session
from elkaar.catalogue.signals import course_published


def on_course_published(sender, course: Course, **kwargs) -> None:
    from elkaar.demand import services

    services.course_published(course)


def on_session_saved(sender, instance: Session, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from elkaar.demand import services

        services.session_added(instance)


def connect() -> None:
    from elkaar.demand import index, periodic, services
    from elkaar.enrolment.services import add_registration_rule

    course_published.connect(on_course_published, dispatch_uid="demand_course_published")
    post_save.connect(on_session_saved, sender=Session, dispatch_uid="demand_session_added")
    add_registration_rule(services.check_priority_window)
    index.register()
    periodic.register_jobs()
