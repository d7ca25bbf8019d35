"""Objections: logging from the library, counting repeats, merging duplicates, status."""

from django.utils.html import escape

import pytest

from assets.models import Objection, ObjectionHearing, ObjectionPhrase
from assets.models.objections import normalise_verbatim, verbatim_digest
from assets.services import objection_log, objection_merge
from tests.assets.factories import ObjectionFactory, TalkTrackFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def where(cardiology, awareness, physician):
    return {"service_line": cardiology, "stage": awareness, "segment": physician}


def test_normalising_ignores_case_punctuation_and_spacing():
    assert normalise_verbatim("  Is this covered by MEDICARE?? ") == normalise_verbatim(
        "is this covered by medicare"
    )
    assert normalise_verbatim("Wait—how long?!") == "wait how long"
    assert normalise_verbatim("ＣＯＳＴ") == "cost"  # compatibility forms
    assert normalise_verbatim("How long is the wait?") != normalise_verbatim("How long?")


def test_logging_creates_a_new_draft_objection(rep, where):
    objection, created = objection_log(user=rep, verbatim="Is this covered by Medicare?", **where)
    assert created
    assert objection.times_heard == 1
    assert objection.status == Objection.Status.NEW
    assert not objection.live
    assert objection.latest_revision is not None
    assert objection.logged_by == rep
    assert list(objection.service_lines.all()) == [where["service_line"]]
    assert list(objection.stages.all()) == [where["stage"]]
    assert list(objection.segments.all()) == [where["segment"]]


def test_hearing_the_same_objection_again_counts_it(rep, marketer, where, evaluation, health_plan):
    first, _ = objection_log(user=rep, verbatim="Is this covered by Medicare?", **where)
    again, created = objection_log(
        user=marketer,
        verbatim="is this   covered by medicare",
        service_line=where["service_line"],
        stage=evaluation,
        segment=health_plan,
    )
    assert not created
    assert again.pk == first.pk
    assert again.times_heard == 2
    assert Objection.objects.count() == 1
    hearings = ObjectionHearing.objects.filter(objection=first)
    assert hearings.count() == 2
    assert {hearing.stage for hearing in hearings} == {where["stage"], evaluation}
    assert again.last_heard_at >= again.first_heard_at


def test_same_words_in_another_service_line_are_another_objection(rep, where, orthopedics):
    first, _ = objection_log(user=rep, verbatim="Too expensive.", **where)
    other, created = objection_log(
        user=rep,
        verbatim="Too expensive.",
        service_line=orthopedics,
        stage=where["stage"],
        segment=where["segment"],
    )
    assert created and other.pk != first.pk


def test_blank_wording_is_refused(rep, where):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        objection_log(user=rep, verbatim=" ?! ", **where)
    assert not Objection.objects.exists()


def test_publishing_a_revision_keeps_the_running_count(rep, marketer, where):
    objection, _ = objection_log(user=rep, verbatim="We already have a cardiology group.", **where)
    objection.approved_response = "Many practices use us alongside their own group."
    objection.save_revision(user=marketer)
    objection_log(user=rep, verbatim="We already have a cardiology group", **where)
    objection.refresh_from_db()
    assert objection.times_heard == 2

    # The revision was saved when the count was 1.
    approve_now(objection, revision=objection.latest_revision)
    objection.refresh_from_db()
    assert objection.times_heard == 2
    assert objection.approved_response.startswith("Many practices")
    assert objection.status == Objection.Status.APPROVED  # set on publication


def test_marking_a_duplicate_moves_its_count_and_future_hearings(rep, where):
    kept, _ = objection_log(user=rep, verbatim="How long is the wait?", **where)
    objection_log(user=rep, verbatim="How long is the wait", **where)
    duplicate, _ = objection_log(user=rep, verbatim="When can my patient be seen?", **where)

    kept = objection_merge(duplicate=duplicate, into=kept)
    assert kept.times_heard == 3
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == kept
    assert duplicate.status == Objection.Status.RETIRED
    assert ObjectionHearing.objects.filter(objection=kept).count() == 3

    counted, created = objection_log(user=rep, verbatim="When can my patient be seen?", **where)
    assert not created and counted.pk == kept.pk and counted.times_heard == 4

    with pytest.raises(Exception, match="already marked"):
        objection_merge(duplicate=duplicate, into=kept)


