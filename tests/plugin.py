"""The test run's defaults, named in pyproject's `addopts` (`-p tests.plugin`), so that bare
`pytest` works in a fresh clone: pytest loads this before pytest-django configures Django.

The run uses the development defaults (pytest-django still runs each test with DEBUG off) and
its own var/ folder, so a `make run` worker on the same machine never consumes the tests' tasks.
"""

import os
import tempfile

import pytest

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("OKBNET_VAR_DIR", tempfile.mkdtemp(prefix="okbnet-test-var-"))
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
# the same test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The submission probe may only ever connect to loopback in tests (DESIGN §7b, BRIEF).
os.environ.setdefault("OKBNET_SMTP_PROBE_ALLOW", "127.0.0.0/8")
os.environ.setdefault("OKBNET_SMTP_PROBE_ONLY_ALLOWED", "1")

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    config.addinivalue_line("markers", "real_hashers: hash passwords with the production hashers (Argon2)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 costs about half a second a password here: tests hash with MD5, except the tests
    of hashing itself (`@pytest.mark.real_hashers`)."""
    if request.node.get_closest_marker("real_hashers") is None:
        settings.PASSWORD_HASHERS = FAST_HASHERS
