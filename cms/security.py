"""Security helpers that belong to no single app.

``DocumentForm`` — the base of Wagtail's document forms
(``WAGTAILDOCS_DOCUMENT_FORM_BASE``): Wagtail checks only a file's *name* against
``WAGTAILDOCS_EXTENSIONS``, so an executable renamed ``.pdf`` would be stored and
handed to reps as a PDF. This form also checks the first bytes against the type the
name claims.

Sign-in throttling — django-axes (``cms/logins.py``). Content security policy —
``cms.middleware``.
"""

import os

from django import forms
from django.core.files.uploadedfile import UploadedFile

from wagtail.documents.forms import BaseDocumentForm

# What the first bytes of each allowed type look like. Office Open XML and
# OpenDocument files are ZIP archives.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
}
TEXT_EXTENSIONS = {"csv", "txt"}
HEAD_BYTES = 8192


def file_matches_extension(*, name, head):
    """Whether ``head`` (the file's first bytes) fits the type ``name`` claims."""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    if extension in TEXT_EXTENSIONS:
        return b"\x00" not in head
    return True  # other extensions are refused by WAGTAILDOCS_EXTENSIONS


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            upload.seek(0)
            head = upload.read(HEAD_BYTES)
            upload.seek(0)
            if not file_matches_extension(name=upload.name, head=head):
                raise forms.ValidationError(
                    "The file's contents don't match its name: this is not a real "
                    "%(extension)s file.",
                    code="file_type_mismatch",
                    params={"extension": os.path.splitext(upload.name)[1].lstrip(".").upper()},
                )
        return upload
