import contextlib

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey

from .factories import MemberFactory, StaffFactory

# The machine is small and shared: judge properties, not speed (speed lives in bench/).
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")


def _live_server_without_nagle_delay() -> None:
    """Django's test server (pytest-django's `live_server`) writes a response's status line, headers
    and body in separate unbuffered sends; with Nagle's algorithm on, each send after the first
    waits for the client's delayed ACK, about 40 ms a request on loopback (seen: schemathesis's
    coverage run of 949 cases idled 50 of its 82 s). TCP_NODELAY, as production servers set."""
    from django.test.testcases import QuietWSGIRequestHandler

    QuietWSGIRequestHandler.disable_nagle_algorithm = True


_live_server_without_nagle_delay()


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's set-up of the test databases (its options --reuse-db, --create-db and
    --no-migrations included), except that the workers of a parallel run on PostgreSQL clone one
    migrated database instead of each migrating its own (tests/databases.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from . import databases

    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    worker = getattr(request.config, "workerinput", {})
    with django_db_blocker.unblock():
        if worker and not django_db_keepdb and databases.can_clone(aliases):
            config = databases.set_up_clones(
                worker["workerid"], worker["testrunuid"], aliases, serialized_aliases, verbosity
            )
        else:
            config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
        databases.remember_migrated_state(aliases)
    databases.install_row_deleting_reset()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=verbosity)


@pytest.fixture
def start_of_a_minute():
    """The API's rate limits count in fixed windows (okbnet_portal/api/throttling.py): a test that
    counts up to a per-minute limit starts at the start of a minute (the clock moved ahead by less
    than a minute, then running), else a window that ends mid-test splits the count in two (seen
    once in a parallel run: a fifth request allowed)."""
    import time

    import time_machine

    with time_machine.travel(time.time() // 60 * 60 + 60, tick=True):
        yield


@pytest.fixture
def api_key(db):
    """A valid key of the call-center tool with read and write scopes."""
    _obj, key = ClientAPIKey.objects.create_key(name="call-center", scopes=["read", "write"])
    return key


@pytest.fixture
def api(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    return client


@pytest.fixture
def anon_api():
    return APIClient()


# The trio of every access test: the owner, staff, and an outsider (healthchecks' alice/bob/charlie).
@pytest.fixture
def alice(db):
    return MemberFactory()


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def charlie(db):
    return MemberFactory()


@pytest.fixture(scope="session", autouse=True)
def _test_database_left_alone_at_the_end(django_db_setup, django_db_blocker):
    """Before pytest-django drops the test database, no other connection to it may be left, else
    the drop fails ("being accessed by other users") and the database stays behind. The session's
    services (FreeRADIUS, the worker) may take a moment to go; what is still connected after 2 s is
    named in a warning and disconnected. (Seen at the end of a whole run: one idle connection whose
    last query read every IP pool, as the submission probe's address check does; its thread is not
    found yet.)"""
    yield
    import time
    import warnings

    from django.db import connection

    if connection.vendor != "postgresql":
        return
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + 2
        while True:
            cursor.execute(f"SELECT pid, state, left(query, 80) {others}")
            rows = cursor.fetchall()
            if not rows or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if rows:
            warnings.warn(f"still connected to the test database at the end (disconnected): {rows}", stacklevel=1)
            cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker):
    """A real Celery worker (in a thread of this process) on the configured broker.

    Tests that use it must be `@pytest.mark.django_db(transaction=True)`, so that the
    worker's own database connection sees their rows.
    """
    from celery.contrib.testing.worker import start_worker

    from okbnet_portal.celery import app

    @app.task(name="tests.close_database_connections")
    def close_database_connections() -> None:
        """Run in the worker's thread: its connection would otherwise outlive the session and keep
        the test database from being dropped ("being accessed by other users")."""
        from django.db import connections

        connections.close_all()

    app.control.purge()
    if app.conf.broker_url.startswith("redis"):
        # The worker looks at Redis every 0.1 s, not every second (kombu takes polling_interval as
        # the BRPOP time-out): stopping it at the end of the session waited out that second. A task
        # still starts the moment it is sent. Not on the filesystem broker (the embedded default),
        # where the same option made the session's last task time out.
        app.conf.broker_transport_options = {**app.conf.broker_transport_options, "polling_interval": 0.1}
    # The database is unblocked while the worker starts and while it stops, not in between:
    # pytest-django's blocker is one switch for the whole process, and held open for the session it
    # let every later test without the django_db mark use the database unnoticed. The worker's
    # tasks run inside the transactional tests that send them, which have the database.
    running = contextlib.ExitStack()
    with django_db_blocker.unblock():
        worker = running.enter_context(start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30))
    _worker_running.append(worker)
    yield worker
    _worker_running.clear()
    with django_db_blocker.unblock(), running:
        close_database_connections.delay().get(timeout=30)


_worker_running: list = []


@pytest.fixture(autouse=True)
def _worker_settled_before_the_flush(request):
    """Before the flush of a transactional test, the work it set off in the session's worker
    (outbox, then Disconnect, queued by plan changes, enforcement, demo data) is finished, so that
    the worker is not inside a transaction while the flush truncates every table (a deadlock).

    Autouse, not an override of `transactional_db`: a test marked `django_db(transaction=True)`
    gets its database from pytest-django's `_django_db_helper` without ever asking for
    `transactional_db` (seen: test_policy_server's enforcement left a task running into the
    flush). Asking for the helper here sets it up first, so its flush comes after this teardown."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    if _worker_running:
        _settle_radius_work()


def _is_transactional(request) -> bool:
    """pytest-django's own test (in `_django_db_helper`), its marker read by its own parser."""
    from pytest_django.fixtures import validate_django_db

    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction, reset_sequences, *_ = validate_django_db(marker)  # a plain tuple, unpacked as pytest-django does
    return transaction or reset_sequences


