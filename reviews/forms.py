"""The forms a reviewer fills in: the approval checklist and a request for changes."""

from django import forms

from wagtail.forms import TaskStateCommentForm

# (field name, what the reviewer confirms). Every item must be ticked to approve.
CHECKLIST = [
    ("claims_sourced", "Every claim has a source (study, registry or internal data, dated)."),
    ("no_patient_details", "There are no patient-identifying details."),
    ("plain_language", "It is written in plain language the audience understands."),
    ("disclaimers_present", "The required disclaimers are present."),
]


class ApprovalChecklistForm(TaskStateCommentForm):
    """Approve: all four checklist items ticked, comment optional, signed with the
    reviewer's password (checked by ``reviews.signatures``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for name, label in CHECKLIST:
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
        return {name: bool(self.cleaned_data.get(name)) for name, _label in CHECKLIST}


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
