from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import reverse

from wagtail import hooks
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UsageCountColumn
from wagtail.models import ReferenceIndex
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet, SnippetViewSetGroup

from cms.models import ApprovedMessage, JourneyStage, Segment, ServiceLine


class TaxonomyDeleteView(DeleteView):
    """Refuses to delete a taxonomy item that content still uses, and says why."""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            self.object.check_deletable()
        except ProtectedError as error:
            messages.error(request, error.args[0])
            return redirect(self.get_edit_url_for(self.object))
        return super().post(request, *args, **kwargs)

    def get_edit_url_for(self, obj):
        from wagtail.admin.admin_url_finder import AdminURLFinder

        return AdminURLFinder().get_edit_url(obj) or "wagtailadmin_home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["concord_in_use"] = self.object.usage_description()
        return context


class TaxonomyViewSet(SnippetViewSet):
    delete_view_class = TaxonomyDeleteView
    add_to_admin_menu = False
    copy_view_enabled = False


class ServiceLineViewSet(TaxonomyViewSet):
    model = ServiceLine
    icon = "pick"
    menu_label = "Service lines"
    list_display = ["name", "code", "sales_owner", "capacity"]
    list_filter = ["capacity"]
    search_fields = ["name", "code"]


class JourneyStageViewSet(TaxonomyViewSet):
    model = JourneyStage
    icon = "list-ol"
    menu_label = "Journey stages"
    list_display = ["order", "name", "slug"]
    ordering = ["order"]


