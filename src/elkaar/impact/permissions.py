"""Who may see and do what in impact. Built on core/permissions.py; the rules that need attendance (enrolment) live
here, as core may not import it. Views, API handlers and services all ask these functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from elkaar.core.permissions import can_browse_catalogue, can_view_profile, is_admin, manages_programme

if TYPE_CHECKING:
    from elkaar.accounts.models import User
    from elkaar.catalogue.models import Programme


def can_view_public_impact(user) -> bool:
    """The awareness page, the knowledge network and the assumptions: site-wide figures and organisations, never a
    person. Open to everyone while the catalogue is (CATALOGUE_PUBLIC), else to logged-in colleagues."""
    return can_browse_catalogue(user)


def can_view_programme_impact(user, programme: Programme) -> bool:
    """A programme's dashboard and ledger: its managers and administrators."""
    return manages_programme(user, programme)


def can_view_site_ledger(user) -> bool:
    """Site-wide ledger lines and totals per organisation and kind: administrators."""
    return is_admin(user)


def can_view_manager_dashboards(user) -> bool:
    """The overview of dashboards: programme managers (their programmes) and administrators (all)."""
    return bool(user.is_authenticated and (is_admin(user) or user.managed_programmes.exists()))


def can_manage_assumptions(user) -> bool:
    return is_admin(user)


def can_view_recognition(user, person: User) -> bool:
    """A colleague-trainer's recognition figures: whoever may see the profile."""
    return can_view_profile(user, person)


def can_see_endorsers(user, person: User) -> bool:
    """Who endorsed someone tells who attended their course, which is never public: only the trainer and
    administrators see the names; everyone else sees the numbers."""
    return bool(user.is_authenticated and (user.pk == person.pk or is_admin(user)))


def can_endorse(user, person: User) -> bool:
    """People who attended a session of a course `person` teaches (not themselves) may endorse them."""
    if not (user.is_authenticated and user.is_active) or user.pk == person.pk or not person.is_active:
        return False
    from elkaar.impact.services import endorsable_topics

    return bool(endorsable_topics(user, person))
