"""Property tier: hypothesis generates the inputs.

Profiles: ``dev`` (default, quick), ``ci`` (more examples, derandomized so a CI failure replays exactly).
Choose one with ``HYPOTHESIS_PROFILE=ci``. No deadline: timing belongs to the benchmarks, not to assertions.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
