"""Checking the edit form while the marketer types: the endpoint the editor calls.

``POST /admin/glossary/live-check/?for=<the edit view's path>`` with the edit form's
fields, as the browser would submit them (the edit form's own ``FormData``), answers
the terminology findings of those *unsaved* values as JSON. The edit view's path says
what is edited: a page (``/admin/pages/<id>/edit/``), a new page
(``/admin/pages/add/<app>/<model>/<parent>/``), a snippet
(``/admin/snippets/<app>/<model>/edit/<pk>/``) or a new snippet (``…/add/``); the
user needs the permission that view needs (edit the page or snippet, add one).

The form is built exactly as Wagtail's preview builds it (the model's edit handler),
so every field, StreamField block and inline child is read as saving would read it.
When the form doesn't validate yet (a required field still empty) the fields that do
validate are checked and the others keep their stored values. The check is the gate's
own (:func:`glossary.checking.check_object`), so the live findings are what would
block approval.

Each finding says where it is in words (:func:`location`: "Body › Paragraph 2"),
which form input holds it (``input``), and — when that input's submitted value
holds the found words at the reported offsets (plain text fields and text blocks; not
rich text, whose input holds the editor's JSON) — ``replace``: the offsets, in UTF-16
code units as the browser counts them, so the editor can replace the words with the
preferred term in one click.

Requests are limited per user (:data:`RATE_LIMIT` a minute, a 429 with
``Retry-After`` beyond that); the editor debounces its requests well below it.
"""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.forms.models import construct_instance
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_POST

from wagtail.models import Page

from modelcluster.fields import ParentalManyToManyField

from glossary.checking import check_object

RATE_LIMIT = 40
"""Checks a user may ask for per minute."""

_ADMIN_PREFIX = "/admin/"


@require_POST
def live_check(request):
    if not _within_rate_limit(request.user):
        response = JsonResponse(
            {"error": "Too many checks; the editor checks again in a moment."}, status=429
        )
        response["Retry-After"] = "20"
        return response
    target = request.GET.get("for", "")
    try:
        instance, form = _form_for(request, target)
    except PermissionDenied:
        return JsonResponse({"error": "You may not edit this."}, status=403)
    except Http404 as error:
        return JsonResponse({"error": str(error) or "Not found."}, status=404)
    # Unsaved: the valid form's values, or (not valid yet) the fields that are valid.
    obj = form.save(commit=False) if form.is_valid() else _valid_part(form, instance)
    findings = check_object(obj)
    return JsonResponse(
        {
            "count": len(findings),
            "findings": [_finding_json(finding, obj, request.POST) for finding in findings],
        }
    )


def _valid_part(form, instance):
    """``instance`` with the values of the form's valid fields (the others as stored):
    a form missing a required title is still checked. In-memory many-to-many fields
    (the service lines that decide which terms apply) are set too."""
    obj = construct_instance(form, instance)
    for field in type(obj)._meta.many_to_many:
        if isinstance(field, ParentalManyToManyField) and field.name in form.cleaned_data:
            setattr(obj, field.name, form.cleaned_data[field.name])
    return obj


def _within_rate_limit(user) -> bool:
    """At most :data:`RATE_LIMIT` checks in a minute that starts with the user's first
    check (the counter's expiry; incrementing keeps it)."""
    key = f"glossary:live-check:{user.pk}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # Expired between add and incr.
        cache.set(key, 1, timeout=60)
        count = 1
    return count <= RATE_LIMIT


