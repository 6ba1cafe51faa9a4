"""The one Celery app. Tasks live in each app's tasks.py and stay thin wrappers."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medportal.settings.dev")

app = Celery("medportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
