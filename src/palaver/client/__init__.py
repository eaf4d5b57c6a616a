"""The Python chat SDK: ``@tencentcloud/chat``'s API in asyncio form.

```python
from palaver.client import Chat, EVENT, TYPES, ChatError

chat = Chat.create(sdk_app_id=1400000000, server="http://127.0.0.1:8080")
chat.on(EVENT.MESSAGE_RECEIVED, on_messages)          # called with a list of Message
await chat.login(user_id="alice", user_sig=sig)       # returns once SDK_READY
msg = chat.create_text_message(to="bob", conversation_type=TYPES.CONV_C2C, payload={"text": "hi"})
sent = await chat.send_message(msg)                   # Message with ID, sequence, time, status
page = await chat.get_message_list(conversation_id="C2Cbob", next_req_message_id=None, count=15)
convs = await chat.get_conversation_list()
await chat.set_message_read(conversation_id="C2Cbob")
await chat.revoke_message(sent)

group = (await chat.create_group(type=TYPES.GRP_WORK, name="team", member_list=[{"userID": "bob"}]))["group"]
at = chat.create_text_at_message(to=group["groupID"], payload={"text": "@bob", "atUserList": ["bob"]})
await chat.send_message(at)                           # conversation "GROUP<groupID>"
await chat.logout()
```

Method names are Tencent's in snake_case, arguments are the fields of
Tencent's option objects as keyword arguments, results are Tencent's
``imResponse.data`` (as :class:`Message` / :class:`Conversation` where Tencent
has those objects), and failures raise :class:`ChatError` with Tencent's
``code`` and ``message``. The protocol is docs/protocol.md.
"""

from palaver.client.chat import ERR_KICKED, Chat, Listener
from palaver.client.constants import EVENT, TYPES
from palaver.client.models import (
    ERR_INVALID_PARAMETERS,
    ERR_NETWORK,
    ERR_NOT_LOGGED_IN,
    ERR_REQUEST_TIMEOUT,
    ERR_UPLOAD_CANCELLED,
    ERR_USER_SIG_EXPIRED,
    ChatError,
    Conversation,
    Message,
    MessageListResult,
)

__all__ = [
    "ERR_INVALID_PARAMETERS",
    "ERR_KICKED",
    "ERR_NETWORK",
    "ERR_NOT_LOGGED_IN",
    "ERR_REQUEST_TIMEOUT",
    "ERR_UPLOAD_CANCELLED",
    "ERR_USER_SIG_EXPIRED",
    "EVENT",
    "TYPES",
    "Chat",
    "ChatError",
    "Conversation",
    "Listener",
    "Message",
    "MessageListResult",
]