class SegmentViewSet(TaxonomyViewSet):
    model = Segment
    icon = "group"
    menu_label = "Segments"
    list_display = ["name", "care_setting", "slug"]
    search_fields = ["name", "care_setting"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (ServiceLineViewSet, JourneyStageViewSet, SegmentViewSet)


class WhereUsedColumn(UsageCountColumn):
    """“Used N times”, linking to the message's usage screen (the reference index)."""

    def get_cell_context_data(self, instance, parent_context):
        instance.usage_url = reverse(
            "wagtailsnippets_cms_approvedmessage:usage", args=[instance.pk]
        )
        return super().get_cell_context_data(instance, parent_context)


class ApprovedMessageViewSet(SnippetViewSet):
    model = ApprovedMessage
    icon = "openquote"
    menu_label = "Approved messages"
    menu_order = 210
    add_to_admin_menu = True
    list_display = [
        "title",
        Column("wording", label="Wording"),
        "kind",
        WhereUsedColumn("usage_count", label="Where used"),
        "approval_code",
        "review_by",
        LiveStatusTagColumn(),
    ]
    list_filter = ["kind", "live", "service_lines"]
    # No ``search_fields``: the model is indexed, and a field-restricted search fails on
    # SQLite ("no such column"); the search covers the model's own search fields.

    def get_queryset(self, request):
        return ApprovedMessage.objects.annotate(
            usage_count=ReferenceIndex.usage_count_subquery(ApprovedMessage)
        )


register_snippet(TaxonomyGroup)
register_snippet(ApprovedMessageViewSet)


# Files approved content uses stay where they were approved ----------------------------


@hooks.register("before_bulk_action")
def refuse_moving_locked_files(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "add to collection" moves documents and images with a queryset
    ``update()`` (no ``pre_save``): refuse it whole when any of them is locked."""
    from cms.files import MOVE, file_kind, locked_file_message, locking_uses

    if action_type != "add_to_collection":
        return None
    target = action_class_instance.cleaned_form.cleaned_data.get("collection")
    refusals = []
    for obj in objects:
        if file_kind(obj) is None or (target is not None and obj.collection_id == target.pk):
            continue
        uses = locking_uses(obj)
        if uses:
            refusals.append(locked_file_message(obj, uses, change=MOVE))
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, refusal)
    messages.error(request, "Nothing was moved.")
    return redirect(action_class_instance.next_url)


# Files approved content uses can't be deleted ------------------------------------------
#
# Wagtail's delete views have no "before delete" hook for documents and images, so
# Concord mounts its own subclasses at the same admin paths (``order=-1``: before
# Wagtail's document and image URLs; the admin's login and never-cache decorators apply
# as to every admin URL). The model-level last line is ``cms.files.refuse_locked_file_delete``.


def _delete_refusal(obj):
    """The refusal message for deleting ``obj``, or ``""`` when it may go."""
    from cms.files import DELETE, locked_file_message, locking_uses

    uses = locking_uses(obj)
    return locked_file_message(obj, uses, change=DELETE) if uses else ""


class RefuseDeletingLockedFileMixin:
    """Wagtail's delete screen, after its permission check: a locked file goes back to
    its edit screen with the reason, on GET (before anyone confirms) and on POST."""

    edit_url_name = None

    def _refusal_response(self):
        refusal = _delete_refusal(self.object)
        if not refusal:
            return None
        messages.error(self.request, refusal)
        return redirect(self.edit_url_name, self.object.pk)

    def get(self, request, *args, **kwargs):
        return self._refusal_response() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refusal_response() or super().post(request, *args, **kwargs)


class RefuseDeletingLockedUploadMixin:
    """The multiple-upload screen's delete endpoint (JSON): 403 with the reason, after
    Wagtail's own permission check."""

    def post(self, request, *args, **kwargs):
        from django.core.exceptions import PermissionDenied
        from django.http import JsonResponse
        from django.shortcuts import get_object_or_404

        self.model = self.get_model()  # Wagtail's permission policy is looked up by model
        obj = get_object_or_404(self.model, pk=kwargs[self.pk_url_kwarg])
        if not self.permission_policy.user_has_permission_for_instance(request.user, "delete", obj):
            raise PermissionDenied
        refusal = _delete_refusal(obj)
        if refusal:
            return JsonResponse(
                {"success": False, self.context_object_id_name: obj.pk, "error_message": refusal},
                status=403,
            )
        return super().post(request, *args, **kwargs)


@hooks.register("register_admin_urls", order=-1)
def register_locked_file_delete_views():
    from django.urls import path

    from wagtail.documents.views import documents as document_views
    from wagtail.documents.views import multiple as document_multiple
    from wagtail.images.views import images as image_views
    from wagtail.images.views import multiple as image_multiple

    class DocumentDeleteView(RefuseDeletingLockedFileMixin, document_views.DeleteView):
        edit_url_name = "wagtaildocs:edit"

    class ImageDeleteView(RefuseDeletingLockedFileMixin, image_views.DeleteView):
        edit_url_name = "wagtailimages:edit"

    class MultipleDocumentDeleteView(RefuseDeletingLockedUploadMixin, document_multiple.DeleteView):
        pass

    class MultipleImageDeleteView(RefuseDeletingLockedUploadMixin, image_multiple.DeleteView):
        pass

    return [
        path("documents/delete/<int:document_id>/", DocumentDeleteView.as_view()),
        path("documents/multiple/<int:doc_id>/delete/", MultipleDocumentDeleteView.as_view()),
        path("images/<int:image_id>/delete/", ImageDeleteView.as_view()),
        path("images/multiple/<int:image_id>/delete/", MultipleImageDeleteView.as_view()),
    ]


@hooks.register("before_bulk_action")
def refuse_deleting_locked_files(request, action_type, objects, action_class_instance):
    """Wagtail's bulk delete of documents and images: refused whole when any is locked
    (the ``pre_delete`` lock would refuse it too, as a bare 403)."""
    from cms.files import file_kind

    if action_type != "delete":
        return None
    refusals = [
        refusal
        for obj in objects
        if file_kind(obj) is not None and (refusal := _delete_refusal(obj))
    ]
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, refusal)
    messages.error(request, "Nothing was deleted.")
    return redirect(action_class_instance.next_url)
