from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import reverse

from wagtail import hooks
from wagtail.admin.ui.tables import UsageCountColumn
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
        "kind",
        WhereUsedColumn("usage_count", label="Where used"),
        "approval_code",
        "review_by",
        "live",
    ]
    list_filter = ["kind", "live", "service_lines"]
    search_fields = ["title", "text"]

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
