"""Benchmark settings: the production settings plus a bare baseline view (bench/urls.py)."""

from okbnet_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The throttle still runs (its cost is part of the measurement) but never refuses the load.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"verdict": "100000000/min"}}  # noqa: F405
