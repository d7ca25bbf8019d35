"""Faulty PDF render children, for the fault tests (``test_faults.py``).

These run in the render process (``assets.pdf.render`` puts them in place of
``_render_in_child``), which imports this module by name: keep Django out of it.
"""

import os


def exit_at_once(sender, html, base_url, policy):
    """The render process dies without a word, as when it is killed or crashes."""
    os._exit(1)


class _Truncating:
    """A pipe end that cuts every PDF it sends in half."""

    def __init__(self, sender):
        self.sender = sender

    def send(self, message):
        status, payload, *rest = message
        if status == "ok":
            payload = payload[: len(payload) // 2]
        self.sender.send((status, payload, *rest))

    def close(self):
        self.sender.close()


def truncated_pdf(sender, html, base_url, policy):
    """A real render whose bytes arrive cut short (a half-written file)."""
    from assets.pdf.render import _render_in_child  # the real one: preloaded in the forkserver

    _render_in_child(_Truncating(sender), html, base_url, policy)
