"""Review workflows: routes, the two custom tasks, votes, approval records, the audit trail.

How the pieces fit (the full story is in ``docs/reviews.md``):

* :class:`ReviewRoute` rows decide which Wagtail workflow reviews a piece of content,
  by content type and audience. Wagtail assigns a workflow by page tree or snippet
  model; when a workflow starts, ``reviews.signals`` swaps in the routed one.
* :class:`TerminologyGateTask` is automatic: it decides in ``start()``.
* :class:`ComplianceApprovalTask` is a group approval task with separation of duties,
  a checklist and an optional number of distinct approvers (:class:`ApprovalVote`).
  Its task state (:class:`ComplianceTaskState`) can require several groups to approve
  in parallel — compliance, clinical, legal — each with its own vote and checklist,
  as the item's review route says (:class:`GroupReview`).
* The finish action (``reviews.finish``) publishes the approved revision and writes an
  :class:`ApprovalRecord`, numbered from an :class:`ApprovalSequence`.
* :class:`ReviewEvent` is the exportable audit trail, fed from Wagtail's log entries.
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.functional import cached_property

from wagtail.admin.panels import FieldPanel
from wagtail.models import AbstractGroupApprovalTask, Task, TaskState

from cms.indexing import batched_indexing
from cms.models import Audience
from cms.reviewable import routable_models

AUDIENCE_CHOICES = Audience.choices


def reviewable_content_types():
    """Limit route choices to content types that carry an approval stamp."""
    content_types = ContentType.objects.get_for_models(*routable_models()).values()
    return Q(pk__in=[content_type.pk for content_type in content_types])


class ReviewRoute(models.Model):
    """Which workflow reviews content of a type and audience. Edited by administrators."""

    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to=reviewable_content_types,
        related_name="+",
        verbose_name="content type",
        help_text="Leave empty for a rule that applies to every kind of content.",
    )
    audience = models.CharField(max_length=10, choices=AUDIENCE_CHOICES)
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        on_delete=models.PROTECT,
        related_name="review_routes",
        limit_choices_to={"active": True},
        help_text="Only active workflows can be chosen; a route to a disabled one is ignored.",
    )
    review_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How long an approval lasts on this route, in months. "
        "Empty: the content type's default.",
    )
    required_groups = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="+",
        verbose_name="groups that must approve",
        help_text="Each of these groups reviews in parallel and must approve, each by a "
        "different person, before the content goes live (e.g. Compliance and Clinical "
        "reviewers). Empty: one approval by a member of the review step's groups.",
    )

    panels = [
        FieldPanel("content_type"),
        FieldPanel("audience"),
        FieldPanel("workflow"),
        FieldPanel("required_groups", widget=forms.CheckboxSelectMultiple),
        FieldPanel("review_months"),
    ]

    class Meta:
        ordering = ["audience", "content_type__model"]
        verbose_name = "review route"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "audience"],
                name="reviews_route_unique_type_audience",
                violation_error_message=(
                    "There is already a route for this content type and audience: "
                    "edit that one instead."
                ),
            ),
            models.UniqueConstraint(
                fields=["audience"],
                condition=Q(content_type__isnull=True),
                name="reviews_route_unique_default_audience",
                violation_error_message=(
                    "There is already a route for every content type with this audience: "
                    "edit that one instead."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.applies_to} · {self.get_audience_display()} → {self.workflow}"

    @property
    def applies_to(self):
        if self.content_type_id is None:
            return "Any content"
        return self.content_type.name.capitalize()

    @property
    def groups_display(self):
        names = sorted(group.name for group in self.required_groups.all())
        return " and ".join(names) if names else "Any member of the step's groups"

    groups_display.fget.short_description = "Must approve"

    @property
    def in_use(self):
        """What the routes listing says: a route to a disabled workflow is skipped."""
        if self.workflow.active:
            return "Yes"
        return "No: its workflow is disabled, so this route is skipped"


class TerminologyGateTask(Task):
    """Automatic: checks the submitted revision against the approved glossary.

    Decides in ``start()``: approves when nothing is found, otherwise rejects with a
    comment that lists every finding and its fix (that comment is all the editor sees).
    """

    # Decides by itself: the audit trail credits its decisions to nobody
    # (``reviews.audit``), not to whoever's request ran it.
    automatic = True

    class Meta:
        verbose_name = "terminology gate"
        verbose_name_plural = "terminology gates"

    @classmethod
    def get_description(cls):
        return (
            "Automatic: sends content back when it uses a disallowed glossary variant "
            "or an approved message that is no longer live."
        )

    @batched_indexing
    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        from reviews.gate import gate_decision

        passed, comment = gate_decision(task_state.revision.as_object())
        if passed:
            task_state.approve(user=None, update=False, comment=comment)
        else:
            task_state.reject(user=None, update=False, comment=comment)
        return task_state

    def get_actions(self, obj, user):
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return TaskState.objects.none()


@dataclass
class GroupReview:
    """Where one required group stands on one review step: its votes and what it needs.

    ``group`` is ``None`` for a step that needs no particular group (any member of the
    task's groups approves; ``label`` names them).
    """

    group: object
    label: str
    needed: int
    votes: list = field(default_factory=list)

    @property
    def approved(self):
        return len(self.votes) >= self.needed

    @property
    def state(self):
        """``"Approved by Carlos Reviewer"``, ``"Waiting"``, ``"1 of 2 approvals"``."""
        if self.approved:
            return "Approved by " + ", ".join(str(vote.user) for vote in self.votes)
        if self.needed > 1:
            return f"{len(self.votes)} of {self.needed} approvals"
        return "Waiting"


class ComplianceTaskState(TaskState):
    """A compliance task state remembers who must approve it.

    ``required_groups`` (copied from the item's review route when the step starts): each
    of them must approve, each by ``required_approvals`` different people. Empty: the
    step needs ``required_approvals`` approvals by members of the task's groups, as
    Wagtail's group task does.
    """

    required_approvals = models.PositiveSmallIntegerField(default=1)
    required_groups = models.ManyToManyField("auth.Group", blank=True, related_name="+")

    class Meta:
        verbose_name = "compliance task state"

    # Who reviews, and where each group stands ----------------------------------------

    def reviewer_groups(self):
        """The groups whose members review this step (required, else the task's)."""
        if not hasattr(self, "_reviewer_groups"):
            groups = list(self.required_groups.order_by("name"))
            self._parallel = bool(groups)
            self._reviewer_groups = groups or list(self.task.specific.groups.order_by("name"))
        return self._reviewer_groups

    @property
    def is_parallel(self):
        self.reviewer_groups()
        return self._parallel

    def group_reviews(self):
        """One :class:`GroupReview` per required group (one for the step otherwise)."""
        needed = max(self.required_approvals, 1)
        votes = list(self.votes.select_related("user", "group").order_by("created_at", "pk"))
        groups = self.reviewer_groups()
        if not self.is_parallel:
            label = " or ".join(group.name for group in groups) or self.task.name
            return [GroupReview(None, label, needed, votes)]
        return [
            GroupReview(group, group.name, needed, [v for v in votes if v.group_id == group.pk])
            for group in groups
        ]

    def waiting_for(self):
        """The groups (their reviews) that still have to approve."""
        return [review for review in self.group_reviews() if not review.approved]

    def user_group_ids(self, user):
        if not user.is_authenticated:
            return set()
        ids = {group.pk for group in self.reviewer_groups()}
        return ids & set(user.groups.values_list("pk", flat=True))

    def group_for(self, user):
        """The required group ``user``'s approval counts for: the first (by name) of
        their groups still waiting. ``None`` when the step needs no particular group,
        or none of their groups is waiting."""
        if not self.is_parallel:
            return None
        mine = self.user_group_ids(user)
        for review in self.waiting_for():
            if review.group.pk in mine:
                return review.group
        return None

    def get_comment(self):
        """Who approved, for which group, and their comments: plain text, as Wagtail's
        history and workflow panels show it."""
        votes = list(self.votes.select_related("user", "group").order_by("created_at"))
        if len(votes) < 2:
            return self.comment
        lines = [
            f"{vote.user} approved"
            + (f" for {vote.group.name}" if vote.group else "")
            + (f": {vote.comment}" if vote.comment else ".")
            for vote in votes
        ]
        if self.comment and self.comment != votes[-1].comment:
            lines.append(self.comment)
        return "\n".join(lines)


class ComplianceApprovalTask(AbstractGroupApprovalTask):
    """Group approval with separation of duties, a checklist and N distinct approvers.

    Nobody may act on content they submitted, authored or edited since its last
    approval (``reviews.rules``). That rule is applied in ``get_actions`` (what the
    admin shows and checks) *and* again in ``on_action`` (which Wagtail itself doesn't
    guard), together with the checklist, so a crafted request can't skip either.
    Unlike Wagtail's group task, administrators are not approvers unless they are in
    one of the task's groups.
    """

    required_approvals = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="How many different people must approve before the content goes live.",
    )

    admin_form_fields = [*AbstractGroupApprovalTask.admin_form_fields, "required_approvals"]
    task_state_class = ComplianceTaskState

    class Meta:
        verbose_name = "compliance approval"
        verbose_name_plural = "compliance approvals"

    @classmethod
    def get_description(cls):
        return (
            "Members of the chosen groups approve after ticking the compliance checklist; "
            "nobody approves content they submitted, authored or edited."
        )

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        ComplianceTaskState.objects.filter(pk=task_state.pk).update(
            required_approvals=self.required_approvals
        )
        task_state.required_approvals = self.required_approvals
        task_state.required_groups.set(self.required_groups_for(workflow_state, task_state))
        problem = self.gate_problem(workflow_state, task_state.revision)
        if problem:
            task_state.reject(user=None, update=False, comment=problem)
        return task_state

    @staticmethod
    def required_groups_for(workflow_state, task_state):
        """The groups the item's review route requires, if that route's workflow is the
        one running (an assigned workflow without a route requires none)."""
        from reviews.routing import route_for

        route = route_for(task_state.revision.as_object())
        if route is None or route.workflow_id != workflow_state.workflow_id:
            return []
        return list(route.required_groups.all())

    def gate_problem(self, workflow_state, revision):
        """The gate's rejection if this revision hasn't passed it yet, else ``""``.

        Wagtail resumes a workflow sent back for changes at the step that sent it back,
        so a fixed revision would reach the reviewer before the terminology gate saw
        it. A compliance step therefore never starts on a revision the gate hasn't
        passed in this workflow: it runs the same check and sends it back at once.
        """
        from reviews.gate import gate_decision

        gate_ids = [
            task.pk
            for task in workflow_state.workflow.tasks.specific()
            if isinstance(task, TerminologyGateTask)
        ]
        if not gate_ids:
            return ""
        passed = TaskState.objects.filter(
            workflow_state=workflow_state,
            task_id__in=gate_ids,
            revision=revision,
            status=TaskState.STATUS_APPROVED,
        ).exists()
        if passed:
            return ""
        ok, comment = gate_decision(revision.as_object())
        return "" if ok else comment

    # Who may act -----------------------------------------------------------------

    def in_progress_state_for(self, obj):
        return (
            ComplianceTaskState.objects.filter(
                task=self,
                status=TaskState.STATUS_IN_PROGRESS,
                workflow_state__base_content_type=obj.get_base_content_type(),
                workflow_state__object_id=str(obj.pk),
            )
            .select_related("workflow_state", "revision")
            .first()
        )

    def refusal_reason(self, obj, user, task_state=None):
        """Why ``user`` may not review ``obj`` now, or ``None`` if they may."""
        from reviews.rules import conflict_of_interest

        if not user.is_authenticated:
            return "You are not a reviewer for this step."
        task_state = task_state or self.in_progress_state_for(obj)
        if task_state is None:
            if not self._user_in_groups(user):
                return "You are not a reviewer for this step."
            return "This is not waiting for review at this step."
        if not task_state.user_group_ids(user):
            return "You are not a reviewer for this step."
        waiting = ", ".join(review.label for review in task_state.waiting_for())
        if task_state.votes.filter(user=user).exists():
            if task_state.is_parallel:
                return f"You have already approved this; it is waiting for {waiting}."
            return "You have already approved this; another reviewer must approve too."
        if task_state.is_parallel and task_state.group_for(user) is None:
            return f"Your group has already approved this; it is waiting for {waiting}."
        return conflict_of_interest(obj=obj, user=user, workflow_state=task_state.workflow_state)

    def is_reviewer_of(self, obj, user):
        """Whether ``user`` reviews ``obj`` at this step now (one of the groups of its
        open task state), whether or not they may still act on it."""
        task_state = self.in_progress_state_for(obj)
        return task_state is not None and bool(task_state.user_group_ids(user))

    def get_actions(self, obj, user):
        if self.refusal_reason(obj, user) is not None:
            return []
        return [
            ("reject", "Request changes", True),
            ("approve", "Approve", True),
        ]

    def user_can_access_editor(self, obj, user):
        return self.is_reviewer_of(obj, user)

    def locked_for_user(self, obj, user):
        return not (user.is_superuser or self.is_reviewer_of(obj, user))

    def user_can_lock(self, obj, user):
        return self.is_reviewer_of(obj, user)

    def get_form_for_action(self, action):
        from reviews.forms import ApprovalChecklistForm, RequestChangesForm

        if action == "approve":
            # Wagtail's approve dialog: the checklist of the group the signed-in
            # reviewer approves for (the dialog's URL names the task state).
            from reviews.signatures import current_request

            request = current_request()
            match = getattr(request, "resolver_match", None)
            state_id = match.kwargs.get("task_state_id") if match else None
            state = ComplianceTaskState.objects.filter(pk=state_id, task=self).first()
            if state is None:
                return ApprovalChecklistForm
            return ApprovalChecklistForm.for_group(state.group_for(request.user))
        if action == "reject":
            return RequestChangesForm
        return super().get_form_for_action(action)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if not user.is_authenticated:
            return TaskState.objects.none()
        groups = user.groups.all()
        mine = Q(required_groups__in=groups)
        if self._user_in_groups(user):
            mine |= Q(required_groups=None)
        states = (
            ComplianceTaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
            .filter(mine)
            .distinct()
            .select_related("workflow_state", "revision")
            .exclude(votes__user=user)
        )
        allowed = [
            state.pk
            for state in states
            if (obj := state.revision.content_object) is not None
            and self.refusal_reason(obj, user, task_state=state) is None
        ]
        return TaskState.objects.filter(pk__in=allowed)

    # Acting -------------------------------------------------------------------

    @batched_indexing
    def on_action(self, task_state, user, action_name, /, **kwargs):
        # ``kwargs`` can be the client's JSON (the editor's "extra data"): only the review
        # form's fields are read, and the first three arguments can't be overridden.
        from reviews.signatures import Signature

        given = kwargs.get("signature")
        given = given if isinstance(given, Signature) else None
        data = {name: value for name, value in kwargs.items() if name in self.form_fields()}
        # An approval is signed: the signature is checked (and a wrong one logged)
        # before anything else, outside the transaction that would undo the log.
        if action_name == "approve":
            self._check_signature(task_state, user, given, data.get("password"))
        return self._act(task_state, user, action_name, **data)

    @staticmethod
    def form_fields():
        from reviews.forms import checklist_fields

        return checklist_fields() | {"comment", "password"}

    def _check_signature(self, task_state, user, given, password):
        from reviews import signatures

        if signatures.signature_of(user, given, password) is not None:
            return
        obj = task_state.revision.content_object
        given = password or given
        reason = signatures.REFUSED_WRONG if given else signatures.REFUSED_MISSING
        signatures.refuse(obj=obj, user=user, task_state=task_state, reason=reason)

    @transaction.atomic
    def _act(self, task_state, user, action_name, **kwargs):
        # Lock the task state so two approvers clicking at once are counted one by one.
        task_state = ComplianceTaskState.objects.select_for_update().get(pk=task_state.pk)
        if task_state.task_id != self.pk or task_state.status != TaskState.STATUS_IN_PROGRESS:
            raise PermissionDenied("This is not waiting for review at this step.")
        # Check the object the task state belongs to, not whatever the URL named.
        obj = task_state.revision.content_object
        reason = self.refusal_reason(obj, user, task_state=task_state)
        if reason is not None:
            raise PermissionDenied(reason)
        if action_name not in ("approve", "reject"):
            raise PermissionDenied(f"Unknown review action “{action_name}”.")
        from reviews.forms import ApprovalChecklistForm, RequestChangesForm

        group = task_state.group_for(user)
        if action_name == "approve":
            form = ApprovalChecklistForm.for_group(group)(data=kwargs)
            form.fields.pop("password")  # checked above, and not kept
        else:
            form = RequestChangesForm(data=kwargs)
        if not form.is_valid():
            errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
            raise PermissionDenied(f"The review form is incomplete: {errors}")
        comment = form.cleaned_data.get("comment", "")
        if action_name == "reject":
            if group is not None:
                comment = f"{group.name}: {comment}"
            task_state.reject(user=user, comment=comment)
            return None
        from reviews.services import approval_vote, follow_unchanged_revisions
        from reviews.signatures import meaning_for

        task_state = follow_unchanged_revisions(task_state=task_state)
        approval_vote(
            task_state=task_state,
            user=user,
            checklist=form.checklist(),
            comment=comment,
            meaning=meaning_for(obj),
            group=group,
        )
        return None


class ApprovalVote(models.Model):
    """One reviewer's approval of one compliance task state, with their checklist and
    the group it counts for. One per person per task state: groups that review in
    parallel are approved by different people."""

    task_state = models.ForeignKey(
        ComplianceTaskState, on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The required group this approval counts for (parallel review); empty when the
    # step needs no particular group.
    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The e-signature (``reviews.signatures``): what it means, and what was signed.
    signature_meaning = models.CharField(max_length=120, blank=True)
    signed_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_state", "user"], name="reviews_one_vote_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.user} approved task state {self.task_state_id}"


class ApprovalSequence(models.Model):
    """The last number handed out for one (service line code, kind, year).

    ``reviews.services.next_sequence`` increments it with a single ``UPDATE``, which
    locks the row until the approval commits, so two approvals at once get different
    numbers on PostgreSQL and SQLite alike.
    """

    service_line_code = models.CharField(max_length=8)
    kind = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_line_code", "kind", "year"], name="reviews_sequence_unique_key"
            )
        ]

    def __str__(self):
        return f"{self.service_line_code}-{self.kind}-{self.year}: {self.last_value}"


class ApprovalRecordQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(base_content_type=obj.get_base_content_type(), object_id=str(obj.pk))

    def current(self):
        return self.filter(is_current=True)


class ApprovalRecord(models.Model):
    """One approval of one revision: its code, version, approvers and review-by date.

    The code (``CARD-OP-2026-0042``) is given at the first approval and kept; each
    re-approval of the same content adds a record with the next version. The newest
    record of an object is ``is_current``; it also remembers a later withdrawal.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    base_content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=255)
    content_object = GenericForeignKey("content_type", "object_id")
    content_object.wagtail_reference_index_ignore = True
    object_label = models.CharField(max_length=255)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workflow_state = models.ForeignKey(
        "wagtailcore.WorkflowState",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_records",
    )
    service_line = models.ForeignKey(
        "cms.ServiceLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service_line_code = models.CharField(max_length=8)
    kind = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    code = models.CharField(max_length=40, db_index=True)
    version = models.PositiveIntegerField()
    audience = models.CharField(max_length=10, blank=True)
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="approval_records", blank=True
    )
    checklist = models.JSONField(default=dict, blank=True)
    approved_at = models.DateTimeField()
    review_by = models.DateField(db_index=True)
    is_current = models.BooleanField(
        default=True,
        help_text="Whether this approval is the one live now. A scheduled approval becomes "
        "current when its revision goes live.",
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the approved content and the files it uses (reviews.fingerprint).",
    )
    files = models.JSONField(
        default=list,
        blank=True,
        help_text="The documents and images approved with it: [kind, id, collection, sha1].",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=255, blank=True)

    objects = ApprovalRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_at", "-pk"]
        verbose_name = "approval record"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="reviews_record_unique_code_version"
            ),
            models.UniqueConstraint(
                fields=["base_content_type", "object_id", "version"],
                name="reviews_record_unique_object_version",
            ),
            models.UniqueConstraint(
                fields=["base_content_type", "object_id"],
                condition=Q(is_current=True),
                name="reviews_record_one_current_per_object",
            ),
        ]

    def __str__(self):
        return f"{self.label} · {self.object_label}"

    @property
    def label(self):
        return f"{self.code} v{self.version}"

    @cached_property
    def specific_object(self):
        """The approved content (specific page or snippet), or ``None`` if deleted."""
        model = self.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.object_id).first()

    @property
    def approver_names(self):
        return ", ".join(str(user) for user in self.approvers.all())

    @property
    def status(self):
        if self.withdrawn_at:
            return self.withdrawal_reason or "Withdrawn"
        from django.utils import timezone

        if self.review_by < timezone.localdate():
            return "Past review-by date"
        return "Approved"


class ReviewEvent(models.Model):
    """One line of the audit trail: who did what to which revision, when, and why.

    Written from Wagtail's own log entries (``reviews.signals``) so every path that
    logs — the admin, the workflow, ``expire_content`` — lands here; denormalised
    (title, service lines, approval code) so it can be filtered and exported even
    after the content changes or is deleted.
    """

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        VOTE = "vote", "Approval vote"
        REJECT = "reject", "Changes requested"
        CANCEL = "cancel", "Cancelled"
        PUBLISH = "publish", "Published"
        RECORD = "record", "Approval recorded"
        WITHDRAW = "withdraw", "Withdrawn"
        EXPIRE = "expire", "Expired"
        REFUSED = "refused", "Signature refused"

    action = models.CharField(max_length=10, choices=Action.choices, db_index=True)
    log_action = models.CharField(max_length=255)
    timestamp = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_display = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    base_content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=255)
    object_label = models.CharField(max_length=255)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision_number = models.PositiveIntegerField(null=True, blank=True)
    workflow_name = models.CharField(max_length=255, blank=True)
    task_name = models.CharField(max_length=255, blank=True)
    # The reviewer group an approval or a request for changes was made for (parallel
    # review by function: compliance, clinical, legal).
    group_name = models.CharField("group", max_length=150, blank=True)
    approval_label = models.CharField(max_length=60, blank=True)
    comment = models.TextField(blank=True)
    # Approvals: the checklist as ticked and what the signature means.
    checklist = models.JSONField(default=dict, blank=True)
    signature_meaning = models.CharField(max_length=120, blank=True)
    service_lines = models.ManyToManyField("cms.ServiceLine", blank=True, related_name="+")
    service_line_codes = models.CharField(max_length=255, blank=True)
    source_log_model = models.CharField(max_length=40)
    source_log_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["-timestamp", "-pk"]
        verbose_name = "review event"
        constraints = [
            models.UniqueConstraint(
                fields=["source_log_model", "source_log_id"], name="reviews_event_unique_source"
            )
        ]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_label}"

    @property
    def checklist_summary(self):
        """``"Claims sourced: yes; …"`` for an approval, in the checklist's order."""
        from reviews.forms import all_checklist_items

        if not self.checklist:
            return ""
        return "; ".join(
            f"{name.replace('_', ' ').capitalize()}: {'yes' if self.checklist.get(name) else 'no'}"
            for name, _label in all_checklist_items()
            if name in self.checklist
        )

    @property
    def object_type(self):
        model = self.content_type.model_class()
        return model._meta.verbose_name.capitalize() if model else self.content_type.model


class ReviewReminder(models.Model):
    """A reminder e-mailed to one reviewer about one overdue review step on one day
    (``manage.py remind_reviewers`` sends at most one per day)."""

    task_state = models.ForeignKey(
        ComplianceTaskState, on_delete=models.CASCADE, related_name="reminders"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task_state", "user", "sent_on"], name="reviews_one_reminder_a_day"
            )
        ]

    def __str__(self):
        return f"Reminder to {self.user} about task state {self.task_state_id} on {self.sent_on}"
