"""Log records and error reports lose passwords, tokens, secrets and health values."""

import logging
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

from audit.redaction import REDACTED, HealthDataSafeExceptionReporterFilter, RedactingFilter, redact_text


def _filtered(msg, *args, exc_info=None) -> logging.LogRecord:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, args or None, exc_info)
    if args and len(args) == 1 and isinstance(args[0], dict):
        record.args = args[0]
    assert RedactingFilter().filter(record) is True
    return record


@pytest.mark.parametrize(
    "text, secret",
    [
        ("password=hunter2-long", "hunter2-long"),
        ("new_password1: 'Hunter2 spaces'", "Hunter2 spaces"),
        ('{"token": "abc123def"}', "abc123def"),
        ("Authorization=Token-9f8e7d", "Token-9f8e7d"),
        ("SECRET_KEY='s3cr3t-value'", "s3cr3t-value"),
        ("FIELD_ENCRYPTION_KEY=nFoIiFwYVt0b", "nFoIiFwYVt0b"),
        ("key: 'abc-def-123'", "abc-def-123"),
        ("allergies=['penicillin', 'peanuts']", "penicillin"),
        ("'medications': ['warfarin']", "warfarin"),
        ("date_of_birth=1990-05-17", "1990-05-17"),
        ("entered_text='crushing chest pain'", "crushing chest pain"),
        ('"GET /check/autocomplete/?q=chest+pain HTTP/1.1" 200', "chest+pain"),
        ("GET /accounts/password/reset/key/1-abc-def123/ HTTP/1.1", "abc-def123"),
        ("GET /accounts/confirm-email/MQ:1t2:abc/ HTTP/1.1", "MQ:1t2:abc"),
        # django.template at DEBUG logs whole contexts, one-time codes included.
        ("{'email': 'a@b.test', 'code': '482913'}", "482913"),
        ("code=482913", "482913"),
    ],
)
def test_text_is_scrubbed(text, secret):
    cleaned = redact_text(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


def test_harmless_text_is_left_alone():
    text = (
        "promoted diagnosis-v3-logistic_regression: top1=0.91 status_code=200 error_code=E1 "
        "KeyError: 'supporting' postcode"
    )
    assert redact_text(text) == text


def test_a_code_argument_is_scrubbed_by_key():
    record = _filtered("context %(ctx)s", {"ctx": {"code": "482913", "status_code": 200}})
    assert "482913" not in record.getMessage() and "200" in record.getMessage()


def test_dict_arguments_are_scrubbed_by_key():
    record = _filtered(
        "login %(login)s %(password)s %(allergies)s",
        {
            "login": "alice@example.test",
            "password": "hunter2-long",
            "allergies": ["penicillin"],
        },
    )
    message = record.getMessage()
    assert "alice@example.test" in message
    assert "hunter2-long" not in message and "penicillin" not in message


def test_tuple_arguments_are_scrubbed_after_formatting():
    record = _filtered("credentials %s", {"email": "a@b.test", "password": "hunter2-long"})
    assert "hunter2-long" not in record.getMessage()


def test_tracebacks_are_scrubbed():
    try:
        raise ValueError("token=abc123def was rejected")
    except ValueError:
        record = _filtered("failed", exc_info=sys.exc_info())
    assert "abc123def" not in record.exc_text
    assert "ValueError" in record.exc_text


def test_every_configured_handler_uses_the_filter():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact" in handler.get("filters", []), name
    assert settings.LOGGING["filters"]["redact"]["()"] == "audit.redaction.RedactingFilter"


def test_error_reports_hide_post_values_and_frame_variables(settings):
    settings.DEBUG = False
    request = RequestFactory().post("/profile/", {"allergies": "penicillin", "email": "a@b.test"})
    reporter_filter = HealthDataSafeExceptionReporterFilter()
    post = reporter_filter.get_post_parameters(request)
    assert "penicillin" not in str(post) and "a@b.test" not in str(post)
    allergies = ["penicillin"]  # noqa: F841 - read through the frame below
    frame_vars = dict(reporter_filter.get_traceback_frame_variables(request, sys._getframe()))
    assert "penicillin" not in str(frame_vars)
    assert (
        settings.DEFAULT_EXCEPTION_REPORTER_FILTER == "audit.redaction.HealthDataSafeExceptionReporterFilter"
    )
