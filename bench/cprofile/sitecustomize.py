"""cProfile of a benchmarked server's main thread (``python -m bench.login_cost --cprofile``).

The probe puts this folder first on the server's ``PYTHONPATH`` and names the
output file in ``BENCH_CPROFILE``; Python imports ``sitecustomize`` at start-up,
and this one profiles from then on and writes the ``pstats`` file when the
process exits (``palaver serve`` exits cleanly on SIGTERM). Nothing happens
without ``BENCH_CPROFILE``. Read it with ``python -m pstats FILE``.
"""

from __future__ import annotations

import os

_path = os.environ.get("BENCH_CPROFILE")
if _path:
    import atexit
    import cProfile

    _profile = cProfile.Profile()
    _profile.enable()

    def _dump() -> None:
        _profile.disable()
        _profile.dump_stats(_path)

    atexit.register(_dump)
