"""The hostile-input generator: every URL × every role × every payload, never a 5xx.

URLs: every URL name the resolver knows that the permission matrix requires a row for
(``test_permission_matrix``: it walks the resolver — everything outside the admin and
the project's own admin screens: snippet listings, add and edit forms and workflow
actions, reports, imports and exports, the objection merge, review routes), each
with the real objects of the matrix's world, plus Wagtail's editor with Concord's page
forms (add and edit of an asset, a talk track, a public page; the asset previews).
Roles: the matrix's five. Payloads: ``tests/security/hostile_payloads.py`` (NUL bytes,
100 kB strings, bytes that aren't UTF-8, wrong types, missing management-form fields,
files where text is expected, numbers past any column, wrong methods, malformed
headers). A form's payloads use the field names the form really has, read from the
page as the administrator gets it.

Any 5xx fails the test with the URL, the role and the payload. Everything else — a
page, a redirect to sign in, 400, 403, 404, 405, 413, 429 — is an answer. The run
prints its count of URL × role × payload combinations (``pytest -s``); it takes about
half a minute (``docs/security.md``).
"""

import logging
import re
import time

from django.test import Client
from django.urls import reverse

import pytest

from tests.security import test_permission_matrix as matrix
from tests.security.hostile_payloads import PAYLOADS

ROLES = matrix.ROLES
matrix_world = matrix.matrix_world  # the matrix's world: every kind of object, submitted items

FIELD_NAME = re.compile(r"<(?:input|select|textarea|button)\b[^>]*?\bname=\"([^\"]+)\"", re.I)
NOT_FIELDS = {"csrfmiddlewaretoken"}


def concord_form_paths(world):
    """Wagtail's editor with Concord's page forms: an asset's (``EnablementAssetForm``,
    new and existing), a talk track's and a public page's, and the asset previews."""
    library = world.library
    return [
        reverse("wagtailadmin_pages:add", args=["assets", "enablementassetpage", library.pk]),
        reverse("wagtailadmin_pages:edit", args=[world.asset.pk]),
        reverse("wagtailadmin_pages:edit", args=[world.talk_track.pk]),
        reverse("wagtailadmin_pages:edit", args=[world.public_page.pk]),
        reverse(
            "wagtailadmin_pages:preview_on_add",
            args=["assets", "enablementassetpage", library.pk],
        ),
        reverse("wagtailadmin_pages:preview_on_edit", args=[world.asset.pk]),
    ]


def concord_paths(world):
    """The matrix's URLs (with real objects) and Concord's editor forms, each once."""
    paths = [build(world) for _name, build, _answers, _method in matrix.ROWS]
    return list(dict.fromkeys([*paths, *concord_form_paths(world)]))


def fields_in(response):
    """The field names of the form(s) in an HTML answer (none for anything else)."""
    if "html" not in response.get("Content-Type", "") or response.streaming:
        return []
    content = response.content.decode(errors="replace")
    return sorted(set(FIELD_NAME.findall(content)) - NOT_FIELDS) or None


def form_fields(client, path):
    """The field names of the form(s) at ``path``, as an administrator sees them."""
    if path.split("?")[0].endswith(("pdf/", "pack.pdf", ".csv", ".xml")):
        return []  # files, not forms
    response = client.get(path)
    return (fields_in(response) or []) if response.status_code == 200 else []


def send(client, path, method, kwargs):
    headers = kwargs.get("headers", {})
    if method == "get" or "query" in kwargs:
        separator = "&" if "?" in path else "?"
        query = kwargs.get("query", "")
        return client.get(f"{path}{separator}{query}" if query else path, headers=headers)
    sender = getattr(client, method)
    if "content_type" in kwargs:
        return sender(path, kwargs["data"], content_type=kwargs["content_type"])
    return sender(path, kwargs.get("data", {}))


def signed_out(response):
    cookie = response.cookies.get("sessionid")
    return cookie is not None and not cookie.value


@pytest.fixture
def quiet(settings):
    """Thousands of refused requests: no log lines for them, sessions in memory."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


def clients_for(world):
    clients = {}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        if role in world.users:
            clients[role].force_login(world.users[role])
    return clients


def run(world, paths, payloads):
    """Send every payload to every path as every role; the 5xx answers, and the count.

    The administrator goes first with the query-string payloads: the form fields of a
    page are read from the administrator's first full answer, and the form posts that
    follow (for every role) use them.
    """
    clients = clients_for(world)
    roles = ["admin", *[role for role in ROLES if role != "admin"]]
    ordered = sorted(payloads, key=lambda payload: payload.method != "get")
    failures, sent = [], 0
    for path in paths:
        fields = None
        for role in roles:
            client = clients[role]
            for payload in ordered:
                if fields is None and payload.method != "get":
                    fields = form_fields(clients["admin"], path)
                method, kwargs = payload.request(fields or [])
                response = send(client, path, method, kwargs)
                sent += 1
                if fields is None and role == "admin" and response.status_code == 200:
                    fields = fields_in(response)
                if response.status_code >= 500:
                    failures.append(
                        f"{response.status_code} {method.upper()} {path} as {role} "
                        f"with {payload.name} ({payload.description})"
                    )
                if role in world.users and signed_out(response):
                    client.force_login(world.users[role])
    return failures, sent


def report(label, paths, payloads, failures, started):
    combinations = len(paths) * len(ROLES) * len(payloads)
    print(  # noqa: T201 - the count the issue asks for, shown with -s and in CI logs
        f"\nhostile-input generator, {label}: {len(paths)} URLs × {len(ROLES)} roles × "
        f"{len(payloads)} payloads = {combinations} requests, {len(failures)} answered 5xx, "
        f"{time.monotonic() - started:.1f} s"
    )
    return combinations


# The URLs are sent in this many interleaved shares, one test each, so parallel
# workers share the load; together they cover every URL.
SHARES = 4


@pytest.mark.parametrize("share", range(SHARES))
@pytest.mark.usefixtures("stub_pdf_renderer")
def test_no_concord_url_answers_5xx_to_any_role_with_any_payload(matrix_world, quiet, share):
    started = time.monotonic()
    every_path = concord_paths(matrix_world)
    paths = every_path[share::SHARES]
    assert paths and sum(len(every_path[n::SHARES]) for n in range(SHARES)) == len(every_path)
    # Every URL name the matrix requires a row for is here (so, every URL of Concord's).
    assert matrix._discovered() <= {name for name, *_rest in matrix.ROWS}
    failures, sent = run(matrix_world, paths, PAYLOADS)
    label = f"Concord's URLs and forms, share {share + 1} of {SHARES}"
    assert sent == report(label, paths, PAYLOADS, failures, started)
    assert not failures, "\n".join(failures)
