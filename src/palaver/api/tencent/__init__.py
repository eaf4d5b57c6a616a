"""Tencent's client protocol, served to ``@tencentcloud/chat``
(docs/tencent-client-protocol.md): the endpoint and its commands."""

from palaver.api.tencent.endpoint import TencentEndpoint, add_routes

__all__ = ["TencentEndpoint", "add_routes"]
