from django import forms

from .models import CheckFeedback, ItemRating


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
