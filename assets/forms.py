"""Forms reps fill in from the library."""

from django import forms

from assets.models import Objection


def _taxonomy_choices(items, placeholder):
    return [("", placeholder), *[(item.slug, str(item)) for item in items]]


class ObjectionLogForm(forms.Form):
    """Log an objection heard on a call: the words, and where it was heard."""

    verbatim = forms.CharField(
        label="What did the buyer say?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Their words, as close as you remember them.",
        error_messages={"required": "Write down what the buyer said."},
    )
    service_line = forms.ChoiceField(
        label="Service line", error_messages={"required": "Choose the service line."}
    )
    stage = forms.ChoiceField(
        label="Journey stage", error_messages={"required": "Choose the journey stage."}
    )
    segment = forms.ChoiceField(
        label="Who said it", error_messages={"required": "Choose who the buyer was."}
    )
    category = forms.ChoiceField(
        label="Kind of objection",
        required=False,
        choices=[("", "Not sure")] + list(Objection.Category.choices),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, taxonomy, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomy = taxonomy
        self.fields["service_line"].choices = _taxonomy_choices(taxonomy.service_lines, "Choose…")
        self.fields["stage"].choices = _taxonomy_choices(taxonomy.stages, "Choose…")
        self.fields["segment"].choices = _taxonomy_choices(taxonomy.segments, "Choose…")

    def clean(self):
        cleaned_data = super().clean()
        for name in ("service_line", "stage", "segment"):
            if cleaned_data.get(name):
                cleaned_data[name] = self.taxonomy.lookup(name, cleaned_data[name])
        if not " ".join(cleaned_data.get("verbatim", "").split()):
            self.add_error("verbatim", "Write down what the buyer said.")
        return cleaned_data
