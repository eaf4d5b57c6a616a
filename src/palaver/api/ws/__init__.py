"""The client protocol endpoint ``/ws``. Importing this package registers every operation."""

from palaver.api.ws import ops_chat, ops_group, ops_social  # noqa: F401  (registers the operations)
from palaver.api.ws.core import OPS, WebSocketEndpoint

__all__ = ["OPS", "WebSocketEndpoint"]
