import json
import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.services import health_profile_update, user_create

DEMO_ACCOUNTS = [
    ("patient@demo.medportal.test", Role.PATIENT),
    ("clinician@demo.medportal.test", Role.CLINICIAN),
    ("admin@demo.medportal.test", Role.ADMIN),
]


class Command(BaseCommand):
    help = "Create demo patient, clinician and admin accounts (development only) and print their logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG settings (development).")
        store = settings.BASE_DIR / "var" / "demo_accounts.json"
        saved = json.loads(store.read_text()) if store.exists() else {}
        for email, role in DEMO_ACCOUNTS:
            entry = saved.get(email) or {"password": secrets.token_urlsafe(9), "totp_secret": ""}
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_create(email=email, password=entry["password"], role=role)
                if role == Role.PATIENT:
                    health_profile_update(user=user, sex="f", allergies=["penicillin"])
            else:
                user.set_password(entry["password"])
                user.save(update_fields=["password"])
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if (
                user.needs_mfa
                and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
            ):
                entry["totp_secret"] = generate_totp_secret()
                TOTP.activate(user, entry["totp_secret"])
            saved[email] = entry
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(saved, indent=2))
        store.chmod(0o600)

        self.stdout.write(self.style.SUCCESS("Demo accounts (development only):"))
        for email, role in DEMO_ACCOUNTS:
            entry = saved[email]
            line = f"  {role:<10} {email:<32} password: {entry['password']}"
            if entry.get("totp_secret"):
                line += f"  TOTP secret (add to an authenticator app): {entry['totp_secret']}"
            self.stdout.write(line)
