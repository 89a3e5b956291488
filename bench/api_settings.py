"""Settings of bench_api's server: the portal's, with the baseline view's URLs added."""

from okbnet_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
