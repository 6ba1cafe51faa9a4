"""Training cases stop naming a person or a check in clear, and promotions can be overridden.

Existing rows are converted in place: the condition, symptoms and sex are written encrypted, the
exact age becomes an age band, the link to the check becomes a keyed hash of its id (HMAC-SHA256
with a key derived from SECRET_KEY, the same as ``mlops.services.training_check_key``) and the
deduplication fingerprint becomes keyed too (a plain hash of a short symptom list can be reversed
by trying every combination). The new columns are added beside the old ones, filled, and only then
are the old ones dropped, so no plaintext value is ever read through an encrypted field.

Going back restores the old columns as far as the new ones allow: the age becomes the lowest age
of the band and the link to the check cannot be restored (a keyed hash is one-way).
"""

import hashlib
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac

import medportal.encryption

# Frozen copies of mlops.services' key salts and age bands: a migration must not change meaning
# when application code does.
CHECK_KEY_SALT = "mlops.TrainingCase.check_key"
FINGERPRINT_SALT = "mlops.TrainingCase.fingerprint"
BANDS = (("0-11", 0, 11), ("12-17", 12, 17), ("18-39", 18, 39), ("40-64", 40, 64), ("65+", 65, 200))


def _keyed(salt: str, value: str) -> str:
    return salted_hmac(salt, value, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()


def _band(age) -> str:
    if age is None:
        return ""
    return next((label for label, lo, hi in BANDS if lo <= age <= hi), "65+")


def encrypt_rows(apps, schema_editor):
    TrainingCase = apps.get_model("mlops", "TrainingCase")
    Disease = apps.get_model("diagnosis", "Disease")
    slugs = dict(Disease.objects.values_list("pk", "slug"))
    rows = TrainingCase.objects.values_list("pk", "disease_id", "symptoms", "age", "sex", "session_id")
    for pk, disease_id, symptoms, age, sex, session_id in rows.iterator():
        condition = slugs.get(disease_id, "")
        symptoms = sorted(set(symptoms or []))
        band = _band(age)
        case = TrainingCase(pk=pk)
        case.condition = condition
        case.symptoms_encrypted = symptoms
        case.age_band = band
        case.sex_encrypted = sex or ""
        case.check_key = _keyed(CHECK_KEY_SALT, str(session_id)) if session_id else ""
        case.fingerprint = _keyed(FINGERPRINT_SALT, json.dumps([condition, symptoms, band, sex or ""]))
        case.save(
            update_fields=[
                "condition",
                "symptoms_encrypted",
                "age_band",
                "sex_encrypted",
                "check_key",
                "fingerprint",
            ]
        )


def decrypt_rows(apps, schema_editor):
    TrainingCase = apps.get_model("mlops", "TrainingCase")
    Disease = apps.get_model("diagnosis", "Disease")
    ids = dict(Disease.objects.values_list("slug", "pk"))
    lowest = {label: lo for label, lo, _ in BANDS}
    for case in TrainingCase.objects.iterator():
        disease_id = ids.get(case.condition)
        if disease_id is None:  # the old table could not hold a case of an unknown condition
            case.delete()
            continue
        symptoms = list(case.symptoms_encrypted or [])
        TrainingCase.objects.filter(pk=case.pk).update(
            disease_id=disease_id,
            symptoms=symptoms,
            age=lowest.get(case.age_band),
            sex=case.sex_encrypted,
            fingerprint=hashlib.sha256(json.dumps([case.condition, symptoms]).encode()).hexdigest(),
        )


class Migration(migrations.Migration):

    dependencies = [
        ("diagnosis", "0001_initial"),
        ("mlops", "0005_modelversion_replaced"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelversion",
            name="override_reason",
            field=models.TextField(
                blank=True,
                help_text="Set when an administrator promoted this version although a gate refused it: who, and why.",
            ),
        ),
        migrations.AlterField(
            model_name="evaluationcase",
            name="kind",
            field=models.CharField(
                choices=[
                    ("synthetic", "synthetic"),
                    ("red_flag", "red flag"),
                    ("safety", "model-dependent emergency or urgent presentation"),
                ],
                max_length=12,
            ),
        ),
        # The old link to the condition may be empty while going back (it is filled from the
        # encrypted slug before it is required again).
        migrations.AlterField(
            model_name="trainingcase",
            name="disease",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="training_cases",
                to="diagnosis.disease",
            ),
        ),
        # New columns beside the old ones...
        migrations.AddField(
            model_name="trainingcase",
            name="condition",
            field=medportal.encryption.EncryptedCharField(
                default="", help_text="Slug of the confirmed or imported condition.", max_length=80
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="trainingcase",
            name="symptoms_encrypted",
            field=medportal.encryption.EncryptedJSONTextField(default=list),
        ),
        migrations.AddField(
            model_name="trainingcase",
            name="age_band",
            field=medportal.encryption.EncryptedCharField(blank=True, default="", max_length=8),
        ),
        migrations.AddField(
            model_name="trainingcase",
            name="sex_encrypted",
            field=medportal.encryption.EncryptedCharField(blank=True, default="", max_length=1),
        ),
        migrations.AddField(
            model_name="trainingcase",
            name="check_key",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Keyed hash of the check this case came from; empty for imports and detached cases.",
                max_length=64,
            ),
        ),
        # ...filled from the old ones...
        migrations.RunPython(encrypt_rows, decrypt_rows),
        # ...which then go.
        migrations.RemoveField(model_name="trainingcase", name="session"),
        migrations.RemoveField(model_name="trainingcase", name="disease"),
        migrations.RemoveField(model_name="trainingcase", name="age"),
        migrations.RemoveField(model_name="trainingcase", name="symptoms"),
        migrations.RemoveField(model_name="trainingcase", name="sex"),
        migrations.RenameField(model_name="trainingcase", old_name="symptoms_encrypted", new_name="symptoms"),
        migrations.RenameField(model_name="trainingcase", old_name="sex_encrypted", new_name="sex"),
        migrations.AlterField(
            model_name="trainingcase",
            name="fingerprint",
            field=models.CharField(
                help_text="Keyed hash of label + symptoms + demographics (deduplication).", max_length=64
            ),
        ),
        migrations.AddIndex(
            model_name="trainingcase",
            index=models.Index(fields=["check_key"], name="mlops_train_check_k_365af4_idx"),
        ),
    ]
