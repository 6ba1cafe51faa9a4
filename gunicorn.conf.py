"""gunicorn settings; every value can be overridden from the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two cores: two sync workers with a few threads each keep p99 low without oversubscribing.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
# Load the app once in the master: a recycled worker starts at once and shares library memory.
preload_app = True
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None
