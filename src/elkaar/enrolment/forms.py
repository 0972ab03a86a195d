"""Forms of the registration pages (trainer tools); the rules themselves live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from elkaar.enrolment.models import Attendance, Registration


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Aantal plaatsen"),
        min_value=1,
        max_value=10_000,
        help_text=_("Meer plaatsen gaan meteen naar de wachtlijst. Minder dan het aantal aanmeldingen kan niet."),
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Onderwerp"), max_length=150)
    body = forms.CharField(
        label=_("Bericht"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Gewone tekst. Antwoorden komen bij jou binnen."),
    )
    include_waiting = forms.BooleanField(label=_("Ook sturen aan wie op de wachtlijst staat"), required=False)


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Deze reden staat in de e-mail aan iedereen die is aangemeld of op de wachtlijst staat."),
    )


class AttendanceForm(forms.Form):
    """One radio group per person with a place; works without JavaScript, big touch targets in the template."""

    CHOICES = [(Attendance.PRESENT, _("Aanwezig")), (Attendance.ABSENT, _("Afwezig"))]

    def __init__(self, *args, registrations: list[Registration], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            self.fields[self.field_name(registration)] = forms.ChoiceField(
                label=registration.user.display_name,
                choices=self.CHOICES,
                required=False,
                initial=registration.attendance if registration.attendance != Attendance.UNKNOWN else None,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(registration: Registration) -> str:
        return f"r{registration.pk}"

    def rows(self) -> list[tuple[Registration, forms.BoundField]]:
        return [(registration, self[self.field_name(registration)]) for registration in self.registrations]

    def marks(self) -> dict[int, str]:
        """The ticked choices by registration id; untouched rows are left out (they keep what they had)."""
        return {
            registration.pk: self.cleaned_data[self.field_name(registration)]
            for registration in self.registrations
            if self.cleaned_data.get(self.field_name(registration))
        }
