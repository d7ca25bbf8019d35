"""Where uploaded files live, from the environment: ``media_storage(os.environ)``.

Imported by ``cms/settings/base.py``, so nothing here imports Django's apps or
django-storages (which is installed only where object storage is used).

``MEDIA_STORAGE``
    ``local`` (default; also empty): files under ``MEDIA_ROOT``.
    ``s3``: an S3-compatible bucket through django-storages (``cms.storage.MediaStorage``).

With ``s3``:

``MEDIA_BUCKET`` (required)
    the bucket. Keep it private: no public ACL, no public bucket policy.
``MEDIA_ENDPOINT_URL``
    an S3-compatible service's URL (MinIO, Ceph, R2, Spaces…); empty for AWS.
``MEDIA_REGION``
    the bucket's region (else ``AWS_DEFAULT_REGION`` or boto3's default).
``MEDIA_PREFIX``
    a folder inside the bucket for Concord's files (default: the bucket's root).
``MEDIA_URL_EXPIRE_SECONDS``
    how long a signed URL handed out with ``MEDIA_OFFLOAD=redirect`` is valid (300).
``MEDIA_ADDRESSING_STYLE``
    ``path`` or ``virtual`` when the service needs one (default: boto3 decides).

Credentials come the usual AWS ways, read by boto3 itself: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` (and ``AWS_SESSION_TOKEN``), a profile, or the instance's
role. Nothing about them is stored in the settings.
"""

import importlib.util

from django.core.exceptions import ImproperlyConfigured

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "cms.storage.MediaStorage"
KINDS = ("local", "s3")
ADDRESSING_STYLES = ("path", "virtual")
DEFAULT_URL_EXPIRE_SECONDS = 300


def media_storage(environ):
    """``STORAGES["default"]`` for ``environ`` (a mapping such as ``os.environ``).

    Raises ``ImproperlyConfigured`` with what to set when the configuration can't work.
    """
    kind = environ.get("MEDIA_STORAGE", "").strip().lower() or "local"
    if kind not in KINDS:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE is “{environ.get('MEDIA_STORAGE')}”: use “local” (files under "
            "MEDIA_ROOT, the default) or “s3” (an S3-compatible bucket, MEDIA_BUCKET)."
        )
    if kind == "local":
        return dict(LOCAL)
    missing = [
        package for package in ("storages", "boto3") if importlib.util.find_spec(package) is None
    ]
    if missing:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs django-storages and boto3, which are not installed: "
            "pip install 'concord[s3]' (or django-storages[s3])."
        )
    bucket = environ.get("MEDIA_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs MEDIA_BUCKET, the name of the (private) bucket."
        )
    expire = environ.get("MEDIA_URL_EXPIRE_SECONDS", "").strip()
    try:
        expire = int(expire) if expire else DEFAULT_URL_EXPIRE_SECONDS
    except ValueError:
        expire = 0
    if expire < 1:
        raise ImproperlyConfigured(
            "MEDIA_URL_EXPIRE_SECONDS must be a whole number of seconds of 1 or more "
            f"(default {DEFAULT_URL_EXPIRE_SECONDS})."
        )
    style = environ.get("MEDIA_ADDRESSING_STYLE", "").strip().lower() or None
    if style is not None and style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            "MEDIA_ADDRESSING_STYLE must be “path” or “virtual” (or unset: boto3 decides)."
        )
    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("MEDIA_ENDPOINT_URL", "").strip() or None,
        "region_name": (
            environ.get("MEDIA_REGION", "").strip()
            or environ.get("AWS_DEFAULT_REGION", "").strip()
            or None
        ),
        "location": environ.get("MEDIA_PREFIX", "").strip().strip("/"),
        # Private: no ACL is sent, so objects get the bucket's (private) default; the
        # bytes reach people only through Concord's views, after the privacy check.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": expire,
        # Two uploads with one name get two objects, as on the file system.
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    if style:
        options["addressing_style"] = style
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
