"""The advice on a check's result page (diagnosis.result_panels; registered in RecommendationsConfig.ready)."""

from diagnosis import result_panels

from .services import recommendations_for_session


def register() -> None:
    result_panels.register("advice", recommendations_for_session)
