"""Forms of the feedback pages. They parse and show errors; the rules live in services.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elkaar.catalogue.models import Course, Programme
from elkaar.feedback import services
from elkaar.feedback.models import QuestionKind, ReportDecision, Survey, SurveyQuestion

TEXTAREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 4}
TEXTBOX = {"class": "utrecht-textbox utrecht-textbox--html-input"}


def add_service_errors(form: forms.Form, error: ValidationError, names: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names, else at the top."""
    names = names or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = names.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _star_choices() -> list[tuple[int, str]]:
    return [
        (stars, ngettext("%(count)s ster", "%(count)s sterren", stars) % {"count": stars}) for stars in range(5, 0, -1)
    ]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Hoeveel sterren geef je de cursus?"),
        coerce=int,
        choices=_star_choices,
        widget=forms.RadioSelect,
        help_text=_("5 sterren is uitstekend, 1 ster is slecht."),
    )
    text = forms.CharField(
        label=_("Wat vond je ervan?"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("Je naam staat er niet bij: alleen de trainers en beheerders zien wie het schreef."),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Jouw reactie als trainer"),
        max_length=services.MAX_TEXT,
        required=False,
        widget=forms.Textarea(TEXTAREA),
        help_text=_(
            "Iedereen die de cursus bekijkt, ziet je reactie. Maak het veld leeg om je reactie te verwijderen."
        ),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom hoort deze beoordeling hier niet?"),
        max_length=2000,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("Een beheerder bekijkt je melding. De schrijver ziet niet wie meldde."),
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(label=_("Besluit"), choices=ReportDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reden"),
        max_length=2000,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("De schrijver ziet deze reden als de beoordeling verborgen wordt."),
    )


class AskForm(forms.Form):
    text = forms.CharField(
        label=_("Je vraag over deze cursus"),
        max_length=2000,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("De trainers krijgen je vraag per e-mail. Ook collega's kunnen antwoorden."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Je antwoord"), max_length=services.MAX_TEXT, widget=forms.Textarea(TEXTAREA))


# --- Answering a survey -------------------------------------------------------------------------------------------


def field_name(question: SurveyQuestion) -> str:
    return f"q{question.pk}"


class SurveyForm(forms.Form):
    """One field per question; the service checks the answers again (ranges, options, required)."""

    def __init__(self, survey: Survey, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for question in self.questions:
            self.fields[field_name(question)] = self._field(question)

    @staticmethod
    def _field(question: SurveyQuestion) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.display_text,
            "required": question.required,
            "help_text": question.display_help,
        }
        kind = question.kind
        if kind == QuestionKind.SCALE:
            choices = []
            for value in question.scale_values:
                label = str(value)
                if value == question.minimum and question.display_min_label:
                    label = f"{value} – {question.display_min_label}"
                elif value == question.maximum and question.display_max_label:
                    label = f"{value} – {question.display_max_label}"
                choices.append((str(value), label))
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs={"class": "scale"}), **common)
        if kind == QuestionKind.SINGLE:
            choices = [(choice, question.display_choice(choice)) for choice in question.choices]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if kind == QuestionKind.MULTIPLE:
            choices = [(choice, question.display_choice(choice)) for choice in question.choices]
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        if kind == QuestionKind.NUMBER:
            return forms.DecimalField(
                min_value=question.minimum,
                max_value=question.maximum,
                max_digits=12,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput({**TEXTBOX, "inputmode": "decimal"}),
                **common,
            )
        return forms.CharField(max_length=services.MAX_TEXT, widget=forms.Textarea(TEXTAREA), **common)

    def answers(self) -> dict[int, Any]:
        """The cleaned answers by question id, as services.submit_response takes them."""
        result: dict[int, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if question.kind == QuestionKind.SCALE and value not in (None, ""):
                value = int(value)
            if isinstance(value, Decimal):
                value = str(value)
            result[question.pk] = value
        return result


# --- Editing questionnaires ---------------------------------------------------------------------------------------


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort vraag"), choices=QuestionKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Vraag"), max_length=500, widget=forms.TextInput(TEXTBOX))
    help_text = forms.CharField(label=_("Toelichting"), max_length=500, required=False, widget=forms.TextInput(TEXTBOX))
    required = forms.BooleanField(label=_("Verplicht om te beantwoorden"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Keuzes"),
        required=False,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("Bij één keuze of meerdere keuzes: elke keuze op een eigen regel."),
    )
    minimum = forms.IntegerField(
        label=_("Laagste waarde"),
        required=False,
        widget=forms.NumberInput(TEXTBOX),
        help_text=_("Bij een schaal (bijvoorbeeld 1) en eventueel bij een getal."),
    )
    maximum = forms.IntegerField(
        label=_("Hoogste waarde"),
        required=False,
        widget=forms.NumberInput(TEXTBOX),
        help_text=_("Bij een schaal (bijvoorbeeld 5) en eventueel bij een getal."),
    )
    min_label = forms.CharField(
        label=_("Betekenis van de laagste waarde"),
        max_length=100,
        required=False,
        widget=forms.TextInput(TEXTBOX),
        help_text=_("Bij een schaal, bijvoorbeeld ‘helemaal niet’."),
    )
    max_label = forms.CharField(
        label=_("Betekenis van de hoogste waarde"),
        max_length=100,
        required=False,
        widget=forms.TextInput(TEXTBOX),
        help_text=_("Bij een schaal, bijvoorbeeld ‘helemaal wel’."),
    )

    @classmethod
    def for_question(cls, question: SurveyQuestion, data: Any = None) -> QuestionForm:
        initial = {
            "kind": question.kind,
            "text": question.display_text,
            "help_text": question.display_help,
            "required": question.required,
            "choices": "\n".join(question.display_choice(choice) for choice in question.choices),
            "minimum": question.minimum,
            "maximum": question.maximum,
            "min_label": question.display_min_label,
            "max_label": question.display_max_label,
        }
        return cls(data, initial=initial, prefix="question")

    def question_data(self) -> services.QuestionData:
        data = self.cleaned_data
        return services.QuestionData(
            kind=data["kind"],
            text=data["text"],
            help_text=data["help_text"],
            required=data["required"],
            choices=data["choices"].splitlines(),
            minimum=data["minimum"],
            maximum=data["maximum"],
            min_label=data["min_label"],
            max_label=data["max_label"],
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(attrs=TEXTBOX, format="%Y-%m-%d")


class ProgrammeSurveyForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200, widget=forms.TextInput(TEXTBOX))
    intro = forms.CharField(
        label=_("Inleiding"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("Staat boven de vragen: waarom je het vraagt en wat je met de antwoorden doet."),
    )
    anonymous = forms.BooleanField(
        label=_("Anoniem: antwoorden worden zonder naam bewaard"),
        required=False,
        initial=True,
        help_text=_("Resultaten van een anonieme enquête zie je pas als genoeg mensen antwoordden."),
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("Alleen oud-deelnemers van deze cursussen"),
        queryset=Course.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies niets om alle oud-deelnemers van het programma te vragen."),
    )
    audience_from = forms.DateField(
        label=_("Bijeenkomsten vanaf"), required=False, widget=DateInput(), help_text=_("Bijvoorbeeld 2025-01-01.")
    )
    audience_until = forms.DateField(
        label=_("Bijeenkomsten tot en met"), required=False, widget=DateInput(), help_text=_("Bijvoorbeeld 2025-12-31.")
    )
    closes_on = forms.DateField(
        label=_("Antwoorden kan tot en met"),
        required=False,
        widget=DateInput(),
        help_text=_("Laat leeg om open te houden tot je de enquête sluit."),
    )

    def __init__(self, programme: Programme, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = programme.courses.order_by("title")  # type: ignore[attr-defined]

    @classmethod
    def for_survey(cls, survey: Survey, data: Any = None) -> ProgrammeSurveyForm:
        assert survey.programme is not None
        initial = {
            "title": survey.title,
            "intro": survey.intro,
            "anonymous": survey.anonymous,
            "courses": list(survey.audience_courses.all()),
            "audience_from": survey.audience_from,
            "audience_until": survey.audience_until,
            "closes_on": survey.closes_on,
        }
        return cls(survey.programme, data, initial=initial)

    def survey_data(self) -> services.SurveyData:
        data = self.cleaned_data
        return services.SurveyData(
            title=data["title"],
            intro=data["intro"],
            anonymous=data["anonymous"],
            courses=list(data["courses"]),
            audience_from=data["audience_from"],
            audience_until=data["audience_until"],
            closes_on=data["closes_on"],
        )
