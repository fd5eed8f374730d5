"""manage.py ensure_local_editor: a local editor login for `make run`, never in production."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

USERNAME = "editor"


class Command(BaseCommand):
    help = "Make sure the local editor account exists and print its login (local mode only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Refused: production mode. Create real accounts with createsuperuser."
            )
        path = settings.STANDFIRST_LOCAL_CREDENTIALS
        password = path.read_text().strip() if path.exists() else ""
        user, created = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not password or not user.check_password(password):
            # A random password kept in a git-ignored file, readable by this user only.
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            path.write_text(password + "\n")
            path.chmod(0o600)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        login = settings.SITE_URL + reverse("admin:login")
        self.stdout.write(f"Local editor login: {login}  user: {USERNAME}  password: {password}")
        self.stdout.write(
            "Two-factor login is on for editors: the first login shows a QR code to scan with "
            "an authenticator app, then asks for its code."
        )
