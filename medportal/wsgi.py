"""WSGI entry point; production processes set DJANGO_SETTINGS_MODULE explicitly."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medportal.settings.dev")
application = get_wsgi_application()
