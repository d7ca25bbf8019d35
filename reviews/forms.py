"""The forms a reviewer fills in: the approval checklist and a request for changes."""

from django import forms

from wagtail.forms import TaskStateCommentForm

from cms import roles

# (field name, what the reviewer confirms). Every item must be ticked to approve.
# The compliance checklist, also for any group without its own.
CHECKLIST = [
    ("claims_sourced", "Every claim has a source (study, registry or internal data, dated)."),
    ("no_patient_details", "There are no patient-identifying details."),
    ("plain_language", "It is written in plain language the audience understands."),
    ("disclaimers_present", "The required disclaimers are present."),
]

# Each function that reviews in parallel confirms what it is there for.
CHECKLISTS = {
    roles.COMPLIANCE: CHECKLIST,
    roles.CLINICAL: [
        (
            "clinically_accurate",
            "Clinical statements (conditions, treatments, care pathways) are accurate and current.",
        ),
        ("figures_match_evidence", "Every figure and outcome matches the evidence it cites."),
        (
            "no_promised_outcomes",
            "It promises no outcome and implies no care the service doesn't offer.",
        ),
    ],
    roles.LEGAL: [
        (
            "comparisons_substantiated",
            "Comparisons and superlatives are substantiated, or removed.",
        ),
        ("rights_cleared", "Names, quotations, logos and images are cleared for this use."),
        (
            "legal_notices_present",
            "The required legal notices (privacy, terms, trademarks) are present.",
        ),
    ],
}


def checklist_for(group):
    """The checklist a reviewer approving for ``group`` (a group or ``None``) ticks."""
    return CHECKLISTS.get(getattr(group, "name", None), CHECKLIST)


def all_checklist_items():
    """Every checklist item of every group, each once, compliance's first."""
    seen, items = set(), []
    for checklist in CHECKLISTS.values():
        for name, label in checklist:
            if name not in seen:
                seen.add(name)
                items.append((name, label))
    return items


def checklist_fields():
    return {name for name, _label in all_checklist_items()}


class ApprovalChecklistForm(TaskStateCommentForm):
    """Approve: every item of the group's checklist ticked, comment optional, signed
    with the reviewer's password (checked by ``reviews.signatures``).

    ``ApprovalChecklistForm.for_group(group)`` is the form of one group's checklist
    (compliance's by default)."""

    items = CHECKLIST
    group_name = ""

    @classmethod
    def for_group(cls, group):
        if group is None:
            return cls
        return type(
            "ApprovalChecklistForm",
            (cls,),
            {"items": checklist_for(group), "group_name": group.name},
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for name, label in self.items:
            self.fields[name] = forms.BooleanField(
                label=label,
                required=True,
                error_messages={"required": "Tick this to confirm it, or request changes."},
            )
        comment.label = "Comment (optional)"
        self.fields["comment"] = comment
        self.fields["password"] = forms.CharField(
            label="Your password, to sign",
            help_text="Approving is signing: your password confirms it is you.",
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            strip=False,
            error_messages={"required": "Enter your password to sign the approval."},
        )

    def checklist(self):
        return {name: bool(self.cleaned_data.get(name)) for name, _label in self.items}


class RequestChangesForm(TaskStateCommentForm):
    """Request changes: say what has to change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = True
        self.fields["comment"].label = "What needs to change"
        self.fields["comment"].error_messages["required"] = (
            "Say what needs to change, so the author can fix it."
        )
        self.fields["comment"].widget.attrs["rows"] = 4

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError("Say what needs to change, so the author can fix it.")
        return comment
