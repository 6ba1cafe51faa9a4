"""Signals diagnosis sends so that apps above it can act on a check without diagnosis importing them."""

from django.dispatch import Signal

# Sent inside the transaction that stores a check (started, answered, finished or saved from a
# guest's session), with ``session`` and ``new_session`` (True when the row was created in this
# transaction). Receivers run in that transaction: one that raises rolls the check back.
# feedback.receivers puts a flagged check into the clinician review queue.
check_saved = Signal()
