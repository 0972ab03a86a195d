"""Render form fields with NL Design System (Utrecht) classes, for our forms and allauth's alike."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

WIDGET_CLASSES = {
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "select": "utrecht-select utrecht-select--html-select",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "radio": "utrecht-radio-button utrecht-radio-button--html-input",
}
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


@register.filter
def utrecht_widget(field: BoundField) -> SafeString:
    """The field's input with the Utrecht class for its kind; Django adds aria-invalid and aria-describedby.

    Placeholders are dropped: the visible label says what to fill in, and placeholder text is easily mistaken
    for a filled-in value.
    """
    css = WIDGET_CLASSES.get(field.widget_type, TEXTBOX)
    existing = field.field.widget.attrs.get("class", "")
    if field.errors:
        css += " utrecht-textbox--invalid" if css == TEXTBOX else ""
    return field.as_widget(attrs={"class": f"{existing} {css}".strip(), "placeholder": False})


@register.filter
def is_choice_list(field: BoundField) -> bool:
    """Checkbox lists and radio buttons: rendered as a fieldset with a legend."""
    return field.widget_type in {"checkboxselectmultiple", "radioselect"}
