"""GlossaryTerm: validation, the approval stamp protocol, and the edit-form panel."""

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from glossary.models import GlossaryTerm
from tests.glossary.factories import GlossaryTermFactory, MessageFactory


def validation_errors(term):
    with pytest.raises(ValidationError) as caught:
        term.full_clean()
    return caught.value.message_dict


def test_variants_are_one_per_line_and_normalised(cardiology):
    term = GlossaryTerm(
        service_line=cardiology,
        preferred="  Heart   Failure Clinic ",
        variants="CHF clinic\n\n  HF   clinic \nCHF clinic",
    )
    term.full_clean()
    assert term.preferred == "Heart Failure Clinic"
    assert term.variants == "CHF clinic\nHF clinic"


def test_a_variant_that_would_flag_the_preferred_term_itself_is_refused(cardiology):
    term = GlossaryTerm(
        service_line=cardiology,
        preferred="Cardiac Rehabilitation Program",
        variants="Cardiac  Rehabilitation\u00a0Program",
    )
    assert validation_errors(term)["variants"] == [
        "“Cardiac Rehabilitation Program” is the preferred term itself, so it would flag "
        "every correct use. (A variant that differs from it only in capitalisation or "
        "hyphenation is allowed: it flags exactly that difference.)"
    ]


@pytest.mark.parametrize(
    ("preferred", "variants"),
    [
        ("Cardiac Rehabilitation Program", "program"),  # flagged outside the program name
        ("COVID-19", "COVID"),
        ("follow-up care", "follow up care"),  # a hyphenation rule
        ("MyChart", "Mychart\nMYCHART"),  # capitalisation rules
    ],
)
def test_a_variant_inside_the_preferred_term_or_a_style_rule_is_allowed(
    cardiology, preferred, variants
):
    term = GlossaryTerm(service_line=cardiology, preferred=preferred, variants=variants)
    term.full_clean()


def test_a_variant_may_not_contain_the_csv_separator(cardiology):
    term = GlossaryTerm(service_line=cardiology, preferred="TAVR", variants="TAVI|tavi")
    assert "separates variants" in validation_errors(term)["variants"][0]


def test_a_preferred_term_containing_an_approved_variant_is_refused(cardiology, prior_auth_term):
    term = GlossaryTerm(service_line=cardiology, preferred="Prior auth desk", variants="front desk")
    assert validation_errors(term)["preferred"] == [
        "“Prior auth desk” contains “Prior auth”, a disallowed variant of “prior authorization” "
        "(global)."
    ]


def test_a_variant_that_flags_an_approved_preferred_term_is_refused(cardiology, rehab_term):
    term = GlossaryTerm(preferred="Rehab", variants="rehabilitation program")
    assert validation_errors(term)["preferred"] == [
        "“rehabilitation program” would flag the preferred term “Cardiac Rehabilitation "
        "Program” (cardiology)."
    ]


def test_terms_of_other_service_lines_do_not_conflict(cardiology, orthopedics, rehab_term):
    GlossaryTerm(
        service_line=orthopedics, preferred="Rehab gym", variants="rehabilitation program"
    ).full_clean()


def test_one_term_per_service_line_ignoring_case(cardiology, rehab_term):
    duplicate = GlossaryTerm(service_line=cardiology, preferred="cardiac rehabilitation program")
    assert "This service line already has this term." in validation_errors(duplicate)["__all__"]


def test_one_global_term_of_a_name(prior_auth_term):
    duplicate = GlossaryTerm(preferred="Prior Authorization")
    assert "The global glossary already has this term." in validation_errors(duplicate)["__all__"]


def test_the_approval_stamp_protocol(cardiology, rehab_term, prior_auth_term):
    assert GlossaryTerm.approval_kind_code == "GT"
    assert rehab_term.get_service_lines() == [cardiology]
    assert rehab_term.get_approval_service_line() == cardiology
    assert prior_auth_term.get_service_lines() == []
    assert prior_auth_term.get_approval_service_line() is None
    assert rehab_term.approval_code.startswith("CARD-GT-")


def test_a_service_line_in_use_by_terms_cannot_be_deleted(cardiology, rehab_term):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        cardiology.delete()


# The terminology panel in the edit forms


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_message_edit_form_shows_findings_of_the_draft(admin_client, cardiology, rehab_term):
    message = MessageFactory(text="Clean.", service_lines=[cardiology], approved=True)
    draft = message.get_latest_revision_as_object()
    draft.text = "Patients start heart rehab early."
    draft.save_revision()
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    html = admin_client.get(url).content.decode()
    assert 'data-terminology-findings="1"' in html
    assert "<strong>“heart rehab”</strong>" in html
    assert "“Cardiac Rehabilitation Program”" in html
    assert "<td>Text, column 16</td>" in html


