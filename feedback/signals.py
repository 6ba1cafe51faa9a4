"""Signals the feedback app sends, for apps above it to act on without feedback importing them."""

from django.dispatch import Signal

# A clinician closed a review with a label: ``session`` (the check) and ``disease`` (the confirmed
# or corrected condition; None for "Other / not listed"). Sent inside the closing transaction with
# ``send`` (not ``send_robust``), so a receiver that fails rolls the review back with it: the model
# registry (mlops.receivers) keeps the label as a training case, with the owner's consent.
label_confirmed = Signal()
