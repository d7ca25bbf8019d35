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

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied

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

    With a request, the check goes through the authentication backends, so repeated
    wrong passwords count towards the sign-in lockout (django-axes) as at sign-in.
    """
    if not password or not user.is_authenticated:
        return None
    if request is not None:
        signed_in = authenticate(request, username=user.get_username(), password=password)
        ok = signed_in is not None and signed_in.pk == user.pk
    else:
        ok = user.check_password(password)
    return Signature(user.pk) if ok else None


def signature_of(user, given, password, *, request=None):
    """``user``'s signature from ``on_action``'s arguments — a :class:`Signature`
    verified earlier, or the password — verified; ``None`` if there is none or it
    fails."""
    if isinstance(given, Signature):
        return given if given.user_id == user.pk else None
    return verify(user, password or "", request=request)


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
