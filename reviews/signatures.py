"""Electronic signatures on approvals: the reviewer's password, the meaning, the record.

Approving is signing. The reviewer enters their password again (whoever is at an
unattended, signed-in screen can't approve), is told what the signature means for
this content (:func:`meaning_for`), and the vote keeps the signer, the time, the meaning
and the fingerprint of the revision signed (``ApprovalVote``). A wrong password
refuses the approval and is logged (``reviews.signature_refused``, in the audit trail).

``ComplianceApprovalTask.on_action`` takes either ``password`` (form data: the editor's
approve dialog, the workspace) or a :class:`Signature` already verified in this
process (Python callers only: form data can't produce one; the demo loader verifies
each reviewer once instead of hashing the password for every approval).
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from wagtail.log_actions import log

from cms.models import Audience

MEANINGS = {
    Audience.INTERNAL: "Approved for use by the sales team (internal only)",
    Audience.EXTERNAL: "Approved for distribution to external audiences",
    Audience.PUBLIC: "Approved for publication to the public",
}
DEFAULT_MEANING = "Approved for its audience"
REFUSED_WRONG = "That is not your password: the approval was not signed, and the attempt is logged."
REFUSED_MISSING = "Enter your password to sign the approval."


def meaning_for(obj):
    """What approving ``obj`` means, as the signature states it."""
    audience = obj.get_review_audience() if hasattr(obj, "get_review_audience") else None
    return MEANINGS.get(audience, DEFAULT_MEANING)


@dataclass(frozen=True)
class Signature:
    """A password check that passed, for one user (see the module's docstring)."""

    user_id: int


def verify(user, password, *, request=None):
    """A :class:`Signature` if ``password`` is ``user``'s, else ``None``.

    In a request (``request``, or the one :class:`SigningMiddleware` is handling), the
    check goes through the authentication backends, so wrong passwords count towards
    the sign-in lockout (django-axes) as at sign-in, wherever they were typed: the
    workspace or the editor's approve dialog. A locked-out user can't sign.
    """
    if not password or not user.is_authenticated:
        return None
    request = request if isinstance(request, HttpRequest) else _request.get()
    if request is not None:
        signed_in = authenticate(request, username=user.get_username(), password=password)
        ok = signed_in is not None and signed_in.pk == user.pk
    else:
        ok = user.check_password(password)
    return Signature(user.pk) if ok else None


def signature_of(user, given, password):
    """``user``'s signature from ``on_action``'s arguments — a :class:`Signature`
    verified earlier, or the password — verified; ``None`` if there is none or it
    fails."""
    if isinstance(given, Signature):
        return given if given.user_id == user.pk else None
    return verify(user, password or "")


_request = ContextVar("concord_signing_request", default=None)


def current_request():
    """The request being handled (:class:`SigningMiddleware`), or ``None``."""
    return _request.get()


class SigningMiddleware:
    """Remembers the request being handled, for :func:`verify`: Wagtail's workflow
    views call the review task without it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def refuse(*, obj, user, task_state, reason):
    """Log a refused signature (the audit trail shows it) and stop the approval."""
    log(
        instance=obj,
        action="reviews.signature_refused",
        user=user,
        revision=task_state.revision,
        data={
            "reason": reason,
            "workflow": {
                "id": task_state.workflow_state.workflow_id,
                "title": task_state.workflow_state.workflow.name,
                "task": {"id": task_state.task_id, "title": task_state.task.name},
                "task_state_id": task_state.pk,
            },
        },
    )
    raise PermissionDenied(reason)
