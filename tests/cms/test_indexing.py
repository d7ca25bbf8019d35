"""cms.indexing: Wagtail's index updates run once per object per batch, and search sees
what was saved."""

from collections import Counter

from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import override_settings

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started

from assets.models import LibraryItemPage
from cms import indexing
from reviews.revision_objects import RevisionObjects
from tests.assets.factories import EnablementAssetFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db

SEARCH_TASK = "modelsearch.tasks.insert_or_update_object_task"
REFERENCE_TASK = "wagtail.tasks.update_reference_index_task"


@pytest.fixture
def runs():
    """Index tasks started, by (task path, object pk), and the ones that failed."""
    started, failed = Counter(), []

    def on_start(sender, task_result, **kwargs):
        started[task_result.task.module_path, str(task_result.args[-1])] += 1

    def on_finish(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failed.append(task_result)

    task_started.connect(on_start)
    task_finished.connect(on_finish)
    yield started, failed
    task_started.disconnect(on_start)
    task_finished.disconnect(on_finish)


def found(words):
    return {page.pk for page in LibraryItemPage.objects.search(words)}


def test_saves_in_a_batch_are_indexed_once_at_its_end_as_the_object_ends_up(home_page, runs):
    started, failed = runs
    item = EnablementAssetFactory(title="Cardiac rehab one-pager")
    started.clear()
    with indexing.batched():
        for title in ("Intermediate wording", "Another draft", "Heart failure clinic"):
            item.title = title
            item.save()
        assert started[SEARCH_TASK, str(item.pk)] == 0  # held back
        assert found("Heart failure") == set()
    assert started[SEARCH_TASK, str(item.pk)] == 1
    assert started[REFERENCE_TASK, str(item.pk)] == 1
    assert found("Heart failure") == {item.pk}
    assert found("Intermediate") == set()
    assert not failed


def test_outside_a_batch_each_save_is_indexed_at_once(home_page, runs):
    started, _ = runs
    item = EnablementAssetFactory(title="Cardiac rehab one-pager")
    started.clear()
    item.title = "Heart failure clinic"
    item.save()
    assert started[SEARCH_TASK, str(item.pk)] == 1
    assert found("Heart failure") == {item.pk}


def test_the_library_search_sees_what_was_saved_earlier_in_the_batch(home_page, rep):
    from assets.selectors import library_items

    with indexing.batched():
        item = EnablementAssetFactory(title="Heart failure clinic", approved=True)
        results = library_items(user=rep, filters={"q": "heart failure"})
        assert [result.pk for result in results] == [item.pk]


def test_nested_batches_join_the_outer_one(home_page, runs):
    started, _ = runs
    item = EnablementAssetFactory(title="Cardiac rehab one-pager")
    started.clear()
    with indexing.batched():
        with indexing.batched():
            item.title = "Heart failure clinic"
            item.save()
        assert started[SEARCH_TASK, str(item.pk)] == 0
        item.save()
    assert started[SEARCH_TASK, str(item.pk)] == 1


def test_a_batch_that_raises_drops_what_it_held(home_page, runs):
    started, _ = runs
    item = EnablementAssetFactory(title="Cardiac rehab one-pager")
    started.clear()
    with pytest.raises(RuntimeError), indexing.batched():
        item.title = "Heart failure clinic"
        item.save()
        raise RuntimeError("the review step failed")
    assert started[SEARCH_TASK, str(item.pk)] == 0


def test_an_object_deleted_within_the_batch_is_skipped_without_a_failed_task(home_page, runs):
    started, failed = runs
    with indexing.batched():
        item = EnablementAssetFactory(title="Heart failure clinic")
        pk = item.pk
        item.delete()
    assert started[SEARCH_TASK, str(pk)] == 0
    assert not failed
    assert found("Heart failure") == set()


def test_each_request_is_one_batch(home_page, runs):
    started, _ = runs
    item = EnablementAssetFactory(title="Cardiac rehab one-pager")
    started.clear()

    def view(request):
        for title in ("Intermediate wording", "Heart failure clinic"):
            item.title = title
            item.save()
        assert started[SEARCH_TASK, str(item.pk)] == 0
        return HttpResponse("saved")

    response = indexing.BatchedIndexingMiddleware(view)(RequestFactory().post("/"))
    assert response.content == b"saved"
    assert started[SEARCH_TASK, str(item.pk)] == 1
    assert found("Heart failure") == {item.pk}


def test_the_middleware_and_backend_are_configured(settings):
    assert "cms.indexing.BatchedIndexingMiddleware" in settings.MIDDLEWARE
    assert settings.TASKS["default"]["BACKEND"] == "cms.indexing.BatchingBackend"


def test_approving_indexes_the_object_once(home_page, runs):
    """Saved as a revision, published and stamped: one index update, not one per save."""
    started, failed = runs
    item = EnablementAssetFactory(title="Heart failure clinic")
    started.clear()
    approve_now(item)
    assert started[SEARCH_TASK, str(item.pk)] == 1
    assert not failed


@override_settings(TASKS={"default": {"BACKEND": "cms.indexing.BatchingBackend"}})
def test_the_audit_deserialises_a_revision_once_per_content(home_page):
    item = EnablementAssetFactory(title="Heart failure clinic")
    revision = item.save_revision(clean=False)
    objects = RevisionObjects()
    first = objects.get(revision)
    assert objects.get(revision) is first
    assert first.title == "Heart failure clinic"
    revision.content["title"] = "Changed after the fact"
    changed = objects.get(revision)
    assert changed is not first
    assert changed.title == "Changed after the fact"
