"""Forms of the impact pages. They only parse; the services check and change."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elkaar.catalogue.models import Programme
from elkaar.core.models import Topic
from elkaar.impact.stats import DIMENSIONS, Period, parse_period

MONTH_HELP = _("Als JJJJ-MM, bijvoorbeeld 2025-01.")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PeriodForm(forms.Form):
    """The period of a dashboard, as GET parameters `van` and `tot` (whole months)."""

    van = forms.CharField(label=_("Van maand"), required=False, max_length=7, help_text=MONTH_HELP)
    tot = forms.CharField(label=_("Tot en met maand"), required=False, max_length=7, help_text=MONTH_HELP)

    def period(self) -> Period:
        """The period asked for; fields that cannot be read get an error and fall back to the last 12 months."""
        data = self.data if self.is_bound else {}
        period, errors = parse_period(str(data.get("van", "") or ""), str(data.get("tot", "") or ""))
        if self.is_bound:
            self.is_valid()
            for name, message in errors.items():
                self.add_error("van" if name == "from" else "tot", message)
        return period


class NetworkForm(PeriodForm):
    onderwerp = forms.ModelChoiceField(
        label=_("Onderwerp"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle onderwerpen"),
    )
    programma = forms.ModelChoiceField(
        label=_("Programma"),
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle programma's"),
    )


class TotalsForm(PeriodForm):
    per = forms.ChoiceField(
        label=_("Indeling"),
        choices=[
            ("organisation", DIMENSIONS["organisation"]),
            ("kind", DIMENSIONS["kind"]),
            ("programme", DIMENSIONS["programme"]),
            ("site", DIMENSIONS["site"]),
        ],
        required=False,
    )
    tijd = forms.ChoiceField(label=_("Per"), choices=[("year", _("jaar")), ("month", _("maand"))], required=False)


class SiteAssumptionForm(forms.Form):
    valid_from = forms.DateField(label=_("Geldig vanaf"), widget=forms.DateInput(attrs={"type": "date"}))
    external_price_per_hour = forms.DecimalField(
        label=_("Externe prijs per deelnemersuur (€)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Wat een externe trainer per deelnemer per uur zou kosten."),
    )
    internal_hourly_rate = forms.DecimalField(
        label=_("Intern uurtarief (€)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Wat een uur van een collega de werkgever kost (loonkosten)."),
    )
    preparation_hours = forms.DecimalField(
        label=_("Voorbereidingsuren per trainer per bijeenkomst"), min_value=0, max_digits=6, decimal_places=2
    )
    source = forms.CharField(label=_("Bron en onderbouwing"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class PriceAssumptionForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programma"), queryset=Programme.objects.order_by("name"), required=False, empty_label="—"
    )
    topic = forms.ModelChoiceField(
        label=_("Onderwerp"), queryset=Topic.objects.order_by("name"), required=False, empty_label="—"
    )
    valid_from = forms.DateField(label=_("Geldig vanaf"), widget=forms.DateInput(attrs={"type": "date"}))
    external_price_per_hour = forms.DecimalField(
        label=_("Externe prijs per deelnemersuur (€)"), min_value=0, max_digits=10, decimal_places=2
    )
    source = forms.CharField(label=_("Bron en onderbouwing"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean(self):
        cleaned = super().clean() or {}
        if bool(cleaned.get("programme")) == bool(cleaned.get("topic")):
            raise ValidationError(_("Kies een programma of een onderwerp (één van beide)."))
        return cleaned


class TrainerSettingsForm(forms.Form):
    manager_email = forms.EmailField(
        label=_("E-mailadres van je leidinggevende"),
        required=False,
        help_text=_(
            "Bij een mijlpaal (je eerste bijeenkomst, je vijfde, honderd deelnemers, ...) krijgt je leidinggevende "
            "dan ook een bedankje. Laat leeg als je dat niet wilt."
        ),
    )


class EndorseForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Onderwerp"), queryset=Topic.objects.none(), empty_label=None)

    def __init__(self, *args, topics=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(pk__in=[t.pk for t in topics or []]).order_by("name")  # type: ignore[attr-defined]
