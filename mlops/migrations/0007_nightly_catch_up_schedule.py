from django.db import migrations

NAME = "Nightly retrain catch-up"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Hourly at :45: beat loses a slot that falls inside a broker outage; this queues the nightly
    # retrain once if its slot passed without a run (workers also check when they start).
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="45", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": "mlops.nightly_retrain_catch_up", "crontab": schedule, "kwargs": "{}"}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("mlops", "0006_private_training_cases")]
    operations = [migrations.RunPython(create, remove)]
