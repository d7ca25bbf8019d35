"""Approval codes stay unique when two approvals happen at the same moment.

Runs on PostgreSQL (CI does): every thread has its own connection and commits its
own transaction, as two web workers would. SQLite allows one writer at a time, so
the race can't happen there; the same code (a counter row locked by its UPDATE, plus
unique constraints on the records) runs on both.

These tests don't use a transactional test case (whose flush at the end would empty
a reused test database); what the threads commit is deleted again by ``committed``.
"""

import threading
import time

from django.db import connection, transaction

import pytest

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
    pytest.mark.django_db,
]


@pytest.fixture
def review_defaults():
    """Nothing uncommitted in the test's own transaction that the threads could wait on."""


def run_in_threads(*targets, timeout=20):
    """Run each target in its own thread and connection; return results in order."""
    results = [None] * len(targets)

    def runner(index, target):
        try:
            results[index] = target()
        except Exception as error:  # noqa: BLE001 - returned and asserted on
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=item) for item in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread is stuck (lock wait)"
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def committed(fn):
    """Run ``fn`` in a transaction of its own connection, committed."""

    def target():
        with transaction.atomic():
            return fn()

    return run_in_threads(target)[0]


def test_a_second_approval_waits_for_the_first_and_counts_on():
    from reviews.models import ApprovalSequence
    from reviews.services import next_sequence

    key = {"service_line_code": "RACE", "kind": "OP", "year": 1999}
    first_has_number = threading.Event()

    def first():
        with transaction.atomic():
            number = next_sequence(**key)
            first_has_number.set()
            time.sleep(0.5)  # hold the row lock while the second one asks
            return number

    def second():
        assert first_has_number.wait(5)
        started = time.monotonic()
        with transaction.atomic():
            number = next_sequence(**key)
        return number, time.monotonic() - started

    try:
        first_number, (second_number, waited) = run_in_threads(first, second)
        assert (first_number, second_number) == (1, 2)
        assert waited > 0.3  # it really waited for the first transaction
    finally:
        committed(lambda: ApprovalSequence.objects.filter(**key).delete())


def test_simultaneous_approvals_of_different_items_get_different_codes():
    from wagtail.models import ModelLogEntry

    from cms.models import ApprovedMessage, ServiceLine, User
    from reviews.models import ApprovalRecord, ApprovalSequence, ReviewEvent
    from reviews.services import approval_record

    count = 6

    def setup():
        author = User.objects.create(username="race-author")
        line = ServiceLine.objects.create(name="Race line", slug="race-line", code="RACE")
        messages = []
        for number in range(count):
            message = ApprovedMessage.objects.create(
                title=f"Race message {number}", text="Seen within five business days."
            )
            message.service_lines.set([line])
            message.save_revision(user=author)
            messages.append(message)
        return [message.pk for message in messages]

    def cleanup():
        ids = [
            str(pk)
            for pk in ApprovedMessage.objects.filter(title__startswith="Race message").values_list(
                "pk", flat=True
            )
        ]
        ApprovalRecord.objects.filter(object_id__in=ids, code__startswith="RACE-").delete()
        ReviewEvent.objects.filter(
            object_id__in=ids, object_label__startswith="Race message"
        ).delete()
        ModelLogEntry.objects.filter(object_id__in=ids, label__startswith="Race message").delete()
        ApprovedMessage.objects.filter(title__startswith="Race message").delete()
        ApprovalSequence.objects.filter(service_line_code="RACE").delete()
        ServiceLine.objects.filter(slug="race-line").delete()
        User.objects.filter(username="race-author").delete()

    try:
        ids = committed(setup)
        start = threading.Barrier(count)

        def approver(pk):
            def run():
                message = ApprovedMessage.objects.get(pk=pk)
                start.wait(5)
                with transaction.atomic():
                    record = approval_record(
                        obj=message, revision=message.latest_revision, approvers=[]
                    )
                return record.code

            return run

        codes = run_in_threads(*(approver(pk) for pk in ids))
        assert len(set(codes)) == count, codes
        assert sorted(int(code[-4:]) for code in codes) == list(range(1, count + 1))
    finally:
        committed(cleanup)
