"""Tencent IM third-party callbacks (第三方回调): the command names Palaver sends.

An app enables the ones it wants (app setting ``callback_commands``); see
docs/callbacks.md for each one's body. Before-callbacks (:data:`BEFORE`) are
synchronous: the backend's answer decides whether the action happens. The
others are after-callbacks, delivered through the durable outbox.
"""

from __future__ import annotations

C2C_BEFORE_SEND = "C2C.CallbackBeforeSendMsg"
C2C_AFTER_SEND = "C2C.CallbackAfterSendMsg"
GROUP_BEFORE_SEND = "Group.CallbackBeforeSendMsg"
GROUP_AFTER_SEND = "Group.CallbackAfterSendMsg"

#: every command Palaver can send, before- and after-callbacks
COMMANDS: tuple[str, ...] = (
    C2C_BEFORE_SEND,
    C2C_AFTER_SEND,
    GROUP_BEFORE_SEND,
    GROUP_AFTER_SEND,
)

#: the synchronous ones (the backend's answer allows, rejects or rewrites)
BEFORE: frozenset[str] = frozenset({C2C_BEFORE_SEND, GROUP_BEFORE_SEND})

#: REST ``ForbidCallbackControl`` values
FORBID_BEFORE_SEND = "ForbidBeforeSendMsgCallback"
FORBID_AFTER_SEND = "ForbidAfterSendMsgCallback"
