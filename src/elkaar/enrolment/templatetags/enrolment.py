"""`{% load enrolment %}{% registration_state session request.user as state %}` for the per-session hook."""

from __future__ import annotations

from django import template

from elkaar.catalogue.models import Session
from elkaar.enrolment.queries import RegistrationState, registration_state

register = template.Library()


@register.simple_tag(name="registration_state")
def registration_state_tag(session: Session, user) -> RegistrationState:
    return registration_state(session, user)


@register.simple_tag(name="my_registrations")
def my_registrations_tag(user) -> dict:
    """For the "mijn elkaar" summary: coming places and waiting lists of the logged-in person."""
    from elkaar.enrolment.queries import my_registrations

    return my_registrations(user) if user.is_authenticated else {}
