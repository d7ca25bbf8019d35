"""Wagtail's own queue — search index and reference index updates — once per object
per unit of work.

Wagtail queues an index update (``modelsearch``) and a reference index update on
every save of an indexed model. On its way live an object is saved four or five
times (draft, submission, each review step, publication, the approval stamp), and
each save would update both indexes again, against an object that is about to
change once more. Inside :func:`batched`, the ``default`` task backend
(:class:`BatchingBackend`) holds each distinct task (same function, same arguments)
back and runs it once when the outermost batch ends, against the data as it is by
then. Outside a batch it is Django's immediate backend: the task runs at once.

Batches are opened around each request (:class:`BatchedIndexingMiddleware`), around
the review services that take content through several saves, and around
``seed_demo``. Code that saves and then searches (or reads the reference index)
within one batch calls :func:`flush` first.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.utils import timezone

from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

_pending = ContextVar("concord_pending_index_tasks", default=None)


class BatchingBackend(ImmediateBackend):
    """Immediate, except inside :func:`batched`: then each distinct task runs once, at
    the end of the outermost batch."""

    def enqueue(self, task, args, kwargs):
        pending = _pending.get()
        if pending is None:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        key = (task.module_path, repr(args), repr(kwargs))
        pending.pop(key, None)  # runs after what was queued before it, as it would have
        pending[key] = (self, result)
        return result

    def run_held(self, result):
        if _names_a_deleted_object(result.args):
            return  # deleted since it was saved: nothing left to index
        self._execute_task(result)


def _names_a_deleted_object(args):
    """Whether ``args`` are an index task's (app label, model name, pk) and that object
    is gone (its index entries went with it, on delete)."""
    if len(args) != 3:
        return False
    app_label, model_name, pk = args
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError, TypeError):
        return False
    return not model._default_manager.filter(pk=pk).exists()


@contextmanager
def batched():
    """Hold Wagtail's index updates back until the outermost batch ends, then run each
    distinct one once. Nested batches join the outer one. If the block raises, the
    held tasks are dropped with it (the transaction that saved the objects is usually
    rolled back too)."""
    if _pending.get() is not None:
        yield
        return
    held = {}
    token = _pending.set(held)
    try:
        yield
    finally:
        _pending.reset(token)
    _run(held)


def flush():
    """Run what the current batch holds now (for code that saves, then searches)."""
    pending = _pending.get()
    if pending:
        held = dict(pending)
        pending.clear()
        token = _pending.set(None)
        try:
            _run(held)
        finally:
            _pending.reset(token)


def _run(held):
    """Run held tasks outside any batch (what they queue in turn runs at once)."""
    for backend, result in held.values():
        backend.run_held(result)


def batched_indexing(function):
    """Decorator: run ``function`` inside :func:`batched`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with batched():
            return function(*args, **kwargs)

    return wrapper


class BatchedIndexingMiddleware:
    """Each request is one batch: an object saved several times while handling it is
    indexed once, before the response goes out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with batched():
            return self.get_response(request)
