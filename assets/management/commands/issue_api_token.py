"""Issue an API token for ``GET /api/v1/library/``: ``manage.py issue_api_token USERNAME``.

The token is printed once and only its digest is stored (``wagtail.models.APIToken``).
It answers with exactly what that user sees in the library. Revoke a token with
``--revoke PREFIX`` (the first characters printed by ``--list``).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wagtail.models import APIToken

from cms import roles


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens for the library API."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Library API", help="A label for the token.")
        parser.add_argument("--list", action="store_true", help="List the user's tokens.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token with this prefix.")

    def handle(self, *args, username, name, list, revoke, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user called “{username}”.") from None
        tokens = APIToken.objects.filter(user=user)
        if list:
            for token in tokens.order_by("created"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.prefix}…  {token.name}  {state}")
            return
        if revoke:
            token = tokens.filter(prefix__startswith=revoke, revoked_at__isnull=True).first()
            if token is None:
                raise CommandError(f"No active token starting with “{revoke}”.")
            token.revoke()
            self.stdout.write(self.style.SUCCESS(f"Revoked {token}."))
            return
        if not roles.can_use_library(user):
            raise CommandError(f"{username} has no library role; the token would see nothing.")
        _, plaintext = APIToken.create_token(user=user, name=name)
        self.stdout.write(plaintext)
        self.stderr.write("Shown once. Send it as: Authorization: Bearer <token>")
