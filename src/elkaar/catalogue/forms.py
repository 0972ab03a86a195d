"""Forms of the catalogue pages: filtering, offering and editing courses, sessions, co-trainers.

Forms only parse and check input; catalogue.services makes every change.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import Organisation, OrganisationKind
from elkaar.catalogue.models import Audience, Course, CourseFormat, CourseLevel, Programme, Session
from elkaar.catalogue.services import SessionData
from elkaar.core.models import Topic

AMSTERDAM = ZoneInfo(settings.TIME_ZONE)

# Service field names that belong to a form field of another name (for errors raised by the services).
SESSION_ERROR_FIELDS = {"starts_at": "date", "ends_at": "end_time", "__all__": None}


def local_moment(day: date, at: time) -> datetime:
    """The moment `at` o'clock on `day` in Dutch local time (whole minutes)."""
    return datetime.combine(day, at.replace(second=0, microsecond=0), tzinfo=AMSTERDAM)


def style_widgets(form: forms.BaseForm) -> None:
    """Give every widget the NL Design System (Utrecht) class for its kind of input."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            css = "utrecht-checkbox utrecht-checkbox--html-input"
        elif isinstance(widget, forms.RadioSelect):
            css = "utrecht-radio-button utrecht-radio-button--html-input"
        elif isinstance(widget, forms.CheckboxInput):
            css = "utrecht-checkbox utrecht-checkbox--html-input"
        elif isinstance(widget, forms.Select):
            css = "utrecht-select utrecht-select--html-select"
        elif isinstance(widget, forms.Textarea):
            css = "utrecht-textarea utrecht-textarea--html-textarea"
        else:
            css = "utrecht-textbox utrecht-textbox--html-input"
        widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()


def add_service_errors(error: ValidationError, forms_by_field: list[tuple[forms.BaseForm, dict[str, str | None]]]):
    """Put the errors a service raised next to the fields they are about; the rest at the top of the first form.

    `forms_by_field` lists each form with a mapping from service field names to its own field names.
    """
    first_form = forms_by_field[0][0]
    if not hasattr(error, "error_dict"):
        first_form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        for form, mapping in forms_by_field:
            target = mapping.get(name, name)
            if target in form.fields:
                form.add_error(target, messages)
                break
        else:
            first_form.add_error(None, messages)


class TopicChoiceField(forms.ModelMultipleChoiceField):
    """Topics shown in the language of the page."""

    def label_from_instance(self, obj) -> str:
        return obj.display_name(get_language() or "nl")


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        if obj.requires_approval:
            return str(_("%(name)s (nieuwe cursussen eerst goedgekeurd door de programmamanager)") % {"name": obj.name})
        return obj.name


class CourseForm(forms.ModelForm):
    """Everything about a course. Editing uses it as is; offering (OfferForm) makes a few fields optional."""

    topics = TopicChoiceField(
        label=_("Onderwerpen"),
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies één of meer onderwerpen, zodat collega's je cursus vinden."),
        error_messages={"required": _("Kies minstens één onderwerp.")},
    )
    format = forms.ChoiceField(label=_("Vorm"), choices=CourseFormat.choices)
    language = forms.ChoiceField(label=_("Taal"), choices=[("nl", "Nederlands"), ("en", "English")])
    level = forms.ChoiceField(label=_("Niveau"), choices=CourseLevel.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duur van een bijeenkomst in minuten"), min_value=5, max_value=24 * 60
    )
    group_size = forms.IntegerField(
        label=_("Standaard groepsgrootte"),
        min_value=1,
        max_value=1000,
        help_text=_("Het aantal plaatsen dat een nieuwe bijeenkomst krijgt als je niets anders kiest."),
    )
    audience = forms.ChoiceField(
        label=_("Voor wie is de cursus?"), choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.ALL
    )
    audience_kinds = forms.MultipleChoiceField(
        label=_("Welke soorten organisaties?"),
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Alleen nodig als je hierboven 'Gekozen soorten organisaties' kiest."),
    )
    programme = ProgrammeChoiceField(
        label=_("Programma"),
        queryset=Programme.objects.order_by("name"),
        required=False,
        empty_label=_("Geen programma"),
        help_text=_("Hoort je cursus bij een programma, zoals 'Sociaal domein'? Dan vinden collega's hem ook daar."),
    )

    class Meta:
        model = Course
        fields = [
            "title", "summary", "description", "topics", "format", "language", "level", "duration_minutes",
            "group_size", "audience", "audience_kinds", "prerequisites", "what_to_bring", "programme",
        ]  # fmt: skip
        labels = {
            "title": _("Titel"),
            "summary": _("Samenvatting in één zin"),
            "description": _("Omschrijving"),
            "prerequisites": _("Voorkennis"),
            "what_to_bring": _("Wat neem je mee?"),
        }
        help_texts = {
            "title": _("Kort en duidelijk, bijvoorbeeld: 'Woo-verzoeken op tijd beantwoorden'."),
            "summary": _("Wat leren collega's? Dit staat in de catalogus onder de titel."),
            "description": _(
                "Vertel wat deelnemers leren en hoe de bijeenkomst gaat. Je kunt Markdown gebruiken: "
                "**vet**, *schuin*, een regel die begint met '- ' voor een opsomming, ## voor een kopje en "
                "[tekst](https://voorbeeld.nl) voor een link."
            ),
            "prerequisites": _("Wat moeten deelnemers al weten of kunnen? Leeg laten als er niets nodig is."),
            "what_to_bring": _("Bijvoorbeeld: een laptop, of een eigen casus."),
        }
        widgets = {
            "summary": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 12}),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "what_to_bring": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("group_size", 15)
        style_widgets(self)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("audience") == Audience.KINDS:
            if not cleaned.get("audience_kinds"):
                self.add_error("audience_kinds", _("Kies minstens één soort organisatie."))
        else:
            cleaned["audience_kinds"] = []
        return cleaned

    def course_fields(self) -> dict:
        """The cleaned values as keyword arguments for the course services (topics apart)."""
        names = [name for name in self.Meta.fields if name != "topics"]
        values = {name: self.cleaned_data.get(name) for name in names}
        for name in ("format", "duration_minutes", "group_size"):
            if values[name] in ("", None):
                values[name] = None  # take the default
        return values

    def topic_list(self) -> list[Topic]:
        return list(self.cleaned_data["topics"])


class OfferForm(CourseForm):
    """The short form for a new course: only title, summary, description and topics must be filled in here."""

    format = forms.ChoiceField(
        label=_("Vorm"),
        choices=[("", _("Vanzelf, volgens de eerste bijeenkomst")), *CourseFormat.choices],
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label=_("Duur van een bijeenkomst in minuten"),
        min_value=5,
        max_value=24 * 60,
        required=False,
        help_text=_("Leeg laten: de duur van de eerste bijeenkomst."),
    )


class SessionForm(forms.Form):
    """Date, times, place or link, and places of one session. Times are Dutch local time (Europe/Amsterdam)."""

    date = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Dag-maand-jaar, bijvoorbeeld 31-01-2027."),
    )
    start_time = forms.TimeField(label=_("Begintijd"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("Eindtijd"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    location = forms.CharField(
        label=_("Plaats"),
        max_length=300,
        required=False,
        help_text=_("Adres en zaal. Leeg laten als de bijeenkomst alleen online is."),
    )
    online_url = forms.URLField(
        label=_("Link voor online deelname"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("Alleen wie zich aanmeldt, ziet deze link. Leeg laten als de bijeenkomst alleen op locatie is."),
    )
    capacity = forms.IntegerField(label=_("Aantal plaatsen"), min_value=1, max_value=1000, required=False)

    def __init__(self, *args, session: Session | None = None, default_capacity: int | None = None, **kwargs):
        self.session = session
        if session is not None and not kwargs.get("initial"):
            starts, ends = (
                timezone.localtime(session.starts_at, AMSTERDAM),
                timezone.localtime(session.ends_at, AMSTERDAM),
            )
            kwargs["initial"] = {
                "date": starts.date(),
                "start_time": starts.time().replace(second=0, microsecond=0),
                "end_time": ends.time().replace(second=0, microsecond=0),
                "location": session.location,
                "online_url": session.online_url,
                "capacity": session.capacity,
            }
        super().__init__(*args, **kwargs)
        capacity = self.fields["capacity"]
        if session is not None:
            capacity.required = True
        elif default_capacity is not None:
            capacity.help_text = ngettext(
                "Leeg laten: %(count)d plaats, de standaard groepsgrootte van de cursus.",
                "Leeg laten: %(count)d plaatsen, de standaard groepsgrootte van de cursus.",
                default_capacity,
            ) % {"count": default_capacity}
        else:
            capacity.help_text = _(
                "Leeg laten: de standaard groepsgrootte (15, of wat je bij 'Meer instellingen' kiest)."
            )
        style_widgets(self)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        no_place = not (cleaned.get("location") or "").strip() and not cleaned.get("online_url")
        if no_place and "location" not in self.errors and "online_url" not in self.errors:
            self.add_error("location", _("Vul een plaats of een link voor online deelname in (of allebei)."))
        if day is None or start is None or end is None:
            return cleaned
        starts_at, ends_at = local_moment(day, start), local_moment(day, end)
        if ends_at <= starts_at:
            self.add_error("end_time", _("De eindtijd moet na de begintijd liggen."))
        moved = self.session is None or starts_at != self.session.starts_at
        if moved and starts_at < timezone.now():
            self.add_error("date", _("Kies een moment in de toekomst."))
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        return cleaned

    def session_data(self) -> SessionData:
        cleaned = self.cleaned_data
        return SessionData(
            starts_at=cleaned["starts_at"],
            ends_at=cleaned["ends_at"],
            capacity=cleaned.get("capacity"),
            location=(cleaned.get("location") or "").strip(),
            online_url=cleaned.get("online_url") or "",
        )


class InviteTrainerForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres van je collega"),
        help_text=_("Je collega krijgt een e-mail met een link om mee te doen als trainer."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters, read from GET parameters. An invalid value is reported and that filter ignored.
    Words are not among them: the site's search box (and /cursussen/?q=) leads to the search page."""

    topic = forms.ModelChoiceField(
        label=_("Onderwerp"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle onderwerpen"),
    )
    format = forms.ChoiceField(label=_("Vorm"), choices=[("", _("Alle vormen")), *CourseFormat.choices], required=False)
    kind = forms.ChoiceField(
        label=_("Soort organisatie"),
        choices=[("", _("Alle soorten")), *OrganisationKind.choices],
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle organisaties"),
    )
    date_from = forms.DateField(
        label=_("Bijeenkomst vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Bijeenkomst tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    # The date fields are called "from" and "to" in the address; those are keywords in Python.
    RENAMED = {"date_from": "from", "date_to": "to"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {self.RENAMED.get(name, name): field for name, field in self.fields.items()}
        style_widgets(self)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("Deze datum ligt voor de datum 'vanaf'."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters; a field with an error counts as not filled in."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }

    @staticmethod
    def range_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
        """Start of the first day and start of the day after the last, in Dutch local time."""
        lower = datetime.combine(start, time(0), tzinfo=AMSTERDAM) if start else None
        upper = datetime.combine(end + timedelta(days=1), time(0), tzinfo=AMSTERDAM) if end else None
        return lower, upper
