"""How the admin's history and audit screens word Concord's own review log entries."""

from wagtail.log_actions import LogFormatter


class VoteFormatter(LogFormatter):
    label = "Review: approval vote"

    def format_message(self, log_entry):
        data = log_entry.data
        if data.get("group"):
            waiting = " and ".join(data.get("waiting_for") or [])
            return f"Approved for {data['group']}; waiting for {waiting}"
        return f"Approved ({data.get('votes')} of {data.get('required')} approvals needed)"

    def format_comment(self, log_entry):
        return log_entry.data.get("comment", "")


class ApprovalFormatter(LogFormatter):
    label = "Review: approval recorded"

    def format_message(self, log_entry):
        data = log_entry.data
        return f"Approval recorded: {data.get('label')}, review by {data.get('review_by')}"


class RerouteFormatter(LogFormatter):
    label = "Review: re-routed"

    def format_message(self, log_entry):
        return f"Review re-routed: {log_entry.data.get('reason', '')}"


class WithdrawFormatter(LogFormatter):
    label = "Review: withdrawn"

    def format_message(self, log_entry):
        return f"Withdrawn: {log_entry.data.get('reason', '')}"


class SignatureRefusedFormatter(LogFormatter):
    label = "Review: signature refused"

    def format_message(self, log_entry):
        return f"Approval not signed: {log_entry.data.get('reason', '')}"


class ExpireFormatter(LogFormatter):
    label = "Review: expired"

    def format_message(self, log_entry):
        return f"Expired: {log_entry.data.get('reason', '')}"


FORMATTERS = {
    "reviews.vote": VoteFormatter,
    "reviews.approval": ApprovalFormatter,
    "reviews.reroute": RerouteFormatter,
    "reviews.withdraw": WithdrawFormatter,
    "reviews.expire": ExpireFormatter,
    "reviews.signature_refused": SignatureRefusedFormatter,
}


def register(actions):
    """The ``register_log_actions`` hook: every review action with its formatter."""
    for action, formatter in FORMATTERS.items():
        actions.register_action(action)(formatter)
