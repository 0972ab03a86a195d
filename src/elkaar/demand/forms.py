"""Forms of the knowledge demand pages. Forms only parse and check input; demand.services makes every change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from elkaar.catalogue.forms import TopicChoiceField, style_widgets
from elkaar.core.models import Topic
from elkaar.demand.models import Audience, CloseReason, FormatPreference, KnowledgeRequest, RequestStatus, Timing


class RequestForm(forms.ModelForm):
    """Ask (or change) a knowledge request: what, for whom, when, how."""

    title = forms.CharField(
        label=_("Wat wil je leren?"),
        max_length=200,
        help_text=_("Kort, bijvoorbeeld: 'Woo-verzoeken sneller afhandelen'."),
    )
    description = forms.CharField(
        label=_("Vertel er meer over"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "In gewone woorden: waar loop je tegenaan, wat wil je kunnen, wat weet je al? Hoe beter je het "
            "beschrijft, hoe beter we je aan collega's koppelen die dit kunnen geven."
        ),
    )
    audience = forms.ChoiceField(
        label=_("Voor wie?"), choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.ME
    )
    group_size = forms.IntegerField(
        label=_("Met hoeveel mensen ongeveer?"),
        min_value=1,
        max_value=10_000,
        required=False,
        help_text=_("Alleen nodig voor je team of een groep; jezelf meegeteld."),
    )
    timing = forms.ChoiceField(label=_("Wanneer ongeveer?"), choices=Timing.choices, initial=Timing.ANY)
    format_preference = forms.ChoiceField(
        label=_("Voorkeur voor de vorm"), choices=FormatPreference.choices, required=False
    )
    topics = TopicChoiceField(
        label=_("Onderwerpen"),
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Niet verplicht: helpt collega's je vraag te vinden."),
    )

    class Meta:
        model = KnowledgeRequest
        fields = ["title", "description", "audience", "group_size", "timing", "format_preference", "topics"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        audience = cleaned.get("audience")
        if audience == Audience.ME:
            cleaned["group_size"] = 1
        elif audience in (Audience.TEAM, Audience.GROUP) and not cleaned.get("group_size"):
            self.add_error("group_size", _("Vul in met hoeveel mensen je ongeveer bent."))
        return cleaned

    def request_fields(self) -> dict:
        names = ["title", "description", "audience", "group_size", "timing", "format_preference"]
        return {name: self.cleaned_data.get(name) for name in names}

    def topic_list(self) -> list[Topic]:
        return list(self.cleaned_data.get("topics") or [])


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Waarom sluit je de vraag?"), choices=CloseReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld waar je het antwoord vond; de collega's die 'ik ook' zeiden, lezen mee."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Je reactie"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Een tip, een vraag terug, of 'wij ook, met zes mensen'. Iedereen die is ingelogd, leest mee."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class RequestFilterForm(forms.Form):
    """Filters of the list of requests, read from GET parameters; a bad value is ignored."""

    q = forms.CharField(label=_("Zoekwoorden"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle actieve vragen")), *RequestStatus.choices],
    )
    topic = forms.ModelChoiceField(
        label=_("Onderwerp"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle onderwerpen"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def filters(self) -> dict:
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }


class ExpertSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Waar zoek je een expert in?"),
        required=False,
        max_length=500,
        help_text=_("Een paar woorden of je hele vraag, bijvoorbeeld 'lakken van Woo-documenten'."),
    )
    topic = forms.ModelChoiceField(
        label=_("Onderwerp"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle onderwerpen"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class DigestForm(forms.Form):
    digest = forms.BooleanField(
        label=_("Stuur mij elke week de nieuwe vragen die bij mijn expertise passen"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class OverviewForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Periode"),
        coerce=int,
        choices=[(3, _("Laatste 3 maanden")), (6, _("Laatste 6 maanden")), (12, _("Laatste 12 maanden"))],
        initial=12,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def months_value(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("months") or 12
