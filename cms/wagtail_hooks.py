from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect

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


class ApprovedMessageViewSet(SnippetViewSet):
    model = ApprovedMessage
    icon = "openquote"
    menu_label = "Approved messages"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "kind", "approval_code", "review_by", "live"]
    list_filter = ["kind", "live", "service_lines"]
    search_fields = ["title", "text"]


register_snippet(TaxonomyGroup)
register_snippet(ApprovedMessageViewSet)
