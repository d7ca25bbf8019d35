"""The demo's share links: a few links the demo rep sent, some opened.

Made through ``shares.services.create_share`` (so only approved external material is
shared and the glossary checks the wording), then dated back and given opens. Runs
after ``reviews.demo`` (the items must be approved). Idempotent: a share for the same
recipient and organisation is made once.
"""

from datetime import timedelta

from django.utils import timezone

from assets.models import LibraryItemPage
from cms.demodata import read
from shares import services
from shares.models import Share, ShareOpen


def seed(context):
    data = read("shares", "shares")
    rep = context.users.get(data["sender"]["username"])
    if rep is None:
        return
    made = 0
    now = timezone.now()
    for record in data["shares"]:
        if Share.objects.filter(
            created_by=rep, recipient=record["recipient"], organisation=record["organisation"]
        ).exists():
            continue
        titles = record["items"]
        pages = {page.title: page for page in LibraryItemPage.objects.filter(title__in=titles)}
        try:
            share = services.create_share(
                user=rep,
                pages=[pages[title] for title in titles if title in pages],
                recipient=record["recipient"],
                organisation=record["organisation"],
                note=record.get("note", ""),
                phone=data["sender"].get("phone"),
            )
        except services.ShareRefused as refused:
            context.stdout.write(f"  not shared with {record['recipient']}: {refused}")
            continue
        created = now - timedelta(days=record["days_ago"])
        Share.objects.filter(pk=share.pk).update(
            created_at=created, expires_at=created + (share.expires_at - share.created_at)
        )
        opens = [
            ShareOpen(share=share, kind=kind, at=created + timedelta(hours=5 + 17 * n))
            for kind, count in (
                (ShareOpen.Kind.PAGE, record.get("opens", 0)),
                (ShareOpen.Kind.PDF, record.get("pdf_downloads", 0)),
            )
            for n in range(count)
        ]
        ShareOpen.objects.bulk_create(opens)
        made += 1
    context.stdout.write(f"Shares: {made} links sent by {rep.get_username()}.")
