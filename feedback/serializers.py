"""API input and output shapes for ratings of advice and feedback on a whole check."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import CheckFeedback, ItemRating


class ItemRatingInputSerializer(serializers.Serializer):
    condition = serializers.SlugField(
        max_length=80, help_text=_("conditions[].slug of this check (advice[].condition_slug).")
    )
    item_type = serializers.ChoiceField(choices=ItemRating.ItemType.choices)
    item_key = serializers.CharField(max_length=80, help_text=_("For a medicine, medicines[].slug."))
    rating = serializers.IntegerField(min_value=1, max_value=5)


class ItemRatingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    condition = serializers.CharField(source="disease.slug")
    item_type = serializers.ChoiceField(choices=ItemRating.ItemType.choices)
    item_key = serializers.CharField()
    rating = serializers.IntegerField(min_value=1, max_value=5)


class CheckFeedbackInputSerializer(serializers.Serializer):
    """Every field is optional; fields left out keep their earlier value."""

    helpful = serializers.BooleanField(required=False, allow_null=True)
    top_correct = serializers.ChoiceField(
        choices=CheckFeedback.TopCorrect.choices,
        required=False,
        help_text=_("Was the top condition right, as far as you know now?"),
    )
    wants_clinician_review = serializers.BooleanField(required=False, allow_null=True)


class CheckFeedbackOutputSerializer(serializers.Serializer):
    helpful = serializers.BooleanField(allow_null=True)
    top_correct = serializers.ChoiceField(
        choices=[("", _("Not answered")), *CheckFeedback.TopCorrect.choices]
    )
    wants_clinician_review = serializers.BooleanField()