def test_long_objections_sharing_their_first_255_characters_stay_two_objections(rep, where):
    start = "We looked at your cardiac rehabilitation program last year and " * 5
    assert len(start) > 255
    first, created_first = objection_log(user=rep, verbatim=start + "it was too far.", **where)
    second, created_second = objection_log(user=rep, verbatim=start + "it cost too much.", **where)
    assert created_first and created_second
    assert first.pk != second.pk
    assert Objection.objects.count() == 2
    # The same long wording again still counts the one it is.
    again, created = objection_log(user=rep, verbatim=start.upper() + "it cost too much!", **where)
    assert not created and again.pk == second.pk and again.times_heard == 2
    assert {phrase.digest for phrase in ObjectionPhrase.objects.all()} == {
        verbatim_digest(normalise_verbatim(start + "it was too far.")),
        verbatim_digest(normalise_verbatim(start + "it cost too much.")),
    }


def test_invisible_characters_inside_words_do_not_make_another_objection(rep, where):
    first, _ = objection_log(user=rep, verbatim="Too expensive", **where)
    again, created = objection_log(user=rep, verbatim="Too ex\u200bpen\u00adsive", **where)
    assert not created and again.pk == first.pk


@pytest.mark.parametrize("verbatim", ["?!… — ;", "🙂🙄👍", "\u200b\u200d\ufeff"])
def test_wording_without_words_is_refused_by_the_service(rep, where, verbatim):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        objection_log(user=rep, verbatim=verbatim, **where)
    assert not Objection.objects.exists()


def test_the_migration_gives_existing_phrases_the_digest_of_their_whole_wording(rep, where):
    from importlib import import_module

    from django.apps import apps

    fill_digests = import_module("assets.migrations.0006_objection_phrase_digest").fill_digests
    long = "Our members already get cardiology through another network, " * 6
    first, _ = objection_log(user=rep, verbatim=long + "so no.", **where)
    short, _ = objection_log(user=rep, verbatim="Too expensive", **where)
    # As 0005 left them: the wording cut at 255 characters, no digest yet (placeholders
    # here, as the new unique constraint is on).
    for phrase in ObjectionPhrase.objects.all():
        ObjectionPhrase.objects.filter(pk=phrase.pk).update(digest=f"placeholder-{phrase.pk}")
    ObjectionPhrase.objects.filter(objection=first).update(
        normalised=normalise_verbatim(long + "so no.")[:255]
    )

    fill_digests(apps, None)

    digests = dict(ObjectionPhrase.objects.values_list("objection_id", "digest"))
    assert digests[first.pk] == verbatim_digest(normalise_verbatim(long + "so no."))
    assert digests[short.pk] == verbatim_digest("too expensive")
    counted, created = objection_log(user=rep, verbatim=long + "So no!", **where)
    assert not created and counted.pk == first.pk


