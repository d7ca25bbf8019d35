"""The rep's "Share with a buyer" form. The rules themselves are in ``shares.services``."""

from django import forms
from django.db.models import Case, IntegerField, When

from assets.models import LibraryItemPage
from shares.models import NOTE_MAX, ORGANISATION_MAX, RECIPIENT_MAX
from shares.services import PHONE_MAX


class ItemChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_kind_display()} · {obj.approval_label})"


class ShareForm(forms.Form):
    items = ItemChoices(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="What to share",
        help_text="Tick everything the buyer should get: one link holds it all. "
        "Below what you picked: more approved material from the same service line.",
        error_messages={"required": "Pick at least one item to share."},
    )
    recipient = forms.CharField(
        label="Recipient's name",
        max_length=RECIPIENT_MAX,
        help_text="As it should appear to them, e.g. “Dr. Ana Lee”.",
    )
    organisation = forms.CharField(
        label="Their organisation",
        max_length=ORGANISATION_MAX,
        help_text="e.g. “Riverside Family Medicine”.",
    )
    note = forms.CharField(
        label="A short note (optional)",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain text, shown above the material. It is checked against the glossary.",
    )
    phone = forms.CharField(
        label="Your phone number for them (optional)",
        max_length=PHONE_MAX,
        required=False,
        help_text="Shown with your name and e-mail; kept for your next share.",
    )

    def __init__(self, *args, pages, picked=None, **kwargs):
        """``pages``: the items offered, in order (already narrowed to what the rep may
        share); ``picked``: those ticked to begin with (all of them if not given)."""
        super().__init__(*args, **kwargs)
        order = Case(
            *(When(pk=page.pk, then=position) for position, page in enumerate(pages)),
            output_field=IntegerField(),
        )
        self.fields["items"].queryset = (
            LibraryItemPage.objects.filter(pk__in=[page.pk for page in pages]).order_by(order)
            if pages
            else LibraryItemPage.objects.none()
        )
        if not self.is_bound:
            self.initial["items"] = [page.pk for page in (pages if picked is None else picked)]
