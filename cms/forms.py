"""Admin form bases shared by Concord's content types (documents and images:
``cms.file_forms``).

``ReviewablePageForm`` is the base form of every reviewable page type: on every save it
checks that the documents and images the page is about to use fit its audience
(``cms.files.file_privacy_problems``), and refuses the save otherwise. Page types with
their own form subclass it (``EnablementAssetForm``, ``TalkTrackForm``); reviewable
page types without one get it from ``use_reviewable_page_form`` (run by ``cms.apps``),
and a system check (``check_reviewable_page_forms``) fails for one whose own form
doesn't include ``ContentFilesFormMixin``.

The terminology gate runs the same check on the revision submitted for review
(``reviews.gate``), so content saved without this form is caught there.
"""

from django.core import checks

from wagtail.admin.forms import WagtailAdminPageForm

from cms.files import (
    assign_block_ids,
    file_privacy_problems,
    file_references,
    load_files,
    readable_path,
)
from cms.reviewable import is_reviewable, reviewable_models


class ContentFilesFormMixin:
    """Refuses a save whose documents or images don't fit the content's audience."""

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the submitted field values
        if not is_reviewable(self.instance):
            return
        files, child_forms = self._submitted_files()
        for problem in file_privacy_problems(self.instance, files=files):
            self.add_error(None, problem)
            for where, (child_form, field_name) in child_forms.items():
                if problem.startswith(f"{where}:") and field_name in child_form.fields:
                    child_form.add_error(field_name, problem.partition(": ")[2])

    def _submitted_files(self):
        """``[(kind, file, readable path)]`` this form would save, and the child form of
        each path that comes from an inline panel (so its error shows there too)."""
        formsets = getattr(self, "formsets", {})
        ids = {}
        child_forms = {}
        assign_block_ids(self.instance)
        for kind, key, path in file_references(self.instance):
            if path.partition(".")[0] in formsets:
                continue  # the relation's current rows; the formset below says what is saved
            ids.setdefault(kind, {}).setdefault(key, readable_path(self.instance, path))
        for relation, formset in formsets.items():
            if not formset.is_valid():
                continue
            kept = [
                form
                for form in formset.forms
                if form.has_changed() or form.instance.pk
                if not form.cleaned_data.get("DELETE")
            ]
            for index, form in enumerate(kept):
                for kind, key, path in file_references(form.instance):
                    where = f"{relation}[{index}].{path}"
                    ids.setdefault(kind, {}).setdefault(key, where)
                    child_forms[where] = (form, path.partition(".")[0])
        return load_files(ids), child_forms


class ReviewablePageForm(ContentFilesFormMixin, WagtailAdminPageForm):
    """The base form of reviewable page types."""


def use_reviewable_page_form():
    """Give every reviewable page type that has no form of its own ``ReviewablePageForm``."""
    from wagtail.models import Page

    for model in reviewable_models():
        if not issubclass(model, Page):
            continue
        current = model.__dict__.get("base_form_class") or _inherited_form(model)
        if current in (None, WagtailAdminPageForm):
            model.base_form_class = ReviewablePageForm


def _inherited_form(model):
    for parent in model.__mro__[1:]:
        form = parent.__dict__.get("base_form_class")
        if form is not None:
            return form
    return None


@checks.register(checks.Tags.models)
def check_reviewable_page_forms(app_configs=None, **kwargs):
    """A reviewable page type's form must check its files (``ContentFilesFormMixin``)."""
    from wagtail.models import Page

    errors = []
    for model in reviewable_models():
        if not issubclass(model, Page):
            continue
        form = getattr(model, "base_form_class", None)
        if form is None or not issubclass(form, ContentFilesFormMixin):
            errors.append(
                checks.Error(
                    f"{model._meta.label}'s base_form_class doesn't check the files the page uses.",
                    hint="Subclass cms.forms.ReviewablePageForm.",
                    obj=model,
                    id="concord.E001",
                )
            )
    return errors
