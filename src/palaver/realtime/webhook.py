"""Outbound HTTP for third-party callbacks: the :class:`~palaver.services.ports.CallbackTransport`
port over aiohttp's client (one pooled session per node)."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp


class HttpCallbackTransport:
    """Posts callbacks with a pooled :class:`aiohttp.ClientSession`, made on first use.

    Args:
        limit: most connections open at once (all backends together).
    """

    def __init__(self, limit: int = 64) -> None:
        self._limit = limit
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        return self._session

    async def post(
        self, url: str, params: Mapping[str, str], body: bytes, seconds: float
    ) -> tuple[int, bytes]:
        """POST ``body`` to ``url?params``; (status, body). Raises TimeoutError
        after ``seconds`` (connecting included), ConnectionError on any other
        transport failure."""
        try:
            async with self._client().post(
                url,
                params=dict(params),
                data=body,
                timeout=aiohttp.ClientTimeout(total=seconds),
                allow_redirects=False,
            ) as resp:
                return resp.status, await resp.read()
        except TimeoutError:
            raise TimeoutError(f"no answer within {seconds:g} s") from None
        except aiohttp.ClientError as exc:
            raise ConnectionError(f"{type(exc).__name__}: {exc}") from None

    async def close(self) -> None:
        """Close the session and its pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
