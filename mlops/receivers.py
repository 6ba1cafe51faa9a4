"""Signal receivers of the mlops app (connected in ``MlopsConfig.ready``)."""

from django.dispatch import receiver

from feedback.signals import label_confirmed

from .services import confirmed_case_record


@receiver(label_confirmed, dispatch_uid="mlops_training_case_from_confirmed_label")
def training_case_from_confirmed_label(sender, session, disease, **kwargs) -> None:
    """A clinician's confirmed (or corrected) label becomes a training case, if the owner consented;
    "Other / not listed" (``disease`` None) removes an earlier case of the check."""
    confirmed_case_record(session=session, disease=disease)
