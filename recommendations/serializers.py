"""API output shapes for advice (recommendations take no input of their own)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class MedicineOutputSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Use as `item_key` when rating it."))
    name = serializers.CharField()
    rx = serializers.BooleanField(help_text=_("Prescription only."))
    drug_class = serializers.CharField()
    reason = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())
    label = serializers.CharField()


class WithheldOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class AdviceOutputSerializer(serializers.Serializer):
    condition = serializers.CharField()
    condition_slug = serializers.CharField(help_text=_("Use as `condition` when rating."))
    emergency = serializers.BooleanField(help_text=_("True: guidance only, never medicines."))
    emergency_guidance = serializers.CharField(allow_blank=True)
    medicines = MedicineOutputSerializer(many=True)
    withheld = WithheldOutputSerializer(many=True, help_text=_("Left out because of your profile."))
    precautions = serializers.ListField(child=serializers.CharField())
    diet = serializers.ListField(child=serializers.CharField())
    activity = serializers.ListField(child=serializers.CharField())
    unrecognised_profile_words = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Profile words that could not be checked, by profile field."),
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "About the whole list, e.g. that a check for someone else could not use their allergies."
        ),
    )


class CheckRecommendationsOutputSerializer(serializers.Serializer):
    check_id = serializers.IntegerField()
    emergency = serializers.BooleanField()
    notice = serializers.CharField()
    advice = AdviceOutputSerializer(
        many=True, help_text=_("For the leading condition, and the runner-up when close.")
    )
