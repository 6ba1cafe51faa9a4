"""The clinician's review on a check's pages (diagnosis.result_panels; registered in FeedbackConfig.ready)."""

from diagnosis import result_panels

from .selectors import closed_reviews_for_sessions, review_for_session


def register() -> None:
    result_panels.register("clinician_review", review_for_session)
    result_panels.register("closed_reviews", closed_reviews_for_sessions)
