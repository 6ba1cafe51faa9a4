"""Keys of the visitor's Django session that more than one app reads.

Here, in the core layer, so that a lower app (accounts) can read a key a higher one (diagnosis)
writes without importing it.
"""

# A guest's check, encrypted, in their own Django session (diagnosis.services: guest checks). After
# sign-in, accounts.adapters sends someone who has one to the page that offers to save it.
GUEST_CHECK = "diagnosis_guest_check"
