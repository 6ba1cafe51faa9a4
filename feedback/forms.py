from django import forms
from django.utils.translation import gettext_lazy as _

from diagnosis.models import Disease, TriageLevel

from .models import CheckFeedback, ItemRating
from .services import MAX_NOTE, OTHER_CONDITION


class ItemRatingForm(forms.Form):
    disease = forms.SlugField(max_length=80)
    item_type = forms.ChoiceField(choices=ItemRating.ItemType.choices)
    item_key = forms.CharField(max_length=80)
    rating = forms.IntegerField(min_value=1, max_value=5)


class CheckFeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("", ""), ("yes", "yes"), ("no", "no")],
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )
    top_correct = forms.ChoiceField(
        choices=[("", "")] + list(CheckFeedback.TopCorrect.choices), required=False
    )
    wants_clinician_review = forms.BooleanField(required=False)


class ReviewCloseForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=[],
        help_text=_(
            "Choosing the check's leading condition confirms it; any other corrects it. "
            "\u201cOther / not listed\u201d: name it in your note; it is never used to train the model."
        ),
    )
    triage = forms.ChoiceField(label=_("Urgency"), choices=TriageLevel.choices)
    note = forms.CharField(
        label=_("Note to the patient"),
        max_length=MAX_NOTE,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown on the patient's check page. Plain language; the patient has not been examined."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per form, so a condition added to the knowledge base is offered at once.
        self.fields["condition"].choices = [
            ("", _("Choose a condition")),
            *Disease.objects.order_by("name").values_list("slug", "name"),
            (OTHER_CONDITION, _("Other / not listed")),
        ]
