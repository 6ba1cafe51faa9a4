"""gunicorn settings; every value can be overridden from the environment."""

import ctypes
import ctypes.util
import gc
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two cores: four processes of two threads. A check is mostly CPU under the GIL, so more threads
# per process queue behind each other (p99 at concurrency 8 over three runs of benchmarks/load.py:
# 2 x 4 103-170 ms, 4 x 2 113-138 ms). Scale workers with cores (about 2 per core).
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
# Load the app once in the master: a recycled worker starts at once and shares library memory.
preload_app = True
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None
# The path only (%(U)s), never the query string: %(r)s would log "/api/v1/symptoms/autocomplete/
# ?q=suicidal+thoughts". No referer (it carries the previous page's URL) and no user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def _scrub(text: str) -> str:
    """A URL without its query string and with one-time keys in the path (password reset, e-mail
    confirmation) replaced, by the same rules as the application's logs (audit.redaction)."""
    text = text.split("?", 1)[0]
    try:
        from audit.redaction import redact_text
    except ImportError:  # the Flask baseline of benchmarks/load.py shares this file
        return text
    return redact_text(text)


class RedactingLogger(Logger):
    """Every access-log field that can hold a URL is scrubbed, whatever access_log_format says."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _scrub(atoms["U"] or "")
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        atoms["q"] = "-"
        atoms["f"] = _scrub(atoms["f"]) if atoms["f"] != "-" else "-"
        for name in ("{authorization}i", "{cookie}i", "{set-cookie}o", "{x-health-token}i"):
            if name in atoms:
                atoms[name] = "[redacted]"
        return atoms


logger_class = RedactingLogger


def when_ready(server):
    """Load the knowledge snapshot, the champion model and the word lists that reading a check
    needs in the master, before the workers fork: they start with them in shared (copy-on-write)
    memory instead of each loading them on its first request (a recycled worker too). If the
    database is not reachable yet, the workers load the model lazily as before. (The load
    benchmark's Flask baseline shares this file: no Django there, nothing to do.)"""
    from django.conf import settings

    if not settings.configured:
        return
    from django.db import connections

    try:
        try:
            from diagnosis.engine.complaints import forget_term_caches
            from diagnosis.engine.predictor import current_model
            from diagnosis.selectors import current_snapshot

            model = current_model(current_snapshot())
            forget_term_caches()  # only building the catalogue needed them
            server.log.info("preloaded model %s", model.label)
        except Exception as exc:  # never stop the server for a warm-up
            server.log.warning(
                "model not preloaded (%s: %s); workers load it on first use", type(exc).__name__, exc
            )
        try:
            from diagnosis.engine.knowledge import warm_reading

            warm_reading()
        except Exception as exc:  # never stop the server for a warm-up
            server.log.warning("word lists not preloaded (%s: %s)", type(exc).__name__, exc)
        try:
            _load_urls()
        except Exception as exc:  # never stop the server for a warm-up
            server.log.warning("URLs not preloaded (%s: %s)", type(exc).__name__, exc)
    finally:
        connections.close_all()  # no database socket may be shared by forked workers
        _freeze_heap(server)


def _load_urls() -> None:
    """Django imports the URL configuration, and with it every view module, on a process's first
    request: about 120 CPU ms in every new or recycled worker (its first check cost ~160 ms of CPU
    instead of ~13). Done once in the master, the workers share it."""
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URL modules and their views
    resolver.reverse_dict  # noqa: B018 - builds the reverse look-up tables


def _freeze_heap(server) -> None:
    """Move every object the master holds (the app, the knowledge snapshot, the model, the word
    lists: ~470,000 objects) into the garbage collector's permanent generation before forking.
    Otherwise each worker's full collections walk all of them: about 0.7 CPU ms per check on
    average (two ~220 ms pauses per 600 checks, which also land in the p99), and writing the
    collector's bookkeeping into those objects copies the shared pages into every worker."""
    gc.collect()
    gc.freeze()
    server.log.info("%d objects frozen before forking", gc.get_freeze_count())
    _trim_heap(server)


def _trim_heap(server) -> None:
    """Hand the heap pages that building the snapshot and word lists used and freed back to the
    operating system before forking: otherwise every worker inherits them as resident memory."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError) as exc:  # not glibc: nothing to trim
        server.log.info("heap not trimmed (%s)", exc)


def pre_fork(server, worker):
    """A worker forked later (after max_requests) gets the same frozen heap, plus whatever the
    master has allocated since."""
    gc.freeze()
