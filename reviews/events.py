"""Review's domain signals, sent explicitly by ``reviews.services`` after the work is done.

Listeners (the PDF cache, the content version) hear *what happened in review*, not
every model save:

* ``approval_live(sender=<model>, obj, record)`` — an approved revision went live
  (at once, or at its scheduled time); ``record`` is its now-current approval.
* ``content_withdrawn(sender=<model>, obj, reason, expired)`` — live content was taken
  down: expired, withdrawn by the cascade or by Concord, or unpublished in the admin.

Both are sent inside the transaction that did the work; use
``transaction.on_commit`` for anything slow.
"""

from django.dispatch import Signal

approval_live = Signal()
content_withdrawn = Signal()
