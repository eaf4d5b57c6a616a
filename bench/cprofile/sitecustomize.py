"""cProfile of a benchmarked server's main thread (``python -m bench.login_cost --cprofile``).

The probe puts this folder first on the server's ``PYTHONPATH`` and names the
output file in ``BENCH_CPROFILE``; Python imports ``sitecustomize`` at start-up,
and this one profiles from then on and writes the ``pstats`` file when the
process exits (``palaver serve`` exits cleanly on SIGTERM). Nothing happens
without ``BENCH_CPROFILE``. Read it with ``python -m pstats FILE``.
``BENCH_CPROFILE_TIMER=cpu`` times with ``time.thread_time`` (the main thread's
CPU time: what a loaded machine's preemptions and GIL waits add to wall time is
left out; each call to the timer is a system call, so everything is slower).
"""

from __future__ import annotations

import os

_path = os.environ.get("BENCH_CPROFILE")
if _path:
    import atexit
    import cProfile
    import time

    cpu = os.environ.get("BENCH_CPROFILE_TIMER") == "cpu"
    _profile = cProfile.Profile(time.thread_time) if cpu else cProfile.Profile()
    _profile.enable()

    def _dump() -> None:
        _profile.disable()
        _profile.dump_stats(_path)

    atexit.register(_dump)
