"""API input and output shapes for symptom checks and symptom autocomplete."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Sex

from .models import SymptomSession, TriageLevel
from .services import ANSWERS, MAX_CHIPS, MAX_TEXT

# --- autocomplete -------------------------------------------------------------------


class AutocompleteQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_("What the person has typed so far; fewer than 2 letters gives no results."),
    )


class SymptomSuggestionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    matched = serializers.CharField(help_text=_("The synonym that matched, when it was not the name."))


class AutocompleteOutputSerializer(serializers.Serializer):
    results = SymptomSuggestionSerializer(many=True)


# --- checks: input ------------------------------------------------------------------


class SubjectInputSerializer(serializers.Serializer):
    """Who the check is about; absent means the account holder, with their profile's facts."""

    YES_NO_UNSURE = [("yes", "yes"), ("no", "no"), ("unsure", "unsure")]

    for_ = serializers.ChoiceField(
        choices=[("me", "me"), ("child", "child"), ("other", "other")], required=False, default="me"
    )
    age_years = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=120)
    age_months = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1440, help_text=_("For babies.")
    )
    sex = serializers.ChoiceField(choices=[("", _("Prefer not to say")), *Sex.choices], required=False)
    pregnant = serializers.ChoiceField(choices=YES_NO_UNSURE, required=False, allow_blank=True)
    breastfeeding = serializers.ChoiceField(choices=YES_NO_UNSURE, required=False, allow_blank=True)

    def to_internal_value(self, data):
        if isinstance(data, dict) and "for" in data:
            data = {**data, "for_": data["for"]}
        value = super().to_internal_value(data)
        value["for"] = value.pop("for_", "me")
        return value


class CheckStartInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text=_('Symptoms in the person\'s own words; negations count ("no fever").'),
    )
    symptoms = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=MAX_CHIPS,
        help_text=_("Symptom names, synonyms or slugs, e.g. from autocomplete."),
    )
    subject = SubjectInputSerializer(
        required=False, help_text=_('Who the check is for: {"for": "child", "age_months": 5, "sex": "f"}.')
    )


class CheckAnswerInputSerializer(serializers.Serializer):
    symptom = serializers.CharField(
        max_length=80, help_text=_("next_question.symptom of the check; a stale one changes nothing.")
    )
    answer = serializers.ChoiceField(choices=ANSWERS)


# --- checks: output -----------------------------------------------------------------


class ConditionOutputSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Use as `condition` when rating advice."))
    name = serializers.CharField()
    icd10 = serializers.CharField()
    probability = serializers.FloatField(min_value=0, max_value=1)
    supporting = serializers.ListField(
        child=serializers.CharField(), help_text=_("Reported symptoms that fit this condition.")
    )
    typical_not_reported = serializers.ListField(
        child=serializers.CharField(), help_text=_("Common symptoms of it that were not mentioned.")
    )
    against = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Symptoms the person does not have that usually come with it."),
    )


class RedFlagOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=TriageLevel.choices)
    instruction = serializers.CharField()
    complaint = serializers.CharField(
        required=False, help_text=_("The presenting complaint this red flag belongs to, if any.")
    )


class ComplaintOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=TriageLevel.choices)
    instruction = serializers.CharField()


class FindingOutputSerializer(serializers.Serializer):
    text = serializers.CharField()
    assertion = serializers.ChoiceField(
        choices=["present", "possible", "negated", "family", "historical", "hypothetical"]
    )


class NextQuestionOutputSerializer(serializers.Serializer):
    symptom = serializers.CharField(help_text=_("Send back as `symptom` with the answer."))
    text = serializers.CharField()
    number = serializers.IntegerField(help_text=_("1 for the first question; there are at most 5."))


class AnswerOutputSerializer(serializers.Serializer):
    symptom = serializers.CharField()
    answer = serializers.ChoiceField(choices=ANSWERS)


class EmergencyOutputSerializer(serializers.Serializer):
    """The call-emergency-services banner: show it above everything else."""

    number = serializers.CharField()
    heading = serializers.CharField()
    instructions = serializers.ListField(child=serializers.CharField())


class CheckOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SymptomSession.Status.choices)
    triage = serializers.ChoiceField(choices=TriageLevel.choices)
    emergency = EmergencyOutputSerializer(allow_null=True, help_text=_("Set only for emergency triage."))
    low_confidence = serializers.BooleanField()
    notice = serializers.CharField(help_text=_("The not-a-diagnosis notice; show it with every result."))
    symptoms = serializers.ListField(child=serializers.CharField(), help_text=_("Recognised symptoms."))
    negated = serializers.ListField(
        child=serializers.CharField(), help_text=_("Symptoms the person does not have.")
    )
    unrecognised = serializers.ListField(child=serializers.CharField(), help_text=_("Words not understood."))
    answers = AnswerOutputSerializer(many=True)
    conditions = ConditionOutputSerializer(many=True)
    red_flags = RedFlagOutputSerializer(many=True)
    next_question = NextQuestionOutputSerializer(allow_null=True)
    model_version = serializers.CharField(help_text=_("The model that produced the result."))
    kb_version = serializers.IntegerField(help_text=_("The knowledge-base version used."))
    in_scope = serializers.BooleanField(
        help_text=_("False when the condition model does not cover what was described (no conditions).")
    )
    complaints = ComplaintOutputSerializer(many=True, help_text=_("Presenting complaints recognised."))
    findings = FindingOutputSerializer(many=True, help_text=_("What was read in the words, and how."))
    safety_net = serializers.ListField(child=serializers.CharField(), help_text=_("Get help now if ..."))
    suggestions = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Did-you-mean symptom names for each unrecognised phrase."),
    )
    prediction_set = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_(
            "Conformal prediction set: condition names, most likely first, that hold the right condition "
            "with probability `coverage` on presentations like the calibration ones. Absent when the "
            "model version has no calibration; more than 4 or none means it cannot be narrowed down."
        ),
    )
    coverage = serializers.FloatField(
        required=False, min_value=0, max_value=1, help_text=_("Target coverage of `prediction_set`.")
    )


class TopConditionOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    icd10 = serializers.CharField()
    probability = serializers.FloatField(min_value=0, max_value=1)


class CheckSummaryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SymptomSession.Status.choices)
    triage = serializers.ChoiceField(choices=TriageLevel.choices)
    low_confidence = serializers.BooleanField()
    top_condition = TopConditionOutputSerializer(allow_null=True)
