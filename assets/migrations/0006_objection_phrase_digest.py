"""Objection phrases are matched by a digest of the whole normalised wording.

``normalised`` kept only the first 255 characters, so two long objections that shared
them were counted as one. Existing phrases get the digest of the full wording, found
again among the hearings of their objection (the words as typed) when the stored
wording was cut; otherwise (or if two phrases would now collide) the digest of what is
stored, which keeps them matching exactly as before. The constraint moves over in 0007
(its own transaction: PostgreSQL won't alter a table with pending row updates).
"""

import hashlib
import re
import unicodedata

from django.db import migrations, models

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _old_normalised(text):  # assets.models.objections.normalise_verbatim before 0006
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())[:255]


def _normalised(text):  # as of 0006 (frozen here)
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(char for char in text if unicodedata.category(char) != "Cf").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def fill_digests(apps, schema_editor):
    ObjectionPhrase = apps.get_model("assets", "ObjectionPhrase")
    ObjectionHearing = apps.get_model("assets", "ObjectionHearing")
    taken = set()
    for phrase in ObjectionPhrase.objects.order_by("pk"):
        digest = None
        hearings = ObjectionHearing.objects.filter(
            objection_id=phrase.objection_id, service_line_id=phrase.service_line_id
        ).values_list("verbatim", flat=True)
        for verbatim in hearings.iterator():
            if _old_normalised(verbatim) == phrase.normalised:
                digest = _digest(_normalised(verbatim))
                break
        if digest is None or (phrase.service_line_id, digest) in taken:
            digest = _digest(phrase.normalised)
        taken.add((phrase.service_line_id, digest))
        phrase.digest = digest
        phrase.save(update_fields=["digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0005_library_version"),
        ("cms", "0004_servicelinepage"),
    ]

    operations = [
        migrations.AddField(
            model_name="objectionphrase",
            name="digest",
            field=models.CharField(
                default="",
                help_text="SHA-256 of the whole normalised wording (verbatim_digest).",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
