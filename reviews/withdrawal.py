"""Compliance withdraws live content from use: "Withdraw from use…" in the editor.

Going live is only ever the workflow's doing; taking something down is compliance's
call (and the expiry job's, ``expire_content``). Compliance reviewers and admins
find "Withdraw from use…" on a live item's page in the library (what reps see) and in
the editor's action menu (admins; reviewers open editors only for their review tasks).
It asks for a reason, and runs ``reviews.services.withdraw``: the approval record is marked
withdrawn, the audit trail says who and why, what uses the item follows (approved
messages cascade), reps stop seeing it, share links stop serving it, and the owner and
the reps who shared it are told.
"""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from wagtail.admin.action_menu import ActionMenuItem as PageActionMenuItem
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.snippets.action_menu import ActionMenuItem as SnippetActionMenuItem

from cms.publication import Viewer
from cms.reviewable import is_reviewable, specific
from reviews.services import withdraw

REASON_MAX = 240


def may_withdraw(user):
    return Viewer.of(user).can_withdraw


def withdraw_url(obj):
    return reverse("reviews_withdraw", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit trail and sent to the item's owner, e.g. "
        "“Wait times changed: 10 business days is no longer true.”",
    )


def _object(app_label, model_name, pk):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    obj = specific(model._default_manager.filter(pk=pk).first())
    if obj is None or not is_reviewable(obj):
        raise Http404
    return obj


def withdraw_view(request, app_label, model_name, pk):
    if not may_withdraw(request.user):
        raise PermissionDenied
    obj = _object(app_label, model_name, pk)
    edit_url = AdminURLFinder(request.user).get_edit_url(obj) or reverse("wagtailadmin_home")
    if not obj.live:
        messages.warning(request, f"“{obj}” isn't live: there is nothing to withdraw.")
        return redirect(edit_url)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        withdraw(obj=obj, reason=form.cleaned_data["reason"], user=request.user)
        messages.success(
            request,
            f"“{obj}” is withdrawn. Reps no longer see it and links sent to buyers no "
            "longer show it.",
        )
        return redirect(edit_url)
    return TemplateResponse(
        request,
        "reviews/withdraw.html",
        {"object": obj, "form": form, "edit_url": edit_url},
        status=400 if request.method == "POST" else 200,
    )


def urls():
    return [
        path(
            "reviews/withdraw/<str:app_label>/<str:model_name>/<int:pk>/",
            withdraw_view,
            name="reviews_withdraw",
        )
    ]


class _WithdrawItem:
    label = "Withdraw from use…"
    name = "action-withdraw"
    icon_name = "cross"
    order = 90

    def _obj(self, context):
        return context.get("page") or context.get("instance")

    def is_shown(self, context):
        obj = self._obj(context)
        return (
            context.get("view") == "edit"
            and obj is not None
            and getattr(obj, "live", False)
            and is_reviewable(obj)
            and may_withdraw(context["request"].user)
        )

    def get_url(self, context):
        return withdraw_url(self._obj(context))


class PageWithdrawItem(_WithdrawItem, PageActionMenuItem):
    pass


class SnippetWithdrawItem(_WithdrawItem, SnippetActionMenuItem):
    pass


def page_menu_item():
    return PageWithdrawItem(order=_WithdrawItem.order)


def snippet_menu_item(model):
    return SnippetWithdrawItem(order=_WithdrawItem.order)
