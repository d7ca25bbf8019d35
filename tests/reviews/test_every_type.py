"""Every reviewable content type goes live through the same workflow and gets its code."""

from django.utils import timezone

import pytest

from tests.assets.factories import EnablementAssetFactory, ObjectionFactory, TalkTrackFactory
from tests.reviews.factories import approve, cardiology, draft_message, public_page, submit

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def glossary_term(author):
    from glossary.models import GlossaryTerm

    term = GlossaryTerm(
        preferred="Heart Failure Clinic",
        variants="HF clinic",
        service_line=cardiology(),
        definition="Our multidisciplinary clinic for people living with heart failure.",
        live=False,
    )
    term.save()
    term.save_revision(user=author)
    return term


def objection(author):
    item = ObjectionFactory(
        verbatim="Your waitlist is too long for our patients.",
        approved_response="New referrals are seen within ten business days.",
        service_lines=[cardiology()],
    )
    item.save_revision(user=author)
    return item


def library_page(factory):
    def make(author):
        page = factory(service_lines=[cardiology()])
        page.save_revision(user=author)
        return page

    return make


CASES = [
    ("approved message", lambda author: draft_message(author=author), "MSG", "Compliance review"),
    ("glossary term", glossary_term, "GT", "Compliance review"),
    ("objection", objection, "OBJ", "Internal review"),
    ("enablement asset", library_page(EnablementAssetFactory), "OP", "Compliance review"),
    ("talk track", library_page(TalkTrackFactory), "TT", "Internal review"),
    ("service line page", lambda author: public_page(author=author), "PUB", "Compliance review"),
]


@pytest.mark.parametrize(("label", "make", "kind", "workflow"), CASES, ids=[c[0] for c in CASES])
def test_each_type_is_reviewed_and_stamped(marketer, reviewer, label, make, kind, workflow):
    obj = make(marketer)
    state = submit(obj, user=marketer)
    assert state.workflow.name == workflow
    approve(obj, user=reviewer)
    obj.refresh_from_db()
    assert obj.live
    assert obj.approval_label == f"CARD-{kind}-{YEAR}-0001 v1"
    assert obj.review_by > timezone.localdate()
