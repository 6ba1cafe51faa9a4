from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import ANSWER_LABELS
from .services import MAX_TEXT


class CheckStartForm(forms.Form):
    text = forms.CharField(
        label=_("How are you feeling?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("e.g. headache and throwing up since yesterday, but no fever")}
        ),
        help_text=_('Describe it in your own words. Say what you do not have too ("no fever").'),
    )
    chips = forms.CharField(required=False, widget=forms.HiddenInput, max_length=3000)


class AnswerForm(forms.Form):
    symptom = forms.CharField(max_length=80)
    answer = forms.ChoiceField(choices=list(ANSWER_LABELS.items()))
