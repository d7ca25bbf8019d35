from wagtail import hooks

from shares.services import CREATE_ACTION, REVOKE_ACTION


@hooks.register("register_log_actions")
def share_log_actions(actions):
    actions.register_action(CREATE_ACTION, "Share link created", "Share link created")
    actions.register_action(REVOKE_ACTION, "Share link revoked", "Share link revoked")
