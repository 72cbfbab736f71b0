"""Fuzz budget: small in ``make test``, large in ``make fuzz`` (``EXPOSURE_FUZZ_EXAMPLES``).

Every fuzz test uses ``@settings(parent=FUZZ)`` (or ``FUZZ_EXAMPLES`` for hand-rolled loops), so one
variable scales them all; derandomised, so a failure in CI reproduces on a laptop.
"""

import os

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("EXPOSURE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("EXPOSURE_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
