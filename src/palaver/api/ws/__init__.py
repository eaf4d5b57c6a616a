"""The client protocol endpoint ``/ws``. Importing this package registers every operation."""

from palaver.api.ws import (  # noqa: F401  (registers the operations)
    ops_chat,
    ops_conversations,
    ops_forwarding,
    ops_group,
    ops_message_extras,
    ops_messages,
    ops_people,
    ops_search,
    ops_social,
)
from palaver.api.ws.core import OPS, WebSocketEndpoint

__all__ = ["OPS", "WebSocketEndpoint"]