def _form_for(request, target: str):
    """The edit form of the view at ``target``, bound to the submitted data."""
    if not target.startswith(_ADMIN_PREFIX) or "\x00" in target:
        raise Http404("Not an edit view.")
    try:
        match = resolve(target.split("?")[0])
    except Resolver404 as error:
        raise Http404("Not an edit view.") from error
    user = request.user
    if match.namespace == "wagtailadmin_pages" and match.url_name == "edit":
        page = Page.objects.filter(pk=match.kwargs["page_id"]).first()
        if page is None:
            raise Http404("No such page.")
        page = page.get_latest_revision_as_object()
        if not page.permissions_for_user(user).can_edit():
            raise PermissionDenied
        return page, _page_form(request, page, page.get_parent().specific)
    if match.namespace == "wagtailadmin_pages" and match.url_name == "add":
        return _new_page_form(request, **match.kwargs)
    viewset = _snippet_viewset(match.namespace)
    if viewset is not None and match.url_name in ("edit", "add"):
        policy = viewset.permission_policy
        if match.url_name == "edit":
            obj = viewset.model.objects.filter(pk=_unquote(match.kwargs["pk"])).first()
            if obj is None:
                raise Http404("No such snippet.")
            if hasattr(obj, "get_latest_revision_as_object"):
                obj = obj.get_latest_revision_as_object()
            if not policy.user_has_permission_for_instance(user, "change", obj):
                raise PermissionDenied
        else:
            if not policy.user_has_permission(user, "add"):
                raise PermissionDenied
            obj = viewset.model()
        form_class = viewset.get_edit_handler().get_form_class()
        return obj, form_class(request.POST, instance=obj, for_user=user)
    raise Http404("Not an edit view.")


def _page_form(request, page, parent):
    form_class = page.get_edit_handler().get_form_class()
    data = request.POST.copy()
    # As Wagtail's preview does: a form without a title or slug yet still checks.
    if not data.get("title"):
        data["title"] = "Untitled"
    if not data.get("slug"):
        data["slug"] = "untitled-live-check"
    return form_class(data, instance=page, parent_page=parent, for_user=request.user)


def _new_page_form(request, content_type_app_name, content_type_model_name, parent_page_id):
    try:
        content_type = ContentType.objects.get_by_natural_key(
            content_type_app_name, content_type_model_name
        )
    except ContentType.DoesNotExist as error:
        raise Http404("No such page type.") from error
    model = content_type.model_class()
    if model is None or not issubclass(model, Page):
        raise Http404("No such page type.")
    parent = Page.objects.filter(pk=parent_page_id).first()
    if parent is None:
        raise Http404("No such parent page.")
    parent = parent.specific
    if not parent.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    page = model()
    page.depth = parent.depth + 1
    page.path = page._get_path(parent.path, page.depth, parent.numchild + 1)
    return page, _page_form(request, page, parent)


def _snippet_viewset(namespace: str):
    from wagtail.snippets.models import get_snippet_models

    for model in get_snippet_models():
        viewset = getattr(model, "snippet_viewset", None)
        if viewset is not None and viewset.url_namespace == namespace:
            return viewset
    return None


def _unquote(pk: str) -> str:
    from django.contrib.admin.utils import unquote

    return unquote(str(pk))


# Findings as the editor needs them


def _finding_json(finding, obj, data) -> dict:
    input_name = input_for(finding.path, data)
    value = data.get(input_name) if input_name else None
    replace = None
    if isinstance(value, str) and _at(value, finding):
        replace = {
            "start": _utf16(value[: finding.start]),
            "end": _utf16(value[: finding.end]),
        }
    return {
        "path": finding.path,
        "location": location(finding.path, obj, finding.line),
        "input": input_name,
        "found": finding.found,
        "preferred": finding.preferred,
        "replacement": finding.replacement,
        "context": finding.context,
        "line": finding.line,
        "column": finding.column,
        "replace": replace,
    }


def _at(value: str, finding) -> bool:
    return value[finding.start : finding.end] == finding.found


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_TOKEN = re.compile(r"\[(\d+)\]|\.?([A-Za-z_][A-Za-z0-9_]*)")


def _tokens(path: str) -> list[int | str]:
    return [int(index) if index else name for index, name in _TOKEN.findall(path)]


def input_for(path: str, data) -> str | None:
    """The name of the form input that holds the copy at ``path`` in the submitted
    ``data`` (Wagtail's field, StreamField and inline-panel naming), or ``None``."""
    tokens = _tokens(path)
    if not tokens or not isinstance(tokens[0], str):
        return None
    prefix = tokens[0]
    position = 1
    while position < len(tokens):
        token = tokens[position]
        if isinstance(token, int):
            live = _live_children(prefix, data)
            if token >= len(live):
                return None
            if f"{prefix}-count" in data or f"{prefix}-TOTAL_FORMS" in data:
                prefix = f"{prefix}-{live[token]}"
            if f"{prefix}-type" in data:  # A StreamField block: its type comes next.
                position += 1
                prefix = f"{prefix}-value"
            elif f"{prefix}-value" in data or any(
                key.startswith(f"{prefix}-value-") for key in data
            ):
                prefix = f"{prefix}-value"  # A list item.
        else:
            prefix = f"{prefix}-{token}"
        position += 1
    return prefix if prefix in data else None