def test_the_panel_says_when_the_draft_is_clean(admin_client, cardiology, rehab_term):
    message = MessageFactory(text="Cardiac Rehabilitation Program.", service_lines=[cardiology])
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    html = admin_client.get(url).content.decode()
    assert 'data-terminology-findings="0"' in html
    assert "No terminology findings" in html


def test_the_term_edit_form_has_the_panel(admin_client, cardiology, prior_auth_term, rehab_term):
    term = GlossaryTermFactory(
        service_line=cardiology,
        preferred="nurse navigator call",
        definition="Made before the prior auth is requested.",
    )
    url = reverse("wagtailsnippets_glossary_glossaryterm:edit", args=[term.pk])
    html = admin_client.get(url).content.decode()
    assert "<td>Definition, column 17</td>" in html and "“prior auth”" in html


def test_the_create_form_renders_with_the_panel(admin_client, cardiology):
    response = admin_client.get(reverse("wagtailsnippets_glossary_glossaryterm:add"))
    assert response.status_code == 200
    assert 'data-terminology-findings="0"' in response.content.decode()


def test_creating_a_term_in_the_admin_makes_a_draft(admin_client, cardiology):
    response = admin_client.post(
        reverse("wagtailsnippets_glossary_glossaryterm:add"),
        {
            "service_line": cardiology.pk,
            "preferred": "Heart Failure Clinic",
            "kind": "program_name",
            "definition": "",
            "plain_language": "",
            "variants": "CHF clinic\nHF clinic",
            "notes": "",
            "owner": "",
        },
    )
    assert response.status_code == 302
    term = GlossaryTerm.objects.get()
    assert not term.live and term.variant_list == ["CHF clinic", "HF clinic"]


def test_an_invalid_term_in_the_admin_shows_the_reason(admin_client, cardiology):
    response = admin_client.post(
        reverse("wagtailsnippets_glossary_glossaryterm:add"),
        {
            "service_line": cardiology.pk,
            "preferred": "Heart Failure Clinic",
            "kind": "program_name",
            "variants": "heart failure clinic\nHeart Failure Clinic",
            "action-publish": "",
        },
    )
    assert response.status_code == 200
    assert "is the preferred term itself" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_page_edit_forms_show_findings_in_plain_locations(
    admin_client, home_page, cardiology, rehab_term
):
    from cms.models import ServiceLinePage
    from tests.assets.factories import EnablementAssetFactory

    page = ServiceLinePage(
        title="Heart care",
        slug="heart-care",
        service_line=cardiology,
        intro="Close to home.",
        body=[("paragraph", "<p>Intro.</p><p>Ask about heart rehab.</p>")],
    )
    home_page.add_child(instance=page)
    asset = EnablementAssetFactory(
        service_lines=[cardiology],
        body=[("callout", {"tone": "info", "heading": "", "text": "<p>Book cardiac rehab.</p>"})],
    )
    for page_id, where in (
        (page.pk, "Body › Paragraph 1, line 2, column 11"),
        (asset.pk, "Body › Callout 1 › Text, column 6"),
    ):
        html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page_id])).content.decode()
        assert 'data-terminology-findings="1"' in html
        assert f"<td>{where}</td>" in html


def test_the_term_preview_shows_it_as_reps_will_read_it(rf, cardiology):
    from django.contrib.auth.models import AnonymousUser

    term = GlossaryTermFactory(
        service_line=cardiology, preferred="TAVR", variants="TAVI", case_sensitive=True
    )
    request = rf.get("/")
    request.user = AnonymousUser()
    response = term.serve_preview(request, term.default_preview_mode)
    html = response.render().content.decode()
    assert "how this term reads in the rep glossary for Cardiology" in html
    assert "<li>TAVI</li>" in html and "Only as written" in html


def test_a_pasted_document_in_a_list_field_is_refused_before_any_matching(db):
    """A hostile or mistaken 100 kB paste is an error at once, not minutes of work."""
    term = GlossaryTerm(preferred="health plan", variants="insurance " * 10_000)
    with pytest.raises(ValidationError) as refused:
        term.full_clean()
    assert "At most 200 entries of up to 200 characters each." in str(refused.value)
    many = GlossaryTerm(preferred="health plan", variants="\n".join(f"v{n}" for n in range(500)))
    with pytest.raises(ValidationError):
        many.full_clean()
