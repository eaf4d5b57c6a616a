"""The wall time and CPU of a pytest run: the test process's own and its children's.

    .venv/bin/python -m bench.suitecpu [pytest arguments...]

Runs ``pytest.main(arguments)`` in this process, then prints one line to stderr:
``wall <s> self <s> children <s>`` (seconds; ``getrusage`` ``RUSAGE_SELF`` and
``RUSAGE_CHILDREN``, user + system). Children are the processes the tests started and
waited for: Chromium, the Playwright driver, subprocess nodes. Exits with pytest's
status. Used for docs/benchmarks.md, "The test suite: one Chromium per run".
"""

from __future__ import annotations

import resource
import sys
import time

import pytest


def main(argv: list[str]) -> int:
    """Run pytest with ``argv``; print wall and CPU seconds; pytest's exit status."""
    started = time.perf_counter()
    status = pytest.main(argv)
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"wall {time.perf_counter() - started:.1f} self {me.ru_utime + me.ru_stime:.1f}"
        f" children {kids.ru_utime + kids.ru_stime:.1f}",
        file=sys.stderr,
    )
    return int(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
