"""Thin API layers over the services: the Tencent REST API (and later the WebSocket)."""
