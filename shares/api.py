"""``/api/v1/shares/``: make, list and revoke share links from a CRM or a script.

``POST /api/v1/shares/`` with ``{"items": ["<library item url>", …], "recipient",
"organisation", "note"}`` → 201 with the share; ``GET`` lists the caller's shares, newest
first, with their opens; ``GET``/``DELETE /api/v1/shares/<id>/`` reads or revokes one
(the rep who made it, marketers, compliance reviewers and admins). Authentication and
errors: ``cms/api.py``.
"""

from urllib.parse import urlsplit

from django.http import JsonResponse

from wagtail.models import Site

from assets.selectors import visible_library_items
from cms.api import ApiError, api_view, json_body
from shares import services
from shares.models import MAX_ITEMS, Share


def serialise(share, request, state=None):
    state = state or services.share_state(share, specific=False)
    return {
        "id": share.pk,
        "url": share.full_url,
        "pdf_url": share.full_pdf_url,
        "recipient": share.recipient,
        "organisation": share.organisation,
        "note": share.note,
        "items": [
            {
                "title": item.share_item.title,
                "approval_code": item.share_item.approval_code,
                "status": item.status,
                "url": request.build_absolute_uri(item.page.url)
                if item.page and item.page.url
                else None,
            }
            for item in state.items
        ],
        "created_at": share.created_at.isoformat(),
        "expires_at": share.expires_at.isoformat(),
        "revoked_at": share.revoked_at.isoformat() if share.revoked_at else None,
        "status": state.status,
        # ``share`` comes from ``services.shares_for``, which counts the opens.
        "opens": share.open_count,
        "pdf_downloads": share.download_count,
        "last_opened": share.last_opened.isoformat() if share.last_opened else None,
    }


def resolve_items(request, values):
    """Library items named by URL (absolute, or a path), in order; ``ApiError`` for
    anything that isn't one."""
    if not isinstance(values, list) or not values:
        raise ApiError("Name the items to share.", fields={"items": "A list of library item URLs."})
    if len(values) > MAX_ITEMS:
        raise ApiError(
            "Too many items.", fields={"items": f"A share holds at most {MAX_ITEMS} items."}
        )
    site = Site.find_for_request(request)
    root = site.root_page.url_path if site else "/"
    pages, unknown = [], []
    for value in values:
        path = urlsplit(value).path if isinstance(value, str) else ""
        if not path.startswith("/") or len(path) > 1000:
            unknown.append(str(value)[:200])
            continue
        url_path = root.rstrip("/") + "/" + path.strip("/") + "/"
        # Only what the caller may see is found: an item hidden from them and one that
        # doesn't exist get the same answer.
        page = visible_library_items(request.viewer).filter(url_path=url_path).first()
        if page is None:
            unknown.append(value)
        else:
            pages.append(page)
    if unknown:
        raise ApiError(
            "Some items aren't library items.",
            fields={"items": "Not a library item you can share: " + ", ".join(unknown)},
        )
    return pages


@api_view(["GET", "HEAD", "POST"])
def shares(request):
    if request.method == "POST":
        data = json_body(request)
        unknown = sorted(set(data) - {"items", "recipient", "organisation", "note"})
        if unknown:
            raise ApiError(
                "Unknown fields.", fields=dict.fromkeys(unknown, "Not a field of a share.")
            )
        pages = resolve_items(request, data.get("items"))
        try:
            share = services.create_share(
                user=request.user,
                viewer=request.viewer,
                pages=pages,
                recipient=data.get("recipient"),
                organisation=data.get("organisation"),
                note=data.get("note", ""),
            )
        except services.ShareRefused as refused:
            raise ApiError("The share can't be made.", fields=refused.fields) from None
        share = services.shares_for(Share.objects.filter(pk=share.pk)).get()
        response = JsonResponse(serialise(share, request), status=201)
        response["Location"] = request.build_absolute_uri(f"/api/v1/shares/{share.pk}/")
        return response
    mine = services.shares_for(Share.objects.filter(created_by=request.user))[:200]
    results = [
        serialise(
            share, request, services.share_state(share, specific=False, sharer=request.viewer)
        )
        for share in mine
    ]
    return JsonResponse({"count": len(results), "results": results})


@api_view(["GET", "HEAD", "DELETE"])
def share(request, pk):
    found = services.shares_for(Share.objects.filter(pk=pk)).first()
    if found is None or not services.can_manage(request.user, found):
        raise ApiError("There is no such share.", 404)
    if request.method == "DELETE":
        services.revoke(found, by=request.user)
        found = services.shares_for(Share.objects.filter(pk=pk)).get()
    return JsonResponse(serialise(found, request))
