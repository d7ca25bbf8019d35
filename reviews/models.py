"""Review workflows: routes, the two custom tasks, votes, approval records, the audit trail.

How the pieces fit (the full story is in ``docs/reviews.md``):

* :class:`ReviewRoute` rows decide which Wagtail workflow reviews a piece of content,
  by content type and audience. Wagtail assigns a workflow by page tree or snippet
  model; when a workflow starts, ``reviews.signals`` swaps in the routed one.
* :class:`TerminologyGateTask` is automatic: it decides in ``start()``.
* :class:`ComplianceApprovalTask` is a group approval task with separation of duties,
  a checklist and an optional number of distinct approvers (:class:`ApprovalVote`).
* The finish action (``reviews.finish``) publishes the approved revision and writes an
  :class:`ApprovalRecord`, numbered from an :class:`ApprovalSequence`.
* :class:`ReviewEvent` is the exportable audit trail, fed from Wagtail's log entries.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

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

    panels = [
        FieldPanel("content_type"),
        FieldPanel("audience"),
        FieldPanel("workflow"),
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


class ComplianceTaskState(TaskState):
    """A compliance task state remembers how many distinct approvers it needs."""

    required_approvals = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = "compliance task state"

    def get_comment(self):
        votes = list(self.votes.select_related("user").order_by("created_at"))
        if len(votes) < 2:
            return self.comment
        lines = format_html_join(
            "",
            "<li>{} approved{}</li>",
            ((vote.user, f": {vote.comment}" if vote.comment else "") for vote in votes),
        )
        return format_html("<ul>{}</ul>{}", lines, self.comment)


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
        problem = self.gate_problem(workflow_state, task_state.revision)
        if problem:
            task_state.reject(user=None, update=False, comment=problem)
        return task_state

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

        if not user.is_authenticated or not self._user_in_groups(user):
            return "You are not a reviewer for this step."
        task_state = task_state or self.in_progress_state_for(obj)
        if task_state is None:
            return "This is not waiting for review at this step."
        if task_state.votes.filter(user=user).exists():
            return "You have already approved this; another reviewer must approve too."
        return conflict_of_interest(obj=obj, user=user, workflow_state=task_state.workflow_state)

    def get_actions(self, obj, user):
        if self.refusal_reason(obj, user) is not None:
            return []
        return [
            ("reject", "Request changes", True),
            ("approve", "Approve", True),
        ]

    def user_can_access_editor(self, obj, user):
        return self._user_in_groups(user)

    def get_form_for_action(self, action):
        from reviews.forms import ApprovalChecklistForm, RequestChangesForm

        if action == "approve":
            return ApprovalChecklistForm
        if action == "reject":
            return RequestChangesForm
        return super().get_form_for_action(action)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if not self._user_in_groups(user):
            return TaskState.objects.none()
        states = (
            ComplianceTaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
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
        from reviews.forms import CHECKLIST

        return {name for name, _label in CHECKLIST} | {"comment", "password"}

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
        form_class = self.get_form_for_action(action_name)
        if action_name not in ("approve", "reject"):
            raise PermissionDenied(f"Unknown review action “{action_name}”.")
        form = form_class(data=kwargs)
        if action_name == "approve":
            form.fields.pop("password")  # checked above, and not kept
        if not form.is_valid():
            errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
            raise PermissionDenied(f"The review form is incomplete: {errors}")
        comment = form.cleaned_data.get("comment", "")
        if action_name == "reject":
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
        )
        return None


class ApprovalVote(models.Model):
    """One reviewer's approval of one compliance task state, with their checklist."""

    task_state = models.ForeignKey(
        ComplianceTaskState, on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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
        from reviews.forms import CHECKLIST

        if not self.checklist:
            return ""
        return "; ".join(
            f"{name.replace('_', ' ').capitalize()}: {'yes' if self.checklist.get(name) else 'no'}"
            for name, _label in CHECKLIST
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
