"""Impact in the admin: assumptions edited there recompute the figures; derived tables are read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from elkaar.impact.models import SessionFact, SiteAssumption
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["siteassumption", "priceassumption", "sessionfact", "milestone", "endorsement", "certificate", "trainersettings"],
)
def test_admin_lists_open_for_administrators(as_admin, name):
    assert as_admin.get(reverse(f"admin:impact_{name}_changelist")).status_code == 200


def test_editing_the_price_in_the_admin_recomputes_the_sessions(
    as_admin, course, colleagues, django_capture_on_commit_callbacks
):
    session = held(course, starts_at=at(2025, 4, 1))
    attend(colleagues(1)[0], session)
    refresh()
    row = SiteAssumption.objects.get()
    data = {
        "valid_from": "2000-01-01",
        "external_price_per_hour": "200",
        "internal_hourly_rate": "50",
        "preparation_hours": "2",
        "source": row.source,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("admin:impact_siteassumption_change", args=[row.pk]), data)

    assert response.status_code == 302
    assert SessionFact.objects.get(session=session).gross == Decimal("300.00")  # 1 × 1.5 × 200


def test_session_facts_cannot_be_changed_in_the_admin(as_admin, course, colleagues):
    session = held(course)
    attend(colleagues(1)[0], session)
    refresh()

    response = as_admin.get(reverse("admin:impact_sessionfact_change", args=[session.pk]))

    assert response.status_code == 200
    assert b'name="_save"' not in response.content
