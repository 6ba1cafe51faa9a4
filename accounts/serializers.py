"""API input and output shapes for accounts: tokens, the health profile and consent."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .forms import HealthProfileForm
from .models import AgeBand, Pregnancy, Sex

_FORM_FIELDS = HealthProfileForm.base_fields


class TokenObtainInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_('Send as the header "Authorization: Token <token>".'))


def _words(name: str):
    # The page takes one comma-separated text box per list; its length limit applies to the words joined.
    return serializers.ListField(
        child=serializers.CharField(max_length=_FORM_FIELDS[name].max_length),
        required=False,
        help_text=_FORM_FIELDS[name].help_text,
    )


class HealthProfileInputSerializer(serializers.Serializer):
    """Typed JSON in; the rules themselves are the website form's (HealthProfileForm), run in
    ``validate`` so the API and the profile page can never disagree."""

    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=[("", _("Prefer not to say")), *Sex.choices], required=False)
    pregnancy = serializers.ChoiceField(
        choices=Pregnancy.choices,
        required=False,
        help_text=_("Only yes/unsure with sex f; stored as na for anyone else."),
    )
    allergies = _words("allergies")
    conditions = _words("conditions")
    medications = _words("medications")
    height_cm = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=_FORM_FIELDS["height_cm"].min_value,
        max_value=_FORM_FIELDS["height_cm"].max_value,
    )
    weight_kg = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=_FORM_FIELDS["weight_kg"].min_value,
        max_value=_FORM_FIELDS["weight_kg"].max_value,
    )

    def validate(self, attrs):
        def text(value):
            return "" if value is None else str(value)

        dob = attrs.get("date_of_birth")
        form = HealthProfileForm(
            data={
                "date_of_birth": dob.isoformat() if dob else "",
                "sex": attrs.get("sex", ""),
                "pregnancy": attrs.get("pregnancy", ""),
                "allergies": ", ".join(attrs.get("allergies", [])),
                "conditions": ", ".join(attrs.get("conditions", [])),
                "medications": ", ".join(attrs.get("medications", [])),
                "height_cm": text(attrs.get("height_cm")),
                "weight_kg": text(attrs.get("weight_kg")),
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
                    for name, messages in form.errors.items()
                }
            )
        return form.cleaned_data


class HealthProfileReplaceSerializer(HealthProfileInputSerializer):
    """PUT: every field must be sent (null or [] clears one), so a client that sends only what it
    changed cannot silently wipe the allergies it left out; PATCH changes some fields only."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = True
            field.error_messages["required"] = _(
                "Send every field with PUT (null or an empty list clears one), or use PATCH to change only some."
            )
        return fields


class HealthProfileOutputSerializer(serializers.Serializer):
    date_of_birth = serializers.DateField(allow_null=True)
    sex = serializers.ChoiceField(choices=[("", _("Prefer not to say")), *Sex.choices])
    pregnancy = serializers.ChoiceField(choices=Pregnancy.choices)
    allergies = serializers.ListField(child=serializers.CharField())
    conditions = serializers.ListField(child=serializers.CharField())
    medications = serializers.ListField(child=serializers.CharField())
    height_cm = serializers.IntegerField(allow_null=True)
    weight_kg = serializers.IntegerField(allow_null=True)
    age_band = serializers.ChoiceField(
        choices=AgeBand.choices, help_text=_("Derived from the date of birth.")
    )
    training_consent = serializers.BooleanField()
    training_consent_at = serializers.DateTimeField(allow_null=True)


class ConsentInputSerializer(serializers.Serializer):
    granted = serializers.BooleanField(
        help_text=_("True lets your anonymised checks help train the models; false withdraws it.")
    )


class ConsentOutputSerializer(serializers.Serializer):
    training_consent = serializers.BooleanField()
    training_consent_at = serializers.DateTimeField(allow_null=True)
