"""The admin forms of documents and images (``WAGTAILDOCS_DOCUMENT_FORM_BASE``,
``WAGTAILIMAGES_IMAGE_FORM_BASE``).

Both refuse to replace the file of, or move to another collection, a document or image
that approved content or content in review uses (``cms.files.locking_uses``), naming
that content; the document form also refuses to rename it (readers see its title). The
document form also checks an upload's first bytes (``cms.security.DocumentForm``). Kept
apart from ``cms.forms``, which page models import: Wagtail's image forms import the
image model.
"""

from django.core.files.uploadedfile import UploadedFile

from wagtail.images.forms import BaseImageForm

from cms import security
from cms.files import MOVE, RENAME, REPLACE, file_kind, locked_file_message, locking_uses


class LockedFileFormMixin:
    """A document's or image's file and collection stay as approved (``cms.files``)."""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        changes = {}
        if isinstance(cleaned_data.get("file"), UploadedFile):
            changes[REPLACE] = "file"
        collection = cleaned_data.get("collection")
        if collection is not None and collection.pk != self.instance.collection_id:
            changes[MOVE] = "collection"
        title = cleaned_data.get("title")
        if (
            file_kind(self.instance) == "document"
            and title is not None
            and title != self.instance.title
        ):
            changes[RENAME] = "title"
        if changes:
            uses = locking_uses(self.instance)
            if uses:
                for change, field in changes.items():
                    self.add_error(field, locked_file_message(self.instance, uses, change=change))
        return cleaned_data


class DocumentForm(LockedFileFormMixin, security.DocumentForm):
    """Wagtail's document form with the content check of uploads and the file lock."""


class ImageForm(LockedFileFormMixin, BaseImageForm):
    """Wagtail's image form with the file lock."""
