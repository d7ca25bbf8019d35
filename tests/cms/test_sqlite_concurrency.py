"""Several people writing at once on the SQLite database (``make run``) wait their turn
instead of getting "database is locked"."""

import threading
import time

from django.db import connection, connections, transaction

import pytest

from cms.models import Segment

pytestmark = [
    # Real commits from several threads; the data migrations' rows are put back after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's locking; PostgreSQL locks rows"
    ),
]


def test_concurrent_read_then_write_transactions_all_succeed():
    errors, barrier = [], threading.Barrier(6)

    def write(number):
        try:
            barrier.wait()
            with transaction.atomic():
                Segment.objects.count()  # read first, as a view does
                time.sleep(0.05)
                Segment.objects.create(slug=f"segment-{number}", name=f"Segment {number}")
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Segment.objects.filter(slug__startswith="segment-").count() == 6
