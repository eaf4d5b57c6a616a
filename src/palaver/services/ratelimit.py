"""Per-key rate limits (issue 13): a fixed window per key (a minute, a second),
on the service's clock (a test moves a fake clock instead of waiting)."""

from __future__ import annotations

from collections.abc import Hashable

from palaver.errors import ImError
from palaver.services.ports import Clock

#: Keys remembered at most; past it the windows that ended are forgotten.
MAX_KEYS = 100_000


class PerWindow:
    """At most ``limit`` events per key in each window of ``seconds`` (``limit`` 0:
    no limit). ``unit`` names the window in the error (``"a minute"``)."""

    def __init__(self, clock: Clock, seconds: int, unit: str) -> None:
        self._clock = clock
        self._seconds = seconds
        self._unit = unit
        self._windows: dict[Hashable, tuple[int, int]] = {}

    def admit(self, key: Hashable, limit: int, code: int, what: str) -> None:
        """Count one event of ``key``. Raises ImError(``code``) past ``limit``
        in the current window."""
        if not limit:
            return
        window = int(self._clock.time()) // self._seconds
        start, count = self._windows.get(key, (window, 0))
        if start != window:
            start, count = window, 0
        if count >= limit:
            raise ImError(code, f"more than {limit} {what} {self._unit}")
        if len(self._windows) >= MAX_KEYS and key not in self._windows:
            self._windows = {k: w for k, w in self._windows.items() if w[0] == window}
        self._windows[key] = (start, count + 1)


class PerMinute(PerWindow):
    """At most ``limit`` events a minute per key."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock, 60, "a minute")


class PerSecond(PerWindow):
    """At most ``limit`` events a second per key."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock, 1, "a second")
