"""gunicorn's access log writes paths only: no query strings, no one-time keys (gunicorn.conf.py)."""

import gc
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

CONF = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))


@pytest.fixture(autouse=True)
def freezes(monkeypatch):
    """when_ready and pre_fork freeze the heap; here they only record it (a frozen test process
    would keep every object alive for the rest of the run)."""
    calls: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    return calls


def _access_line(path: str, query: str = "", referer: str = "-", fmt: str | None = None) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", fmt or CONF["access_log_format"])
    logger = CONF["logger_class"](cfg)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.access_log.handlers = [handler]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test",
    }
    request = SimpleNamespace(
        headers=[("AUTHORIZATION", "Token abc123secret"), ("COOKIE", "sessionid=s3cr3t")]
    )
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    (record,) = records
    return record.getMessage()


def test_the_format_uses_the_path_not_the_request_line():
    fmt = CONF["access_log_format"]
    assert "%(U)s" in fmt
    assert "%(r)s" not in fmt and "%(q)s" not in fmt and "%(f)s" not in fmt


def test_query_strings_never_reach_the_access_log():
    line = _access_line("/api/v1/symptoms/autocomplete/", "q=suicidal+thoughts")
    assert '"GET /api/v1/symptoms/autocomplete/ HTTP/1.1" 200 512' in line
    assert "suicidal" not in line and "?" not in line


@pytest.mark.parametrize(
    "path, secret",
    [
        ("/accounts/password/reset/key/1-c3m4n5-0a1b2c3d4e5f/", "c3m4n5-0a1b2c3d4e5f"),
        ("/accounts/confirm-email/MQ:1tXyZ:abcdefGHIJ/", "MQ:1tXyZ:abcdefGHIJ"),
    ],
)
def test_one_time_keys_in_paths_are_redacted(path, secret):
    line = _access_line(path)
    assert secret not in line and "[redacted]" in line


def test_a_format_asking_for_the_full_request_line_referer_or_credentials_still_gets_none():
    fmt = '"%(r)s" %(q)s "%(f)s" %({authorization}i)s %({cookie}i)s'
    line = _access_line(
        "/accounts/confirm-email/MQ:1tXyZ:abcdefGHIJ/",
        "next=/check/",
        referer="https://medportal.example/accounts/password/reset/key/1-c3m4n5-0a1b2c3d4e5f/?x=chest+pain",
        fmt=fmt,
    )
    for secret in ("MQ:1tXyZ", "next=", "c3m4n5", "chest", "abc123secret", "s3cr3t"):
        assert secret not in line, secret


def test_the_master_loads_the_word_lists_before_forking(monkeypatch):
    """A new or recycled worker must not spend its first request importing wordfreq and reading
    vocabulary.yaml (several hundred CPU ms): when_ready loads them in the master."""
    from diagnosis import selectors
    from diagnosis.engine import knowledge, predictor

    calls = []
    monkeypatch.setattr(selectors, "current_snapshot", lambda: "snapshot")
    monkeypatch.setattr(predictor, "current_model", lambda snapshot: SimpleNamespace(label="m"))
    monkeypatch.setattr(knowledge, "warm_reading", lambda: calls.append("reading"))
    log = SimpleNamespace(
        info=lambda msg, *a: calls.append("frozen" if "frozen" in msg else "model"),
        warning=lambda *a: calls.append("warning"),
    )
    CONF["when_ready"](SimpleNamespace(log=log))
    assert calls == ["model", "reading", "frozen"]


def test_the_master_freezes_its_heap_before_forking_every_worker(monkeypatch, freezes):
    """The preloaded objects go to the collector's permanent generation after the warm-up, so a
    worker's full collections do not walk them (nor copy their pages); again before a later fork."""
    from diagnosis import selectors
    from diagnosis.engine import knowledge, predictor

    order = []
    monkeypatch.setattr(selectors, "current_snapshot", lambda: order.append("snapshot") or "snapshot")
    monkeypatch.setattr(predictor, "current_model", lambda snapshot: SimpleNamespace(label="m"))
    monkeypatch.setattr(knowledge, "warm_reading", lambda: order.append(f"reading after {len(freezes)}"))
    CONF["when_ready"](SimpleNamespace(log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)))
    assert order == ["snapshot", "reading after 0"]
    assert freezes == ["collect", "freeze"]
    CONF["pre_fork"](SimpleNamespace(), SimpleNamespace())
    assert freezes == ["collect", "freeze", "freeze"]