def _settle_radius_work() -> None:
    import contextlib

    from django.db import DatabaseError

    from network import provisioning

    from .waiting import worker_drained

    with contextlib.suppress(Exception):  # the broker is down in this test: the sweep below still runs
        worker_drained(timeout=30)
    with contextlib.suppress(DatabaseError):
        provisioning.outbox_sweep()  # entries whose task the broker never got (broker-down tests)
    for _ in range(2):  # an entry being applied queues its Disconnect after the first ping
        try:
            worker_drained(timeout=30)
        except Exception:  # the broker is down in this test: nothing more can be waited for
            return
    _drop_scheduled_retries(_worker_running[0])


def _drop_scheduled_retries(worker) -> int:
    """A task that failed and will retry (autoretry's countdown) waits in the worker's timer: it
    would run during a later test, perhaps while that test's flush truncates the tables (a
    deadlock, seen once in test_policy_server's teardown). The test that set it off is over, so
    its retries are cancelled (the worker skips a cancelled timer entry)."""
    dropped = 0
    for event in worker.consumer.timer.queue:
        entry = event.entry
        if not entry.canceled and getattr(entry.fun, "__name__", "") == "apply_eta_task":
            entry.cancel()
            dropped += 1
    return dropped


@pytest.fixture
def celery_worker(celery_worker_session, transactional_db):
    return celery_worker_session


# --- DNS: a real NSD on 127.0.0.1 (tests/nsd.py) serving tests/dns_zones.py ---------------


@pytest.fixture(scope="session")
def nsd_server():
    """The session's NSD, or None when nsd is not installed (tests that need it call require)."""
    from .dns_zones import ZONES
    from .nsd import NSD, NsdServer

    if NSD is None:
        yield None
        return
    with NsdServer(ZONES) as server:
        yield server


@pytest.fixture(autouse=True)
def _dns_on_loopback(settings, nsd_server):
    """Every test resolves through loopback only: the session's NSD (which refuses names outside
    its zones at once), or without nsd a port nobody answers."""
    settings.OKBNET_DNS_NAMESERVERS = [nsd_server.address] if nsd_server else ["127.0.0.1:9"]


@pytest.fixture(autouse=True)
def _smtp_probe_on_loopback(settings):
    """The submission probe may connect to loopback only, whatever a test's DNS answers."""
    settings.OKBNET_SMTP_PROBE_ALLOW = ["127.0.0.0/8"]
    settings.OKBNET_SMTP_PROBE_ONLY_ALLOWED = True


@pytest.fixture
def dns(nsd_server, settings):
    """Tests that need the real DNS server: resolver settings point at it, DNS caches are empty."""
    from django.core.cache import cache

    from .components import require

    require(nsd_server is not None, "nsd (Debian package nsd)")
    settings.OKBNET_DNS_NAMESERVERS = [nsd_server.address]
    cache.clear()
    return nsd_server


class _BrokerSwitch:
    """Points what the portal sends (`broker_write_url`) at a closed loopback port, and back.

    The session's worker keeps its own consuming connection to the real broker, as a worker host
    does while the web host cannot reach the broker.
    """

    def __init__(self, app):
        import socket

        self.app = app
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            self.closed_url = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
        self.saved = app.conf.broker_write_url, app._pool, app.amqp._producer_pool

    def down(self) -> None:
        self.app.conf.broker_write_url = self.closed_url
        self.app._pool = self.app.amqp._producer_pool = None

    def back(self) -> None:
        self.app.conf.broker_write_url, self.app._pool, self.app.amqp._producer_pool = self.saved


@pytest.fixture
def broker_down(settings):
    """The broker is unreachable for the portal's sends; `broker_down.back()` brings it back."""
    from okbnet_portal.celery import app

    from .components import require

    require(settings.CELERY_BROKER_URL.startswith("redis://"), "a Redis broker (set CELERY_BROKER_URL)")
    switch = _BrokerSwitch(app)
    switch.down()
    try:
        yield switch
    finally:
        switch.back()


@pytest.fixture
def okbnet_test_names(dns, settings):
    """OKBNET's own names (mail domain, SPF include; MX, key, autoconfig host follow) in the test zones."""
    settings.OKBNET_MAIL_DOMAIN = "okbnet.test"
    settings.OKBNET_SPF_INCLUDE = "_spf.okbnet.test"
    return dns


# --- RADIUS: a real FreeRADIUS reading the test database (tests/freeradius.py) ------------


@pytest.fixture(scope="session")
def freeradius_session(django_db_setup, django_db_blocker):
    """The session's FreeRADIUS, its `sql` module on the test database (where the RADIUS tables are)."""
    from django.db import connections

    from .components import require
    from .freeradius import FREERADIUS, FreeRadiusServer

    require(FREERADIUS is not None, "freeradius (Debian packages freeradius, freeradius-postgresql)")
    database = connections["default"].settings_dict
    require(database["ENGINE"].endswith("postgresql"), "PostgreSQL (set DATABASE_URL)")
    with FreeRadiusServer(database) as server:
        yield server


@pytest.fixture
def freeradius(freeradius_session, celery_worker):
    return freeradius_session


# --- the mail gateway's policy service (network.policy) ------------------------------------


@pytest.fixture
def policy_redis(settings):
    """The policy counters' Redis (CACHE_URL's), without earlier tests' counters."""
    import redis

    from network.policy import KEY_PREFIX
    from tests.components import require

    url = settings.OKBNET_POLICY_REDIS_URL
    require(bool(url), "Redis for the policy counters (CACHE_URL=redis://...)")
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{KEY_PREFIX}:n:*"):
        client.delete(key)
    return url
