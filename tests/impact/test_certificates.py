"""Certificates: issued only for what really happened, as PDF, and verifiable: a genuine one shows its contents, a
made-up code, a changed record, a changed signature or a revoked certificate fails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from elkaar.enrolment.models import Attendance
from elkaar.impact import certificates, services
from elkaar.impact.models import Certificate, CertificateKind
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_attended(bob, course):
    return attend(bob, held(course, starts_at=at(2025, 9, 16, 13, 30)))


def test_participation_certificate_says_what_happened(bob, bob_attended):
    certificate = services.issue_participation_certificate(bob, bob_attended)

    assert certificate.kind == CertificateKind.PARTICIPATION
    assert certificate.content == {
        "kind": "participation",
        "holder": "Bob Deelnemer",
        "holder_organisation": "Gemeente Utrecht",
        "course": "Woo-verzoeken behandelen",
        "offered_by": "Gemeente Utrecht",
        "date": "2025-09-16",
        "start": "13:30",
        "end": "15:00",
        "hours": "1,5",
        "trainers": ["Alice de Trainer"],
        "topics": ["Wet open overheid"],
        "session": bob_attended.session_id,
    }
    assert certificates.is_genuine(certificate)


def test_same_content_is_issued_once(bob, bob_attended):
    first = services.issue_participation_certificate(bob, bob_attended)
    second = services.issue_participation_certificate(bob, bob_attended)

    assert first.pk == second.pk
    assert Certificate.objects.count() == 1


def test_no_participation_certificate_for_someone_ticked_absent(bob, course):
    registration = attend(bob, held(course), Attendance.ABSENT)

    with pytest.raises(Exception) as error:
        services.issue_participation_certificate(bob, registration)

    assert error.type.__name__ == "PermissionDenied"


def test_no_participation_certificate_for_someone_elses_place(carol, bob_attended):
    with pytest.raises(Exception) as error:
        services.issue_participation_certificate(carol, bob_attended)

    assert error.type.__name__ == "PermissionDenied"


def test_download_gives_a_pdf(as_bob, bob_attended):
    response = as_bob.post(reverse("impact:participation", args=[bob_attended.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    certificate = Certificate.objects.get()
    assert certificate.code in response["Content-Disposition"]


def test_download_of_someone_elses_place_is_not_found(as_carol, bob_attended):
    response = as_carol.post(reverse("impact:participation", args=[bob_attended.pk]))

    assert response.status_code == 404
    assert not Certificate.objects.exists()


def test_download_needs_post(as_bob, bob_attended):
    assert as_bob.get(reverse("impact:participation", args=[bob_attended.pk])).status_code == 405


def test_verification_shows_a_genuine_certificate_to_anyone(client, bob, bob_attended):
    certificate = services.issue_participation_certificate(bob, bob_attended)

    response = client.get(certificate.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Echt." in content and "Bob Deelnemer" in content and "Woo-verzoeken behandelen" in content


def test_verification_of_a_made_up_code_fails(client, bob, bob_attended):
    services.issue_participation_certificate(bob, bob_attended)

    response = client.get(reverse("impact:verify", args=["verzonnen-code-12345"]))

    assert response.status_code == 404
    assert "Niet bevestigd." in response.content.decode()


def test_verification_of_an_altered_record_fails(client, bob, bob_attended):
    certificate = services.issue_participation_certificate(bob, bob_attended)
    altered = {**certificate.content, "course": "Leidinggeven aan een ministerie", "hours": "40"}
    Certificate.objects.filter(pk=certificate.pk).update(content=altered)

    response = client.get(certificate.get_absolute_url())

    assert response.status_code == 404
    assert "Leidinggeven aan een ministerie" not in response.content.decode()


def test_verification_of_a_forged_signature_fails(client, bob, bob_attended):
    certificate = services.issue_participation_certificate(bob, bob_attended)
    forged = {**certificate.content, "holder": "Mallory"}
    Certificate.objects.filter(pk=certificate.pk).update(
        content=forged, signature=certificates.sign("another-code", forged)
    )

    assert client.get(certificate.get_absolute_url()).status_code == 404


def test_verification_of_a_revoked_certificate_fails(client, admin_user, bob, bob_attended):
    certificate = services.issue_participation_certificate(bob, bob_attended)
    services.revoke_certificate(admin_user, certificate)

    response = client.get(certificate.get_absolute_url())

    assert response.status_code == 404
    assert "ingetrokken" in response.content.decode()


def test_verification_lookup_redirects_to_the_code(client):
    response = client.get(reverse("impact:verify_lookup") + "?code=abc")

    assert response.status_code == 302
    assert response["Location"] == reverse("impact:verify", args=["abc"])


def test_trainer_statement_lists_what_was_taught(as_alice, alice, bob_attended):
    refresh()

    response = as_alice.post(reverse("impact:trainer_statement"))

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    certificate = Certificate.objects.get(kind=CertificateKind.TRAINER)
    assert (certificate.content["sessions"], certificate.content["participants"]) == (1, 1)
    assert certificate.content["courses"][0]["title"] == "Woo-verzoeken behandelen"
    assert certificates.is_genuine(certificate)


def test_no_trainer_statement_without_sessions_given(as_bob):
    assert as_bob.post(reverse("impact:trainer_statement")).status_code == 403


def test_issued_certificate_downloads_again_for_its_holder_only(client, bob, carol, bob_attended):
    certificate = services.issue_participation_certificate(bob, bob_attended)
    url = reverse("impact:certificate_pdf", args=[certificate.code])

    client.force_login(carol)
    refused = client.get(url)
    client.force_login(bob)
    allowed = client.get(url)

    assert (refused.status_code, allowed.status_code) == (404, 200)


def test_pdf_without_a_unicode_font_approximates_other_characters():
    assert certificates._plain("Łukasz – Zoë € 5") == "Lukasz - Zoë EUR 5"
