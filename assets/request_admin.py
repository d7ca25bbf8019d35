"""Admin for content requests: the marketers' queue and marking a request done.

The queue (``/admin/library-requests/``) lists requests, most asked first, filtered by
status (open by default) and by call (slugs, as the coverage map links them). Marketers
(``assets.change_contentrequest``) mark a request done with the library item that
answers it; compliance reviewers may look (``view``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from assets import services
from assets.models import ContentRequest, LibraryItemPage
from cms.exports import FormulaSafeExportMixin
from cms.models import JourneyStage, Segment, ServiceLine

request_permissions = ModelPermissionPolicy(ContentRequest)


class RequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=ContentRequest.Status.choices, empty_label="Open and done"
    )
    service_line = django_filters.ModelChoiceFilter(
        queryset=ServiceLine.objects.all(), to_field_name="slug"
    )
    stage = django_filters.ModelChoiceFilter(
        queryset=JourneyStage.objects.all(), to_field_name="slug"
    )
    segment = django_filters.ModelChoiceFilter(queryset=Segment.objects.all(), to_field_name="slug")

    class Meta:
        model = ContentRequest
        fields = []


class RequestQueueView(FormulaSafeExportMixin, ReportView):
    page_title = "Content requests"
    header_icon = "mail"
    index_url_name = "assets_requests:index"
    index_results_url_name = "assets_requests:index_results"
    filterset_class = RequestFilterSet
    model = ContentRequest
    any_permission_required = ["change", "view"]
    paginate_by = 50
    export_filename = "content-requests"
    list_export = [
        "title",
        "service_line",
        "stage",
        "segment",
        "kind_label",
        "times_requested",
        "first_requested_at",
        "last_requested_at",
        "get_status_display",
        "fulfilled_by",
    ]
    export_headings = {
        "title": "Need",
        "kind_label": "Kind",
        "times_requested": "Reps asking",
        "get_status_display": "Status",
        "fulfilled_by": "Answered by",
    }

    def get_page_subtitle(self):
        return "What reps asked marketing for, most asked first"

    @property
    def columns(self):
        can_change = request_permissions.user_has_permission(self.request.user, "change")
        return [
            TitleColumn(
                "title",
                label="Need",
                get_url=(
                    (lambda obj: reverse("assets_requests:done", args=[obj.pk]))
                    if can_change
                    else None
                ),
            ),
            NumberColumn("times_requested", label="Reps asking"),
            DateColumn("last_requested_at", label="Last asked"),
            Column("get_status_display", label="Status"),
            Column("fulfilled_by", label="Answered by"),
        ]

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        data = kwargs.get("data")
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = ContentRequest.Status.OPEN
            kwargs["data"] = data
        return kwargs

    def get_queryset(self):
        return ContentRequest.objects.select_related(
            "service_line", "stage", "segment", "fulfilled_by"
        ).order_by("status", "-times_requested", "-last_requested_at")


class DoneForm(forms.Form):
    item = forms.ModelChoiceField(
        label="The library item that answers it",
        queryset=LibraryItemPage.objects.none(),
        help_text="Items tagged for this call, newest first. Reps who asked are e-mailed "
        "once it is approved and live.",
    )

    def __init__(self, *args, request_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = LibraryItemPage.objects.filter(
            service_lines=request_obj.service_line,
            stages=request_obj.stage,
            segments=request_obj.segment,
        ).order_by("-latest_revision_created_at", "title")


def request_done_view(request, pk):
    if not request_permissions.user_has_permission(request.user, "change"):
        raise PermissionDenied
    request_obj = get_object_or_404(
        ContentRequest.objects.select_related("service_line", "stage", "segment"), pk=pk
    )
    form = DoneForm(request.POST or None, request_obj=request_obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.content_request_done(
                request=request_obj, item=form.cleaned_data["item"], user=request.user
            )
        except ValidationError as error:
            form.add_error("item", error)
        else:
            messages.success(request, f"Done: {request_obj.need}.")
            return redirect("assets_requests:index")
    asks = request_obj.asks.select_related("user").order_by("-asked_at")[:50]
    return TemplateResponse(
        request,
        "assets/admin/request_done.html",
        {
            "request_obj": request_obj,
            "form": form,
            "asks": asks,
            "has_items": form.fields["item"].queryset.exists(),
            "index_url": reverse("assets_requests:index"),
        },
    )