def test_a_failing_word_list_warm_up_never_stops_the_server(monkeypatch):
    from diagnosis import selectors
    from diagnosis.engine import knowledge, predictor

    warnings = []
    monkeypatch.setattr(selectors, "current_snapshot", lambda: "snapshot")
    monkeypatch.setattr(predictor, "current_model", lambda snapshot: SimpleNamespace(label="m"))
    monkeypatch.setattr(knowledge, "warm_reading", lambda: 1 / 0)
    CONF["when_ready"](
        SimpleNamespace(log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: warnings.append(a)))
    )
    assert warnings and "word lists not preloaded" in warnings[0][0]


def test_warm_reading_loads_wordfreq_and_the_lexicon():
    import sys

    from diagnosis.engine import profile_words
    from diagnosis.engine.knowledge import warm_reading

    profile_words._lexicon_cache = None
    warm_reading()
    assert profile_words._lexicon_cache is not None
    assert "wordfreq" in sys.modules


def _fake_libc(monkeypatch, libc_or_error) -> None:
    def cdll(name):
        if isinstance(libc_or_error, Exception):
            raise libc_or_error
        return libc_or_error

    fake = SimpleNamespace(CDLL=cdll, util=SimpleNamespace(find_library=lambda name: "libc.so.6"))
    monkeypatch.setitem(CONF["when_ready"].__globals__, "ctypes", fake)


def _warm_up_stubbed(monkeypatch) -> None:
    from diagnosis import selectors
    from diagnosis.engine import knowledge, predictor

    monkeypatch.setattr(selectors, "current_snapshot", lambda: "snapshot")
    monkeypatch.setattr(predictor, "current_model", lambda snapshot: SimpleNamespace(label="m"))
    monkeypatch.setattr(knowledge, "warm_reading", lambda: None)


def test_the_master_hands_freed_heap_pages_back_after_the_warm_up(monkeypatch, freezes):
    """Building the snapshot and word lists frees memory the workers would otherwise all inherit
    as resident pages: the master trims its heap once the warm-up is done, before forking."""
    _warm_up_stubbed(monkeypatch)
    _fake_libc(monkeypatch, SimpleNamespace(malloc_trim=lambda pad: freezes.append(f"trim {pad}") or 1))
    CONF["when_ready"](SimpleNamespace(log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)))
    assert freezes == ["collect", "freeze", "trim 0"]


def test_without_glibc_the_server_starts_untrimmed(monkeypatch, freezes):
    _warm_up_stubbed(monkeypatch)
    _fake_libc(monkeypatch, OSError("no libc here"))
    logged = []
    CONF["when_ready"](
        SimpleNamespace(log=SimpleNamespace(info=lambda *a: logged.append(a), warning=lambda *a: None))
    )
    assert freezes == ["collect", "freeze"]
    assert any("not trimmed" in str(a[0]) for a in logged)


def test_the_master_loads_the_url_configuration_before_forking(monkeypatch):
    """Otherwise every new or recycled worker imports the URL modules and all views on its first
    request."""
    import django.urls

    _warm_up_stubbed(monkeypatch)
    loaded = []

    class Resolver:
        @property
        def url_patterns(self):
            loaded.append("patterns")

        @property
        def reverse_dict(self):
            loaded.append("reverse")

    monkeypatch.setattr(django.urls, "get_resolver", lambda: Resolver())
    CONF["when_ready"](SimpleNamespace(log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)))
    assert loaded == ["patterns", "reverse"]


def test_a_failing_url_warm_up_never_stops_the_server(monkeypatch, freezes):
    import django.urls

    _warm_up_stubbed(monkeypatch)
    warnings = []

    def broken():
        raise ImportError("a view module is broken")

    monkeypatch.setattr(django.urls, "get_resolver", broken)
    CONF["when_ready"](
        SimpleNamespace(log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: warnings.append(a)))
    )
    assert warnings and "URLs not preloaded" in warnings[0][0]
    assert freezes[:2] == ["collect", "freeze"]  # the heap is still frozen
