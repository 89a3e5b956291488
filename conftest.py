# Loaded before Django's settings. The test run uses the development defaults (pytest-django
# still runs each test with DEBUG off) and its own var/ folder, so a `make run` worker on the
# same machine never consumes the tests' tasks.
import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("OKBNET_VAR_DIR", tempfile.mkdtemp(prefix="okbnet-test-var-"))
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
# the same test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
