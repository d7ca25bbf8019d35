"""The hostile-input generator's payloads, all in one place.

Each payload turns the field names of the form at a URL (or a generic set, for views
without a form) into one request: a method and the keyword arguments of Django's test
client. ``tests/security/test_hostile_generator.py`` sends every payload to every URL
as every role; the only rule is that nothing answers 5xx.

Adding a payload here adds it everywhere. Keep them cheap: every one is sent a few
hundred times per run.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

NUL = "a\x00b"
HUNDRED_KB = "x" * 100_000
INVALID_UTF8 = "%FF%FE%C0%AF%ED%A0%80"  # bytes that aren't UTF-8 (percent-encoded)
# Parameter names the library, the API, the reports and Wagtail's listings read.
QUERY_PARAMETERS = (
    "q",
    "page",
    "page_size",
    "service_line",
    "stage",
    "segment",
    "kind",
    "sort",
    "ordering",
    "export",
    "version",
    "next",
    "p",
    "id",
)
# Fields to post to a URL that shows no form.
GENERIC_FIELDS = ("title", "verbatim", "file", "q", "next", "action-submit", "id", "pk")
# What Django formsets and Wagtail's StreamField/ListBlock need to read the rest.
MANAGEMENT_SUFFIXES = (
    "-TOTAL_FORMS",
    "-INITIAL_FORMS",
    "-MIN_NUM_FORMS",
    "-MAX_NUM_FORMS",
    "-count",
    "-deleted",
    "-order",
    "-type",
)


@dataclass(frozen=True)
class Payload:
    name: str
    method: str
    build: object  # (field names) -> dict of test-client keyword arguments
    description: str = field(default="", compare=False)

    def request(self, fields):
        return self.method, self.build(list(fields) or list(GENERIC_FIELDS))


def _query(value, *, raw=False, names=QUERY_PARAMETERS):
    encoded = value if raw else quote(value, safe="")
    return "&".join(f"{name}={encoded}" for name in names)


def _get(value, *, raw=False):
    return lambda fields: {"query": _query(value, raw=raw)}


def _form(value):
    return lambda fields: {"data": dict.fromkeys(fields, value)}


def _wrong_types_without_management(fields):
    data = _missing_management(fields)["data"]
    for name in list(data):
        if not name.endswith("-value"):
            data[name] = ["abc", "[1, 2]", "-1.5e309"]
    return {"data": data}


def _multipart_hostile(fields):
    """A multipart body built by hand: text parts that are 100 kB and end in bytes
    that aren't UTF-8, and a file part with NUL bytes, for every field name."""
    boundary = "hostile-boundary"
    text = HUNDRED_KB.encode() + b"\xff\xfe\xc0\xaf"
    parts = []
    for name in fields:
        quoted = name.replace('"', "%22")
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted}"\r\n\r\n'.encode()
            + text
            + b"\r\n"
        )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted}"; '
            f'filename="x.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + b"%PDF-\x00\xff"
            + b"\x00" * 64
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _numbers(fields):
    return {"data": dict.fromkeys(fields, "-99999999999999999999999999999")}


def _missing_management(fields):
    kept = [name for name in fields if not name.endswith(MANAGEMENT_SUFFIXES)]
    data = dict.fromkeys(kept, "1")
    # A StreamField or formset that claims an item whose fields aren't there.
    for name in fields:
        if name.endswith(("-count", "-TOTAL_FORMS")):
            prefix = name.rsplit("-", 1)[0]
            data[f"{prefix}-0-value"] = "1"
    return {"data": data}


def _headers(fields):
    return {
        "query": "",
        "headers": {
            "Authorization": "Bearer wagtail_" + "Z" * 5_000,
            "If-None-Match": '"' + "\x7f" * 10 + '", W/',
            "If-Modified-Since": "yesterday-ish",
            "Range": "bytes=999999999999-1",
            "Accept-Language": "zz-ZZ;q=abc, *;q=-1",
            "X-Forwarded-For": "not an address, 999.1.1.1",
            "Referer": "javascript:alert(1)",
        },
    }


def _wrong_method(fields):
    return {"data": b"a=1", "content_type": "application/x-www-form-urlencoded"}


PAYLOADS = [
    # Query strings: the value in every common parameter at once.
    Payload("get-nul", "get", _get(NUL), "a NUL byte"),
    Payload(
        "get-100kB",
        "get",
        lambda fields: {"query": _query(HUNDRED_KB, names=("q", "next"))},
        "100 kB strings (the search and the address to return to)",
    ),
    Payload("get-invalid-utf8", "get", _get(INVALID_UTF8, raw=True), "bytes that aren't UTF-8"),
    Payload(
        "get-wrong-types",
        "get",
        lambda fields: {
            **_headers(fields),
            "query": _query('-1e309{}"') + "&" + _query("[]", raw=True) + "&q[]=x&page[]=2",
        },
        "numbers that aren't, objects, every parameter twice, array syntax; malformed "
        "conditional, range and auth headers",
    ),
    # Form posts with the form's own field names.
    Payload("post-nul", "post", _form(NUL), "a NUL byte in every field"),
    Payload("post-huge-numbers", "post", _numbers, "numbers past any column"),
    Payload(
        "post-wrong-types",
        "post",
        _wrong_types_without_management,
        "every field twice with values of the wrong type; formset and StreamField "
        "management fields missing",
    ),
    Payload(
        "post-100kB-invalid-utf8-files",
        "post",
        _multipart_hostile,
        "multipart: 100 kB in every field, ending in bytes that aren't UTF-8, and a file "
        "with NUL bytes under every name",
    ),
    # Methods no view of Concord's expects (Django's views share one path for the rest).
    Payload("patch", "patch", _wrong_method, "wrong method, with a body"),
    Payload("delete", "delete", _wrong_method, "wrong method, with a body"),
]
