"""Object storage for documents, images and renditions (``MEDIA_STORAGE=s3``).

Configured from the environment by ``cms.storage_settings.media_storage``; imported only
when that names it, so django-storages is needed only where a bucket is used.

``MediaStorage`` is django-storages' S3 storage with one change: the URL of a file is
Concord's ``/media/<name>`` (``cms.media.MediaViewURLsMixin``), where the image's
collection privacy is checked, never the bucket's address. Documents are served by
Wagtail's ``/documents/<id>/<name>`` view, which checks their collection and streams
the bytes from the bucket. ``storage_url(name)`` is the bucket's own URL, signed and
short-lived (``MEDIA_URL_EXPIRE_SECONDS``), handed out only after the check and only
with ``MEDIA_OFFLOAD=redirect``.
"""

from storages.backends.s3 import S3Storage

from cms.media import MediaViewURLsMixin


class MediaStorage(MediaViewURLsMixin, S3Storage):
    """A private S3-compatible bucket whose files are linked through ``/media/``."""