class TestLoggingForm:
    URL = "/library/objections/log/"

    @pytest.mark.parametrize(
        "verbatim, message",
        [
            ("?!?! … --- ;;", "punctuation, emoji or invisible characters alone"),
            ("🙂🙄👍💸", "punctuation, emoji or invisible characters alone"),
            ("\u200b\u200c\u200d\u2060", "punctuation, emoji or invisible characters alone"),
            ("Too \x07expensive", "control characters"),
        ],
        ids=["punctuation", "emoji", "zero-width", "control"],
    )
    def test_wording_that_cannot_be_counted_is_a_form_error_that_keeps_the_text(
        self, rep_client, library, where, verbatim, message
    ):
        response = rep_client.post(
            self.URL,
            {
                "verbatim": verbatim,
                "service_line": "cardiology",
                "stage": "awareness",
                "segment": "referring-physician",
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert message in body
        assert escape(verbatim) in body  # what was typed is still in the box
        assert 'value="cardiology" selected' in body
        assert not Objection.objects.exists()

    def test_text_that_is_not_utf8_is_a_form_error_that_keeps_the_rest(
        self, rep_client, library, where
    ):
        body = (
            b"verbatim=Too+exp%E9nsive+%FF%FE&service_line=cardiology&stage=awareness"
            b"&segment=referring-physician"
        )
        response = rep_client.post(self.URL, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        text = response.content.decode()
        assert "couldn’t be read" in text or "couldn&#x27;t be read" in text
        assert "Too exp" in text and "nsive" in text
        assert not Objection.objects.exists()

    def test_a_rep_logs_an_objection_in_one_post(self, rep_client, library, where):
        response = rep_client.post(
            self.URL,
            {
                "verbatim": "Your wait times are too long.",
                "service_line": "cardiology",
                "stage": "awareness",
                "segment": "referring-physician",
                "category": "capacity-wait-time",
                "next": "/library/?service_line=cardiology",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/library/?service_line=cardiology"
        objection = Objection.objects.get()
        assert objection.category == Objection.Category.CAPACITY
        assert objection.times_heard == 1

        response = rep_client.post(
            self.URL,
            {
                "verbatim": "your wait times are too long",
                "service_line": "cardiology",
                "stage": "awareness",
                "segment": "referring-physician",
            },
            follow=True,
        )
        assert "heard 2 times" in response.content.decode()
        assert Objection.objects.get().times_heard == 2

    def test_missing_fields_are_named_and_what_was_typed_is_kept(self, rep_client, library, where):
        response = rep_client.post(
            self.URL, {"verbatim": "They said our parking is impossible.", "stage": "awareness"}
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Choose the service line." in body
        assert "Choose who the buyer was." in body
        assert "They said our parking is impossible." in body
        assert 'value="awareness" selected' in body
        assert not Objection.objects.exists()

    def test_empty_words_are_refused(self, rep_client, library, where):
        response = rep_client.post(
            self.URL,
            {
                "verbatim": "   ",
                "service_line": "cardiology",
                "stage": "awareness",
                "segment": "referring-physician",
            },
        )
        assert "Write down what the buyer said." in response.content.decode()
        assert not Objection.objects.exists()

    def test_unknown_slugs_are_form_errors(self, rep_client, library, where):
        response = rep_client.post(
            self.URL,
            {"verbatim": "Hm.", "service_line": "nope", "stage": "x", "segment": "y"},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()

    def test_next_is_never_an_open_redirect(self, rep_client, library, where):
        response = rep_client.post(
            self.URL,
            {
                "verbatim": "Too far to drive.",
                "service_line": "cardiology",
                "stage": "awareness",
                "segment": "referring-physician",
                "next": "https://evil.example/",
            },
        )
        assert response["Location"] == "/library/"

    def test_the_form_is_prefilled_from_the_link(self, rep_client, library, where):
        response = rep_client.get(
            self.URL, {"service_line": "cardiology", "stage": "awareness", "next": "/library/"}
        )
        body = response.content.decode()
        assert 'value="cardiology" selected' in body
        assert 'value="awareness" selected' in body

    def test_the_talk_track_page_has_the_form_prefilled(self, rep_client, library, where):
        track = TalkTrackFactory(
            service_lines=[where["service_line"]],
            stages=[where["stage"]],
            segments=[where["segment"]],
            approved=True,
        )
        body = rep_client.get(track.url).content.decode()
        assert 'action="/library/objections/log/"' in body
        assert f'value="{track.url}"' in body
        assert 'value="referring-physician" selected' in body


def test_reps_only_see_objections_with_an_approved_current_response(rep, where, cardiology):
    from assets.selectors import visible_objections

    approved = ObjectionFactory(verbatim="Approved one", approved=True, service_lines=[cardiology])
    ObjectionFactory(verbatim="Draft one", service_lines=[cardiology])
    no_answer = ObjectionFactory(verbatim="Live but unanswered", approved_response="")
    approve_now(no_answer)
    retired = ObjectionFactory(verbatim="Retired", approved=True)
    Objection.objects.filter(pk=retired.pk).update(status=Objection.Status.RETIRED)
    logged, _ = objection_log(user=rep, verbatim="Logged by a rep", **where)

    assert list(visible_objections(rep)) == [approved]
