"""Render form fields with NL Design System (Utrecht) classes, for our forms and allauth's alike.

Used by core/includes/field.html and core/includes/form_errors.html.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms, template
from django.forms import BoundField
from django.forms.boundfield import BoundWidget
from django.utils.safestring import SafeString

register = template.Library()

TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
CHECKBOX = "utrecht-checkbox utrecht-checkbox--html-input"
RADIO = "utrecht-radio-button utrecht-radio-button--html-input"
SELECT = "utrecht-select utrecht-select--html-select"
TEXTAREA = "utrecht-textarea utrecht-textarea--html-textarea"


def _utrecht_class(widget: forms.Widget) -> str:
    """The Utrecht class for this kind of input; "" for inputs Utrecht has no component for (files, multi-widgets)."""
    # CheckboxSelectMultiple is a RadioSelect, so it is asked first.
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
        return CHECKBOX
    if isinstance(widget, forms.RadioSelect):
        return RADIO
    if isinstance(widget, forms.Select):
        return SELECT
    if isinstance(widget, forms.Textarea):
        return TEXTAREA
    if isinstance(widget, forms.FileInput) or not isinstance(widget, forms.widgets.Input):
        return ""
    return TEXTBOX


def _classes(field: BoundField) -> str:
    """The widget's own classes plus the Utrecht ones it lacks (forms that style their widgets keep one copy)."""
    names = field.field.widget.attrs.get("class", "").split()
    utrecht = _utrecht_class(field.field.widget)
    if utrecht == TEXTBOX and field.errors:
        utrecht += " utrecht-textbox--invalid"
    names += [name for name in utrecht.split() if name not in names]
    return " ".join(names)


@register.filter
def utrecht_widget(field: BoundField) -> SafeString:
    """The field's input with the Utrecht class for its kind; Django adds aria-invalid and aria-describedby.

    Placeholders are dropped: the visible label says what to fill in, and placeholder text is easily mistaken
    for a filled-in value.
    """
    css = _classes(field)
    return field.as_widget(attrs={"class": css, "placeholder": False} if css else {"placeholder": False})


@register.filter
def is_choice_list(field: BoundField) -> bool:
    """Checkbox lists and radio buttons: a fieldset with a legend, one labelled input per option."""
    return isinstance(field.field.widget, forms.RadioSelect)  # CheckboxSelectMultiple included


@register.filter
def option_kind(field: BoundField) -> str:
    """ "checkbox" or "radio": the Utrecht modifier for one option of a choice list."""
    return "checkbox" if isinstance(field.field.widget, forms.CheckboxSelectMultiple) else "radio"


@register.filter
def utrecht_choices(field: BoundField) -> list[BoundWidget]:
    """The options of a checkbox list or radio buttons, each input with the Utrecht class."""
    widget = field.field.widget
    attrs = {"class": _classes(field), "id": widget.attrs.get("id") or field.auto_id}
    options = widget.subwidgets(field.html_name, field.value(), attrs=field.build_widget_attrs(attrs))
    return [BoundWidget(widget, option, field.form.renderer) for option in options]


@register.simple_tag
def forms_with_errors(form: forms.BaseForm | None = None, several: Iterable[forms.BaseForm] | None = None) -> list:
    """The forms that have errors: of `several` when given (a page with several forms), else of `form`."""
    candidates = list(several) if several else [form] if form else []
    return [candidate for candidate in candidates if candidate.errors]
