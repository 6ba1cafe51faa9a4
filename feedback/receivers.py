"""Receivers for the signals of apps below feedback (connected in FeedbackConfig.ready)."""

from django.dispatch import receiver

from diagnosis.signals import check_saved

from .services import review_flag


@receiver(check_saved, dispatch_uid="feedback.review_flag_on_check_saved")
def review_flag_on_check_saved(sender, *, session, new_session: bool = False, **kwargs) -> None:
    """An emergency or low-confidence check enters the clinician review queue in the same
    transaction that stores it."""
    review_flag(session=session, new_session=new_session)
