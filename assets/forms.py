"""Forms reps fill in from the library."""

import unicodedata

from django import forms

from assets.models import BuyerStatus, ContentRequestAsk, Objection
from assets.models.library import Kind
from assets.models.objections import normalise_verbatim

NO_WORDS = (
    "Write down what the buyer said in words: punctuation, emoji or invisible "
    "characters alone can't be counted as an objection."
)
UNREADABLE = (
    "Some of the characters couldn't be read (they weren't valid text, shown as �). "
    "Retype those words and log it again."
)
CONTROL_CHARACTERS = (
    "The text contains control characters (often pasted from another program). "
    "Retype it as plain text."
)


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

    def clean_verbatim(self):
        """What was typed, if it can be counted; the form keeps it either way."""
        text = self.cleaned_data["verbatim"]
        if "\ufffd" in text:  # what undecodable bytes (not UTF-8) arrive as
            raise forms.ValidationError(UNREADABLE, code="unreadable")
        if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text):
            raise forms.ValidationError(CONTROL_CHARACTERS, code="control")
        if not normalise_verbatim(text):
            raise forms.ValidationError(NO_WORDS, code="no_words")
        return text

    def clean(self):
        cleaned_data = super().clean()
        for name in ("service_line", "stage", "segment"):
            if cleaned_data.get(name):
                cleaned_data[name] = self.taxonomy.lookup(name, cleaned_data[name])
        return cleaned_data


class ContentRequestForm(forms.Form):
    """Ask marketing for material for one call (prefilled from where the rep was)."""

    service_line = forms.ChoiceField(
        label="Service line", error_messages={"required": "Choose the service line."}
    )
    stage = forms.ChoiceField(
        label="Journey stage", error_messages={"required": "Choose the journey stage."}
    )
    segment = forms.ChoiceField(
        label="Buyer", error_messages={"required": "Choose who the material is for."}
    )
    kind = forms.ChoiceField(label="What would help", required=False)
    note = forms.CharField(
        label="Anything marketing should know? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the buyer asks for, or what the material should answer.",
    )
    source = forms.ChoiceField(
        required=False, choices=ContentRequestAsk.Source.choices, widget=forms.HiddenInput
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, taxonomy, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomy = taxonomy
        self.fields["service_line"].choices = _taxonomy_choices(taxonomy.service_lines, "Choose…")
        self.fields["stage"].choices = _taxonomy_choices(taxonomy.stages, "Choose…")
        self.fields["segment"].choices = _taxonomy_choices(taxonomy.segments, "Choose…")
        self.fields["kind"].choices = [("", "Any approved material"), *Kind.choices]

    def clean_note(self):
        text = self.cleaned_data["note"]
        if "\ufffd" in text:
            raise forms.ValidationError(UNREADABLE, code="unreadable")
        if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text):
            raise forms.ValidationError(CONTROL_CHARACTERS, code="control")
        return text

    def clean(self):
        cleaned_data = super().clean()
        for name in ("service_line", "stage", "segment"):
            if cleaned_data.get(name):
                cleaned_data[name] = self.taxonomy.lookup(name, cleaned_data[name])
        return cleaned_data


class CallLogForm(forms.Form):
    """After a call: the call, where the buyer is now, what was used, what was heard."""

    service_line = forms.ChoiceField(
        label="Service line", error_messages={"required": "Choose the service line."}
    )
    stage = forms.ChoiceField(
        label="Journey stage", error_messages={"required": "Choose the journey stage."}
    )
    segment = forms.ChoiceField(label="Buyer", error_messages={"required": "Choose the buyer."})
    status = forms.ModelChoiceField(
        label="Where is the buyer now?",
        queryset=BuyerStatus.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose where the buyer is now."},
    )
    items = forms.MultipleChoiceField(
        label="Material you used or sent", required=False, widget=forms.CheckboxSelectMultiple
    )
    objections = forms.CharField(
        label="Objections you heard (one per line, in the buyer's words)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, taxonomy, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomy = taxonomy
        self.items_by_pk = {str(item.pk): item for item in items}
        self.fields["service_line"].choices = _taxonomy_choices(taxonomy.service_lines, "Choose…")
        self.fields["stage"].choices = _taxonomy_choices(taxonomy.stages, "Choose…")
        self.fields["segment"].choices = _taxonomy_choices(taxonomy.segments, "Choose…")
        self.fields["status"].queryset = BuyerStatus.objects.filter(is_active=True)
        self.fields["items"].choices = [
            (str(item.pk), f"{item.title} ({item.get_kind_display()})") for item in items
        ]

    def _text(self, name):
        text = self.cleaned_data[name]
        if "\ufffd" in text:
            raise forms.ValidationError(UNREADABLE, code="unreadable")
        if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text):
            raise forms.ValidationError(CONTROL_CHARACTERS, code="control")
        return text

    def clean_notes(self):
        return self._text("notes")

    def clean_objections(self):
        lines = [line.strip() for line in self._text("objections").splitlines() if line.strip()]
        for line in lines:
            if not normalise_verbatim(line):
                raise forms.ValidationError(NO_WORDS, code="no_words")
        return lines

    def clean(self):
        cleaned_data = super().clean()
        for name in ("service_line", "stage", "segment"):
            if cleaned_data.get(name):
                cleaned_data[name] = self.taxonomy.lookup(name, cleaned_data[name])
        cleaned_data["items"] = [self.items_by_pk[pk] for pk in cleaned_data.get("items", [])]
        return cleaned_data
