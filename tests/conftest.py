"""Settings every test layer shares: only what both the unit and the e2e layer need.

Hypothesis judges time by default: an example over 200 ms fails (``deadline``) and
slow input generation fails a health check (``too_slow``). On a busy machine (a CI
runner beside other jobs, a CPU hog: issue 13 §3) both fire without anything being
wrong, so the suite's profile turns them off; what a property checks stays as strict.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("palaver", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("palaver")
