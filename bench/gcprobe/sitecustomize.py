"""Garbage-collector pauses of a benchmarked server (scenario 8, ``bench.scenarios``).

The harness puts this folder first on the server's ``PYTHONPATH`` and names a
file in ``BENCH_GC_LOG``; Python imports ``sitecustomize`` at start-up, and this
one appends a line per collection to that file: ``<perf_counter at its end>
<generation> <seconds>``. ``perf_counter`` is ``CLOCK_MONOTONIC``, the clock the
orchestrator uses too, so pauses can be summed over a measured interval. Nothing
happens without ``BENCH_GC_LOG`` (any other Python started with this path).

It does not hide another ``sitecustomize`` later on the path (e.g. one given in
``PYTHONPATH`` to try a change in the server without editing it): that one runs
after it.
"""

from __future__ import annotations

import os

_path = os.environ.get("BENCH_GC_LOG")
if _path:
    import gc
    import time
    from typing import Any

    _out = open(_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life
    _started = [0.0]

    def _pause(phase: str, info: dict[str, Any]) -> None:
        now = time.perf_counter()
        if phase == "start":
            _started[0] = now
        else:
            _out.write(f"{now:.6f} {info['generation']} {now - _started[0]:.6f}\n")

    gc.callbacks.append(_pause)


def _run_next() -> None:
    """Run the next ``sitecustomize.py`` on ``sys.path``, if any."""
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        folder = os.path.abspath(entry or ".")
        candidate = os.path.join(folder, "sitecustomize.py")
        if folder != here and os.path.isfile(candidate):
            with open(candidate, encoding="utf-8") as f:
                code = compile(f.read(), candidate, "exec")
            exec(code, {"__name__": "sitecustomize", "__file__": candidate})
            return


_run_next()
