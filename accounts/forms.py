from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medportal.text import word_list

from .models import Pregnancy, Sex


class ListField(forms.CharField):
    """A comma-separated list typed by a person ("penicillin, peanuts").

    ``max_length`` limits the list as stored (entries joined by ", "): CharField's own validator
    would only count the entries of the cleaned list, so any length of text would pass."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length  # after super(): no MaxLengthValidator on the list
        self.widget.attrs.update(self.widget_attrs(self.widget))

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        # CharField's null-character check runs on the cleaned list, where it sees nothing.
        if "\x00" in text:
            raise forms.ValidationError(
                _("Null characters are not allowed."), code="null_characters_not_allowed"
            )
        words = word_list(text)
        length = len(", ".join(words))
        if length > self.max_length:
            raise forms.ValidationError(
                _("Ensure this list has at most %(limit)d characters (it has %(length)d)."),
                code="max_length",
                params={"limit": self.max_length, "length": length},
            )
        return words


class HealthProfileForm(forms.Form):
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", _("Prefer not to say"))] + list(Sex.choices), required=False
    )
    pregnancy = forms.ChoiceField(
        label=_("Are you pregnant?"),
        choices=Pregnancy.choices,
        required=False,
        initial=Pregnancy.NOT_APPLICABLE,
    )
    allergies = ListField(
        label=_("Allergies"),
        required=False,
        max_length=500,
        help_text=_("Medicines or substances, separated by commas, e.g. penicillin, ibuprofen."),
    )
    conditions = ListField(
        label=_("Long-term conditions"),
        required=False,
        max_length=500,
        help_text=_("For example: asthma, kidney disease, stomach ulcer."),
    )
    medications = ListField(
        label=_("Medicines you take now"),
        required=False,
        max_length=500,
        help_text=_("For example: warfarin, sertraline."),
    )
    height_cm = forms.IntegerField(label=_("Height (cm)"), required=False, min_value=40, max_value=250)
    weight_kg = forms.IntegerField(label=_("Weight (kg)"), required=False, min_value=2, max_value=400)

    def clean_date_of_birth(self):
        dob = self.cleaned_data.get("date_of_birth")
        if dob is None:
            return None
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError(_("Your date of birth cannot be in the future."))
        if dob < date(today.year - 120, 1, 1):
            raise forms.ValidationError(_("Please check the year: that is more than 120 years ago."))
        return dob

    def clean(self):
        data = super().clean()
        pregnancy = data.get("pregnancy") or Pregnancy.NOT_APPLICABLE
        if pregnancy in (Pregnancy.YES, Pregnancy.UNSURE):
            # The service would drop it silently (health_profile_update): say so next to the field.
            if data.get("sex") == Sex.MALE:
                self.add_error(
                    "pregnancy",
                    _(
                        "You chose male as your sex: pregnancy can only be recorded when sex is female. "
                        "Choose “Not applicable”, or change your sex."
                    ),
                )
            elif data.get("sex") != Sex.FEMALE:
                self.add_error(
                    "pregnancy",
                    _(
                        "Pregnancy can only be recorded when sex is female: choose female above, or “Not applicable”."
                    ),
                )
            dob = data.get("date_of_birth")
            if dob:
                age = (timezone.localdate() - dob).days // 365
                if age < 10 or age > 60:
                    self.add_error("pregnancy", _("Please check: pregnancy is unusual at this age."))
        data["pregnancy"] = pregnancy
        return data


class ConsentForm(forms.Form):
    granted = forms.BooleanField(required=False)


class AccountDeleteForm(forms.Form):
    """Deleting an account needs the current password, so an unattended session cannot do it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."), code="wrong_password")
        return password
