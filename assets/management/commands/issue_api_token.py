"""Issue an API token for ``GET /api/v1/library/``: ``manage.py issue_api_token USERNAME``.

The token is printed once and only its digest is stored (``wagtail.models.APIToken``).
It answers with exactly what that user sees in the library. ``--list`` shows the
user's tokens by their first characters. Revoke one with ``--revoke TOKEN``: the whole
token (say, the one that leaked) or any start of it that matches exactly one of the
user's active tokens (what ``--list`` prints, with or without the ``…``). The command
says which token it revoked, and refuses an ambiguous or unknown one.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wagtail.models import APIToken
from wagtail.models.api import TOKEN_PREFIX

from cms import roles


def describe(token):
    """``wagtail_AbCd… “CRM” (created 2026-01-02, last used 2026-03-04)``."""
    used = f"last used {token.last_used_at:%Y-%m-%d}" if token.last_used_at else "never used"
    return f"{token.prefix}… “{token.name}” (created {token.created:%Y-%m-%d}, {used})"


def find_by_token(plaintext):
    """The token whose digest matches ``plaintext`` (any user), or None."""
    return APIToken.objects.filter(key_hash__in=APIToken.candidate_key_hashes(plaintext)).first()


def find_by_start(tokens, start):
    """The user's tokens that ``start`` could be the beginning of.

    The stored prefix is the first few characters of the token: a shorter ``start``
    must begin it, a longer one must begin with it. ``wagtail_`` may be left out.
    """
    candidates = {start} if start.startswith(TOKEN_PREFIX) else {start, TOKEN_PREFIX + start}
    return [
        token
        for token in tokens
        if any(
            token.prefix.startswith(candidate) or candidate.startswith(token.prefix)
            for candidate in candidates
        )
    ]


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens for the library API."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Library API", help="A label for the token.")
        parser.add_argument("--list", action="store_true", help="List the user's tokens.")
        parser.add_argument(
            "--revoke",
            metavar="TOKEN",
            help="Revoke the token: the whole token, or a start of it that matches one token.",
        )

    def handle(self, *args, username, name, list, revoke, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user called “{username}”.") from None
        tokens = APIToken.objects.filter(user=user).order_by("created")
        if list:
            for token in tokens:
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                self.stdout.write(f"{describe(token)}  {state}")
            return
        if revoke is not None:
            token = self._token_to_revoke(user, tokens, revoke)
            token.revoke()
            self.stdout.write(
                self.style.SUCCESS(f"Revoked {user.get_username()}'s token {describe(token)}.")
            )
            return
        if not roles.can_use_library(user):
            raise CommandError(f"{username} has no library role; the token would see nothing.")
        _, plaintext = APIToken.create_token(user=user, name=name)
        self.stdout.write(plaintext)
        self.stderr.write("Shown once. Send it as: Authorization: Bearer <token>")

    def _token_to_revoke(self, user, tokens, given):
        value = given.strip().rstrip("…").strip()
        if not value:
            raise CommandError("Give the token to revoke, or the start of it (see --list).")
        whole = find_by_token(value)
        if whole is not None:
            if whole.user_id != user.pk:
                raise CommandError(
                    f"That token belongs to {whole.user.get_username()}, not {user}: "
                    f"run issue_api_token {whole.user.get_username()} --revoke … instead."
                )
            if whole.revoked_at:
                raise CommandError(
                    f"{describe(whole)} was already revoked on {whole.revoked_at:%Y-%m-%d}."
                )
            return whole
        if APIToken.validate_token_format(value):
            # A whole, well-formed token that isn't ours: don't guess by its start.
            raise CommandError(f"{user} has no token that matches the one given.")
        active = find_by_start(tokens.filter(revoked_at__isnull=True), value)
        if len(active) == 1:
            return active[0]
        if len(active) > 1:
            listed = "; ".join(describe(token) for token in active)
            raise CommandError(
                f"“{value}” matches {len(active)} active tokens of {user}: {listed}. "
                "Give more of the token, or all of it."
            )
        revoked = find_by_start(tokens.filter(revoked_at__isnull=False), value)
        if revoked:
            raise CommandError(
                f"{user} has no active token starting with “{value}”; "
                + "; ".join(
                    f"{describe(token)} was revoked on {token.revoked_at:%Y-%m-%d}"
                    for token in revoked
                )
                + "."
            )
        raise CommandError(f"{user} has no token starting with “{value}” (see --list).")
