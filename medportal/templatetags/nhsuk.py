"""Template helpers for the NHS.UK design system (static/vendor/nhsuk/, built from nhsuk-frontend).

Django's widgets render bare inputs; the design system styles them by class. ``nhsuk_widget`` adds
the component's class (and its error modifier) when a field is written out, so forms stay plain
Django forms and allauth's forms get the same look without being subclassed.
"""

from django import template
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

# Widget class -> (design-system class, its error modifier). Checked in order: subclasses first.
_CLASSES: list[tuple[type[widgets.Widget], str, str]] = [
    (widgets.CheckboxInput, "nhsuk-checkboxes__input", ""),
    (widgets.Select, "nhsuk-select", "nhsuk-select--error"),
    (widgets.Textarea, "nhsuk-textarea", "nhsuk-textarea--error"),
    (widgets.Input, "nhsuk-input", "nhsuk-input--error"),
]

# TriageLevel value -> nhsuk tag colour. Anything else (an unclear or missing level) is grey, never
# the green of self-care.
_TRIAGE_TAG = {"emergency": "red", "urgent": "orange", "gp": "yellow", "self_care": "green"}


@register.filter
def nhsuk_widget(field: BoundField) -> SafeString:
    """The field's widget with the design system's class added to any class it already has."""
    for widget_type, css, error_css in _CLASSES:
        if isinstance(field.field.widget, widget_type):
            classes = [field.field.widget.attrs.get("class", ""), css]
            if field.errors and error_css:
                classes.append(error_css)
            return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})
    return field.as_widget()


@register.filter
def triage_tag_colour(level: str | None) -> str:
    """The nhsuk tag modifier for an urgency level (grey when the level is not a known one)."""
    return "nhsuk-tag--" + _TRIAGE_TAG.get(str(level or ""), "grey")
