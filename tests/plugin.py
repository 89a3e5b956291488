"""The test run's defaults, named in pyproject's `addopts` (`-p tests.plugin`), so that bare
`pytest` works in a fresh clone: pytest loads this before pytest-django configures Django.

The run uses the development defaults (pytest-django still runs each test with DEBUG off) and
its own var/ folder, so a `make run` worker on the same machine never consumes the tests' tasks.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


def _redis_database_of_this_worker(url: str, worker: int, workers: int) -> str:
    """The same Redis server, another database for each xdist worker: worker k of n adds
    k * (16 // n) to the configured database number (modulo Redis's 16), so the workers'
    brokers and caches never meet (one worker's purge or `cache.clear()` is another's loss)."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    moved = (database + worker * (16 // workers)) % 16
    return urlunsplit(parts._replace(path=f"/{moved}"))


def _one_environment_per_xdist_worker() -> None:
    """pytest-xdist (`make test` runs TEST_WORKERS of them): each worker has its own test database
    (pytest-django's `_gw0` suffix), session services on free ports, and here its own var/ folder
    and Redis databases for the broker, the cache and the policy counters. Worker gw0 keeps the
    configured ones (`.ci/run` empties them); the others' are emptied here, as nothing but this
    suite's workers uses them (what an interrupted run left there would leak into this one)."""
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker_id.startswith("gw"):
        return
    # The main process's var/ folder (inherited): a folder of its own inside it, else the workers
    # share the filesystem broker's queue (the embedded default) and the Postfix tables.
    run_dir = Path(os.environ.get("OKBNET_VAR_DIR") or tempfile.mkdtemp(prefix="okbnet-test-var-"))
    os.environ["OKBNET_TEST_RUN_DIR"] = str(run_dir)  # what the workers share (tests/databases.py)
    var = run_dir / worker_id
    var.mkdir(parents=True, exist_ok=True)
    os.environ["OKBNET_VAR_DIR"] = str(var)
    worker, workers = int(worker_id[2:]), int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if worker == 0:
        return
    import redis

    for name in ("CELERY_BROKER_URL", "CACHE_URL", "OKBNET_POLICY_REDIS_URL"):
        url = os.environ.get(name, "")
        if url.startswith("redis://"):
            os.environ[name] = _redis_database_of_this_worker(url, worker, workers)
            redis.Redis.from_url(os.environ[name]).flushdb()


def _catalogues_compiled() -> None:
    """The Japanese catalogues, compiled by `make messages`'s command when a .mo file is missing or
    older than its .po (.mo files are build output, not in git): bare `pytest` in a fresh clone tests
    the Japanese texts too. Once, in the main process, before any xdist worker starts; nothing to do
    (no Django start-up) when they are up to date."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    root = Path(__file__).resolve().parents[1]
    pos = [*root.glob("locale/*/LC_MESSAGES/*.po"), *root.glob("*/locale/*/LC_MESSAGES/*.po")]
    mos = [po.with_suffix(".mo") for po in pos]
    if all(mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime for po, mo in zip(pos, mos, strict=True)):
        return
    subprocess.run(
        [sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v0"],
        cwd=root,
        check=True,
    )


_one_environment_per_xdist_worker()
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("OKBNET_VAR_DIR", tempfile.mkdtemp(prefix="okbnet-test-var-"))
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
# the same test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The submission probe may only ever connect to loopback in tests (DESIGN §7b, BRIEF).
os.environ.setdefault("OKBNET_SMTP_PROBE_ALLOW", "127.0.0.0/8")
os.environ.setdefault("OKBNET_SMTP_PROBE_ONLY_ALLOWED", "1")
_catalogues_compiled()  # with the test defaults above (its Django uses the run's var/ folder)


def pytest_sessionfinish(session):
    """The main process of a parallel run, once its workers have dropped their databases: drop the
    template they were cloned from (tests/databases.py)."""
    option = session.config.option
    if hasattr(session.config, "workerinput") or not getattr(option, "numprocesses", None) or option.reuse_db:
        return
    from pytest_django.plugin import blocking_manager_key

    from tests.databases import drop_template_databases

    with session.config.stash[blocking_manager_key].unblock():
        drop_template_databases()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    config.addinivalue_line("markers", "real_hashers: hash passwords with the production hashers (Argon2)")
    config.addinivalue_line(
        "markers",
        "long_running: a module that takes tens of seconds, run first so that a parallel run does not end waiting on it",
    )


def pytest_collection_modifyitems(items):
    """The long-running modules first (a stable sort: the same order on every xdist worker), so
    that `--dist loadfile` starts them at once and the short ones fill the other workers."""
    items.sort(key=lambda item: item.get_closest_marker("long_running") is None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 costs about half a second a password here: tests hash with MD5, except the tests
    of hashing itself (`@pytest.mark.real_hashers`)."""
    if request.node.get_closest_marker("real_hashers") is None:
        settings.PASSWORD_HASHERS = FAST_HASHERS
