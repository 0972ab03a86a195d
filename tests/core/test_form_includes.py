"""The shared form field and error summary templates: labels, descriptions and errors tied to their control."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


class ExampleForm(forms.Form):
    title = forms.CharField(label="Titel", help_text="Kort en duidelijk.")
    bio = forms.CharField(label="Korte bio", required=False, widget=forms.Textarea)
    topics = forms.MultipleChoiceField(
        label="Onderwerpen", choices=[("a", "Archief"), ("b", "Begroting")], widget=forms.CheckboxSelectMultiple
    )
    findable = forms.BooleanField(label="Vindbaar als expert", required=False, help_text="Je kunt dit uitzetten.")


def _field(form: forms.Form, name: str) -> str:
    return render_to_string("core/includes/field.html", {"field": form[name]})


def test_field_ties_label_description_and_error_to_the_input():
    form = ExampleForm(data={"title": ""})
    form.is_valid()

    html = _field(form, "title")

    assert '<label class="utrecht-form-label" for="id_title">Titel</label>' in html
    assert 'id="id_title_helptext"' in html
    assert 'id="id_title_error"' in html
    assert 'aria-describedby="id_title_helptext id_title_error"' in html
    assert 'aria-invalid="true"' in html
    assert "utrecht-form-field--invalid" in html


def test_field_marks_optional_fields_and_shows_no_error_before_submitting():
    html = _field(ExampleForm(), "bio")

    assert "(niet verplicht)" in html
    assert "utrecht-form-field--invalid" not in html
    assert "aria-invalid" not in html


def test_field_renders_a_checkbox_group_as_a_fieldset_with_legend():
    html = _field(ExampleForm(), "topics")

    assert "<fieldset" in html
    assert 'utrecht-form-fieldset__legend--html-legend">Onderwerpen</legend>' in html
    assert html.count('type="checkbox"') == 2


def test_field_puts_a_single_checkbox_before_its_label_with_description_and_error():
    form = ExampleForm(data={"title": "Woo", "topics": ["a"], "findable": "on"})
    form.add_error("findable", "Eerst een onderwerp kiezen.")

    html = _field(form, "findable")

    label = 'utrecht-form-label--checkbox" for="id_findable">Vindbaar als expert</label>'
    assert html.index('type="checkbox"') < html.index(label)
    assert 'aria-describedby="id_findable_helptext id_findable_error"' in html
    assert 'class="utrecht-checkbox utrecht-checkbox--html-input"' in html
    assert 'id="id_findable_error"' in html


def test_error_summary_links_every_error_to_its_field():
    form = ExampleForm(data={"title": ""})
    form.is_valid()

    html = render_to_string("core/includes/form_errors.html", {"form": form})

    assert 'role="alert"' in html
    assert 'href="#id_title"' in html
    assert 'href="#id_topics_0"' in html


@pytest.mark.parametrize("data", [None, {"title": "Woo in de praktijk", "topics": ["a"]}])
def test_error_summary_is_empty_without_errors(data):
    form = ExampleForm(data=data)
    if data:
        assert form.is_valid()

    html = render_to_string("core/includes/form_errors.html", {"form": form})

    assert html.strip() == ""


class ChoiceForm(forms.Form):
    language = forms.ChoiceField(
        label="Taal", choices=[("nl", "Nederlands"), ("en", "English")], widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label="E-mail",
        required=False,
        widget=forms.EmailInput(
            attrs={"class": "utrecht-textbox utrecht-textbox--html-input", "placeholder": "x@y.nl"}
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput)


def test_field_renders_radio_buttons_with_a_label_per_option():
    html = _field(ChoiceForm(), "language")

    assert html.count('class="utrecht-form-field utrecht-form-field--radio"') == 2
    assert 'class="utrecht-radio-button utrecht-radio-button--html-input" id="id_language_0"' in html
    assert '<label class="utrecht-form-label utrecht-form-label--radio" for="id_language_1">English</label>' in html


def test_field_gives_inputs_their_utrecht_class_once_and_no_placeholder():
    form = ChoiceForm(data={"email": "geen adres"})
    form.is_valid()

    html = _field(form, "email")

    assert 'class="utrecht-textbox utrecht-textbox--html-input utrecht-textbox--invalid"' in html
    assert "placeholder" not in html
    assert 'class="utrecht-textarea utrecht-textarea--html-textarea"' in _field(ExampleForm(), "bio")


def test_filter_forms_can_leave_out_the_optional_mark():
    html = render_to_string("core/includes/field.html", {"field": ExampleForm()["bio"], "hide_optional": True})

    assert "niet verplicht" not in html


def test_field_escapes_help_text_unless_the_form_marked_it_safe():
    form = ExampleForm()
    form.fields["title"].help_text = "<b>vet</b>"
    form.fields["bio"].help_text = mark_safe("<ul><li>Regel</li></ul>")

    assert "&lt;b&gt;vet&lt;/b&gt;" in _field(form, "title")
    assert "<ul><li>Regel</li></ul>" in _field(form, "bio")


def test_error_summary_lists_the_errors_of_several_forms_with_unique_heading_ids():
    first, second = ExampleForm(data={}, prefix="cursus"), ChoiceForm(data={"language": "fr"}, prefix="sessie")
    for form in (first, second):
        form.is_valid()

    html = render_to_string("core/includes/form_errors.html", {"forms": [first, second]})

    assert html.count('role="alert"') == 1
    assert 'aria-labelledby="error-summary-heading-cursus"' in html
    assert 'href="#id_cursus-title"' in html
    assert 'href="#id_sessie-language_0"' in html
    # A hidden field has nothing to link to: its error is listed as text.
    assert "<li>Dit veld is verplicht.</li>" in html
    assert 'href="#id_sessie-token"' not in html
