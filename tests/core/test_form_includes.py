"""The shared form field and error summary templates: labels, descriptions and errors tied to their control."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string


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


def test_field_puts_a_single_checkbox_inside_its_label():
    html = _field(ExampleForm(), "findable")

    label_start = html.index('<label class="utrecht-form-label utrecht-form-label--checkbox" for="id_findable">')
    assert label_start < html.index('type="checkbox"') < html.index("</label>")
    assert 'aria-describedby="id_findable_helptext"' in html


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
