"""The advice and the clinician's review reach diagnosis' pages through providers that
recommendations and feedback register (diagnosis does not import them)."""

from diagnosis import result_panels
from feedback.selectors import closed_reviews_for_sessions, review_for_session
from recommendations.services import recommendations_for_session


def test_recommendations_and_feedback_register_their_parts_of_the_result_page():
    assert result_panels._providers["advice"] is recommendations_for_session
    assert result_panels._providers["clinician_review"] is review_for_session
    assert result_panels._providers["closed_reviews"] is closed_reviews_for_sessions


def test_a_part_nobody_provides_is_left_out_not_an_error():
    assert result_panels.provide("no_such_part", default=[], session=None) == []
    assert result_panels.provide("no_such_part", session=None) is None


def test_a_provider_gets_the_keyword_arguments(monkeypatch):
    monkeypatch.setitem(result_panels._providers, "echo", lambda **kwargs: kwargs)
    assert result_panels.provide("echo", session=1, user=2) == {"session": 1, "user": 2}
