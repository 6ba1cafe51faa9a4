"""A TOTP code for tests that is still valid when the server checks it.

allauth accepts only the current 30-second window (MFA_TOTP_TOLERANCE 0). A code made in the last
seconds of a window can reach the server after it has closed, above all on a loaded CI machine
(a browser test that failed this way once), so the helper waits for a fresh window first.
"""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

PERIOD_SECONDS = 30
MIN_SECONDS_LEFT = 8


def current_totp_code(secret: str) -> str:
    left = PERIOD_SECONDS - time.time() % PERIOD_SECONDS
    if left < MIN_SECONDS_LEFT:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD_SECONDS))
