from django.db import migrations

# Each schedule says why it has its cadence; admins edit them in Django admin (DatabaseScheduler).
SCHEDULES = [
    # Nightly at 02:30 UTC: low traffic, and a day's confirmed labels are in.
    ("Nightly retrain", "mlops.retrain", {"minute": "30", "hour": "2"}, '{"trigger": "nightly"}'),
    # Every 10 minutes: cheap count; retrains as soon as enough new confirmed labels exist.
    ("Retrain when enough new labels", "mlops.retrain_if_enough_labels", {"minute": "*/10"}, "{}"),
    # Every minute: publishes tasks that were queued while the broker was down.
    ("Outbox sweep", "mlops.outbox_sweep", {"minute": "*"}, "{}"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, cron, kwargs in SCHEDULES:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=cron.get("minute", "*"), hour=cron.get("hour", "*"), day_of_week="*", day_of_month="*",
            month_of_year="*", timezone="UTC",
        )
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": schedule, "kwargs": kwargs})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("mlops", "0002_evaluationcase_outboxmessage_trainingrun"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
