"""Revisions turned back into objects once, for code that only reads them.

``Revision.as_object()`` rebuilds the object from its JSON and checks every foreign key
with a query: the costly part of an audit row or a fingerprint. One review reads the
same revision many times (an audit row per log entry, the vote's and the approval
record's fingerprints), so :func:`read_only_object` keeps the last few. Callers must not
change or save what it returns.
"""

import hashlib
import json
import threading
from collections import OrderedDict

from cms.reviewable import specific


class RevisionObjects:
    """The last few revisions' objects, deserialised once each.

    One review logs five or six entries about the same revision (submission, each
    step, votes, publication, the approval record), and turning a revision back into
    its object is the costly part of an audit row. Keyed by the revision's id and a
    digest of its content, so a revision whose content differs (or an id reused
    after a rolled-back transaction) is deserialised afresh. The audit only reads
    the objects.
    """

    SIZE = 32

    def __init__(self):
        self._objects = OrderedDict()
        self._lock = threading.Lock()

    def get(self, revision):
        content = json.dumps(revision.content, sort_keys=True, default=str)
        key = (revision.pk, revision.content_type_id, hashlib.sha256(content.encode()).digest())
        with self._lock:
            if key in self._objects:
                self._objects.move_to_end(key)
                return self._objects[key]
        obj = specific(revision.as_object())
        with self._lock:
            self._objects[key] = obj
            while len(self._objects) > self.SIZE:
                self._objects.popitem(last=False)
        return obj


_objects = RevisionObjects()


def read_only_object(revision):
    """``revision`` as its (specific) object, shared: read it, never change it."""
    return _objects.get(revision)