def _live_children(prefix: str, data) -> list[str]:
    """The indexes of a stream, list or inline formset's children, in display order."""
    if f"{prefix}-count" in data:  # StreamField / ListBlock
        count = _int(data.get(f"{prefix}-count"))
        children = [
            (_int(data.get(f"{prefix}-{index}-order"), index), str(index))
            for index in range(count)
            if data.get(f"{prefix}-{index}-deleted") not in ("1", "on", "true")
        ]
        return [index for _, index in sorted(children)]
    if f"{prefix}-TOTAL_FORMS" in data:  # An inline panel's formset
        count = _int(data.get(f"{prefix}-TOTAL_FORMS"))
        children = [
            (_int(data.get(f"{prefix}-{index}-ORDER"), index), str(index))
            for index in range(count)
            if not data.get(f"{prefix}-{index}-DELETE")
        ]
        return [index for _, index in sorted(children)]
    return []


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def location(path: str, obj, line: int = 1) -> str:
    """A finding's place in words: ``body[2].callout.heading`` is "Body › Callout 1 ›
    Heading" (the first callout block), ``attachments[0].label`` "Attachment 1 ›
    Label", ``search_description`` "Search description"; ", line N" for a later line
    (a later paragraph of a rich text)."""
    tokens = _tokens(path)
    if not tokens or not isinstance(tokens[0], str):
        return path
    model = type(obj)
    field = _field(model, tokens[0])
    rest = tokens[1:]
    if field is not None and hasattr(field, "stream_block"):
        parts = [_label(field.verbose_name)]
        parts.extend(_block_labels(field.stream_block, _raw(getattr(obj, tokens[0], None)), rest))
    elif field is not None and getattr(field, "one_to_many", False) and rest:
        related = field.related_model
        parts = [f"{_label(related._meta.verbose_name)} {rest[0] + 1}"]
        parts.extend(
            _label(getattr(_field(related, name), "verbose_name", name))
            for name in rest[1:]
            if isinstance(name, str)
        )
    else:
        parts = [_label(getattr(field, "verbose_name", tokens[0]))]
    where = " › ".join(parts)
    return f"{where}, line {line}" if line > 1 else where


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist, or not a model at all
        return None


def _block_labels(stream_block, raw, tokens) -> list[str]:
    parts = []
    block = stream_block
    position = 0
    while position < len(tokens):
        token = tokens[position]
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        children = getattr(block, "child_blocks", None) or {}
        if isinstance(token, int) and isinstance(following, str) and following in children:
            # A stream's block, numbered among the blocks of its type.
            items = raw if isinstance(raw, list) else []
            number = sum(
                1
                for item in items[: token + 1]
                if isinstance(item, dict) and item.get("type") == following
            )
            block = children[following]
            parts.append(f"{_label(block.label or following)} {number or token + 1}")
            item = items[token] if token < len(items) else None
            raw = item.get("value") if isinstance(item, dict) else None
            position += 2
            continue
        if isinstance(token, int):
            parts.append(f"item {token + 1}")
            items = raw if isinstance(raw, list) else []
            raw = items[token] if token < len(items) else None
            if isinstance(raw, dict) and "type" in raw and "value" in raw:
                raw = raw["value"]
            block = getattr(block, "child_block", None)
        else:
            block = children.get(token)
            parts.append(_label(getattr(block, "label", None) or token))
            raw = raw.get(token) if isinstance(raw, dict) else None
        position += 1
    return parts


def _label(text) -> str:
    text = str(text).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _raw(value):
    raw = getattr(value, "raw_data", None)
    if raw is not None:
        return list(raw)
    return value if isinstance(value, list) else None
