"""Numbers and superlatives outside an approved message are flagged for the reviewer."""

import pytest

from reviews.claims import unsupported_claims
from reviews.workspace import workspace_url
from tests.assets.factories import ObjectionFactory
from tests.reviews.factories import approve_now, cardiology, draft_message, public_page, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sentence", "reasons"),
    [
        ("New referrals are seen within 7 business days.", ("states a number",)),
        ("94% of patients went home the next day.", ("states a percentage",)),
        ("Ninety percent is 90 percent.", ("states a percentage",)),
        ("The best heart care in the region.", ("says “best”",)),
        ("The region's leading surgeons.", ("says “leading”",)),
        ("A first visit, guaranteed.", ("says “guaranteed”",)),
        ("Rated #1 by patients.", ("says “#1”",)),
        ("Our Best team: 3 surgeons.", ("states a number", "says “best”")),
    ],
)
def test_numbers_percentages_and_superlatives_are_flagged(sentence, reasons):
    [flag] = unsupported_claims(f"Heart care\n{sentence}", audience="external", approved=[])
    assert flag.sentence == sentence
    assert flag.reasons == reasons


def test_plain_sentences_and_internal_material_are_not_flagged():
    text = "Ask your doctor to refer you. A named nurse calls you after the referral."
    assert unsupported_claims(text, audience="public", approved=[]) == []
    claim = "The best clinic, 94% satisfied."
    assert unsupported_claims(claim, audience="internal", approved=[]) == []
    assert unsupported_claims(claim, audience="public", approved=[])


def test_the_wording_of_a_current_approved_message_is_not_flagged(marketer):
    message = draft_message(
        author=marketer, text="62% of joint replacement patients went home the same day."
    )
    text = (
        "Orthopedics. 62% of joint replacement patients went home the same day. "
        "Our surgeons are the best in the state."
    )
    flagged = [flag.sentence for flag in unsupported_claims(text, audience="public")]
    assert flagged == [
        "62% of joint replacement patients went home the same day.",  # not approved yet
        "Our surgeons are the best in the state.",
    ]
    approve_now(message)
    flagged = [flag.sentence for flag in unsupported_claims(text, audience="public")]
    assert flagged == ["Our surgeons are the best in the state."]


def test_the_workspace_lists_the_claims_to_check(client, marketer, reviewer):
    page = public_page(author=marketer)
    latest = page.get_latest_revision_as_object()
    latest.intro = "Heart care with the region's leading cardiologists, seen in 5 days."
    latest.save_revision(user=marketer, clean=False)
    submit(page, user=marketer)
    client.force_login(reviewer)
    html = client.get(workspace_url(page)).content.decode()
    assert "Claims to check" in html
    assert (
        "“Heart care with the region&#x27;s leading cardiologists, seen in 5 days.” — "
        "states a number, says “leading”." in html
    )


def test_internal_material_has_no_claims_section(client, marketer, reviewer):
    objection = ObjectionFactory(
        verbatim="Your waitlist is too long.",
        approved_response="We are the best: 94% are seen in 5 days.",
        service_lines=[cardiology()],
    )
    objection.save_revision(user=marketer)
    submit(objection, user=marketer)
    client.force_login(reviewer)
    html = client.get(workspace_url(objection)).content.decode()
    assert "Figures against approved messages" in html
    assert "Claims to check" not in html
