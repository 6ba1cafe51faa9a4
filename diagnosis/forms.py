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
    subject_for = forms.ChoiceField(
        label=_("Who is this check for?"),
        choices=[("me", _("Me")), ("child", _("My child")), ("other", _("Someone else"))],
        initial="me",
        required=False,
        widget=forms.RadioSelect,
    )
    # nhsuk-input--width-3: a box as wide as the answer (a design-system class, no own CSS).
    age_years = forms.IntegerField(
        label=_("Their age in years"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    age_months = forms.IntegerField(
        label=_("Or, for a baby under 2, age in months"),
        required=False,
        min_value=0,
        max_value=23,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    sex = forms.ChoiceField(
        label=_("Their sex"),
        choices=[("", _("Prefer not to say")), ("f", _("Female")), ("m", _("Male"))],
        required=False,
    )
    pregnant = forms.ChoiceField(
        label=_("Pregnant?"),
        choices=[("", _("Not asked / no")), ("yes", _("Yes")), ("unsure", _("Might be")), ("no", _("No"))],
        required=False,
    )
    breastfeeding = forms.ChoiceField(
        label=_("Breastfeeding?"),
        choices=[("", _("Not asked / no")), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )

    def __init__(self, *args, guest: bool = False, **kwargs):
        """``guest``: a visitor without an account, who has no profile, so age and sex are asked
        (and used) for "Me" too."""
        super().__init__(*args, **kwargs)
        self.guest = guest
        if guest:
            self.fields["age_years"].label = _("Age in years")
            self.fields["sex"].label = _("Sex")

    def subject(self) -> dict:
        """The subject as the check service takes it; "me" keeps the profile's facts (a guest
        has none: their answers here are used)."""
        data = self.cleaned_data
        who = data.get("subject_for") or "me"
        subject = {
            "for": who,
            "pregnant": data.get("pregnant") or "",
            "breastfeeding": data.get("breastfeeding") or "",
        }
        if who != "me" or self.guest:
            subject.update(
                sex=data.get("sex") or "", age_years=data.get("age_years"), age_months=data.get("age_months")
            )
            if data.get("age_months") is not None:
                subject["age_years"] = None
        return subject


class AnswerForm(forms.Form):
    symptom = forms.CharField(max_length=80)
    answer = forms.ChoiceField(choices=list(ANSWER_LABELS.items()))
