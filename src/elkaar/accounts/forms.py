"""Forms of the account pages: sign-up, profile, API tokens."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import Region, User
from elkaar.core.models import Topic

LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English")]
CHECKBOX = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
RADIO = {"class": "utrecht-radio-button utrecht-radio-button--html-input"}


class SignupForm(AllauthSignupForm):
    """Sign-up with name and work e-mail address; the organisation follows from the address."""

    name = forms.CharField(label=_("Je naam"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    field_order = ["name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("Je werk-e-mailadres")
        email.help_text = _(
            "Het adres van je werk bij de overheid, bijvoorbeeld naam@utrecht.nl. Je account komt bij de "
            "organisatie van dat adres."
        )
        email.widget.attrs.pop("placeholder", None)
        self.fields["name"].widget.attrs.pop("placeholder", None)
        self.order_fields(self.field_order)


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:  # type: ignore[override]
        return obj.display_name(get_language() or "nl")


class ProfileForm(forms.Form):
    """What a colleague tells others about themselves. Saved by accounts.services.update_profile."""

    name = forms.CharField(label=_("Naam"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    job_title = forms.CharField(
        label=_("Functie"),
        max_length=150,
        required=False,
        help_text=_("Bijvoorbeeld: beleidsadviseur Wmo."),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    bio = forms.CharField(
        label=_("Korte bio"),
        max_length=2000,
        required=False,
        help_text=_("Een paar zinnen over jezelf en je werk. Gewone tekst, hooguit 2000 tekens."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    region = forms.ChoiceField(label=_("Regio"), required=False, choices=[("", _("Geen keuze")), *Region.choices])
    languages = forms.MultipleChoiceField(
        label=_("Talen waarin je les kunt geven of volgen"),
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )
    expertise_topics = TopicChoiceField(
        label=_("Onderwerpen waar je veel van weet"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )
    expertise_keywords = forms.CharField(
        label=_("Trefwoorden"),
        max_length=500,
        required=False,
        help_text=_("Vrije trefwoorden, gescheiden door komma's. Bijvoorbeeld: Woo-verzoeken, lakken, archiefwet."),
    )
    findable_as_expert = forms.BooleanField(
        label=_("Collega's mogen mij vinden als expert"),
        required=False,
        help_text=_(
            "Zet je dit aan, dan tonen we je onderwerpen en trefwoorden op je profiel en kunnen collega's je vinden "
            "en vragen als ze iemand zoeken die hier iets over weet. Je profiel is dan voor iedereen te zien die de "
            "catalogus bekijkt; je e-mailadres zien alleen ingelogde collega's. Je kunt dit altijd weer uitzetten."
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Taal van de site en de e-mails"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect(attrs=RADIO)
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> ProfileForm:
        initial = {
            "name": user.name,
            "job_title": user.job_title,
            "bio": user.bio,
            "region": user.region,
            "languages": user.language_list(),
            "expertise_topics": list(user.expertise_topics.all()),
            "expertise_keywords": ", ".join(user.keyword_list()),
            "findable_as_expert": user.findable_as_expert,
            "preferred_language": user.preferred_language,
        }
        return cls(data=data, initial=initial)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Vul je naam in."))
        return name

    def clean_expertise_keywords(self) -> list[str]:
        keywords: list[str] = []
        for word in self.cleaned_data["expertise_keywords"].split(","):
            word = " ".join(word.split())
            if word and word.lower() not in {k.lower() for k in keywords}:
                keywords.append(word)
        if len(", ".join(keywords)) > 500:
            raise forms.ValidationError(_("Gebruik samen hooguit 500 tekens aan trefwoorden."))
        return keywords


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Waarvoor gebruik je dit token?"),
        max_length=100,
        help_text=_("Een naam waaraan je het token later herkent, bijvoorbeeld: rapportage-script."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Geef het token een naam."))
        return name
