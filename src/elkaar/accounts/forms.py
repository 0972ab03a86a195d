from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """Sign-up with name and work e-mail address; the organisation follows from the address."""

    name = forms.CharField(label=_("Je naam"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    field_order = ["name", "email", "password1", "password2"]
