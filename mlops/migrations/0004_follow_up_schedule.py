from django.db import migrations


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Hourly at :15: follow-ups go out a few days after a check, spread through the day.
    schedule, _ = CrontabSchedule.objects.get_or_create(minute="15", hour="*", day_of_week="*", day_of_month="*",
                                                        month_of_year="*", timezone="UTC")
    PeriodicTask.objects.update_or_create(name="Outcome follow-up e-mails",
                                          defaults={"task": "feedback.send_follow_ups", "crontab": schedule})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Outcome follow-up e-mails").delete()


class Migration(migrations.Migration):
    dependencies = [("mlops", "0003_beat_schedules")]
    operations = [migrations.RunPython(create, remove)]
