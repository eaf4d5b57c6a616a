"""Per-key rate limits (issue 13): a fixed one-minute window per key, on the
service's clock (a test moves a fake clock instead of waiting)."""

from __future__ import annotations

from collections.abc import Hashable

from palaver.errors import ImError
from palaver.services.ports import Clock

#: Keys remembered at most; past it the windows that ended are forgotten.
MAX_KEYS = 100_000


class PerMinute:
    """At most ``limit`` events a minute per key (``limit`` 0: no limit)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[Hashable, tuple[int, int]] = {}

    def admit(self, key: Hashable, limit: int, code: int, what: str) -> None:
        """Count one event of ``key``. Raises ImError(``code``) past ``limit``
        in the current minute."""
        if not limit:
            return
        minute = int(self._clock.time()) // 60
        start, count = self._windows.get(key, (minute, 0))
        if start != minute:
            start, count = minute, 0
        if count >= limit:
            raise ImError(code, f"more than {limit} {what} a minute")
        if len(self._windows) >= MAX_KEYS and key not in self._windows:
            self._windows = {k: w for k, w in self._windows.items() if w[0] == minute}
        self._windows[key] = (start, count + 1)
